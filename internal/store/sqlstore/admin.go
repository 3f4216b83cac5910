package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// Tokens and saved replies: the rows behind the workspace's admin pages.

func (c *conn) Token(ctx context.Context, ws, id string) (*desk.Token, error) {
	var t desk.Token
	err := scanToken(c.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE workspace_id = $1 AND id = $2`, ws, id), &t)
	return &t, c.mapErr(err, "token "+id)
}

func (c *conn) Tokens(ctx context.Context, ws string, f desk.TokenFilter) ([]desk.Token, error) {
	q := `SELECT ` + tokenCols + ` FROM tokens WHERE workspace_id = $1 AND id > $2`
	args := []any{ws, f.After}
	if f.AgentID != "" {
		args = append(args, f.AgentID)
		q += fmt.Sprintf(` AND agent_id = $%d`, len(args))
	}
	args = append(args, limitOr(f.Limit, 100))
	rows, err := c.q.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	out, err := collect(rows, err, func(r *sql.Rows, t *desk.Token) error { return scanToken(r, t) })
	return out, c.mapErr(err, "tokens")
}

func (c *conn) TouchToken(ctx context.Context, ws, id string, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE tokens SET last_used_at = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, ms(at))
	return c.mapErr(err, "touch token "+id)
}

func limitOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// ownedPage is the statement of a keyset page of a table of personal or
// shared rows (saved replies, macros): by id after after, at most limit
// (100 when 0); with visible set, only the shared ones (no owner) and
// visible's own.
func ownedPage(table, cols, ws, after, visible string, limit int) (string, []any) {
	q := `SELECT ` + cols + ` FROM ` + table + ` WHERE workspace_id = $1 AND id > $2`
	args := []any{ws, after}
	if visible != "" {
		args = append(args, visible)
		q += fmt.Sprintf(` AND owner_id IN ('', $%d)`, len(args))
	}
	args = append(args, limitOr(limit, 100))
	return q + fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args
}

const savedReplyCols = `id, workspace_id, owner_id, name, body, shortcut, created_by, created_at, updated_at`

func scanSavedReply(r rowScanner, s *desk.SavedReply) error {
	var created, updated int64
	err := r.Scan(&s.ID, &s.WorkspaceID, &s.OwnerID, &s.Name, &s.Text, &s.Shortcut, &s.CreatedBy, &created, &updated)
	s.CreatedAt, s.UpdatedAt = msToTime(created), msToTime(updated)
	return err
}

func (c *conn) SavedReply(ctx context.Context, ws, id string) (*desk.SavedReply, error) {
	var s desk.SavedReply
	err := scanSavedReply(c.q.QueryRowContext(ctx, `SELECT `+savedReplyCols+` FROM saved_replies WHERE workspace_id = $1 AND id = $2`, ws, id), &s)
	return &s, c.mapErr(err, "saved reply "+id)
}

func (c *conn) SavedReplies(ctx context.Context, ws string, f desk.SavedReplyFilter) ([]desk.SavedReply, error) {
	q, args := ownedPage("saved_replies", savedReplyCols, ws, f.After, f.Visible, f.Limit)
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, s *desk.SavedReply) error { return scanSavedReply(r, s) })
	return out, c.mapErr(err, "saved replies")
}

func (c *conn) CreateSavedReply(ctx context.Context, s *desk.SavedReply) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO saved_replies (`+savedReplyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, s.WorkspaceID, s.OwnerID, s.Name, s.Text, s.Shortcut, s.CreatedBy, ms(s.CreatedAt), ms(s.UpdatedAt))
	return c.mapErr(err, "create saved reply")
}

func (c *conn) UpdateSavedReply(ctx context.Context, s *desk.SavedReply) error {
	res, err := c.q.ExecContext(ctx, `UPDATE saved_replies SET name = $3, body = $4, shortcut = $5, updated_at = $6
		WHERE workspace_id = $1 AND id = $2`, s.WorkspaceID, s.ID, s.Name, s.Text, s.Shortcut, ms(s.UpdatedAt))
	return c.affected(res, err, "update saved reply "+s.ID)
}

func (c *conn) DeleteSavedReply(ctx context.Context, ws, id string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM saved_replies WHERE workspace_id = $1 AND id = $2`, ws, id)
	return c.affected(res, err, "delete saved reply "+id)
}

// MergeContact moves into contact into what contact from has — the
// identities it lacks, the details it lacks, the custom fields whose keys
// it lacks, its messages' authorship and any ticket still its — records
// the merge in contact_merges and deletes from with its profile (desk
// merges profiles and door meta itself). It is migration 0015's merge, run
// on demand.
func (c *conn) MergeContact(ctx context.Context, ws, intoID, fromID, reason string, at time.Time) (int64, error) {
	into, err := loadMergeContact(ctx, c.q, intoID)
	if err != nil {
		return 0, c.mapErr(err, "merge contact")
	}
	from, err := loadMergeContact(ctx, c.q, fromID)
	if err != nil {
		return 0, c.mapErr(err, "merge contact")
	}
	if into.ws != ws || from.ws != ws {
		return 0, fmt.Errorf("merge contact %s into %s: %w", fromID, intoID, desk.ErrNotFound)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT channel, external_id FROM contact_identities WHERE contact_id = $1 ORDER BY position`, fromID)
	ids, err := collect(rows, err, func(r *sql.Rows, i *desk.Identity) error { return r.Scan(&i.Channel, &i.ExternalID) })
	if err != nil {
		return 0, c.mapErr(err, "merge contact")
	}
	idents := string(jsonOrEmpty(ids))
	moved, err := mergeInto(ctx, c.q, into, from, false)
	if err != nil {
		return 0, c.mapErr(err, "merge contact "+fromID+" into "+intoID)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE contacts SET updated_at = $2 WHERE id = $1`, intoID, ms(at)); err != nil {
		return 0, c.mapErr(err, "merge contact")
	}
	_, err = c.q.ExecContext(ctx, `INSERT INTO contact_merges (id, workspace_id, contact_id, contact_number, contact_name,
		into_id, into_number, identities, tickets, reason, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		objectid.New(at), ws, from.id, from.number, from.name, into.id, into.number, idents, moved, reason, ms(at))
	return moved, c.mapErr(err, "record merge of contact "+fromID)
}

func jsonOrEmpty(v []desk.Identity) []byte {
	if len(v) == 0 {
		return []byte("[]")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("[]")
	}
	return b
}
