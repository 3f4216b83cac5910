-- A ticket waits in its group's queue while it has no owner and an active
-- status that routing may hand out: unassigned, or a status a caller asked
-- for (a solved ticket reopened as pending waits as pending, not as
-- unassigned). "new" stays out: a ticket created without routing waits for
-- a door to route it. Queries spell the predicate exactly as here
-- (sqlstore.waitingSQL) so both planners match them to this index.
DROP INDEX tickets_queue;
CREATE INDEX tickets_queue ON tickets (workspace_id, group_id, queue_rank, created_at, number)
    WHERE assignee_id IS NULL AND status IN ('unassigned', 'open', 'pending', 'on_hold');
