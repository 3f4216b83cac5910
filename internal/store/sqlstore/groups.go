package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

const groupCols = `id, workspace_id, number, name, supervisor_id, created_at, description`

func scanGroup(r rowScanner, g *desk.Group) error {
	var created int64
	err := r.Scan(&g.ID, &g.WorkspaceID, &g.Number, &g.Name, ns(&g.SupervisorID), &created, &g.Description)
	g.CreatedAt = msToTime(created)
	return err
}

func (c *conn) Group(ctx context.Context, ws, id string) (*desk.Group, error) {
	var g desk.Group
	err := scanGroup(c.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE workspace_id = $1 AND id = $2`, ws, id), &g)
	return &g, c.mapErr(err, "group "+id)
}

func (c *conn) GroupByNumber(ctx context.Context, ws string, number int64) (*desk.Group, error) {
	var g desk.Group
	err := scanGroup(c.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE workspace_id = $1 AND number = $2`, ws, number), &g)
	return &g, c.mapErr(err, fmt.Sprintf("group #%d", number))
}

func (c *conn) GroupByName(ctx context.Context, ws, name string) (*desk.Group, error) {
	var g desk.Group
	err := scanGroup(c.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE workspace_id = $1 AND name = $2`, ws, name), &g)
	return &g, c.mapErr(err, "group "+name)
}

func (c *conn) Groups(ctx context.Context, ws string) ([]desk.Group, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+groupCols+` FROM groups WHERE workspace_id = $1 ORDER BY number`, ws)
	out, err := collect(rows, err, func(r *sql.Rows, g *desk.Group) error { return scanGroup(r, g) })
	return out, c.mapErr(err, "groups")
}

func (c *conn) CreateGroup(ctx context.Context, g *desk.Group) error {
	n, err := c.nextNumber(ctx, g.WorkspaceID, "group")
	if err != nil {
		return err
	}
	g.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO groups (`+groupCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		g.ID, g.WorkspaceID, g.Number, g.Name, nullIfEmpty(g.SupervisorID), ms(g.CreatedAt), g.Description)
	return c.mapErr(err, "create group "+g.Name)
}

func (c *conn) UpdateGroup(ctx context.Context, g *desk.Group) error {
	res, err := c.q.ExecContext(ctx, `UPDATE groups SET name = $3, supervisor_id = $4, description = $5 WHERE workspace_id = $1 AND id = $2`,
		g.WorkspaceID, g.ID, g.Name, nullIfEmpty(g.SupervisorID), g.Description)
	return c.affected(res, err, "update group "+g.ID)
}

// GroupTickets counts the tickets of any status in group id.
func (c *conn) GroupTickets(ctx context.Context, ws, id string) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE workspace_id = $1 AND group_id = $2`, ws, id).Scan(&n)
	return n, c.mapErr(err, "tickets of group "+id)
}

// DeleteGroup removes a group no ticket names: its memberships go, and
// channel accounts that routed into it route to the general queue.
func (c *conn) DeleteGroup(ctx context.Context, ws, id string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM agent_groups WHERE workspace_id = $1 AND group_id = $2`, ws, id); err != nil {
		return c.mapErr(err, "delete group "+id)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE channel_accounts SET group_id = NULL WHERE workspace_id = $1 AND group_id = $2`, ws, id); err != nil {
		return c.mapErr(err, "delete group "+id)
	}
	res, err := c.q.ExecContext(ctx, `DELETE FROM groups WHERE workspace_id = $1 AND id = $2`, ws, id)
	return c.affected(res, err, "delete group "+id)
}

const channelAccountCols = `id, workspace_id, number, channel, name, uid, provider_type, active, created_at, group_id, settings`

func scanChannelAccount(r rowScanner, a *desk.ChannelAccount) error {
	var created int64
	var settings string
	err := r.Scan(&a.ID, &a.WorkspaceID, &a.Number, &a.Channel, &a.Name, &a.UID, &a.ProviderType, &a.Active, &created,
		ns(&a.GroupID), &settings)
	a.CreatedAt = msToTime(created)
	if settings != "" {
		a.Settings = json.RawMessage(settings)
	}
	return err
}

func (c *conn) ChannelAccount(ctx context.Context, ws, id string) (*desk.ChannelAccount, error) {
	var a desk.ChannelAccount
	err := scanChannelAccount(c.q.QueryRowContext(ctx, `SELECT `+channelAccountCols+` FROM channel_accounts WHERE workspace_id = $1 AND id = $2`, ws, id), &a)
	return &a, c.mapErr(err, "channel account "+id)
}

// LockChannelAccount reads a channel account and holds its row against
// concurrent writers: a patch merges into the stored settings.
func (t *tx) LockChannelAccount(ctx context.Context, ws, id string) (*desk.ChannelAccount, error) {
	var a desk.ChannelAccount
	err := scanChannelAccount(t.q.QueryRowContext(ctx, `SELECT `+channelAccountCols+` FROM channel_accounts WHERE workspace_id = $1 AND id = $2`+t.fl.ForUpdate, ws, id), &a)
	return &a, t.mapErr(err, "lock channel account "+id)
}

func (c *conn) ChannelAccounts(ctx context.Context, ws string) ([]desk.ChannelAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+channelAccountCols+` FROM channel_accounts WHERE workspace_id = $1 ORDER BY number`, ws)
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.ChannelAccount) error { return scanChannelAccount(r, a) })
	return out, c.mapErr(err, "channel accounts")
}

func (c *conn) CreateChannelAccount(ctx context.Context, a *desk.ChannelAccount) error {
	n, err := c.nextNumber(ctx, a.WorkspaceID, "channel_account")
	if err != nil {
		return err
	}
	a.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO channel_accounts (`+channelAccountCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.WorkspaceID, a.Number, a.Channel, a.Name, a.UID, a.ProviderType, a.Active, ms(a.CreatedAt),
		nullIfEmpty(a.GroupID), string(a.Settings))
	return c.mapErr(err, "create channel account "+a.Name)
}

func (c *conn) UpdateChannelAccount(ctx context.Context, a *desk.ChannelAccount) error {
	res, err := c.q.ExecContext(ctx, `UPDATE channel_accounts SET name = $3, uid = $4, provider_type = $5, active = $6, group_id = $7, settings = $8
		WHERE workspace_id = $1 AND id = $2`,
		a.WorkspaceID, a.ID, a.Name, a.UID, a.ProviderType, a.Active, nullIfEmpty(a.GroupID), string(a.Settings))
	return c.affected(res, err, "update channel account "+a.ID)
}

// ChannelAccountInUse reports whether a ticket, message or outbox row
// names the account: those keep it (deactivated) rather than lose it.
func (c *conn) ChannelAccountInUse(ctx context.Context, ws, id string) (bool, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE workspace_id = $1 AND channel_account_id = $2 LIMIT 1) t) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE workspace_id = $1 AND channel_account_id = $2 LIMIT 1) m) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE workspace_id = $1 AND channel_account_id = $2 LIMIT 1) o)`, ws, id).Scan(&n)
	return n > 0, c.mapErr(err, "channel account in use "+id)
}

// DeleteChannelAccount removes an account nothing references (with the
// agents' routing choices that name it).
func (c *conn) DeleteChannelAccount(ctx context.Context, ws, id string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM agent_channel_accounts WHERE channel_account_id = $1`, id); err != nil {
		return c.mapErr(err, "delete channel account "+id)
	}
	res, err := c.q.ExecContext(ctx, `DELETE FROM channel_accounts WHERE workspace_id = $1 AND id = $2`, ws, id)
	return c.affected(res, err, "delete channel account "+id)
}
