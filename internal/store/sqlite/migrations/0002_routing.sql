-- Routing: the live workload of every agent, the queue index, SLA policies
-- and per-agent channel-account eligibility.
--
-- agent_loads mirrors each agent's routing inputs (role, presence, capacity)
-- and counts its active assigned tickets. Triggers on agents and tickets keep
-- it exact in the same transaction as every write, whichever code path makes
-- it, so a routing decision reads one indexed row per candidate instead of
-- counting tickets. "available" is 1 for an online, non-bot agent with room.
-- Only columns that never change are indexed, so that on PostgreSQL the
-- frequent counter updates stay heap-only (HOT) and are pruned in place
-- even before autovacuum comes by; a pool is at most a few thousand rows
-- to filter and sort.

CREATE TABLE agent_loads (
    agent_id         TEXT PRIMARY KEY REFERENCES agents(id),
    workspace_id     TEXT NOT NULL,
    number           INTEGER NOT NULL,
    role             TEXT NOT NULL,
    presence         TEXT NOT NULL,
    capacity         INTEGER NOT NULL,
    active           INTEGER NOT NULL DEFAULT 0,
    last_assigned_at INTEGER NOT NULL DEFAULT 0,
    restricted       INTEGER NOT NULL DEFAULT 0,
    available        INTEGER GENERATED ALWAYS AS (CASE WHEN presence = 'online' AND role <> 'bot'
                         AND (capacity = 0 OR active < capacity) THEN 1 ELSE 0 END) STORED
);
CREATE INDEX agent_loads_workspace ON agent_loads (workspace_id);

INSERT INTO agent_loads (agent_id, workspace_id, number, role, presence, capacity, active, last_assigned_at)
SELECT a.id, a.workspace_id, a.number, a.role, a.presence, a.capacity,
       (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = a.id
           AND t.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold')),
       COALESCE((SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = a.id), 0)
FROM agents a;

CREATE TRIGGER agent_loads_agent_insert AFTER INSERT ON agents
BEGIN
    INSERT INTO agent_loads (agent_id, workspace_id, number, role, presence, capacity)
    VALUES (NEW.id, NEW.workspace_id, NEW.number, NEW.role, NEW.presence, NEW.capacity);
END;

CREATE TRIGGER agent_loads_agent_update AFTER UPDATE OF role, presence, capacity ON agents
WHEN OLD.role IS NOT NEW.role OR OLD.presence IS NOT NEW.presence OR OLD.capacity IS NOT NEW.capacity
BEGIN
    UPDATE agent_loads SET role = NEW.role, presence = NEW.presence, capacity = NEW.capacity
    WHERE agent_id = NEW.id;
END;

CREATE TRIGGER agent_loads_ticket_insert AFTER INSERT ON tickets
WHEN NEW.assignee_id IS NOT NULL
BEGIN
    UPDATE agent_loads SET last_assigned_at = NEW.updated_at,
        active = active + (NEW.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold'))
    WHERE agent_id = NEW.assignee_id;
END;

CREATE TRIGGER agent_loads_ticket_update AFTER UPDATE OF assignee_id, status ON tickets
WHEN OLD.assignee_id IS NOT NEW.assignee_id OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE agent_loads SET active = active - 1
    WHERE agent_id = OLD.assignee_id
      AND OLD.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
    UPDATE agent_loads SET active = active + 1
    WHERE agent_id = NEW.assignee_id
      AND NEW.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
    UPDATE agent_loads SET last_assigned_at = NEW.updated_at
    WHERE agent_id = NEW.assignee_id AND OLD.assignee_id IS NOT NEW.assignee_id;
END;

CREATE TRIGGER agent_loads_ticket_delete AFTER DELETE ON tickets
WHEN OLD.assignee_id IS NOT NULL
BEGIN
    UPDATE agent_loads SET active = active - 1
    WHERE agent_id = OLD.assignee_id
      AND OLD.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
END;

-- The queues: waiting tickets of each group (NULL = the general queue) in
-- drain order. Heads, positions and queue pages are range scans of it.
CREATE INDEX tickets_queue ON tickets (workspace_id, group_id, queue_rank, created_at, number)
    WHERE status = 'unassigned' AND assignee_id IS NULL;

-- Channel accounts an agent may be routed tickets from (PostCenter
-- assignable_to); an agent with no rows takes every account.
CREATE TABLE agent_channel_accounts (
    workspace_id       TEXT NOT NULL,
    agent_id           TEXT NOT NULL REFERENCES agents(id),
    channel_account_id TEXT NOT NULL REFERENCES channel_accounts(id),
    PRIMARY KEY (agent_id, channel_account_id)
);

-- SLA targets per workspace and priority ('' = the default policy).
CREATE TABLE sla_policies (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    priority      TEXT NOT NULL,
    first_reply_s INTEGER NOT NULL DEFAULT 0,
    resolve_s     INTEGER NOT NULL DEFAULT 0,
    timezone      TEXT NOT NULL DEFAULT '',
    hours         TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, priority)
);
