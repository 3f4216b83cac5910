-- The SMTP listener finds a recipient's mailbox by address across
-- workspaces at RCPT time, once per recipient of every mail.
CREATE INDEX channel_accounts_uid ON channel_accounts (channel, lower(uid));
