package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// maxFeedRows bounds one read of a workspace's feed.
const maxFeedRows = 1000

// EventsSince reads ws's events after the cursor in (at, id) order, through
// events_workspace (migration 0017). See desk.FeedReader for what this order
// does and does not promise.
func (c *conn) EventsSince(ctx context.Context, ws string, after desk.FeedCursor, limit int) ([]desk.Event, error) {
	if limit <= 0 || limit > maxFeedRows {
		limit = maxFeedRows
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events
		WHERE workspace_id = $1 AND (at, id) > ($2, $3) ORDER BY at, id LIMIT $4`,
		ws, feedMillis(after), after.ID, limit)
	out, err := collect(rows, err, func(r *sql.Rows, e *desk.Event) error {
		var at int64
		err := r.Scan(&e.ID, &e.WorkspaceID, &e.TicketID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Type, &e.From, &e.To, &e.Reason, &e.Seq)
		e.At = msToTime(at)
		return err
	})
	return out, c.mapErr(err, fmt.Sprintf("events of workspace %s since %d", ws, feedMillis(after)))
}

// feedMillis is the cursor's instant as stored; a zero cursor is before
// every event.
func feedMillis(f desk.FeedCursor) int64 {
	if f.At.IsZero() {
		return -1
	}
	return ms(f.At)
}

// DeleteAgentTokens deletes every API token of an agent and returns their
// ids (package auth, when an agent's access ends).
func (c *conn) DeleteAgentTokens(ctx context.Context, ws, agentID string) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `DELETE FROM tokens WHERE workspace_id = $1 AND agent_id = $2 RETURNING id`, ws, agentID)
	out, err := collect(rows, err, func(r *sql.Rows, id *string) error { return r.Scan(id) })
	return out, c.mapErr(err, "delete tokens of agent "+agentID)
}
