-- A ticket's attachments, read with its messages on every ticket page and
-- every API read of its messages: without this index the read walked the
-- whole workspace's attachments (the (workspace_id, number) unique index),
-- one more row per file ever uploaded to the workspace.
CREATE INDEX attachments_ticket ON attachments (workspace_id, ticket_id, number);
