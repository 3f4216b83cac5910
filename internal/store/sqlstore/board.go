package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// The supervisor board's reads (desk.BoardReader; migration 0029 indexes
// the due times they scan).

var _ desk.BoardReader = (*Store)(nil)

// boardOldestSQL: the oldest active ticket per assignee, over the
// tickets_assignee index.
const boardOldestSQL = `SELECT t.assignee_id, MIN(t.created_at) FROM tickets t
	WHERE t.workspace_id = $1 AND t.assignee_id IS NOT NULL
	AND t.status IN ('new', 'unassigned', 'assigned', 'open', 'pending', 'on_hold')
	GROUP BY t.assignee_id`

// boardBreachesSQL: tickets with a target due in [$2, $3) and not met by
// then, per group; each half reads its own due-time index and UNION keeps a
// ticket breaching both targets once.
const boardBreachesSQL = `SELECT g, COUNT(*) FROM (
	SELECT t.id, COALESCE(t.group_id, '') AS g FROM tickets t
		WHERE t.workspace_id = $1 AND t.first_reply_due_at >= $2 AND t.first_reply_due_at < $3
		AND (t.first_agent_response_at IS NULL OR t.first_agent_response_at > t.first_reply_due_at)
	UNION
	SELECT t.id, COALESCE(t.group_id, '') AS g FROM tickets t
		WHERE t.workspace_id = $1 AND t.resolve_due_at >= $2 AND t.resolve_due_at < $3
		AND COALESCE(t.solved_at, t.closed_at, $3) > t.resolve_due_at
) b GROUP BY g`

func (c *conn) Board(ctx context.Context, ws string, since, now time.Time) (*desk.Board, error) {
	b := &desk.Board{OldestActive: map[string]time.Time{}, Breaches: map[string]int{}}
	rows, err := c.q.QueryContext(ctx, boardOldestSQL, ws)
	type oldest struct {
		agent string
		at    int64
	}
	olds, err := collect(rows, err, func(r *sql.Rows, o *oldest) error { return r.Scan(&o.agent, &o.at) })
	if err != nil {
		return nil, c.mapErr(err, "board: oldest tickets")
	}
	for _, o := range olds {
		b.OldestActive[o.agent] = msToTime(o.at)
	}
	rows, err = c.q.QueryContext(ctx, boardBreachesSQL, ws, ms(since), ms(now))
	type breach struct {
		group string
		n     int
	}
	brs, err := collect(rows, err, func(r *sql.Rows, x *breach) error { return r.Scan(&x.group, &x.n) })
	if err != nil {
		return nil, c.mapErr(err, "board: SLA breaches")
	}
	for _, x := range brs {
		b.Breaches[x.group] = x.n
	}
	return b, nil
}
