package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Outbound is a message an agent starts on a channel to a customer who may
// never have written: a WhatsApp template sent to a phone number.
type Outbound struct {
	AccountID string // the channel account that sends
	To        Party
	// Message is what was sent; its author defaults to the caller. Set
	// ProviderID when the provider has already taken it.
	Message NewMessage
	Origin  Origin // of a new ticket; default agent
	// TicketMeta is merged into the ticket's, by dialect then field.
	TicketMeta map[string]map[string]json.RawMessage
}

// Reach stores an outbound message the way Receive stores an inbound one,
// in one transaction: the contact found by identity (or created), the
// message threaded into the contact's active ticket on that account or
// into a new routed ticket. A closed ticket is never reused: the message
// opens a new one.
func (s *Service) Reach(ctx context.Context, ws string, actor Actor, in Outbound) (*Threaded, error) {
	m := in.Message
	if strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0 {
		return nil, fmt.Errorf("reach contact: %w: a message needs text or an attachment", ErrInvalid)
	}
	if len(m.Text) > MaxText {
		return nil, fmt.Errorf("reach contact: %w: message longer than %d bytes", ErrInvalid, MaxText)
	}
	acct, err := s.Store.ChannelAccount(ctx, ws, in.AccountID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("reach contact: %w: no channel account %q", ErrInvalid, in.AccountID)
	}
	if err != nil {
		return nil, fmt.Errorf("reach contact: %w", err)
	}
	if !acct.Active {
		return nil, fmt.Errorf("reach contact: %w: channel account %s is not active", ErrInvalid, acct.Name)
	}
	if err := checkParty(acct, &in.To); err != nil {
		return nil, fmt.Errorf("reach contact: %w", err)
	}
	if m.Author.Kind == "" {
		m.Author = actor
	}
	if m.AuthorName == "" {
		m.AuthorName = s.authorName(ctx, s.Store, ws, m.Author)
	}
	m.ChannelAccountID = acct.ID
	if in.Origin == "" {
		in.Origin = OriginAgent
	}
	var out *Threaded
	err = s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if err := tx.LockRouting(ctx, ws); err != nil {
			return err
		}
		var err error
		if out, err = s.delivered(ctx, tx, ws, acct.ID, m.ProviderID); out != nil || err != nil {
			return err
		}
		out = &Threaded{}
		if out.Contact, out.NewContact, err = s.partyContact(ctx, tx, ws, acct, in.To); err != nil {
			return err
		}
		t, err := s.activeTicket(ctx, tx, ws, acct, out.Contact.ID)
		if err != nil {
			return err
		}
		if t == nil {
			out.NewTicket = true
			t = newChannelTicket(s.now(), ws, acct, out.Contact.ID, actor, in.Origin, "")
			t.Meta = in.TicketMeta
			out.Ticket = t
			out.Message, err = s.openChannelTicket(ctx, tx, ch, t, m)
			return err
		}
		if t, err = tx.LockTicket(ctx, ws, t.ID); err != nil {
			return err
		}
		out.Ticket = t
		if out.Message, err = s.addMessage(ctx, tx, ch, t, m); err != nil {
			return err
		}
		if len(in.TicketMeta) > 0 {
			return s.ApplyPatch(ctx, tx, ch, t, actor, TicketPatch{Meta: in.TicketMeta})
		}
		return tx.UpdateTicket(ctx, t)
	})
	if err != nil {
		return nil, fmt.Errorf("reach contact on channel account %s: %w", acct.ID, err)
	}
	return out, nil
}
