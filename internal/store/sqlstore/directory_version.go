package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ticketd/ticketd/internal/desk"
)

// DirectoryVersion reads ws's row of directory_versions: version, which
// triggers bump on every write to agents, agent_groups, groups,
// field_defs, macros, saved_replies and sla_policies (migration 0035), and
// contacts, bumped when a contact's name, e-mail, phone or number changes
// or a contact is deleted (0036); zeros when none was ever written.
func (c *conn) DirectoryVersion(ctx context.Context, ws string) (desk.DirectoryVersion, error) {
	var v desk.DirectoryVersion
	err := c.q.QueryRowContext(ctx, `SELECT version, contacts FROM directory_versions WHERE workspace_id = $1`, ws).
		Scan(&v.Directory, &v.Contacts)
	if errors.Is(err, sql.ErrNoRows) {
		return desk.DirectoryVersion{}, nil
	}
	return v, c.mapErr(err, "directory version of "+ws)
}
