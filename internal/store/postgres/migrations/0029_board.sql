-- The supervisor board counts today's SLA breaches (issue 18): each due
-- time gets an index so the count reads only the day's due tickets, never
-- the whole workspace.
CREATE INDEX tickets_first_reply_due ON tickets (workspace_id, first_reply_due_at);
CREATE INDEX tickets_resolve_due ON tickets (workspace_id, resolve_due_at);
