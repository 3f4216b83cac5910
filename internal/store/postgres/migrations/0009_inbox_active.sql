-- An agent's inbox: assignee = me, an active status, newest first.
--
-- tickets_inbox (0008) walks all of the agent's tickets newest first and
-- skips the closed ones in the index, so its cost grows with the agent's
-- history: at 1,000,000 tickets an agent holds ~50,000 mostly closed ones
-- and a page of 25 active tickets read thousands of entries. This partial
-- index holds active tickets only, so the first page reads 25 entries
-- whatever the history. The WHERE must match the statement text exactly
-- (sqlstore emits the active list as literals for this reason): keep it in
-- step with desk.ActiveStatuses.
CREATE INDEX tickets_inbox_active ON tickets (workspace_id, assignee_id, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
