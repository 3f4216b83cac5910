package sqlstore

import (
	"context"
	"database/sql"

	"github.com/ticketd/ticketd/internal/desk"
)

const workspaceCols = `id, number, name, timezone, settings, created_at`

func scanWorkspace(r interface{ Scan(...any) error }, w *desk.Workspace) error {
	var created int64
	err := r.Scan(&w.ID, &w.Number, &w.Name, &w.Timezone, js(&w.Settings), &created)
	w.CreatedAt = msToTime(created)
	return err
}

func (c *conn) Workspace(ctx context.Context, id string) (*desk.Workspace, error) {
	var w desk.Workspace
	err := scanWorkspace(c.q.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`, id), &w)
	return &w, c.mapErr(err, "workspace "+id)
}

// LockWorkspace reads a workspace FOR UPDATE where the flavor has row
// locks (PostgreSQL); SQLite's single writer already serializes.
func (t *tx) LockWorkspace(ctx context.Context, id string) (*desk.Workspace, error) {
	var w desk.Workspace
	err := scanWorkspace(t.q.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`+t.fl.ForUpdate, id), &w)
	return &w, t.mapErr(err, "lock workspace "+id)
}

func (c *conn) WorkspaceByName(ctx context.Context, name string) (*desk.Workspace, error) {
	var w desk.Workspace
	err := scanWorkspace(c.q.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE name = $1`, name), &w)
	return &w, c.mapErr(err, "workspace "+name)
}

func (c *conn) CreateWorkspace(ctx context.Context, w *desk.Workspace) error {
	n, err := c.nextNumber(ctx, "", "workspace")
	if err != nil {
		return err
	}
	w.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO workspaces (`+workspaceCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.Number, w.Name, w.Timezone, js(w.Settings), ms(w.CreatedAt))
	return c.mapErr(err, "create workspace "+w.Name)
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

var _ rowScanner = (*sql.Row)(nil)

func (c *conn) UpdateWorkspace(ctx context.Context, ws, name, timezone string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE workspaces SET name = $2, timezone = $3 WHERE id = $1`, ws, name, timezone)
	return c.affected(res, err, "update workspace "+ws)
}
