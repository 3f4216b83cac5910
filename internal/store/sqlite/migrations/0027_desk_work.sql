-- The inbox's priority and SLA-due sorts page by keyset (sqlstore orders
-- desk.OrderPriority and desk.OrderSLADue), over active tickets: one index
-- per order for the whole workspace (All open, a group) and one led by the
-- assignee (Mine, Unassigned). Partial, like tickets_inbox_active (0009):
-- the WHERE must match sqlstore's literal active list, and the SLA
-- expression must match slaDueSQL exactly.
CREATE INDEX tickets_priority_active ON tickets (workspace_id, queue_rank, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_priority_assignee ON tickets (workspace_id, assignee_id, queue_rank, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_sla_due_active ON tickets (workspace_id,
  (COALESCE(CASE WHEN first_agent_response_at IS NULL THEN first_reply_due_at END, resolve_due_at, 9007199254740991)), number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_sla_due_assignee ON tickets (workspace_id, assignee_id,
  (COALESCE(CASE WHEN first_agent_response_at IS NULL THEN first_reply_due_at END, resolve_due_at, 9007199254740991)), number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');

-- Macros (issue 18): a saved set of actions on a ticket (JSON: status,
-- priority, add_tags, remove_tags, assign_to_me) plus an optional reply,
-- personal (owner_id) or shared (''), like saved replies.
CREATE TABLE macros (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    owner_id     TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    shortcut     TEXT NOT NULL DEFAULT '',
    actions      TEXT NOT NULL DEFAULT '{}',
    reply        TEXT NOT NULL DEFAULT '',
    is_note      INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX macros_list ON macros (workspace_id, id);
-- A shortcut names one macro per scope: the shared ones, each agent's own.
CREATE UNIQUE INDEX macros_shortcut ON macros (workspace_id, owner_id, shortcut) WHERE shortcut <> '';
