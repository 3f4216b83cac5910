-- A workspace's events in feed order, for the live desk rooms (workspace,
-- agent and group streams), which read every event of a workspace after a
-- cursor: without it that read scans the workspace's whole log.
CREATE INDEX events_workspace ON events (workspace_id, at, id);

-- An agent's tokens, deleted together when the agent's access ends.
CREATE INDEX tokens_agent ON tokens (agent_id);
