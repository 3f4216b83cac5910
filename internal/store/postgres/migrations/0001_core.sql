-- Core schema of the embedded store. Instants are BIGINT milliseconds since
-- the Unix epoch (UTC); JSON values are TEXT.

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    number     BIGINT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    timezone   TEXT NOT NULL DEFAULT 'UTC',
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);

CREATE TABLE counters (
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    value        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, kind)
);

CREATE TABLE agents (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces(id),
    number              BIGINT NOT NULL,
    name                TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL,
    presence            TEXT NOT NULL DEFAULT 'offline',
    presence_changed_at BIGINT,
    last_login_at       BIGINT,
    capacity            BIGINT NOT NULL DEFAULT 0,
    accesses            TEXT NOT NULL DEFAULT '[]',
    avatar_url          TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE UNIQUE INDEX agents_email ON agents (workspace_id, email) WHERE email <> '';
CREATE INDEX agents_login ON agents (email);

CREATE TABLE groups (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    number        BIGINT NOT NULL,
    name          TEXT NOT NULL,
    supervisor_id TEXT REFERENCES agents(id),
    created_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, name)
);

CREATE TABLE agent_groups (
    workspace_id TEXT NOT NULL,
    agent_id     TEXT NOT NULL REFERENCES agents(id),
    group_id     TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (agent_id, group_id)
);
CREATE INDEX agent_groups_group ON agent_groups (group_id, agent_id);

CREATE TABLE contacts (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    number        BIGINT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    national_id   TEXT NOT NULL DEFAULT '',
    external_id   TEXT NOT NULL DEFAULT '',
    custom_fields TEXT NOT NULL DEFAULT '[]',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE INDEX contacts_national_id ON contacts (workspace_id, national_id) WHERE national_id <> '';
CREATE INDEX contacts_email ON contacts (workspace_id, email) WHERE email <> '';
CREATE INDEX contacts_phone ON contacts (workspace_id, phone) WHERE phone <> '';

CREATE TABLE contact_identities (
    workspace_id TEXT NOT NULL,
    contact_id   TEXT NOT NULL REFERENCES contacts(id),
    position     BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    page_id      TEXT NOT NULL DEFAULT '',
    screen_name  TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (contact_id, channel, external_id)
);
CREATE INDEX contact_identities_lookup ON contact_identities (workspace_id, channel, external_id);

CREATE TABLE channel_accounts (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    number        BIGINT NOT NULL,
    channel       TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    uid           TEXT NOT NULL DEFAULT '',
    provider_type TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);

CREATE TABLE tickets (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id),
    number             BIGINT NOT NULL,
    subject            TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    closed_reason      TEXT NOT NULL DEFAULT '',
    closure_type       TEXT NOT NULL DEFAULT '',
    status_reason      TEXT NOT NULL DEFAULT '',
    escalated          BOOLEAN NOT NULL DEFAULT FALSE,
    escalation         TEXT,
    priority           TEXT NOT NULL DEFAULT '',
    priority_rank      BIGINT NOT NULL DEFAULT 0,
    queue_rank         BIGINT NOT NULL DEFAULT 5,
    flagged            BOOLEAN NOT NULL DEFAULT FALSE,
    type               TEXT NOT NULL DEFAULT '',
    channel            TEXT NOT NULL,
    channel_account_id TEXT REFERENCES channel_accounts(id),
    origin             TEXT NOT NULL DEFAULT '',
    source_code        BIGINT NOT NULL DEFAULT 0,
    contact_id         TEXT REFERENCES contacts(id),
    assignee_id        TEXT REFERENCES agents(id),
    group_id           TEXT REFERENCES groups(id),
    supervisor_id      TEXT REFERENCES agents(id),
    cc                 TEXT NOT NULL DEFAULT '{}',
    tags               TEXT NOT NULL DEFAULT '[]',
    template_id        BIGINT NOT NULL DEFAULT 0,
    custom_fields      TEXT NOT NULL DEFAULT '[]',
    meta               TEXT NOT NULL DEFAULT '{}',
    created_by         TEXT NOT NULL DEFAULT '{}',
    closed_by          TEXT NOT NULL DEFAULT '{}',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    queued_at          BIGINT,
    first_assigned_at  BIGINT,
    assigned_at        BIGINT,
    opened_at          BIGINT,
    pending_at         BIGINT,
    solved_at          BIGINT,
    closed_at          BIGINT,
    escalated_at       BIGINT,
    transferred_at     BIGINT,
    first_response_at  BIGINT,
    first_agent_response_at BIGINT,
    last_customer_msg_at    BIGINT,
    last_agent_msg_at       BIGINT,
    first_reply_due_at BIGINT,
    resolve_due_at     BIGINT,
    UNIQUE (workspace_id, number)
);
CREATE INDEX tickets_status ON tickets (workspace_id, status, number);
CREATE INDEX tickets_assignee ON tickets (workspace_id, assignee_id, status, number);
CREATE INDEX tickets_group ON tickets (workspace_id, group_id, status, queue_rank, created_at);
CREATE INDEX tickets_contact ON tickets (workspace_id, contact_id, number);
CREATE INDEX tickets_created ON tickets (workspace_id, created_at, number);
CREATE INDEX tickets_updated ON tickets (workspace_id, updated_at, number);
CREATE INDEX tickets_channel ON tickets (workspace_id, channel, created_at, number);

CREATE TABLE ticket_tags (
    workspace_id TEXT NOT NULL,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    tag          TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (workspace_id, tag, ticket_id);

CREATE TABLE messages (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    number       BIGINT NOT NULL,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    direction    TEXT NOT NULL,
    public       BOOLEAN NOT NULL,
    author_kind  TEXT NOT NULL,
    author_id    TEXT NOT NULL DEFAULT '',
    author_name  TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    meta         TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE INDEX messages_ticket ON messages (ticket_id, number);

CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    number       BIGINT NOT NULL,
    ticket_id    TEXT REFERENCES tickets(id),
    message_id   TEXT REFERENCES messages(id),
    token        TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    path         TEXT NOT NULL DEFAULT '',
    field_key    TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, token)
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    at           BIGINT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL,
    from_value   TEXT NOT NULL DEFAULT '',
    to_value     TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_ticket ON events (ticket_id, at, id);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    agent_id     TEXT NOT NULL REFERENCES agents(id),
    hash         BYTEA NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT
);

CREATE TABLE field_defs (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    key          TEXT NOT NULL,
    scope        TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '[]',
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, scope, key)
);
