package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// DirectoryVersion reads ws's row of directory_versions, which triggers
// bump on every write to agents, agent_groups, groups, field_defs, macros,
// saved_replies and sla_policies (migration 0035); 0 when none was ever
// written.
func (c *conn) DirectoryVersion(ctx context.Context, ws string) (int64, error) {
	var v int64
	err := c.q.QueryRowContext(ctx, `SELECT version FROM directory_versions WHERE workspace_id = $1`, ws).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, c.mapErr(err, "directory version of "+ws)
}
