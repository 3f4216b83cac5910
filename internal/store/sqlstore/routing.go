package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Routing queries read agent_loads, which triggers (migration 0002) keep in
// step with every agent and ticket write, and the partial index
// tickets_queue over waiting tickets. Predicates on status and assignee are
// written as literals so both databases match them to that index.

// routingAgentCols need agent_loads l joined with agents a (for the name).
const routingAgentCols = `l.agent_id, l.number, l.workspace_id, a.name, l.role, l.presence, l.capacity, l.active,
	l.last_assigned_at, l.restricted`

const withName = ` JOIN agents a ON a.id = l.agent_id`

// pickCols are routingAgentCols as the pick subquery p of Route returns them.
const pickCols = `p.agent_id, p.number, p.workspace_id, p.name, p.role, p.presence, p.capacity, p.active,
	p.last_assigned_at, p.restricted`

func scanRoutingAgent(r rowScanner, a *desk.RoutingAgent) error {
	var last, restricted int64
	err := r.Scan(&a.ID, &a.Number, &a.WorkspaceID, &a.Name, &a.Role, &a.Presence, &a.Capacity, &a.Active, &last, &restricted)
	a.LastAssignedAt = msToTime(last)
	a.Restricted = restricted != 0
	return err
}

func (c *conn) RoutingAgent(ctx context.Context, ws, id string) (*desk.RoutingAgent, error) {
	var a desk.RoutingAgent
	err := scanRoutingAgent(c.q.QueryRowContext(ctx, `SELECT `+routingAgentCols+` FROM agent_loads l`+withName+`
		WHERE l.workspace_id = $1 AND l.agent_id = $2`, ws, id), &a)
	if err != nil {
		return nil, c.mapErr(err, "routing agent "+id)
	}
	return &a, nil
}

func (c *conn) RoutingAgents(ctx context.Context, ws, group string) ([]desk.RoutingAgent, error) {
	q := `SELECT ` + routingAgentCols + ` FROM agent_loads l` + withName + ` WHERE l.workspace_id = $1`
	args := []any{ws}
	if group != "" {
		q += ` AND EXISTS (SELECT 1 FROM agent_groups m WHERE m.agent_id = l.agent_id AND m.group_id = $2)`
		args = append(args, group)
	}
	rows, err := c.q.QueryContext(ctx, q+` ORDER BY l.number`, args...)
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.RoutingAgent) error { return scanRoutingAgent(r, a) })
	return out, c.mapErr(err, "routing agents")
}

// poolSQL returns the FROM … WHERE of a pool's members; args start with ws.
// The general pool is every agent and supervisor of the workspace; a
// group's pool is its members of any role but bot.
func poolSQL(p *desk.Pool) (string, []any) {
	args := []any{p.WorkspaceID}
	var b strings.Builder
	if p.GroupID == "" {
		b.WriteString(`FROM agent_loads l WHERE l.workspace_id = $1 AND l.role IN ('agent', 'supervisor')`)
	} else {
		args = append(args, p.GroupID)
		b.WriteString(`FROM agent_groups m JOIN agent_loads l ON l.agent_id = m.agent_id
			WHERE m.workspace_id = $1 AND m.group_id = $2 AND l.role <> 'bot'`)
	}
	if p.ChannelAccountID != "" {
		args = append(args, p.ChannelAccountID)
		fmt.Fprintf(&b, ` AND (l.restricted = 0 OR EXISTS (SELECT 1 FROM agent_channel_accounts x
			WHERE x.agent_id = l.agent_id AND x.channel_account_id = $%d))`, len(args))
	}
	return b.String(), args
}

// excludeSQL is " AND l.agent_id NOT IN (…)" for ids, appending to args.
func excludeSQL(ids []string, args *[]any) string {
	if len(ids) == 0 {
		return ""
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ph[i] = fmt.Sprintf("$%d", len(*args))
	}
	return ` AND l.agent_id NOT IN (` + strings.Join(ph, ", ") + `)`
}

func (c *conn) Route(ctx context.Context, q desk.RouteQuery) (*desk.RouteAnswer, error) {
	p := &q.Pool
	// Both subqueries share the pool's placeholders. The pick leaves the
	// name out: a decision does not need it.
	from, args := poolSQL(p)
	excl := excludeSQL(p.Exclude, &args)
	group := `''`
	if p.GroupID != "" {
		group = `COALESCE((SELECT g.name FROM groups g WHERE g.workspace_id = $1 AND g.id = $2), '')`
	}
	ahead := `0`
	if q.Ahead != nil {
		where, _ := queueWhere(p.WorkspaceID, p.GroupID)
		var cmp string
		cmp, args = keyArgs(args, *q.Ahead)
		ahead = `CASE WHEN EXISTS (SELECT 1 FROM tickets t WHERE ` + where + ` AND ` + fmt.Sprintf(cmp, "<") + `) THEN 1 ELSE 0 END`
	}
	query := `SELECT c.members, c.online, c.avail, ` + group + `, ` + ahead + `, ` + pickCols + `
		FROM (SELECT COUNT(*) AS members,
				COALESCE(SUM(CASE WHEN l.presence = 'online' THEN 1 ELSE 0 END), 0) AS online,
				COALESCE(SUM(CASE WHEN l.available = 1` + excl + ` THEN 1 ELSE 0 END), 0) AS avail ` + from + `) c
		LEFT JOIN (SELECT ` + strings.Replace(routingAgentCols, "a.name", "'' AS name", 1) + ` ` + from + ` AND l.available = 1` + excl + `
				ORDER BY l.active, l.last_assigned_at, l.number LIMIT 1) p ON 1 = 1`
	var out desk.RouteAnswer
	var aheadN int
	var id, ws, name, role, presence sql.NullString
	var number, capacity, active, last, restricted sql.NullInt64
	err := c.q.QueryRowContext(ctx, query, args...).Scan(&out.Count.Members, &out.Count.Online, &out.Count.Available,
		&out.GroupName, &aheadN, &id, &number, &ws, &name, &role, &presence, &capacity, &active, &last, &restricted)
	if err != nil {
		return nil, c.mapErr(err, "route")
	}
	out.Ahead = aheadN != 0
	if id.Valid {
		out.Agent = &desk.RoutingAgent{ID: id.String, Number: number.Int64, WorkspaceID: ws.String, Name: name.String,
			Role: desk.Role(role.String), Presence: desk.Presence(presence.String), Capacity: int(capacity.Int64),
			Active: int(active.Int64), LastAssignedAt: msToTime(last.Int64), Restricted: restricted.Int64 != 0}
	}
	return &out, nil
}

func (c *conn) CountPool(ctx context.Context, p desk.Pool) (desk.PoolCount, error) {
	from, args := poolSQL(&p)
	avail := `l.available = 1`
	if ex := excludeSQL(p.Exclude, &args); ex != "" {
		avail += ex
	}
	var n desk.PoolCount
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN l.presence = 'online' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+avail+` THEN 1 ELSE 0 END), 0) `+from, args...).Scan(&n.Members, &n.Online, &n.Available)
	return n, c.mapErr(err, "count pool")
}

func (c *conn) Waiting(ctx context.Context, ws string) (bool, error) {
	var one int
	err := c.q.QueryRowContext(ctx, `SELECT 1 FROM tickets t WHERE t.workspace_id = $1
		AND `+waitingSQL+` LIMIT 1`, ws).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, c.mapErr(err, "waiting tickets")
}

const queueOrder = `t.queue_rank, t.created_at, t.number`

// waitingSQL selects the tickets that wait in a queue: no owner and an
// active status routing may hand out. It is tickets_queue's predicate
// (migration 0013) word for word, so both planners use that index.
const waitingSQL = `t.assignee_id IS NULL AND t.status IN ('unassigned', 'open', 'pending', 'on_hold')`

func (c *conn) QueueHeads(ctx context.Context, ws string, skip []string) ([]desk.QueueHead, error) {
	args := []any{ws}
	notIn := ""
	if len(skip) > 0 {
		ph := make([]string, len(skip))
		for i, id := range skip {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		notIn = ` AND t.id NOT IN (` + strings.Join(ph, ", ") + `)`
	}
	waiting := `t.workspace_id = $1 AND ` + waitingSQL + notIn
	// One head per group with an available member, found by a correlated
	// probe of tickets_queue; then the general queue's head when an
	// available agent or supervisor could take it.
	q := `SELECT h.group_id, t.id, t.queue_rank, t.created_at, t.number FROM (
			SELECT g.group_id, (SELECT t.id FROM tickets t WHERE ` + waiting + ` AND t.group_id = g.group_id
				ORDER BY ` + queueOrder + ` LIMIT 1) AS head
			FROM (SELECT DISTINCT m.group_id FROM agent_loads l JOIN agent_groups m ON m.agent_id = l.agent_id
				WHERE l.workspace_id = $1 AND l.available = 1) g
		) h JOIN tickets t ON t.id = h.head
		UNION ALL
		SELECT '', q.id, q.queue_rank, q.created_at, q.number FROM (
			SELECT t.id, t.queue_rank, t.created_at, t.number FROM tickets t WHERE ` + waiting + ` AND t.group_id IS NULL
				AND EXISTS (SELECT 1 FROM agent_loads l WHERE l.workspace_id = $1 AND l.available = 1
					AND l.role IN ('agent', 'supervisor'))
			ORDER BY ` + queueOrder + ` LIMIT 1) q`
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, h *desk.QueueHead) error {
		var created int64
		err := r.Scan(&h.GroupID, &h.TicketID, &h.Key.Rank, &created, &h.Key.Number)
		h.Key.CreatedAt = msToTime(created)
		return err
	})
	return out, c.mapErr(err, "queue heads")
}

// queueWhere selects group's waiting tickets; args start with ws.
func queueWhere(ws, group string) (string, []any) {
	w := `t.workspace_id = $1 AND ` + waitingSQL
	if group == "" {
		return w + ` AND t.group_id IS NULL`, []any{ws}
	}
	return w + ` AND t.group_id = $2`, []any{ws, group}
}

func keyArgs(args []any, k desk.QueueKey) (string, []any) {
	n := len(args)
	return fmt.Sprintf(`(t.queue_rank, t.created_at, t.number) %%s ($%d, $%d, $%d)`, n+1, n+2, n+3),
		append(args, k.Rank, ms(k.CreatedAt), k.Number)
}

func (c *conn) QueueAhead(ctx context.Context, ws, group string, k desk.QueueKey) (int, error) {
	where, args := queueWhere(ws, group)
	cmp, args := keyArgs(args, k)
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets t WHERE `+where+` AND `+fmt.Sprintf(cmp, "<"), args...).Scan(&n)
	return n, c.mapErr(err, "queue position")
}

func (c *conn) Queue(ctx context.Context, ws, group string, after *desk.QueueKey, limit int) ([]desk.Ticket, error) {
	where, args := queueWhere(ws, group)
	if after != nil {
		var cmp string
		cmp, args = keyArgs(args, *after)
		where += ` AND ` + fmt.Sprintf(cmp, ">")
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM tickets t WHERE %s ORDER BY %s LIMIT %d`,
		ticketCols, where, queueOrder, limit), args...)
	out, err := collect(rows, err, func(r *sql.Rows, t *desk.Ticket) error { return scanTicket(r, t) })
	return out, c.mapErr(err, "queue")
}

func (c *conn) QueueStats(ctx context.Context, ws string) ([]desk.QueueStat, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT COALESCE(t.group_id, ''), COUNT(*), MIN(t.created_at) FROM tickets t
		WHERE t.workspace_id = $1 AND `+waitingSQL+`
		GROUP BY t.group_id ORDER BY 1`, ws)
	out, err := collect(rows, err, func(r *sql.Rows, s *desk.QueueStat) error {
		var oldest int64
		err := r.Scan(&s.GroupID, &s.Waiting, &oldest)
		s.Oldest = msToTime(oldest)
		return err
	})
	return out, c.mapErr(err, "queue stats")
}

func (c *conn) AssignableAccounts(ctx context.Context, ws, agentID string) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT channel_account_id FROM agent_channel_accounts
		WHERE workspace_id = $1 AND agent_id = $2 ORDER BY channel_account_id`, ws, agentID)
	out, err := collect(rows, err, func(r *sql.Rows, s *string) error { return r.Scan(s) })
	return out, c.mapErr(err, "assignable accounts of "+agentID)
}

func (c *conn) SetAssignableAccounts(ctx context.Context, ws, agentID string, ids []string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM agent_channel_accounts WHERE workspace_id = $1 AND agent_id = $2`, ws, agentID); err != nil {
		return c.mapErr(err, "clear assignable accounts of "+agentID)
	}
	for _, id := range ids {
		res, err := c.q.ExecContext(ctx, `INSERT INTO agent_channel_accounts (workspace_id, agent_id, channel_account_id)
			SELECT $1, $2, id FROM channel_accounts WHERE workspace_id = $1 AND id = $3 ON CONFLICT DO NOTHING`, ws, agentID, id)
		if err := c.affected(res, err, "channel account "+id); err != nil {
			return err
		}
	}
	restricted := 0
	if len(ids) > 0 {
		restricted = 1
	}
	res, err := c.q.ExecContext(ctx, `UPDATE agent_loads SET restricted = $3 WHERE workspace_id = $1 AND agent_id = $2`, ws, agentID, restricted)
	return c.affected(res, err, "agent "+agentID)
}

const slaCols = `workspace_id, priority, first_reply_s, resolve_s, timezone, hours, created_at, updated_at`

func scanSLAPolicy(r rowScanner, p *desk.SLAPolicy) error {
	var first, resolve, created, updated int64
	err := r.Scan(&p.WorkspaceID, &p.Priority, &first, &resolve, &p.Timezone, js(&p.Hours), &created, &updated)
	p.FirstReply, p.Resolve = secs(first), secs(resolve)
	p.CreatedAt, p.UpdatedAt = msToTime(created), msToTime(updated)
	return err
}

func (c *conn) SLAPolicies(ctx context.Context, ws string) ([]desk.SLAPolicy, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+slaCols+` FROM sla_policies WHERE workspace_id = $1 ORDER BY priority`, ws)
	out, err := collect(rows, err, func(r *sql.Rows, p *desk.SLAPolicy) error { return scanSLAPolicy(r, p) })
	return out, c.mapErr(err, "sla policies")
}

func (c *conn) SLAPolicy(ctx context.Context, ws string, p desk.Priority) (*desk.SLAPolicy, error) {
	var out desk.SLAPolicy
	err := scanSLAPolicy(c.q.QueryRowContext(ctx, `SELECT `+slaCols+` FROM sla_policies WHERE workspace_id = $1 AND priority = $2`, ws, p), &out)
	if err != nil {
		return nil, c.mapErr(err, fmt.Sprintf("sla policy %q", p))
	}
	return &out, nil
}

func (c *conn) PutSLAPolicy(ctx context.Context, p *desk.SLAPolicy) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO sla_policies (`+slaCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (workspace_id, priority) DO UPDATE SET first_reply_s = excluded.first_reply_s,
			resolve_s = excluded.resolve_s, timezone = excluded.timezone, hours = excluded.hours,
			updated_at = excluded.updated_at`,
		p.WorkspaceID, p.Priority, int64(p.FirstReply.Seconds()), int64(p.Resolve.Seconds()), p.Timezone,
		js(nonNil(p.Hours)), ms(p.CreatedAt), ms(p.UpdatedAt))
	return c.mapErr(err, fmt.Sprintf("put sla policy %q", p.Priority))
}

func (c *conn) DeleteSLAPolicy(ctx context.Context, ws string, p desk.Priority) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM sla_policies WHERE workspace_id = $1 AND priority = $2`, ws, p)
	return c.affected(res, err, fmt.Sprintf("delete sla policy %q", p))
}

func (c *conn) UpdateWorkspaceSettings(ctx context.Context, ws string, s desk.WorkspaceSettings) error {
	res, err := c.q.ExecContext(ctx, `UPDATE workspaces SET settings = $2 WHERE id = $1`, ws, js(s))
	return c.affected(res, err, "update settings of workspace "+ws)
}

func secs(n int64) time.Duration { return time.Duration(n) * time.Second }
