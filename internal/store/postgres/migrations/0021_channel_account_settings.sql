-- Channel accounts managed over the API (docs/email.md "Channel accounts"):
-- the group new tickets from the account route to, and the account's
-- settings as JSON whose secret values are sealed with the server secret
-- (AES-256-GCM, "tdsec:v1:" prefix) — never stored in the clear.
ALTER TABLE channel_accounts ADD COLUMN group_id TEXT REFERENCES groups(id);
ALTER TABLE channel_accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '';
