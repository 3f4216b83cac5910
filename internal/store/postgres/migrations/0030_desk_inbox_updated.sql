-- The desk's inbox lists a view's active tickets most recently updated
-- first (the API lists newest first, which tickets_inbox_active serves).
-- Without these, "mine" sorted an agent's every active ticket per page, or
-- walked tickets_updated through the whole workspace skipping other
-- agents' and closed tickets: ~20,000 rows read for 25 at 1,000,000
-- tickets. With them, mine and unassigned (assignee_id IS NULL) read 26
-- entries of the first, All open the second (a group's view filters it).
-- The WHERE must match the statement text exactly, like 0009's: keep it
-- in step with desk.ActiveStatuses.
CREATE INDEX tickets_inbox_active_updated ON tickets (workspace_id, assignee_id, updated_at, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_active_updated ON tickets (workspace_id, updated_at, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
