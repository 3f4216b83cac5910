package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/internal/objectid"
)

// NewChannelAccount is what CreateChannelAccount needs.
type NewChannelAccount struct {
	Channel      Channel
	Name         string // the account's handle or display name
	UID          string // network-side id: page id, phone number, address
	ProviderType string // raw channel type when finer than Channel (e.g. twitter_search)
	Inactive     bool
}

// CreateChannelAccount connects an inbox (a WhatsApp number, a Facebook
// page, a mailbox) to ws.
func (s *Service) CreateChannelAccount(ctx context.Context, ws string, in NewChannelAccount) (*ChannelAccount, error) {
	if _, err := ParseChannel(string(in.Channel)); err != nil {
		return nil, err
	}
	name, uid := strings.TrimSpace(in.Name), strings.TrimSpace(in.UID)
	if name == "" && uid == "" {
		return nil, Invalid("name", CodeRequired, Params{Fields: []string{"name", "uid"}})
	}
	if name == "" {
		name = uid
	}
	now := s.now()
	a := &ChannelAccount{ID: objectid.New(now), WorkspaceID: ws, Channel: in.Channel, Name: name, UID: uid,
		ProviderType: strings.TrimSpace(in.ProviderType), Active: !in.Inactive, CreatedAt: now}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.CreateChannelAccount(ctx, a) }); err != nil {
		return nil, fmt.Errorf("create channel account %q: %w", name, err)
	}
	return a, nil
}

// FindChannelAccount returns the account of ws on channel whose uid or
// name is ref (uid first: it is the network's own id).
func (s *Service) FindChannelAccount(ctx context.Context, ws string, channel Channel, ref string) (*ChannelAccount, error) {
	accounts, err := s.Store.ChannelAccounts(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("find channel account %q: %w", ref, err)
	}
	var byName *ChannelAccount
	for i := range accounts {
		a := &accounts[i]
		if a.Channel != channel {
			continue
		}
		if a.UID != "" && a.UID == ref {
			return a, nil
		}
		if byName == nil && a.Name == ref {
			byName = a
		}
	}
	if byName != nil {
		return byName, nil
	}
	return nil, fmt.Errorf("channel account %q on %s: %w", ref, channel, ErrNotFound)
}
