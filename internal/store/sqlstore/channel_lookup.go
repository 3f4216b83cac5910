package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// ChannelAccountsByUID finds accounts across workspaces by channel and
// lower-cased uid (index channel_accounts_uid, migration 0022). lower()
// folds ASCII only on SQLite; addresses are compared as ASCII, which is
// what mail servers do for the domain and most do for the local part.
func (c *conn) ChannelAccountsByUID(ctx context.Context, channel desk.Channel, uid string) ([]desk.ChannelAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+channelAccountCols+` FROM channel_accounts
		WHERE channel = $1 AND lower(uid) = $2 ORDER BY created_at, id`, channel, strings.ToLower(strings.TrimSpace(uid)))
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.ChannelAccount) error { return scanChannelAccount(r, a) })
	return out, c.mapErr(err, "channel accounts by uid")
}

// ChannelAccountsOn lists the accounts of one channel across workspaces
// (a handful per instance: no index beyond channel_accounts_uid's prefix).
func (c *conn) ChannelAccountsOn(ctx context.Context, channel desk.Channel) ([]desk.ChannelAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+channelAccountCols+` FROM channel_accounts
		WHERE channel = $1 ORDER BY created_at, id`, channel)
	out, err := collect(rows, err, func(r *sql.Rows, a *desk.ChannelAccount) error { return scanChannelAccount(r, a) })
	return out, c.mapErr(err, "channel accounts on "+string(channel))
}
