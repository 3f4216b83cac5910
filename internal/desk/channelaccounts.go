package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
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
	GroupID      string          // where tickets it opens are routed; "" none
	Settings     json.RawMessage // see ParseChannelSettings; secrets are sealed
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
	if err := checkAccountNames(in.Channel, name, uid); err != nil {
		return nil, err
	}
	now := s.now()
	a := &ChannelAccount{ID: objectid.New(now), WorkspaceID: ws, Channel: in.Channel, Name: name, UID: uid,
		ProviderType: strings.TrimSpace(in.ProviderType), Active: !in.Inactive, CreatedAt: now, GroupID: in.GroupID}
	var err error
	if in.Settings != nil {
		if a.Settings, err = s.storeSettings(a.Channel, a.ID, in.Settings, nil); err != nil {
			return nil, err
		}
	}
	if err := s.Store.Update(ctx, func(tx Tx) error {
		if err := checkAccountGroup(ctx, tx, ws, a.GroupID); err != nil {
			return err
		}
		return tx.CreateChannelAccount(ctx, a)
	}); err != nil {
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

// checkAccountNames bounds an account's name and uid; an e-mail account's
// uid is its address.
func checkAccountNames(ch Channel, name, uid string) error {
	if len(name) > 255 {
		return TooLong("name", 255)
	}
	if len(uid) > 320 {
		return TooLong("uid", 320)
	}
	if ch != ChannelEmail {
		return nil
	}
	if uid == "" {
		return Required("uid")
	}
	if addr, err := mail.ParseAddress(uid); err != nil || addr.Address != uid {
		return Invalid("uid", CodeFormat, Params{Value: uid, Format: "e-mail address"})
	}
	return nil
}

func checkAccountGroup(ctx context.Context, r Reader, ws, id string) error {
	if id == "" {
		return nil
	}
	if _, err := r.Group(ctx, ws, id); errors.Is(err, ErrNotFound) {
		return NoRef("group_id", "group", id)
	} else if err != nil {
		return err
	}
	return nil
}

// ChannelAccountPatch changes an account; nil fields stay. The channel
// never changes. Settings replace the stored ones, except that a secret the
// new settings do not name is kept (and one given as "" is cleared).
type ChannelAccountPatch struct {
	Name, UID *string
	GroupID   *string // "" routes nowhere in particular
	Active    *bool
	Settings  json.RawMessage
}

// UpdateChannelAccount applies p to the account id of ws.
func (s *Service) UpdateChannelAccount(ctx context.Context, ws, id string, p ChannelAccountPatch) (*ChannelAccount, error) {
	var out *ChannelAccount
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := tx.LockChannelAccount(ctx, ws, id)
		if err != nil {
			return err
		}
		if p.Name != nil {
			a.Name = strings.TrimSpace(*p.Name)
		}
		if p.UID != nil {
			a.UID = strings.TrimSpace(*p.UID)
		}
		if a.Name == "" && a.UID == "" {
			return Invalid("name", CodeRequired, Params{Fields: []string{"name", "uid"}})
		}
		if a.Name == "" {
			a.Name = a.UID
		}
		if err := checkAccountNames(a.Channel, a.Name, a.UID); err != nil {
			return err
		}
		if p.GroupID != nil {
			a.GroupID = strings.TrimSpace(*p.GroupID)
			if err := checkAccountGroup(ctx, tx, ws, a.GroupID); err != nil {
				return err
			}
		}
		if p.Active != nil {
			a.Active = *p.Active
		}
		if a.Settings, err = s.storeSettings(a.Channel, a.ID, p.Settings, a.Settings); err != nil {
			return err
		}
		out = a
		return tx.UpdateChannelAccount(ctx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("update channel account %s: %w", id, err)
	}
	return out, nil
}

// DeleteChannelAccount removes an account nothing references. One that a
// ticket, message or queued delivery names is deactivated instead (and
// reported so): its tickets keep their channel and history, it sends
// nothing more, and PATCH {"active": true} brings it back.
func (s *Service) DeleteChannelAccount(ctx context.Context, ws, id string) (deactivated bool, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		a, err := tx.LockChannelAccount(ctx, ws, id)
		if err != nil {
			return err
		}
		inUse, err := tx.ChannelAccountInUse(ctx, ws, id)
		if err != nil {
			return err
		}
		if !inUse {
			deactivated = false
			return tx.DeleteChannelAccount(ctx, ws, id)
		}
		deactivated = true
		a.Active = false
		return tx.UpdateChannelAccount(ctx, a)
	})
	if err != nil {
		return false, fmt.Errorf("delete channel account %s: %w", id, err)
	}
	return deactivated, nil
}

// ChannelAccountSecrets returns the account and its settings with every
// secret opened: for the channel code that must talk to the provider, and
// nothing that answers a client.
func (s *Service) ChannelAccountSecrets(ctx context.Context, ws, id string) (*ChannelAccount, json.RawMessage, error) {
	a, err := s.Store.ChannelAccount(ctx, ws, id)
	if err != nil {
		return nil, nil, fmt.Errorf("channel account %s: %w", id, err)
	}
	out, err := s.openSettings(a)
	return a, out, err
}

// openSettings is a's settings with their secrets opened.
func (s *Service) openSettings(a *ChannelAccount) (json.RawMessage, error) {
	tree, err := decodeSettings(a.Settings)
	if err != nil {
		return nil, fmt.Errorf("channel account %s settings: %w", a.ID, err)
	}
	if err := openSecrets(s.Secrets, tree, []byte(a.ID)); err != nil {
		return nil, fmt.Errorf("channel account %s: %w", a.ID, err)
	}
	return json.Marshal(tree)
}

// EmailAccount is ChannelAccountSecrets for an e-mail account, typed.
func (s *Service) EmailAccount(ctx context.Context, ws, id string) (*ChannelAccount, *EmailSettings, error) {
	a, err := s.Store.ChannelAccount(ctx, ws, id)
	if err != nil {
		return nil, nil, fmt.Errorf("channel account %s: %w", id, err)
	}
	es, err := s.EmailSettingsOf(a)
	return a, es, err
}

// EmailSettingsOf is the settings of the e-mail account a, as just read,
// with their secrets opened: for a caller that holds the account already
// (the outbox worker read it for the send), one read less than
// EmailAccount.
func (s *Service) EmailSettingsOf(a *ChannelAccount) (*EmailSettings, error) {
	if a.Channel != ChannelEmail {
		return nil, Invalid("channel", CodeNotAllowed, Params{Value: string(a.Channel)})
	}
	raw, err := s.openSettings(a)
	if err != nil {
		return nil, err
	}
	var es EmailSettings
	if err := json.Unmarshal(raw, &es); err != nil {
		return nil, fmt.Errorf("channel account %s settings: %w", a.ID, err)
	}
	return &es, nil
}
