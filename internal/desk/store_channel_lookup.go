package desk

import "context"

// ChannelLookup finds channel accounts without knowing their workspace: a
// mail server knows only the recipient address (RCPT TO), and a mailbox
// may belong to any workspace of the instance.
type ChannelLookup interface {
	// ChannelAccountsByUID returns the accounts on channel whose uid is
	// uid, compared case-insensitively (e-mail addresses), in any
	// workspace, active or not, oldest first.
	ChannelAccountsByUID(ctx context.Context, channel Channel, uid string) ([]ChannelAccount, error)
	// ChannelAccountsOn returns every account on channel, in any
	// workspace, active or not, oldest first: the IMAP poller walks them.
	ChannelAccountsOn(ctx context.Context, channel Channel) ([]ChannelAccount, error)
}
