package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// Macros (migration 0027): a macro's actions are kept as one JSON
// document; the store never filters by them.
const macroCols = `id, workspace_id, owner_id, name, shortcut, actions, reply, is_note, created_by, created_at, updated_at`

func scanMacro(r rowScanner, m *desk.Macro) error {
	var created, updated, note int64
	var actions string
	err := r.Scan(&m.ID, &m.WorkspaceID, &m.OwnerID, &m.Name, &m.Shortcut, &actions, &m.Reply, &note, &m.CreatedBy, &created, &updated)
	if err != nil {
		return err
	}
	m.Note, m.CreatedAt, m.UpdatedAt = note != 0, msToTime(created), msToTime(updated)
	if err := json.Unmarshal([]byte(actions), &m.Actions); err != nil {
		return fmt.Errorf("macro %s actions: %w", m.ID, err)
	}
	return nil
}

func macroArgs(m *desk.Macro) (string, int64, error) {
	b, err := json.Marshal(m.Actions)
	note := int64(0)
	if m.Note {
		note = 1
	}
	return string(b), note, err
}

func (c *conn) Macro(ctx context.Context, ws, id string) (*desk.Macro, error) {
	var m desk.Macro
	err := scanMacro(c.q.QueryRowContext(ctx, `SELECT `+macroCols+` FROM macros WHERE workspace_id = $1 AND id = $2`, ws, id), &m)
	return &m, c.mapErr(err, "macro "+id)
}

func (c *conn) Macros(ctx context.Context, ws string, f desk.MacroFilter) ([]desk.Macro, error) {
	q, args := ownedPage("macros", macroCols, ws, f.After, f.Visible, f.Limit)
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, m *desk.Macro) error { return scanMacro(r, m) })
	return out, c.mapErr(err, "macros")
}

func (c *conn) CreateMacro(ctx context.Context, m *desk.Macro) error {
	actions, note, err := macroArgs(m)
	if err != nil {
		return err
	}
	_, err = c.q.ExecContext(ctx, `INSERT INTO macros (`+macroCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.ID, m.WorkspaceID, m.OwnerID, m.Name, m.Shortcut, actions, m.Reply, note, m.CreatedBy, ms(m.CreatedAt), ms(m.UpdatedAt))
	return c.mapErr(err, "create macro")
}

func (c *conn) UpdateMacro(ctx context.Context, m *desk.Macro) error {
	actions, note, err := macroArgs(m)
	if err != nil {
		return err
	}
	res, err := c.q.ExecContext(ctx, `UPDATE macros SET name = $3, shortcut = $4, actions = $5, reply = $6, is_note = $7, updated_at = $8
		WHERE workspace_id = $1 AND id = $2`, m.WorkspaceID, m.ID, m.Name, m.Shortcut, actions, m.Reply, note, ms(m.UpdatedAt))
	return c.affected(res, err, "update macro "+m.ID)
}

func (c *conn) DeleteMacro(ctx context.Context, ws, id string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM macros WHERE workspace_id = $1 AND id = $2`, ws, id)
	return c.affected(res, err, "delete macro "+id)
}
