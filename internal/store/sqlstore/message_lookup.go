package sqlstore

import (
	"context"

	"github.com/ticketd/ticketd/internal/desk"
)

// Message finds one message by its id (the primary key), scoped to ws.
func (c *conn) Message(ctx context.Context, ws, id string) (*desk.Message, error) {
	var m desk.Message
	err := scanMessage(c.q.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE id = $1 AND workspace_id = $2`, id, ws), &m)
	if err != nil {
		return nil, c.mapErr(err, "message "+id)
	}
	msgs := []desk.Message{m}
	if err := c.loadAttachments(ctx, ws, m.TicketID, msgs); err != nil {
		return nil, err
	}
	if err := c.loadDeliveries(ctx, ws, m.TicketID, msgs); err != nil {
		return nil, err
	}
	return &msgs[0], nil
}
