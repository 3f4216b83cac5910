-- The agent desk's sign-in sessions (internal/web, docs/web.md). The id
-- is kept only as its SHA-256; the agent row is read with the session on
-- every request, so an agent whose access ended (password cleared or
-- changed: password_mark no longer matches) is signed out at once.
CREATE TABLE web_sessions (
    hash         BLOB PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    agent_id     TEXT NOT NULL REFERENCES agents(id),
    csrf         TEXT NOT NULL,
    password_mark TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    seen_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX web_sessions_agent ON web_sessions (workspace_id, agent_id);

-- Failed sign-ins by key (an account or an address, hashed), for the
-- desk's login throttle; rows older than its window are deleted as new
-- ones arrive.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
