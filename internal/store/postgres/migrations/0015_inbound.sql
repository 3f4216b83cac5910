-- Inbound messages (docs/inbound.md): a message remembers the channel
-- account it came through or went out on and the provider's id for it, so
-- a repeated delivery of one provider message is recognised (the unique
-- index), and an inbound e-mail keeps its HTML for later sanitizing.
ALTER TABLE messages ADD COLUMN channel_account_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN html TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX messages_provider ON messages (workspace_id, channel_account_id, provider_id) WHERE provider_id <> '';

-- One identity (channel + external id) names one contact of a workspace.
-- Contacts that held the same identity before this migration are merged
-- into the oldest of them (sqlstore.mergeDuplicateIdentities); each merge
-- is recorded here for admins to read.
CREATE TABLE contact_merges (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    contact_id     TEXT NOT NULL, -- the merged contact, deleted
    contact_number BIGINT NOT NULL,
    contact_name   TEXT NOT NULL DEFAULT '',
    into_id        TEXT NOT NULL REFERENCES contacts(id),
    into_number    BIGINT NOT NULL,
    identities     TEXT NOT NULL DEFAULT '[]', -- the shared identities, JSON
    tickets        BIGINT NOT NULL DEFAULT 0,    -- tickets moved to into_id
    reason         TEXT NOT NULL DEFAULT '',
    merged_at      BIGINT NOT NULL
);
CREATE INDEX contact_merges_workspace ON contact_merges (workspace_id, merged_at, id);

-- migrate:go merge_duplicate_identities

DROP INDEX contact_identities_lookup;
CREATE UNIQUE INDEX contact_identities_unique ON contact_identities (workspace_id, channel, external_id);
