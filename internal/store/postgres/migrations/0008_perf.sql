-- Indexes for the hot reads measured by `ticketd bench` (docs/PERFORMANCE.md).
--
-- An agent's inbox (assignee = me, active statuses, newest first) walks this
-- index backwards from the agent's newest ticket and checks the status in
-- the index itself, so it reads the 25 rows it returns and a few skipped
-- ones, however many tickets the workspace or the agent has. Without it the
-- planner walks every ticket of the workspace newest first, reading each row
-- to test assignee and status (or sorts all of the agent's active tickets).
CREATE INDEX tickets_inbox ON tickets (workspace_id, assignee_id, number, status);
