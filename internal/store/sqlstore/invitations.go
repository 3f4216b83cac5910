package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Invitations to the desk and its one-time views (migration 0033).

var (
	_ desk.InvitationReader = (*Store)(nil)
	_ desk.InvitationWriter = (*tx)(nil)
	_ desk.FlashWriter      = (*tx)(nil)
)

const invitationCols = `id, workspace_id, agent_id, hash, created_by, created_at, expires_at, used_at, revoked_at`

func scanInvitation(r rowScanner, i *desk.Invitation) error {
	var created, expires int64
	err := r.Scan(&i.ID, &i.WorkspaceID, &i.AgentID, &i.Hash, &i.CreatedBy, &created, &expires, tm(&i.UsedAt), tm(&i.RevokedAt))
	i.CreatedAt, i.ExpiresAt = msToTime(created), msToTime(expires)
	return err
}

func (c *conn) InvitationByHash(ctx context.Context, hash []byte) (*desk.Invitation, error) {
	var i desk.Invitation
	err := scanInvitation(c.q.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM agent_invitations WHERE hash = $1`, hash), &i)
	return &i, c.mapErr(err, "invitation")
}

func (c *conn) OpenInvitations(ctx context.Context, ws, agentID string) ([]desk.Invitation, error) {
	q := `SELECT ` + invitationCols + ` FROM agent_invitations
		WHERE workspace_id = $1 AND used_at IS NULL AND revoked_at IS NULL`
	args := []any{ws}
	if agentID != "" {
		q += ` AND agent_id = $2`
		args = append(args, agentID)
	}
	rows, err := c.q.QueryContext(ctx, q+` ORDER BY agent_id`, args...)
	out, err := collect(rows, err, func(r *sql.Rows, i *desk.Invitation) error { return scanInvitation(r, i) })
	return out, c.mapErr(err, "open invitations")
}

func (c *conn) CreateInvitation(ctx context.Context, i *desk.Invitation) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO agent_invitations (`+invitationCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		i.ID, i.WorkspaceID, i.AgentID, i.Hash, i.CreatedBy, ms(i.CreatedAt), ms(i.ExpiresAt), tm(&i.UsedAt), tm(&i.RevokedAt))
	return c.mapErr(err, "create invitation")
}

func (c *conn) RevokeInvitations(ctx context.Context, ws, agentID string, at time.Time) (int, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE agent_invitations SET revoked_at = $3
		WHERE workspace_id = $1 AND agent_id = $2 AND used_at IS NULL AND revoked_at IS NULL`, ws, agentID, ms(at))
	if err != nil {
		return 0, c.mapErr(err, "revoke invitations of agent "+agentID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke invitations of agent %s: %w", agentID, err)
	}
	return int(n), nil
}

// UseInvitation's WHERE makes the use single: of two requests racing with
// one token, the second changes no row (PostgreSQL re-checks the row after
// the first commits; SQLite has one writer).
func (c *conn) UseInvitation(ctx context.Context, ws, id string, at time.Time) error {
	res, err := c.q.ExecContext(ctx, `UPDATE agent_invitations SET used_at = $3
		WHERE workspace_id = $1 AND id = $2 AND used_at IS NULL AND revoked_at IS NULL`, ws, id, ms(at))
	return c.affected(res, err, "use invitation "+id)
}

func (c *conn) PutFlash(ctx context.Context, f *desk.Flash, now time.Time) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM web_flashes WHERE expires_at <= $1`, ms(now)); err != nil {
		return c.mapErr(err, "expire flashes")
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO web_flashes (hash, session_hash, sealed, expires_at) VALUES ($1, $2, $3, $4)`,
		f.Hash, f.SessionHash, f.Sealed, ms(f.ExpiresAt))
	return c.mapErr(err, "put flash")
}

func (c *conn) TakeFlash(ctx context.Context, hash, sessionHash []byte, now time.Time) (*desk.Flash, error) {
	f := desk.Flash{Hash: hash, SessionHash: sessionHash}
	var expires int64
	err := c.q.QueryRowContext(ctx, `DELETE FROM web_flashes WHERE hash = $1 AND session_hash = $2 RETURNING sealed, expires_at`,
		hash, sessionHash).Scan(&f.Sealed, &expires)
	if err != nil {
		return nil, c.mapErr(err, "flash")
	}
	if f.ExpiresAt = msToTime(expires); !now.Before(f.ExpiresAt) {
		return nil, fmt.Errorf("flash: expired: %w", desk.ErrNotFound)
	}
	return &f, nil
}
