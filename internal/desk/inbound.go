package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Limits on what a channel may pass.
const (
	MaxHTML       = 1 << 20
	maxProviderID = 512
	maxExternalID = 512
)

// Inbound is one message a channel received from a customer: the one desk
// call every channel (e-mail, Telegram, WhatsApp, Messenger, web chat)
// makes. See docs/inbound.md.
type Inbound struct {
	// AccountID is the channel account (an inbox) the message came to.
	AccountID string
	// From is the sender as the channel knows them.
	From Party
	// ProviderID is the provider's id for the message (an e-mail's
	// Message-ID, a WhatsApp wamid). A second delivery of one id on one
	// account writes nothing and returns the first. Empty: no dedupe.
	ProviderID string
	// Subject names a new ticket (an e-mail's subject); chats leave it empty.
	Subject string
	Text    string
	// HTML is kept as received for a sanitizer to render later.
	HTML        string
	Attachments []string // uploaded already: attachment ids or upload tokens
	// TicketID or TicketNumber is a ticket the channel matched the message
	// to (an e-mail's In-Reply-To or References). A hint that names no
	// ticket of the workspace is ignored.
	TicketID     string
	TicketNumber int64
	// SentAt is when the sender sent it; zero or in the future: now.
	SentAt time.Time
	// Meta holds channel-specific values on the message, by channel.
	Meta map[string]json.RawMessage
	// Auto: a machine sent it (an e-mail auto-reply). It is stored, but
	// leaves the ticket's status alone: an out-of-office must not reopen
	// a solved ticket.
	Auto bool
}

// Party is a customer as a channel names them.
type Party struct {
	// Identity is the sender's account on the channel: its Channel (the
	// account's when empty) and ExternalID name the contact.
	Identity Identity
	Name     string // default: the identity's display name
	Email    string // what else the channel knows, to find a contact
	Phone    string // who has no identity on the channel yet
}

// Threaded is what a message threaded into the desk did.
type Threaded struct {
	Message *Message
	Ticket  *Ticket
	Contact *Contact
	// Duplicate: the provider id was stored already; nothing was written
	// and Message and Ticket are the first delivery's.
	Duplicate  bool
	NewContact bool
	NewTicket  bool // a new ticket, or a follow-up of a closed one
}

// Receive stores a customer's message from a channel in one transaction:
// it finds the contact by identity (or creates it), threads the message
// into the ticket the channel matched, else into the contact's active
// ticket on that account, else into a new routed ticket, and ignores a
// provider message id the account has seen.
func (s *Service) Receive(ctx context.Context, ws string, in Inbound) (*Threaded, error) {
	acct, err := s.prepareInbound(ctx, ws, &in)
	if err != nil {
		return nil, fmt.Errorf("receive message: %w", err)
	}
	// Most repeated deliveries are found here, on the read pool, without
	// queueing for the write.
	if out, err := s.delivered(ctx, s.Store, ws, acct.ID, in.ProviderID); out != nil || err != nil {
		return out, err
	}
	var out *Threaded
	err = s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		// The routing lock comes first, as in every transaction that may
		// route; it also queues deliveries of one workspace, so two of the
		// same message (or of one new sender) cannot both miss the other.
		if err := tx.LockRouting(ctx, ws); err != nil {
			return err
		}
		var err error
		if out, err = s.delivered(ctx, tx, ws, acct.ID, in.ProviderID); out != nil || err != nil {
			return err
		}
		out = &Threaded{}
		if out.Contact, out.NewContact, err = s.partyContact(ctx, tx, ws, acct, in.From); err != nil {
			return err
		}
		m := NewMessage{Text: in.Text, HTML: in.HTML, Attachments: in.Attachments, Meta: in.Meta,
			Author: Actor{Kind: ActorContact, ID: out.Contact.ID}, AuthorName: out.Contact.Name, CreatedAt: in.SentAt,
			ChannelAccountID: acct.ID, ProviderID: in.ProviderID, KeepStatus: in.Auto}
		t, err := s.hintedTicket(ctx, tx, ws, in)
		if err != nil {
			return err
		}
		if t == nil {
			if t, err = s.activeTicket(ctx, tx, ws, acct, out.Contact.ID); err != nil {
				return err
			}
		}
		if t == nil {
			out.NewTicket = true
			out.Ticket = newChannelTicket(s.now(), ws, acct, out.Contact.ID, m.Author, OriginCustomer, in.Subject)
			out.Message, err = s.openChannelTicket(ctx, tx, ch, out.Ticket, m)
		} else {
			out.Ticket, out.Message, out.NewTicket, err = s.threadInto(ctx, tx, ch, t, m)
		}
		if err != nil || !out.NewTicket {
			return err
		}
		if acked, err := s.acknowledge(ctx, tx, ch, acct, out.Ticket, out.Contact, in); err != nil || !acked {
			return err
		}
		return tx.UpdateTicket(ctx, out.Ticket)
	})
	if err != nil {
		if errors.Is(err, ErrConflict) && in.ProviderID != "" {
			// Another node stored the same delivery first (the unique
			// index): answer with its message, as for any repeat.
			if out, derr := s.delivered(ctx, s.Store, ws, acct.ID, in.ProviderID); out != nil && derr == nil {
				return out, nil
			}
		}
		return nil, fmt.Errorf("receive message %q on channel account %s: %w", in.ProviderID, acct.ID, err)
	}
	return out, nil
}

// prepareInbound checks in, fills its defaults and returns its account.
func (s *Service) prepareInbound(ctx context.Context, ws string, in *Inbound) (*ChannelAccount, error) {
	if strings.TrimSpace(in.Text) == "" && len(in.Attachments) == 0 {
		return nil, Invalid("text", CodeRequired, Params{Fields: []string{"text", "attachments"}})
	}
	if len(in.Text) > MaxText || len(in.HTML) > MaxHTML {
		return nil, Invalid("text", CodeTooLong, Params{Max: MaxText})
	}
	in.Subject = strings.TrimSpace(in.Subject)
	if len(in.Subject) > MaxSubject {
		return nil, Invalid("subject", CodeTooLong, Params{Max: MaxSubject})
	}
	in.ProviderID = strings.TrimSpace(in.ProviderID)
	if len(in.ProviderID) > maxProviderID {
		return nil, Invalid("provider_id", CodeTooLong, Params{Max: maxProviderID})
	}
	if in.AccountID == "" {
		return nil, Invalid("account_id", CodeRequired, Params{})
	}
	acct, err := s.Store.ChannelAccount(ctx, ws, in.AccountID)
	if errors.Is(err, ErrNotFound) {
		return nil, NoRef("account_id", "channel account", in.AccountID)
	}
	if err != nil {
		return nil, err
	}
	if err := checkParty(acct, &in.From); err != nil {
		return nil, err
	}
	if now := s.now(); in.SentAt.IsZero() || in.SentAt.After(now) {
		// A sender's clock ahead of ours must not date a message in the
		// future: SLA clocks and "last customer message" read it.
		in.SentAt = now
	}
	return acct, nil
}

// checkParty validates p as a sender or recipient on acct's channel.
func checkParty(acct *ChannelAccount, p *Party) error {
	id := &p.Identity
	if id.Channel == "" {
		id.Channel = acct.Channel
	}
	if id.Channel != acct.Channel {
		return Invalid("from.channel", CodeOneOf, Params{Value: string(id.Channel), Allowed: []string{string(acct.Channel)}})
	}
	id.ExternalID = strings.TrimSpace(id.ExternalID)
	if id.ExternalID == "" {
		return Invalid("from.external_id", CodeRequired, Params{})
	}
	p.Name, p.Email, p.Phone = strings.TrimSpace(p.Name), normEmail(p.Email), strings.TrimSpace(p.Phone)
	id.DisplayName = strings.TrimSpace(id.DisplayName)
	if len(id.ExternalID) > maxExternalID || len(id.PageID) > maxExternalID || len(id.ScreenName) > maxProfileText ||
		len(id.DisplayName) > maxProfileText || len(p.Name) > maxProfileText || len(p.Email) > maxProfileText || len(p.Phone) > 64 {
		return Invalid("from", CodeTooLong, Params{Max: maxProfileText})
	}
	return nil
}

// delivered returns the stored delivery of providerID on the account, or
// nil when there is none (or no id to look for).
func (s *Service) delivered(ctx context.Context, r Reader, ws, accountID, providerID string) (*Threaded, error) {
	if providerID == "" {
		return nil, nil
	}
	m, err := r.MessageByProvider(ctx, ws, accountID, providerID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up delivery %q: %w", providerID, err)
	}
	t, err := r.Ticket(ctx, ws, m.TicketID)
	if err != nil {
		return nil, fmt.Errorf("look up delivery %q: %w", providerID, err)
	}
	out := &Threaded{Message: m, Ticket: t, Duplicate: true}
	if t.ContactID != "" {
		if out.Contact, err = r.Contact(ctx, ws, t.ContactID); err != nil {
			return nil, fmt.Errorf("look up delivery %q: %w", providerID, err)
		}
	}
	return out, nil
}

// partyContact finds the contact p names inside tx, which holds the
// workspace's routing lock: by identity; else by phone, then e-mail, and
// gives that contact the identity; else it creates one with the identity.
// A contact found has its empty name, e-mail and phone filled from p, and
// its identity's display name kept current.
func (s *Service) partyContact(ctx context.Context, tx Tx, ws string, acct *ChannelAccount, p Party) (*Contact, bool, error) {
	id := p.Identity
	name := p.Name
	if name == "" {
		name = id.DisplayName
	}
	found, err := tx.Contacts(ctx, ws, ContactFilter{Identity: &Identity{Channel: id.Channel, ExternalID: id.ExternalID}, Limit: 1})
	if err != nil {
		return nil, false, err
	}
	has := len(found) > 0
	for _, f := range []ContactFilter{{Phone: p.Phone, Limit: 1}, {Email: p.Email, Limit: 1}} {
		if len(found) > 0 || f.Phone == "" && f.Email == "" {
			continue
		}
		if found, err = tx.Contacts(ctx, ws, f); err != nil {
			return nil, false, err
		}
	}
	if len(found) == 0 {
		if name == "" {
			name = firstOf(p.Phone, p.Email, id.ExternalID)
		}
		c, err := s.buildContact(NewContact{Name: name, Email: p.Email, Phone: p.Phone, Identities: []Identity{id}})
		if err != nil {
			return nil, false, err
		}
		c.WorkspaceID = ws
		if err := tx.CreateContact(ctx, c); err != nil {
			return nil, false, err
		}
		return c, true, nil
	}
	c := &found[0]
	changed := false
	fill := func(have *string, want string) {
		if *have == "" && want != "" {
			*have, changed = want, true
		}
	}
	fill(&c.Name, name)
	fill(&c.Email, p.Email)
	fill(&c.Phone, p.Phone)
	if !has {
		c.Identities, changed = append(c.Identities, id), true
	}
	for i := range c.Identities {
		have := &c.Identities[i]
		if have.Channel == id.Channel && have.ExternalID == id.ExternalID && id.DisplayName != "" && have.DisplayName != id.DisplayName {
			have.DisplayName, changed = id.DisplayName, true
		}
	}
	if changed {
		c.UpdatedAt = s.now()
		if err := tx.UpdateContact(ctx, c); err != nil {
			return nil, false, err
		}
	}
	return c, false, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// hintedTicket is the ticket the channel matched, or nil.
func (s *Service) hintedTicket(ctx context.Context, tx Tx, ws string, in Inbound) (*Ticket, error) {
	var t *Ticket
	var err error
	switch {
	case in.TicketID != "":
		t, err = tx.Ticket(ctx, ws, in.TicketID)
	case in.TicketNumber > 0:
		t, err = tx.TicketByNumber(ctx, ws, in.TicketNumber)
	default:
		return nil, nil
	}
	if errors.Is(err, ErrNotFound) {
		// A channel's guess (a quoted number, an old header) is no reason
		// to lose the message: it threads as if unmatched.
		return nil, nil
	}
	return t, err
}

// activeTicket is the contact's newest active ticket on the account, or nil.
func (s *Service) activeTicket(ctx context.Context, tx Tx, ws string, acct *ChannelAccount, contactID string) (*Ticket, error) {
	ts, err := tx.Tickets(ctx, ws, TicketFilter{ContactID: contactID, Channels: []Channel{acct.Channel},
		Statuses: ActiveStatuses, Limit: 100})
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].ChannelAccountID == acct.ID {
			return &ts[i], nil
		}
	}
	return nil, nil
}

// threadInto adds m to t with AddMessage's effects: a solved ticket
// reopens; a closed one gets a follow-up ticket (followUp), returned with
// the flag set. A machine's message (KeepStatus: an out-of-office answering
// our last reply) opens nothing: it goes into the final ticket's history,
// which stays closed — a follow-up nobody asked for would land in an
// agent's queue and, worse, could be auto-acknowledged back to the robot.
func (s *Service) threadInto(ctx context.Context, tx Tx, ch *Change, t *Ticket, m NewMessage) (*Ticket, *Message, bool, error) {
	if opensFollowUp(m, t) {
		nt, msg, err := s.followUp(ctx, tx, ch, t, m)
		return nt, msg, true, err
	}
	t, err := tx.LockTicket(ctx, t.WorkspaceID, t.ID)
	if err != nil {
		return nil, nil, false, err
	}
	if opensFollowUp(m, t) {
		// Closed between the read and the lock.
		nt, msg, err := s.followUp(ctx, tx, ch, t, m)
		return nt, msg, true, err
	}
	msg, err := s.addMessage(ctx, tx, ch, t, m)
	if err != nil {
		return nil, nil, false, err
	}
	return t, msg, false, tx.UpdateTicket(ctx, t)
}

// opensFollowUp: a person's message to a final ticket opens a follow-up.
func opensFollowUp(m NewMessage, t *Ticket) bool {
	return isCustomerMessage(m) && !m.KeepStatus && t.Status.Final()
}

// newChannelTicket is a ticket a channel message opens on acct.
func newChannelTicket(now time.Time, ws string, acct *ChannelAccount, contactID string, by Actor, o Origin, subject string) *Ticket {
	return &Ticket{ID: objectid.New(now), WorkspaceID: ws, Subject: subject, Status: StatusNew, Channel: acct.Channel,
		ChannelAccountID: acct.ID, GroupID: acct.GroupID, Origin: o, ContactID: contactID, CreatedBy: by, CreatedAt: now, UpdatedAt: now}
}

// openChannelTicket inserts t with its first message m and routes it like
// any new ticket (CreateTicket's steps, inside the caller's transaction,
// which holds the routing lock).
func (s *Service) openChannelTicket(ctx context.Context, tx Tx, ch *Change, t *Ticket, m NewMessage) (*Message, error) {
	if t.Description == "" {
		t.Description = m.Text
	}
	if s.Router != nil {
		if err := s.Router.Due(ctx, tx, t); err != nil {
			return nil, err
		}
	}
	if err := tx.CreateTicket(ctx, t); err != nil {
		return nil, err
	}
	if err := s.Record(ctx, tx, ch, t, t.CreatedBy, EventCreated, "", string(t.Channel), ""); err != nil {
		return nil, err
	}
	msg, err := s.addMessage(ctx, tx, ch, t, m)
	if err != nil {
		return nil, err
	}
	return msg, s.placeNewTicket(ctx, tx, ch, t, t.CreatedBy, NewTicket{})
}
