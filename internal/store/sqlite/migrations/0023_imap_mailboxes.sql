-- Polled IMAP mailboxes (docs/email.md "IMAP mailbox"): per e-mail account
-- and folder, the UIDVALIDITY seen and the highest UID processed — the
-- watermark that makes each mail fetched once across restarts — and the
-- lease that lets one node at a time poll it (claimed_by fences a node
-- whose lease ran out). Times are ms like every other column.
CREATE TABLE imap_mailboxes (
    account_id    TEXT NOT NULL,
    folder        TEXT NOT NULL,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    uidvalidity   INTEGER NOT NULL DEFAULT 0,
    last_uid      INTEGER NOT NULL DEFAULT 0,
    claimed_by    TEXT NOT NULL DEFAULT '',
    claimed_until INTEGER,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, folder)
);
