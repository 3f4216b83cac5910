package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

const agentCols = `a.id, a.workspace_id, a.number, a.name, a.email, a.password_hash, a.role, a.presence,
	a.presence_changed_at, a.last_login_at, a.capacity, a.avatar_url, a.meta, a.created_at, a.updated_at, a.deactivated_at, a.language, a.time_zone,
	COALESCE((SELECT ` + groupConcat + ` FROM agent_groups g WHERE g.agent_id = a.id), '')`

// groupConcat is spelled the same in SQLite and PostgreSQL.
const groupConcat = `string_agg(g.group_id, ',')`

func scanAgent(r rowScanner, a *desk.Agent) error {
	var created, updated int64
	var groups string
	err := r.Scan(&a.ID, &a.WorkspaceID, &a.Number, &a.Name, &a.Email, &a.PasswordHash, &a.Role, &a.Presence,
		tm(&a.PresenceChangedAt), tm(&a.LastLoginAt), &a.Capacity, &a.AvatarURL, js(&a.Meta), &created, &updated, tm(&a.DeactivatedAt),
		&a.Language, &a.TimeZone, &groups)
	a.CreatedAt, a.UpdatedAt = msToTime(created), msToTime(updated)
	a.GroupIDs = splitList(groups)
	return err
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (c *conn) Agent(ctx context.Context, ws, id string) (*desk.Agent, error) {
	var a desk.Agent
	err := scanAgent(c.q.QueryRowContext(ctx, `SELECT `+agentCols+` FROM agents a WHERE a.workspace_id = $1 AND a.id = $2`, ws, id), &a)
	return &a, c.mapErr(err, "agent "+id)
}

// LockAgent reads an agent and holds its row against concurrent writers
// (FOR UPDATE on PostgreSQL; SQLite's single writer serializes): every
// agent write replaces the whole row.
func (t *tx) LockAgent(ctx context.Context, ws, id string) (*desk.Agent, error) {
	var a desk.Agent
	err := scanAgent(t.q.QueryRowContext(ctx, `SELECT `+agentCols+` FROM agents a WHERE a.workspace_id = $1 AND a.id = $2`+t.fl.ForUpdate, ws, id), &a)
	return &a, t.mapErr(err, "lock agent "+id)
}

func (c *conn) AgentByNumber(ctx context.Context, ws string, number int64) (*desk.Agent, error) {
	var a desk.Agent
	err := scanAgent(c.q.QueryRowContext(ctx, `SELECT `+agentCols+` FROM agents a WHERE a.workspace_id = $1 AND a.number = $2`, ws, number), &a)
	return &a, c.mapErr(err, fmt.Sprintf("agent #%d", number))
}

func (c *conn) AgentsByEmail(ctx context.Context, email string) ([]desk.Agent, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+agentCols+` FROM agents a WHERE a.email = $1 ORDER BY a.created_at`, email)
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.Agent) error { return scanAgent(r, a) })
	return out, c.mapErr(err, "agents by email")
}

func (c *conn) Agents(ctx context.Context, ws string, f desk.AgentFilter) ([]desk.Agent, error) {
	q := `SELECT ` + agentCols + ` FROM agents a WHERE a.workspace_id = $1`
	args := []any{ws}
	if f.GroupID != "" {
		args = append(args, f.GroupID)
		q += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM agent_groups m WHERE m.agent_id = a.id AND m.group_id = $%d)`, len(args))
	}
	if f.Role != "" {
		args = append(args, f.Role)
		q += fmt.Sprintf(` AND a.role = $%d`, len(args))
	}
	if f.Presence != "" {
		args = append(args, f.Presence)
		q += fmt.Sprintf(` AND a.presence = $%d`, len(args))
	}
	rows, err := c.q.QueryContext(ctx, q+` ORDER BY a.number`, args...)
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.Agent) error { return scanAgent(r, a) })
	return out, c.mapErr(err, "agents")
}

func (c *conn) CreateAgent(ctx context.Context, a *desk.Agent) error {
	n, err := c.nextNumber(ctx, a.WorkspaceID, "agent")
	if err != nil {
		return err
	}
	a.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO agents (id, workspace_id, number, name, email, password_hash, role, presence,
		presence_changed_at, last_login_at, capacity, avatar_url, meta, created_at, updated_at, deactivated_at, language, time_zone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		a.ID, a.WorkspaceID, a.Number, a.Name, a.Email, a.PasswordHash, a.Role, a.Presence,
		tm(&a.PresenceChangedAt), tm(&a.LastLoginAt), a.Capacity, a.AvatarURL, metaJSON(a.Meta), ms(a.CreatedAt), ms(a.UpdatedAt),
		tm(&a.DeactivatedAt), a.Language, a.TimeZone)
	if err != nil {
		return c.mapErr(err, "create agent "+a.Email)
	}
	return c.setAgentGroups(ctx, a)
}

func (c *conn) UpdateAgent(ctx context.Context, a *desk.Agent) error {
	res, err := c.q.ExecContext(ctx, `UPDATE agents SET name = $3, email = $4, password_hash = $5, role = $6, presence = $7,
		presence_changed_at = $8, last_login_at = $9, capacity = $10, avatar_url = $11, meta = $12, updated_at = $13,
		deactivated_at = $14, language = $15, time_zone = $16
		WHERE workspace_id = $1 AND id = $2`,
		a.WorkspaceID, a.ID, a.Name, a.Email, a.PasswordHash, a.Role, a.Presence,
		tm(&a.PresenceChangedAt), tm(&a.LastLoginAt), a.Capacity, a.AvatarURL, metaJSON(a.Meta), ms(a.UpdatedAt),
		tm(&a.DeactivatedAt), a.Language, a.TimeZone)
	if err := c.affected(res, err, "update agent "+a.ID); err != nil {
		return err
	}
	// Most updates are presence changes: rewriting the group rows each time
	// costs a DELETE and an INSERT per group, and dead rows on PostgreSQL.
	rows, err := c.q.QueryContext(ctx, `SELECT group_id FROM agent_groups WHERE agent_id = $1`, a.ID)
	have, err := collect(rows, err, func(r *sql.Rows, g *string) error { return r.Scan(g) })
	if err != nil {
		return c.mapErr(err, "groups of agent "+a.ID)
	}
	want := slices.Clone(a.GroupIDs)
	slices.Sort(have)
	slices.Sort(want)
	if slices.Equal(have, slices.Compact(want)) {
		return nil
	}
	return c.setAgentGroups(ctx, a)
}

func (c *conn) setAgentGroups(ctx context.Context, a *desk.Agent) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM agent_groups WHERE agent_id = $1`, a.ID); err != nil {
		return c.mapErr(err, "clear groups of agent "+a.ID)
	}
	for _, g := range a.GroupIDs {
		_, err := c.q.ExecContext(ctx, `INSERT INTO agent_groups (workspace_id, agent_id, group_id)
			SELECT $1, $2, id FROM groups WHERE workspace_id = $1 AND id = $3`, a.WorkspaceID, a.ID, g)
		if err != nil {
			return c.mapErr(err, "add agent "+a.ID+" to group "+g)
		}
	}
	return nil
}

// metaJSON writes door meta, "{}" (the column default) when there is none.
func metaJSON(m map[string]map[string]json.RawMessage) jsonCol {
	if m == nil {
		return js(map[string]map[string]json.RawMessage{})
	}
	return js(m)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
