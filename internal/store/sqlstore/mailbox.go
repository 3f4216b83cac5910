package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Polled IMAP mailboxes (migration 0023, docs/email.md "IMAP mailbox").
// Claiming is one conditional UPDATE: on PostgreSQL a second node's UPDATE
// waits on the row lock and then sees the first's lease, so it claims
// nothing; on SQLite the single writer runs one claim at a time.

const mailboxCols = `account_id, folder, workspace_id, uidvalidity, last_uid, claimed_by, claimed_until, updated_at`

func scanMailbox(r rowScanner, m *desk.MailboxState) error {
	var validity, last, updated int64
	err := r.Scan(&m.AccountID, &m.Folder, &m.WorkspaceID, &validity, &last, &m.ClaimedBy, tm(&m.ClaimedUntil), &updated)
	m.UIDValidity, m.LastUID, m.UpdatedAt = uint32(validity), uint32(last), msToTime(updated)
	return err
}

func (c *conn) Mailbox(ctx context.Context, accountID, folder string) (*desk.MailboxState, error) {
	var m desk.MailboxState
	err := scanMailbox(c.q.QueryRowContext(ctx, `SELECT `+mailboxCols+` FROM imap_mailboxes
		WHERE account_id = $1 AND folder = $2`, accountID, folder), &m)
	if err != nil {
		return nil, c.mapErr(err, fmt.Sprintf("mailbox %s %q", accountID, folder))
	}
	return &m, nil
}

func (c *conn) ClaimMailbox(ctx context.Context, ws, accountID, folder, claim string, now, until time.Time) (*desk.MailboxState, bool, error) {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO imap_mailboxes (account_id, folder, workspace_id, updated_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, folder) DO NOTHING`, accountID, folder, ws, ms(now)); err != nil {
		return nil, false, c.mapErr(err, "create mailbox "+accountID)
	}
	var m desk.MailboxState
	err := scanMailbox(c.q.QueryRowContext(ctx, `UPDATE imap_mailboxes SET claimed_by = $3, claimed_until = $5
		WHERE account_id = $1 AND folder = $2 AND (claimed_until IS NULL OR claimed_until <= $4 OR claimed_by = $3)
		RETURNING `+mailboxCols, accountID, folder, claim, ms(now), ms(until)), &m)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, c.mapErr(err, "claim mailbox "+accountID)
	}
	return &m, true, nil
}

func (c *conn) AdvanceMailbox(ctx context.Context, accountID, folder, claim string, uidValidity, lastUID uint32, now, until time.Time) error {
	// Under an unchanged UIDVALIDITY the watermark only grows: a node that
	// lost the race to a faster one never moves it back.
	res, err := c.q.ExecContext(ctx, `UPDATE imap_mailboxes SET uidvalidity = $4,
		last_uid = CASE WHEN uidvalidity = $4 AND last_uid > $5 THEN last_uid ELSE $5 END,
		claimed_by = $3, claimed_until = $6, updated_at = $7
		WHERE account_id = $1 AND folder = $2 AND (claimed_by = $3 OR claimed_until IS NULL OR claimed_until <= $7)`,
		accountID, folder, claim, int64(uidValidity), int64(lastUID), ms(until), ms(now))
	return c.affected(res, err, fmt.Sprintf("advance mailbox %s %q", accountID, folder))
}

func (c *conn) ReleaseMailbox(ctx context.Context, accountID, folder, claim string) error {
	_, err := c.q.ExecContext(ctx, `UPDATE imap_mailboxes SET claimed_by = '', claimed_until = NULL
		WHERE account_id = $1 AND folder = $2 AND claimed_by = $3`, accountID, folder, claim)
	return c.mapErr(err, "release mailbox "+accountID)
}
