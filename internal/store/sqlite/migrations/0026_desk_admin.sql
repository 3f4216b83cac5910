-- What the agent desk's admin pages need over the native API (issue 18):
-- an agent can be deactivated (kept with its history, never signed in,
-- never routed to); a group has a description; API tokens are listed by a short prefix of their
-- secret (the secret itself is never kept) and when they were last used;
-- saved replies (canned responses) are personal (owner_id) or shared by
-- the workspace (owner_id '').
ALTER TABLE agents ADD COLUMN deactivated_at INTEGER;
ALTER TABLE groups ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;

CREATE TABLE saved_replies (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    owner_id     TEXT NOT NULL DEFAULT '', -- '' = shared
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,
    shortcut     TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- Keyset listing by id within a workspace.
CREATE INDEX saved_replies_list ON saved_replies (workspace_id, id);
-- A shortcut names one reply per scope: among the shared ones, and among
-- each agent's own.
CREATE UNIQUE INDEX saved_replies_shortcut ON saved_replies (workspace_id, owner_id, shortcut) WHERE shortcut <> '';
