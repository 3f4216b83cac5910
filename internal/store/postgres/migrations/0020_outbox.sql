-- The outbox (docs/outbox.md): the one durable delivery queue. A row is
-- written in the transaction of what it delivers (a reply), and a worker
-- on some node claims it after the commit, sends it, and records the
-- outcome. Times are ms like every other column.
CREATE TABLE outbox (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id),
    kind               TEXT NOT NULL,              -- message (webhooks later)
    ticket_id          TEXT NOT NULL DEFAULT '',
    message_id         TEXT NOT NULL DEFAULT '',
    payload            TEXT NOT NULL DEFAULT '',   -- for kinds that carry their body (webhooks)
    channel_account_id TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,              -- queued, sending, sent, failed
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT NOT NULL,
    claimed_by         TEXT NOT NULL DEFAULT '',   -- the worker's claim token, fencing late settles
    claimed_until      BIGINT,                     -- the claim's lease; NULL when not claimed
    last_error         TEXT NOT NULL DEFAULT '',
    provider_id        TEXT NOT NULL DEFAULT '',
    sent_at            BIGINT,
    created_at         BIGINT NOT NULL
);
-- Claiming: queued rows by due time, and sending rows whose lease may have
-- run out. Sent and failed rows (nearly all, in time) stay out of it.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_lease ON outbox (claimed_until) WHERE status = 'sending';
-- A ticket's messages, and one message, read their delivery through it.
CREATE INDEX outbox_ticket ON outbox (workspace_id, ticket_id, message_id);
