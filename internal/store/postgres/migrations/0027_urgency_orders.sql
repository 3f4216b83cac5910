-- The inbox's priority and SLA-due sorts page by keyset (sqlstore orders
-- desk.OrderPriority and desk.OrderSLADue), over active tickets: one index
-- per order for the whole workspace (All open, a group) and one led by the
-- assignee (Mine, Unassigned). Partial, like tickets_inbox_active (0009):
-- the WHERE must match sqlstore's literal active list, and the SLA
-- expression must match slaDueSQL exactly.
CREATE INDEX tickets_priority_active ON tickets (workspace_id, queue_rank, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_priority_assignee ON tickets (workspace_id, assignee_id, queue_rank, number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_sla_due_active ON tickets (workspace_id,
  (COALESCE(CASE WHEN first_agent_response_at IS NULL THEN first_reply_due_at END, resolve_due_at, 9007199254740991)), number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_sla_due_assignee ON tickets (workspace_id, assignee_id,
  (COALESCE(CASE WHEN first_agent_response_at IS NULL THEN first_reply_due_at END, resolve_due_at, 9007199254740991)), number)
  WHERE status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold');
