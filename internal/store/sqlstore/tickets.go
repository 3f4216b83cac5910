package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// ticketCols lists every ticket column in scan order.
const ticketCols = `t.id, t.workspace_id, t.number, t.subject, t.description, t.status, t.closed_reason,
	t.status_reason, t.escalated, t.escalation, t.priority, t.priority_rank, t.flagged, t.type, t.channel,
	t.channel_account_id, t.origin, t.contact_id, t.assignee_id, t.group_id, t.supervisor_id,
	t.cc, t.tags, t.template_id, t.custom_fields, t.meta, t.created_by, t.closed_by,
	t.created_at, t.updated_at, t.queued_at, t.first_assigned_at, t.assigned_at, t.opened_at, t.pending_at,
	t.solved_at, t.closed_at, t.escalated_at, t.transferred_at, t.first_response_at, t.first_agent_response_at,
	t.last_customer_msg_at, t.last_agent_msg_at, t.first_reply_due_at, t.resolve_due_at`

func scanTicket(r rowScanner, t *desk.Ticket) error {
	var created, updated int64
	err := r.Scan(&t.ID, &t.WorkspaceID, &t.Number, &t.Subject, &t.Description, &t.Status, &t.ClosedReason,
		&t.StatusReason, &t.Escalated, js(&t.Escalation), &t.Priority, &t.PriorityRank, &t.Flagged, &t.Type, &t.Channel,
		ns(&t.ChannelAccountID), &t.Origin, ns(&t.ContactID), ns(&t.AssigneeID), ns(&t.GroupID), ns(&t.SupervisorID),
		js(&t.CC), js(&t.Tags), &t.TemplateID, js(&t.CustomFields), js(&t.Meta), js(&t.CreatedBy), js(&t.ClosedBy),
		&created, &updated, tm(&t.QueuedAt), tm(&t.FirstAssignedAt), tm(&t.AssignedAt), tm(&t.OpenedAt), tm(&t.PendingAt),
		tm(&t.SolvedAt), tm(&t.ClosedAt), tm(&t.EscalatedAt), tm(&t.TransferredAt), tm(&t.FirstResponseAt), tm(&t.FirstAgentResponseAt),
		tm(&t.LastCustomerMsgAt), tm(&t.LastAgentMsgAt), tm(&t.FirstReplyDueAt), tm(&t.ResolveDueAt))
	t.CreatedAt, t.UpdatedAt = msToTime(created), msToTime(updated)
	return err
}

// ticketArgs are the values of ticketCols (minus the t. prefix) in order,
// followed by queue_rank.
func ticketArgs(t *desk.Ticket) []any {
	var esc any
	if t.Escalation != nil {
		esc = js(t.Escalation)
	}
	return []any{t.ID, t.WorkspaceID, t.Number, t.Subject, t.Description, t.Status, t.ClosedReason,
		t.StatusReason, t.Escalated, esc, t.Priority, t.PriorityRank, t.Flagged, t.Type, t.Channel,
		nullIfEmpty(t.ChannelAccountID), t.Origin, nullIfEmpty(t.ContactID), nullIfEmpty(t.AssigneeID),
		nullIfEmpty(t.GroupID), nullIfEmpty(t.SupervisorID),
		js(t.CC), js(nonNil(t.Tags)), t.TemplateID, js(nonNil(t.CustomFields)), js(t.Meta), js(t.CreatedBy), js(t.ClosedBy),
		ms(t.CreatedAt), ms(t.UpdatedAt), tm(&t.QueuedAt), tm(&t.FirstAssignedAt), tm(&t.AssignedAt), tm(&t.OpenedAt), tm(&t.PendingAt),
		tm(&t.SolvedAt), tm(&t.ClosedAt), tm(&t.EscalatedAt), tm(&t.TransferredAt), tm(&t.FirstResponseAt), tm(&t.FirstAgentResponseAt),
		tm(&t.LastCustomerMsgAt), tm(&t.LastAgentMsgAt), tm(&t.FirstReplyDueAt), tm(&t.ResolveDueAt),
		queueRank(t)}
}

// queueRank is the drain order key: 1 = most urgent.
func queueRank(t *desk.Ticket) int {
	if t.PriorityRank > 0 {
		return t.PriorityRank
	}
	return t.Priority.Rank()
}

var (
	ticketInsertSQL = func() string {
		cols := strings.ReplaceAll(ticketCols, "t.", "") + ", queue_rank"
		n := strings.Count(cols, ",") + 1
		ph := make([]string, n)
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		return `INSERT INTO tickets (` + cols + `) VALUES (` + strings.Join(ph, ", ") + `)`
	}()
	// ticketUpdateSQL sets every column but the immutable ones; its
	// arguments are ticketArgs at the positions ticketUpdateKeep lists.
	ticketUpdateSQL, ticketUpdateKeep = func() (string, []int) {
		cols := strings.Split(strings.ReplaceAll(ticketCols, "t.", "")+", queue_rank", ",")
		var set []string
		var keep []int
		for i, c := range cols {
			c = strings.TrimSpace(c)
			switch c {
			case "number", "created_at":
				continue
			}
			keep = append(keep, i)
			if c == "id" || c == "workspace_id" {
				continue
			}
			set = append(set, fmt.Sprintf("%s = $%d", c, len(keep)))
		}
		return `UPDATE tickets SET ` + strings.Join(set, ", ") + ` WHERE id = $1 AND workspace_id = $2`, keep
	}()
)

func (c *conn) ticket(ctx context.Context, what, suffix string, args ...any) (*desk.Ticket, error) {
	var t desk.Ticket
	err := scanTicket(c.q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets t WHERE `+suffix, args...), &t)
	if err != nil {
		return nil, c.mapErr(err, what)
	}
	return &t, nil
}

func (c *conn) Ticket(ctx context.Context, ws, id string) (*desk.Ticket, error) {
	return c.ticket(ctx, "ticket "+id, `t.workspace_id = $1 AND t.id = $2`, ws, id)
}

func (c *conn) TicketByNumber(ctx context.Context, ws string, number int64) (*desk.Ticket, error) {
	return c.ticket(ctx, fmt.Sprintf("ticket #%d", number), `t.workspace_id = $1 AND t.number = $2`, ws, number)
}

func (t *tx) LockTicket(ctx context.Context, ws, id string) (*desk.Ticket, error) {
	tk, err := t.ticket(ctx, "lock ticket "+id, `t.workspace_id = $1 AND t.id = $2`+t.fl.ForUpdate, ws, id)
	if err != nil {
		return nil, err
	}
	// A locked ticket is about to be written: remember the row.
	vals, err := rowValues(ticketArgs(tk))
	if err != nil {
		return nil, fmt.Errorf("lock ticket %s: %w", id, err)
	}
	t.remember(tk, vals)
	return tk, nil
}

func (c *conn) CreateTicket(ctx context.Context, t *desk.Ticket) error {
	n, err := c.nextNumber(ctx, t.WorkspaceID, "ticket")
	if err != nil {
		return err
	}
	t.Number = n
	vals, err := rowValues(ticketArgs(t))
	if err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	if c.pend != nil {
		// Held back (events.go): one new ticket at a time.
		if err := c.flush(ctx); err != nil {
			return err
		}
		c.pend.ticket = &pendingTicket{id: t.ID, ws: t.WorkspaceID, vals: vals, tags: slices.Clone(t.Tags),
			assignee: t.AssigneeID, key: desk.QueueKeyOf(t)}
		return nil
	}
	if _, err := c.q.ExecContext(ctx, ticketInsertSQL, vals...); err != nil {
		return c.mapErr(err, "create ticket")
	}
	if err := c.addTags(ctx, t.WorkspaceID, t.ID, t.Tags); err != nil {
		return err
	}
	c.remember(t, vals)
	return nil
}

// UpdateTicket writes t. A new ticket not yet sent (events.go) is only
// changed in memory. A ticket this transaction inserted or locked is
// written column by column: only the columns whose value changed are set and
// the tags are rewritten only when they changed. Creating a ticket (insert,
// then routing sets its status) and adding a message (lock, then a few
// times change) thus update 2 to 5 columns instead of 46, and SQLite
// maintains only the indexes on those columns, not all eleven.
//
// Any other code that writes tickets rows inside a transaction must delete
// c.written[id] first, or a later UpdateTicket could skip a column it changed.
func (c *conn) UpdateTicket(ctx context.Context, t *desk.Ticket) error {
	vals, err := rowValues(ticketArgs(t))
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", t.ID, err)
	}
	if p := c.pend; p != nil && p.ticket != nil && p.ticket.id == t.ID && p.ticket.ws == t.WorkspaceID {
		// Not sent yet: it will be inserted as it is now.
		p.ticket.vals, p.ticket.tags = vals, slices.Clone(t.Tags)
		p.ticket.assignee, p.ticket.key = t.AssigneeID, desk.QueueKeyOf(t)
		return nil
	}
	prev := c.written[t.ID]
	if prev == nil {
		args := make([]any, len(ticketUpdateKeep))
		for i, k := range ticketUpdateKeep {
			args[i] = vals[k]
		}
		res, err := c.q.ExecContext(ctx, ticketUpdateSQL, args...)
		if err := c.affected(res, err, "update ticket "+t.ID); err != nil {
			return err
		}
		if err := c.setTags(ctx, t); err != nil {
			return err
		}
		c.remember(t, vals)
		return nil
	}
	args := []any{vals[0], vals[1]} // id, workspace_id
	var set strings.Builder
	for _, k := range ticketUpdateKeep[2:] {
		if sameValue(prev.vals[k], vals[k]) {
			continue
		}
		args = append(args, vals[k])
		if set.Len() > 0 {
			set.WriteString(", ")
		}
		fmt.Fprintf(&set, "%s = $%d", ticketBulkCols[k], len(args))
	}
	if set.Len() > 0 {
		res, err := c.q.ExecContext(ctx, `UPDATE tickets SET `+set.String()+` WHERE id = $1 AND workspace_id = $2`, args...)
		if err := c.affected(res, err, "update ticket "+t.ID); err != nil {
			return err
		}
	}
	if !slices.Equal(prev.tags, t.Tags) {
		if err := c.setTags(ctx, t); err != nil {
			return err
		}
	}
	c.remember(t, vals)
	return nil
}

// ticketRow is a ticket row as this transaction last wrote or read it.
type ticketRow struct {
	vals []any // driver values, in the order of ticketArgs
	tags []string
}

func (c *conn) remember(t *desk.Ticket, vals []any) {
	if c.written == nil {
		c.written = make(map[string]*ticketRow)
	}
	c.written[t.ID] = &ticketRow{vals: vals, tags: slices.Clone(t.Tags)}
}

// rowValues turns arguments into the driver values database/sql would send,
// once, so they can be both sent and compared.
func rowValues(args []any) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", ticketBulkCols[i], err)
		}
		out[i] = v
	}
	return out, nil
}

func sameValue(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	if _, ok := b.([]byte); ok {
		return false
	}
	return a == b
}

func (c *conn) setTags(ctx context.Context, t *desk.Ticket) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM ticket_tags WHERE ticket_id = $1`, t.ID); err != nil {
		return c.mapErr(err, "clear tags")
	}
	return c.addTags(ctx, t.WorkspaceID, t.ID, t.Tags)
}

func (c *conn) addTags(ctx context.Context, ws, id string, tags []string) error {
	for _, tag := range tags {
		_, err := c.q.ExecContext(ctx, `INSERT INTO ticket_tags (workspace_id, ticket_id, tag) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, ws, id, tag)
		if err != nil {
			return c.mapErr(err, "tag ticket")
		}
	}
	return nil
}

// orderSpec is how a TicketOrder sorts and pages.
type orderSpec struct {
	key  string // keyset column ("" when the order pages by offset only)
	desc bool
	sql  string
}

var orders = map[desk.TicketOrder]orderSpec{
	desk.OrderNumberDesc:  {"t.number", true, "t.number DESC"},
	desk.OrderNumberAsc:   {"t.number", false, "t.number ASC"},
	desk.OrderCreatedDesc: {"t.created_at", true, "t.created_at DESC, t.number DESC"},
	desk.OrderCreatedAsc:  {"t.created_at", false, "t.created_at ASC, t.number ASC"},
	desk.OrderUpdatedDesc: {"t.updated_at", true, "t.updated_at DESC, t.number DESC"},
	desk.OrderUpdatedAsc:  {"t.updated_at", false, "t.updated_at ASC, t.number ASC"},
	desk.OrderStatusAsc:   {"", false, statusRankSQL + " ASC, t.number ASC"},
	desk.OrderStatusDesc:  {"", true, statusRankSQL + " DESC, t.number DESC"},
	desk.OrderQueue:       {"", false, "t.queue_rank ASC, t.created_at ASC, t.number ASC"},
	desk.OrderPriority:    {"t.queue_rank", false, "t.queue_rank ASC, t.number ASC"},
	desk.OrderSLADue:      {slaDueSQL, false, slaDueSQL + " ASC, t.number ASC"},
}

// slaDueSQL is desk.SLADueKey in SQL. Indexes tickets_sla_due (migration
// 0027) are on this very expression: keep the three in step.
const slaDueSQL = "COALESCE(CASE WHEN t.first_agent_response_at IS NULL THEN t.first_reply_due_at END, t.resolve_due_at, 9007199254740991)"

// statusRankSQL sorts statuses in lifecycle order.
var statusRankSQL = func() string {
	var b strings.Builder
	b.WriteString("CASE t.status")
	for i, s := range desk.Statuses {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", s, i)
	}
	b.WriteString(" END")
	return b.String()
}()

// ticketWhere builds the WHERE clause of f; args start with ws.
// wholeWorkspace is ticketWhere's condition for a filter that keeps every
// ticket of the workspace.
const wholeWorkspace = "t.workspace_id = $1"

func ticketWhere(ws string, f *desk.TicketFilter) (string, []any) {
	args := []any{ws}
	var b strings.Builder
	b.WriteString(wholeWorkspace)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	inList := func(col string, n int, get func(int) any) {
		if n == 0 {
			return
		}
		ph := make([]string, n)
		for i := range ph {
			ph[i] = arg(get(i))
		}
		fmt.Fprintf(&b, " AND %s IN (%s)", col, strings.Join(ph, ", "))
	}
	if isActiveSet(f.Statuses) {
		// Literals, not parameters: the planners can then prove the
		// partial index tickets_inbox_active (migration 0009) applies.
		b.WriteString(" AND t.status IN (" + activeList + ")")
	} else {
		inList("t.status", len(f.Statuses), func(i int) any { return string(f.Statuses[i]) })
	}
	inList("t.channel", len(f.Channels), func(i int) any { return string(f.Channels[i]) })
	inList("t.number", len(f.Numbers), func(i int) any { return f.Numbers[i] })
	switch f.AssigneeID {
	case "":
	case "none":
		b.WriteString(" AND t.assignee_id IS NULL")
	default:
		b.WriteString(" AND t.assignee_id = " + arg(f.AssigneeID))
	}
	if sc := f.Scope; sc != nil {
		// The caller's own tickets and those of its groups (desk policy).
		own := "t.assignee_id = " + arg(sc.AgentID)
		if len(sc.GroupIDs) == 0 {
			b.WriteString(" AND " + own)
		} else {
			ph := make([]string, len(sc.GroupIDs))
			for i, g := range sc.GroupIDs {
				ph[i] = arg(g)
			}
			b.WriteString(" AND (" + own + " OR t.group_id IN (" + strings.Join(ph, ", ") + "))")
		}
	}
	switch f.GroupID {
	case "":
	case "none":
		b.WriteString(" AND t.group_id IS NULL")
	default:
		b.WriteString(" AND t.group_id = " + arg(f.GroupID))
	}
	if f.ContactID != "" {
		b.WriteString(" AND t.contact_id = " + arg(f.ContactID))
	}
	if f.Tag != "" {
		b.WriteString(" AND EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = " + arg(f.Tag) + ")")
	}
	if f.Escalated != nil {
		b.WriteString(" AND t.escalated = " + arg(*f.Escalated))
	}
	rng := func(col string, from, to interface{ IsZero() bool }, fromMS, toMS int64) {
		if !from.IsZero() {
			b.WriteString(" AND " + col + " >= " + arg(fromMS))
		}
		if !to.IsZero() {
			b.WriteString(" AND " + col + " < " + arg(toMS))
		}
	}
	rng("t.created_at", f.CreatedFrom, f.CreatedTo, ms(f.CreatedFrom), ms(f.CreatedTo))
	rng("t.updated_at", f.UpdatedFrom, f.UpdatedTo, ms(f.UpdatedFrom), ms(f.UpdatedTo))
	if id := f.ContactIdent; id != nil {
		b.WriteString(" AND t.contact_id IN (SELECT i.contact_id FROM contact_identities i WHERE i.workspace_id = $1 AND i.channel = " +
			arg(string(id.Channel)) + " AND i.external_id = " + arg(id.ExternalID))
		if id.PageID != "" {
			b.WriteString(" AND i.page_id = " + arg(id.PageID))
		}
		b.WriteString(")")
	}
	if f.NationalID != "" {
		b.WriteString(" AND t.contact_id IN (SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND c.national_id = " + arg(f.NationalID) + ")")
	}
	if f.CompanyID != "" {
		b.WriteString(" AND t.contact_id IN (SELECT p.contact_id FROM contact_profiles p WHERE p.workspace_id = $1 AND p.company_id = " + arg(f.CompanyID) + ")")
	}
	return b.String(), args
}

// oneContact reports whether f keeps one contact's tickets only.
func oneContact(f *desk.TicketFilter) bool {
	return f.ContactID != "" || f.ContactIdent != nil || f.NationalID != ""
}

// MaxPage bounds every list query.
const MaxPage = 1000

func (c *conn) Tickets(ctx context.Context, ws string, f desk.TicketFilter) ([]desk.Ticket, error) {
	q, args, err := ticketsSQL(ws, &f, ticketCols)
	if err != nil {
		return nil, err
	}
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, t *desk.Ticket) error { return scanTicket(r, t) })
	return out, c.mapErr(err, "tickets")
}

// ticketHeadCols are what TicketHeads reads.
const ticketHeadCols = `t.id, t.workspace_id, t.number, t.subject, t.status, t.escalated, t.priority, t.priority_rank, t.channel,
	t.contact_id, t.assignee_id, t.group_id, t.created_at, t.updated_at, t.first_agent_response_at, t.first_reply_due_at, t.resolve_due_at`

// TicketHeads lists tickets as Tickets does (same filter, order and
// paging) with only what a list of tickets shows and pages by: ID,
// WorkspaceID, Number, Subject, Status, Escalated, Priority, PriorityRank,
// Channel, ContactID, AssigneeID, GroupID, CreatedAt, UpdatedAt and the
// SLA stamps (FirstAgentResponseAt, FirstReplyDueAt, ResolveDueAt). A
// ticket row is ~45 columns with seven JSON ones decoded per row; the
// desk's inbox rows and a contact's previous tickets need none of the
// rest.
func (c *conn) TicketHeads(ctx context.Context, ws string, f desk.TicketFilter) ([]desk.Ticket, error) {
	q, args, err := ticketsSQL(ws, &f, ticketHeadCols)
	if err != nil {
		return nil, err
	}
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, t *desk.Ticket) error {
		var created, updated int64
		err := r.Scan(&t.ID, &t.WorkspaceID, &t.Number, &t.Subject, &t.Status, &t.Escalated, &t.Priority, &t.PriorityRank, &t.Channel,
			ns(&t.ContactID), ns(&t.AssigneeID), ns(&t.GroupID), &created, &updated,
			tm(&t.FirstAgentResponseAt), tm(&t.FirstReplyDueAt), tm(&t.ResolveDueAt))
		t.CreatedAt, t.UpdatedAt = msToTime(created), msToTime(updated)
		return err
	})
	return out, c.mapErr(err, "ticket heads")
}

// ticketsSQL is the statement Tickets (cols ticketCols) and TicketHeads
// (ticketHeadCols) run for f.
func ticketsSQL(ws string, f *desk.TicketFilter, cols string) (string, []any, error) {
	spec, ok := orders[f.Order]
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown order %q", desk.ErrInvalid, f.Order)
	}
	where, args := ticketWhere(ws, f)
	if f.After != nil {
		if spec.key == "" {
			return "", nil, fmt.Errorf("%w: order %q pages by offset, not cursor", desk.ErrInvalid, f.Order)
		}
		cmp := ">"
		if spec.desc {
			cmp = "<"
		}
		if spec.key == "t.number" {
			args = append(args, f.After.Number)
			where += fmt.Sprintf(" AND t.number %s $%d", cmp, len(args))
		} else {
			args = append(args, f.After.Key, f.After.Number)
			where += fmt.Sprintf(" AND (%s, t.number) %s ($%d, $%d)", spec.key, cmp, len(args)-1, len(args))
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	order := spec.sql
	if oneContact(f) && spec.key != "t.number" {
		// A contact has a handful of tickets, found through
		// tickets_contact and sorted. Left to itself, a planner facing
		// ORDER BY … LIMIT walks the order's index over the whole
		// workspace instead, filtering for the contact: 0.8-1.6 s at
		// 1,000,000 tickets against 60 µs. The unary plus keeps any
		// index from providing the order (TestHotReadPlans).
		order = "+" + order
	}
	q := fmt.Sprintf(`SELECT %s FROM tickets t WHERE %s ORDER BY %s LIMIT %d`, cols, where, order, limit)
	if f.Offset > 0 {
		q += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	return q, args, nil
}

func (c *conn) CountTickets(ctx context.Context, ws string, f desk.TicketFilter) (int64, error) {
	where, args := ticketWhere(ws, &f)
	var n int64
	if where == wholeWorkspace {
		// Every ticket of the workspace: the count the triggers of
		// migration 0012 keep.
		err := c.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) FROM ticket_counts WHERE workspace_id = $1`, ws).Scan(&n)
		return n, c.mapErr(err, "count tickets")
	}
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets t WHERE `+where, args...).Scan(&n)
	return n, c.mapErr(err, "count tickets")
}

func (c *conn) AgentLoads(ctx context.Context, ws, group string) ([]desk.AgentLoad, error) {
	q := `SELECT ` + agentCols + `, (SELECT COUNT(*) FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.assignee_id = a.id
		AND t.status IN (` + activeList + `)) FROM agents a WHERE a.workspace_id = $1`
	args := []any{ws}
	if group != "" {
		q += ` AND EXISTS (SELECT 1 FROM agent_groups m WHERE m.agent_id = a.id AND m.group_id = $2)`
		args = append(args, group)
	}
	rows, err := c.q.QueryContext(ctx, q+` ORDER BY a.number`, args...)
	out, err := collect(rows, err, func(r *sql.Rows, l *desk.AgentLoad) error {
		a := &l.Agent
		var created, updated int64
		var groups string
		err := r.Scan(&a.ID, &a.WorkspaceID, &a.Number, &a.Name, &a.Email, &a.PasswordHash, &a.Role, &a.Presence,
			tm(&a.PresenceChangedAt), tm(&a.LastLoginAt), &a.Capacity, &a.AvatarURL, js(&a.Meta), &created, &updated, tm(&a.DeactivatedAt),
			&a.Language, &a.TimeZone, &groups, &l.Active)
		a.CreatedAt, a.UpdatedAt = msToTime(created), msToTime(updated)
		a.GroupIDs = splitList(groups)
		return err
	})
	return out, c.mapErr(err, "agent loads")
}

// isActiveSet reports whether statuses is exactly desk.ActiveStatuses, in
// any order, each once.
func isActiveSet(statuses []desk.Status) bool {
	if len(statuses) != len(desk.ActiveStatuses) {
		return false
	}
	for _, s := range desk.ActiveStatuses {
		if !slices.Contains(statuses, s) {
			return false
		}
	}
	return true
}

var activeList = func() string {
	q := make([]string, len(desk.ActiveStatuses))
	for i, s := range desk.ActiveStatuses {
		q[i] = "'" + string(s) + "'"
	}
	return strings.Join(q, ", ")
}()
