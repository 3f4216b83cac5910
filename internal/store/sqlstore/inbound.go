package sqlstore

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/ticketd/ticketd/internal/desk"
)

// MessageByProvider finds a message by its provider id on a channel account
// (index messages_provider, migration 0015).
func (c *conn) MessageByProvider(ctx context.Context, ws, accountID, providerID string) (*desk.Message, error) {
	var m desk.Message
	err := scanMessage(c.q.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages
		WHERE workspace_id = $1 AND channel_account_id = $2 AND provider_id = $3 AND provider_id <> ''`, ws, accountID, providerID), &m)
	if err != nil {
		return nil, c.mapErr(err, "message "+providerID+" of channel account "+accountID)
	}
	msgs := []desk.Message{m}
	if err := c.loadAttachments(ctx, ws, m.TicketID, msgs); err != nil {
		return nil, err
	}
	return &msgs[0], nil
}

// ThreadMessages walks index messages_ticket backwards from before, so a
// long ticket costs limit rows, not all of them.
func (c *conn) ThreadMessages(ctx context.Context, ws, ticketID, accountID string, before int64, limit int) ([]desk.Message, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+messageCols+` FROM messages
		WHERE ticket_id = $2 AND number < $4 AND workspace_id = $1 AND channel_account_id = $3 AND provider_id <> '' AND public
		ORDER BY number DESC LIMIT $5`, ws, ticketID, accountID, before, limit)
	out, err := collect(rows, err, func(r *sql.Rows, m *desk.Message) error { return scanMessage(r, m) })
	return out, c.mapErr(err, "thread of message "+strconv.FormatInt(before, 10))
}

// ContactMerges lists the merges migration 0015 recorded for ws.
func (c *conn) ContactMerges(ctx context.Context, ws string) ([]desk.ContactMerge, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, workspace_id, contact_id, contact_number, contact_name, into_id, into_number,
		identities, tickets, reason, merged_at FROM contact_merges WHERE workspace_id = $1 ORDER BY merged_at, id`, ws)
	out, err := collect(rows, err, func(r *sql.Rows, m *desk.ContactMerge) error {
		var at int64
		err := r.Scan(&m.ID, &m.WorkspaceID, &m.ContactID, &m.ContactNumber, &m.ContactName, &m.IntoID, &m.IntoNumber,
			js(&m.Identities), &m.Tickets, &m.Reason, &at)
		m.MergedAt = msToTime(at)
		return err
	})
	return out, c.mapErr(err, "contact merges")
}
