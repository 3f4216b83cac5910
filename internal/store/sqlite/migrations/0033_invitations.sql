-- Invitations to the desk (docs/web.md, "Inviting agents"): an admin
-- creates an agent without a password and ticketd issues a link the agent
-- opens to choose one. The link's token is random (256 bits) and kept only
-- as its SHA-256; it is single-use (used_at), expires (expires_at, 7 days)
-- and is revoked when an admin revokes it or issues a new link
-- (revoked_at). Used, expired and revoked rows stay, so a late click on
-- an old link answers "no longer valid" (410) rather than "unknown" (404).
CREATE TABLE agent_invitations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    agent_id     TEXT NOT NULL REFERENCES agents(id),
    hash         BLOB NOT NULL UNIQUE,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX agent_invitations_agent ON agent_invitations (workspace_id, agent_id, created_at);
-- At most one open (neither used nor revoked) invitation per agent: a new
-- link revokes the old one in the same transaction.
CREATE UNIQUE INDEX agent_invitations_open ON agent_invitations (agent_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- One-time views of the desk (Post/Redirect/Get): a secret answered once
-- (an API token's, an invitation's link) is kept here between the POST
-- and the GET it redirects to, sealed with a key derived from the
-- browser's session cookie (which the store never holds: web_sessions
-- keeps its hash), for minutes, and deleted by the GET that shows it.
CREATE TABLE web_flashes (
    hash         BLOB PRIMARY KEY,
    session_hash BLOB NOT NULL,
    sealed       BLOB NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX web_flashes_expires ON web_flashes (expires_at);
