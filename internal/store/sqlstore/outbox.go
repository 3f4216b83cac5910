package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// The outbox (migration 0020, docs/outbox.md). Claiming is one UPDATE …
// RETURNING over a sub-select of due rows: on PostgreSQL the sub-select
// locks with FOR UPDATE SKIP LOCKED, so workers on many nodes claim
// disjoint rows without waiting on each other; on SQLite the single writer
// runs one claim at a time, which is the same guarantee.

const outboxCols = `id, workspace_id, kind, ticket_id, message_id, channel_account_id, status, attempts,
	next_attempt_at, claimed_until, last_error, provider_id, sent_at, created_at`

func scanDelivery(r rowScanner, d *desk.Delivery) error {
	var next, created int64
	err := r.Scan(&d.ID, &d.WorkspaceID, &d.Kind, &d.TicketID, &d.MessageID, &d.AccountID, &d.Status, &d.Attempts,
		&next, tm(&d.ClaimedUntil), &d.LastError, &d.ProviderID, tm(&d.SentAt), &created)
	d.NextAttemptAt, d.CreatedAt = msToTime(next), msToTime(created)
	return err
}

func (c *conn) CreateDelivery(ctx context.Context, d *desk.Delivery) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO outbox (`+outboxCols+`) VALUES (`+placeholders(1, 14)+`)`,
		d.ID, d.WorkspaceID, d.Kind, d.TicketID, d.MessageID, d.AccountID, d.Status, d.Attempts,
		ms(d.NextAttemptAt), tm(&d.ClaimedUntil), d.LastError, d.ProviderID, tm(&d.SentAt), ms(d.CreatedAt))
	return c.mapErr(err, "create delivery")
}

func (c *conn) ClaimDeliveries(ctx context.Context, claim string, now, until time.Time, limit int) ([]desk.Delivery, error) {
	lock := ""
	if c.fl.ForUpdate != "" {
		lock = c.fl.ForUpdate + " SKIP LOCKED"
	}
	rows, err := c.q.QueryContext(ctx, `UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_until = $3,
		attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox
			WHERE (status = 'queued' AND next_attempt_at <= $2) OR (status = 'sending' AND claimed_until <= $2)
			ORDER BY next_attempt_at LIMIT $4`+lock+`)
		RETURNING `+outboxCols, claim, ms(now), ms(until), limit)
	out, err := collect(rows, err, func(r *sql.Rows, d *desk.Delivery) error { return scanDelivery(r, d) })
	return out, c.mapErr(err, "claim deliveries")
}

func (c *conn) SettleDelivery(ctx context.Context, d *desk.Delivery, claim string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6,
		provider_id = $7, sent_at = $8, claimed_by = '', claimed_until = NULL
		WHERE id = $1 AND workspace_id = $2 AND status = 'sending' AND claimed_by = $9`,
		d.ID, d.WorkspaceID, d.Status, d.Attempts, ms(d.NextAttemptAt), d.LastError, d.ProviderID, tm(&d.SentAt), claim)
	if err := c.affected(res, err, "settle delivery "+d.ID); err != nil {
		return err
	}
	d.ClaimedUntil = time.Time{}
	if d.Status == desk.DeliverySent && d.ProviderID != "" && d.Kind == desk.DeliveryMessage {
		// The message takes its provider id, so that the customer's answer
		// (an e-mail's In-Reply-To) finds it through MessageByProvider. An
		// id the account already gave another message is left off rather
		// than failing the settle: the send happened either way.
		_, err = c.q.ExecContext(ctx, `UPDATE messages SET provider_id = $3
			WHERE workspace_id = $1 AND id = $2 AND provider_id = ''
			AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.workspace_id = $1 AND o.channel_account_id = $4 AND o.provider_id = $3)`,
			d.WorkspaceID, d.MessageID, d.ProviderID, d.AccountID)
		return c.mapErr(err, "provider id of message "+d.MessageID)
	}
	return nil
}

func (c *conn) FailSentDelivery(ctx context.Context, ws, id, lastError string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = $3
		WHERE workspace_id = $1 AND id = $2 AND status = 'sent'`, ws, id, lastError)
	return c.affected(res, err, "fail sent delivery "+id)
}

// loadDeliveries fills the delivery of msgs (all of one ticket) in one
// query, skipped when none of them is a reply that went to a channel.
func (c *conn) loadDeliveries(ctx context.Context, ws, ticketID string, msgs []desk.Message) error {
	idx := make(map[string]int)
	for i := range msgs {
		if msgs[i].Direction == desk.DirectionOut && msgs[i].ChannelAccountID != "" {
			idx[msgs[i].ID] = i
		}
	}
	if len(idx) == 0 {
		return nil
	}
	q, args := `SELECT `+outboxCols+` FROM outbox WHERE workspace_id = $1 AND ticket_id = $2 AND kind = 'message'`, []any{ws, ticketID}
	if len(msgs) == 1 {
		// One message (Message): not every row of a long ticket.
		q, args = q+` AND message_id = $3`, append(args, msgs[0].ID)
	}
	rows, err := c.q.QueryContext(ctx, q, args...)
	ds, err := collect(rows, err, func(r *sql.Rows, d *desk.Delivery) error { return scanDelivery(r, d) })
	if err != nil {
		return c.mapErr(err, "deliveries of "+ticketID)
	}
	for _, d := range ds {
		if i, ok := idx[d.MessageID]; ok {
			msgs[i].Delivery = &d
		}
	}
	return nil
}

// Delivery reads one outbox row, for tests and tools.
func (c *conn) Delivery(ctx context.Context, ws, id string) (*desk.Delivery, error) {
	var d desk.Delivery
	err := scanDelivery(c.q.QueryRowContext(ctx, `SELECT `+outboxCols+` FROM outbox WHERE workspace_id = $1 AND id = $2`, ws, id), &d)
	if err != nil {
		return nil, c.mapErr(err, fmt.Sprintf("delivery %s", id))
	}
	return &d, nil
}
