package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Limits on what one request may write.
const (
	MaxSubject   = 1000
	MaxText      = 256 << 10
	MaxTags      = 50
	MaxTagLength = 100
	MaxFields    = 200
)

// NewTicket is what CreateTicket needs. Zero values take defaults.
type NewTicket struct {
	Subject          string
	Description      string // defaults to the first message's text
	Message          *NewMessage
	Channel          Channel
	ChannelAccountID string
	ContactID        string
	Priority         Priority
	PriorityRank     int
	Type             TicketType
	Status           Status // initial status; default: routed (assigned or unassigned)
	ClosedReason     string
	Origin           Origin
	GroupID          string
	AssigneeID       string
	SupervisorID     string
	CC               CC
	Tags             []string
	TemplateID       int64
	CustomFields     Fields
	Meta             map[string]map[string]json.RawMessage
	// NoRoute keeps an unassigned ticket out of auto-assignment.
	NoRoute bool
	// ForceAssign lets AssigneeID exceed the agent's capacity (recorded).
	ForceAssign bool
	// ContactByPhone, when ContactID is empty, names the contact by phone
	// number: found or created inside the ticket's transaction, so a
	// refused ticket leaves no contact (Service.ContactByPhone).
	ContactByPhone *PhoneContact
	// FieldFiles binds uploads (attachment ids or upload tokens) to the new
	// ticket's attachment custom fields, by field key, in the ticket's
	// transaction: a file that cannot be bound leaves no ticket.
	FieldFiles map[string][]string
}

// NewMessage is what AddMessage needs.
type NewMessage struct {
	Text        string
	Public      *bool // default true
	Author      Actor // default: the caller
	AuthorName  string
	Attachments []string // attachment ids or upload tokens
	Meta        map[string]json.RawMessage
	CreatedAt   time.Time // zero: now
	// Caller, when set, is checked against the permission policy on the
	// locked ticket (MessageActions) before the message is stored.
	Caller *Caller
	// Channel carries (Receive, Reach): see Message.
	ChannelAccountID string
	ProviderID       string
	HTML             string
	// KeepStatus: a customer's message that does not reopen the ticket,
	// nor open a follow-up of a closed one: it joins the closed ticket's
	// history (Inbound.Auto, a machine's mail).
	KeepStatus bool
	// deliver sends a system message through the outbox like a reply (an
	// acknowledgement); only desk sets it.
	deliver bool
}

// CreateTicket opens a ticket, with its first message when given, and
// routes it.
func (s *Service) CreateTicket(ctx context.Context, ws string, actor Actor, in NewTicket) (*Ticket, error) {
	if err := validateTicketInput(&in); err != nil {
		return nil, err
	}
	now := s.now()
	t := &Ticket{ID: objectid.New(now), WorkspaceID: ws, Subject: in.Subject, Description: in.Description,
		Status: StatusNew, ClosedReason: in.ClosedReason, Priority: in.Priority, PriorityRank: in.PriorityRank,
		Type: in.Type, Channel: in.Channel, ChannelAccountID: in.ChannelAccountID, Origin: in.Origin,
		ContactID: in.ContactID, GroupID: in.GroupID, SupervisorID: in.SupervisorID,
		CC: in.CC, Tags: in.Tags, TemplateID: in.TemplateID, CustomFields: in.CustomFields, Meta: in.Meta,
		CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	if t.Description == "" && in.Message != nil {
		t.Description = in.Message.Text
	}
	// The read-only checks run before the write, on the read pool: the
	// write transaction (one writer on SQLite) keeps only what must be
	// decided inside it. Foreign keys catch a reference removed meanwhile.
	m, err := s.prepareCreate(ctx, t, in.Message)
	if err != nil {
		return nil, fmt.Errorf("create ticket: %w", err)
	}
	// PostgreSQL runs the body again after a deadlock or serialization
	// failure: every attempt starts from the ticket and message as prepared,
	// not as the failed attempt left them (status, owner, due times).
	base := *t
	base.Tags = slices.Clone(t.Tags)
	var baseMsg NewMessage
	if m != nil {
		baseMsg = *m
	}
	err = s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		*t = base
		t.Tags = slices.Clone(base.Tags)
		if m != nil {
			*m = baseMsg
		}
		if s.Router != nil {
			// Routing locks come first in every transaction that routes.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
			// Before the insert: the ticket's row is written once, as
			// placed (the store holds the insert back until it must).
			if err := s.Router.Due(ctx, tx, t); err != nil {
				return err
			}
		}
		if in.ContactByPhone != nil && in.ContactID == "" {
			if err := s.takePhoneContact(ctx, tx, t, m, in.ContactByPhone); err != nil {
				return err
			}
		}
		if err := tx.CreateTicket(ctx, t); err != nil {
			return err
		}
		if err := s.Record(ctx, tx, ch, t, actor, EventCreated, "", string(t.Channel), ""); err != nil {
			return err
		}
		if m != nil {
			if _, err := s.addMessage(ctx, tx, ch, t, *m); err != nil {
				return err
			}
		}
		if err := s.placeNewTicket(ctx, tx, ch, t, actor, in); err != nil {
			return err
		}
		// After placing, so the held-back ticket row is still written once.
		return s.bindFieldFiles(ctx, tx, t, in.FieldFiles)
	})
	if err != nil {
		return nil, fmt.Errorf("create ticket: %w", err)
	}
	return t, nil
}

// prepareCreate checks t's references and fields, takes its group's
// supervisor, and returns the first message with its author named.
func (s *Service) prepareCreate(ctx context.Context, t *Ticket, first *NewMessage) (*NewMessage, error) {
	contact, err := s.checkRefs(ctx, s.Store, t)
	if err != nil {
		return nil, err
	}
	if err := s.checkFields(ctx, s.Store, t.WorkspaceID, "ticket", t.CustomFields); err != nil {
		return nil, err
	}
	if t.SupervisorID == "" && t.GroupID != "" {
		g, err := s.Store.Group(ctx, t.WorkspaceID, t.GroupID)
		if err != nil {
			return nil, err
		}
		t.SupervisorID = g.SupervisorID
	}
	if first == nil {
		return nil, nil
	}
	m := *first
	if m.Author.Kind == "" {
		m.Author = Actor{Kind: ActorContact, ID: t.ContactID}
	}
	if m.AuthorName == "" {
		if contact != nil && m.Author.Kind == ActorContact && m.Author.ID == contact.ID {
			m.AuthorName = contact.Name
		} else {
			m.AuthorName = s.authorName(ctx, s.Store, t.WorkspaceID, m.Author)
		}
	}
	return &m, nil
}

// placeNewTicket gives a fresh ticket its owner and starting status (its
// SLA due times are stamped before).
func (s *Service) placeNewTicket(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, in NewTicket) error {
	switch {
	case in.AssigneeID != "":
		if s.Router != nil {
			if err := s.Router.Assign(ctx, tx, ch, t, in.AssigneeID, actor, in.ForceAssign, "assigned at creation"); err != nil {
				return err
			}
		} else {
			t.AssigneeID = in.AssigneeID
			if err := s.SetStatus(ctx, tx, ch, t, StatusAssigned, actor, "assigned at creation"); err != nil {
				return err
			}
		}
	case in.NoRoute && in.Status != StatusUnassigned:
		// Not routed: it stays new, in no queue, until a door routes it.
	case in.Status == "" || in.Status == StatusNew || in.Status == StatusUnassigned:
		if err := s.SetStatus(ctx, tx, ch, t, StatusUnassigned, actor, "entered the queue"); err != nil {
			return err
		}
		if s.Router != nil && !in.NoRoute {
			if err := s.Router.Enqueue(ctx, tx, ch, t, actor, ""); err != nil {
				return err
			}
		}
	}
	if in.Status != "" && in.Status != t.Status && !(in.Status == StatusNew && t.Status == StatusUnassigned) {
		if err := s.SetStatus(ctx, tx, ch, t, in.Status, actor, "status given at creation"); err != nil {
			return err
		}
		if in.ClosedReason != "" {
			t.ClosedReason = in.ClosedReason
		}
	}
	return tx.UpdateTicket(ctx, t)
}

func validateTicketInput(in *NewTicket) error {
	in.Subject = strings.TrimSpace(in.Subject)
	if len(in.Subject) > MaxSubject {
		return TooLong("subject", MaxSubject)
	}
	if len(in.Description) > MaxText {
		return TooLong("description", MaxText)
	}
	if in.Channel == "" {
		in.Channel = ChannelWebchat
	}
	if _, err := ParseChannel(string(in.Channel)); err != nil {
		return err
	}
	if _, err := ParsePriority(string(in.Priority)); err != nil {
		return err
	}
	if _, err := ParseTicketType(string(in.Type)); err != nil {
		return err
	}
	if in.Status != "" {
		if _, err := ParseStatus(string(in.Status)); err != nil {
			return err
		}
	}
	if in.Origin == "" {
		in.Origin = OriginAPI
	}
	tags, err := CleanTags(in.Tags)
	if err != nil {
		return err
	}
	in.Tags = tags
	if len(in.CustomFields) > MaxFields {
		return TooMany("custom_fields", MaxFields)
	}
	if in.Message != nil && len(in.Message.Text) > MaxText {
		return TooLong("text", MaxText)
	}
	return nil
}

// CleanTags trims, de-duplicates and bounds a tag list, keeping order.
func CleanTags(in []string) ([]string, error) {
	out := dedupe(in)
	if len(out) > MaxTags {
		return nil, TooMany("tags", MaxTags)
	}
	for _, t := range out {
		if len(t) > MaxTagLength {
			return nil, Invalid("tags", CodeTooLong, Params{Max: MaxTagLength, Value: t})
		}
	}
	return out, nil
}

// checkRefs verifies every reference of t points into its workspace, and
// returns its contact (nil without one).
func (s *Service) checkRefs(ctx context.Context, r Reader, t *Ticket) (*Contact, error) {
	ws := t.WorkspaceID
	check := func(field, kind, id string, get func() error) error {
		if id == "" {
			return nil
		}
		if err := get(); err != nil {
			if errors.Is(err, ErrNotFound) {
				return NoRef(field, kind, id)
			}
			return err
		}
		return nil
	}
	var contact *Contact
	if err := check("contact_id", "contact", t.ContactID, func() (err error) { contact, err = r.Contact(ctx, ws, t.ContactID); return err }); err != nil {
		return nil, err
	}
	if err := check("group_id", "group", t.GroupID, func() error { _, err := r.Group(ctx, ws, t.GroupID); return err }); err != nil {
		return nil, err
	}
	if err := check("supervisor_id", "agent", t.SupervisorID, func() error { _, err := r.Agent(ctx, ws, t.SupervisorID); return err }); err != nil {
		return nil, err
	}
	err := check("channel_account_id", "channel account", t.ChannelAccountID, func() error {
		acct, err := r.ChannelAccount(ctx, ws, t.ChannelAccountID)
		if err == nil && t.GroupID == "" {
			// A ticket opened on an account goes where the account's
			// tickets go unless the caller chose a group.
			t.GroupID = acct.GroupID
		}
		return err
	})
	return contact, err
}

// checkFields validates custom-field values against the workspace's
// definitions of scope. A workspace that defines no fields of a scope
// accepts any keys there; once one is defined, only defined keys are valid.
func (s *Service) checkFields(ctx context.Context, r Reader, ws, scope string, fs Fields) error {
	if len(fs) == 0 {
		return nil
	}
	defs, err := r.FieldDefs(ctx, ws, scope)
	if err != nil {
		return err
	}
	if len(defs) == 0 {
		return nil
	}
	for _, f := range fs {
		i := slices.IndexFunc(defs, func(d FieldDef) bool { return d.Key == f.Key })
		if i < 0 {
			return Invalid(CustomField(f.Key), CodeUnknown, Params{Value: f.Key})
		}
		if err := defs[i].Check(f.Value); err != nil {
			return err
		}
	}
	return nil
}

// Check validates one value against the definition.
func (d *FieldDef) Check(v json.RawMessage) error {
	if len(v) == 0 || string(v) == "null" {
		if d.Required {
			return Required(CustomField(d.Key))
		}
		return nil
	}
	switch d.Type {
	case "number":
		var n float64
		if err := json.Unmarshal(v, &n); err != nil {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return Invalid(CustomField(d.Key), CodeType, Params{Want: "number"})
			}
			if _, err := fmt.Sscanf(s, "%g", &n); err != nil {
				return Invalid(CustomField(d.Key), CodeType, Params{Want: "number", Value: s})
			}
		}
	case "boolean":
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return Invalid(CustomField(d.Key), CodeType, Params{Want: "boolean"})
		}
	case "select", "radiobutton", "list", "checkbox", "cascade":
		if len(d.Options) == 0 {
			return nil
		}
		var vals []string
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			vals = []string{one}
			if d.Type == "checkbox" || d.Type == "cascade" {
				vals = strings.Split(one, ",")
			}
		} else if err := json.Unmarshal(v, &vals); err != nil {
			return Invalid(CustomField(d.Key), CodeType, Params{Want: "options"})
		}
		for _, x := range vals {
			if !slices.ContainsFunc(d.Options, func(o FieldOption) bool { return o.ID == x || o.Key == x || o.Value == x }) {
				return OneOf(CustomField(d.Key), x)
			}
		}
	}
	return nil
}

// AddMessage appends a message to a ticket and applies its effects: a
// customer writing reopens a pending or solved ticket; an agent's first reply
// opens an assigned one and stops the first-response clock. A customer
// writing to a closed (or ignored) ticket opens a follow-up ticket with the
// message instead, since a final ticket never reopens; the returned ticket
// is then the follow-up.
func (s *Service) AddMessage(ctx context.Context, ws, ticketID string, m NewMessage) (*Message, *Ticket, error) {
	if strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0 {
		return nil, nil, errNoContent
	}
	if len(m.Text) > MaxText {
		return nil, nil, TooLong("text", MaxText)
	}
	if m.AuthorName == "" {
		// Read before the write, which then only writes.
		m.AuthorName = s.authorName(ctx, s.Store, ws, m.Author)
	}
	var msg *Message
	var t *Ticket
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		var err error
		if isCustomerMessage(m) && !m.KeepStatus {
			// A final ticket never changes, so an unlocked read decides
			// whether this message opens a follow-up instead.
			old, err := tx.Ticket(ctx, ws, ticketID)
			if err != nil {
				return err
			}
			if old.Status.Final() {
				if m.Caller != nil {
					if err := s.authorizeAll(ctx, tx, *m.Caller, old, MessageActions(*m.Caller, m)); err != nil {
						return err
					}
				}
				t, msg, err = s.followUp(ctx, tx, ch, old, m)
				return err
			}
		}
		if t, err = tx.LockTicket(ctx, ws, ticketID); err != nil {
			return err
		}
		if m.Caller != nil {
			if err := s.authorizeAll(ctx, tx, *m.Caller, t, MessageActions(*m.Caller, m)); err != nil {
				return err
			}
		}
		if msg, err = s.addMessage(ctx, tx, ch, t, m); err != nil {
			return err
		}
		return tx.UpdateTicket(ctx, t)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("add message to ticket %s: %w", ticketID, err)
	}
	return msg, t, nil
}

// addMessage inserts m and updates t in memory; the caller writes t.
func (s *Service) addMessage(ctx context.Context, tx Tx, ch *Change, t *Ticket, in NewMessage) (*Message, error) {
	now := s.now()
	at := in.CreatedAt.UTC().Truncate(time.Millisecond)
	if in.CreatedAt.IsZero() {
		at = now
	}
	public := in.Public == nil || *in.Public
	m := &Message{ID: objectid.New(at), WorkspaceID: t.WorkspaceID, TicketID: t.ID, Public: public,
		Author: in.Author, AuthorName: in.AuthorName, Text: in.Text, Meta: in.Meta, CreatedAt: at,
		ChannelAccountID: in.ChannelAccountID, ProviderID: in.ProviderID, HTML: in.HTML}
	m.Direction = DirectionOut
	if m.Author.Kind == ActorContact {
		m.Direction = DirectionIn
	}
	if m.AuthorName == "" {
		m.AuthorName = s.authorName(ctx, tx, t.WorkspaceID, m.Author)
	}
	acct, err := s.deliveryAccount(ctx, tx, t, m, in.deliver)
	if err != nil {
		return nil, err
	}
	if acct != nil {
		m.ChannelAccountID = acct.ID
	}
	if err := tx.CreateMessage(ctx, m); err != nil {
		return nil, err
	}
	for _, ref := range in.Attachments {
		a, err := tx.Attachment(ctx, t.WorkspaceID, ref)
		if errors.Is(err, ErrNotFound) {
			a, err = tx.AttachmentByToken(ctx, t.WorkspaceID, ref)
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, NoRef("attachments", "attachment", ref)
			}
			return nil, err
		}
		if a.MessageID != "" {
			return nil, Invalid("attachments", CodeInUse, Params{Entity: "message", Ref: ref})
		}
		a.TicketID, a.MessageID = t.ID, m.ID
		if err := tx.UpdateAttachment(ctx, a); err != nil {
			return nil, err
		}
		m.Attachments = append(m.Attachments, *a)
	}
	t.UpdatedAt = now
	kind := "note"
	if public {
		kind = string(m.Direction)
	}
	if err := s.Record(ctx, tx, ch, t, m.Author, EventMessageAdded, "", kind, m.ID); err != nil {
		return nil, err
	}
	if acct != nil {
		if err := s.queueDelivery(ctx, tx, ch, t, m, acct); err != nil {
			return nil, err
		}
	}
	ch.Messages = append(ch.Messages, *m)
	if !public {
		return m, nil
	}
	switch m.Author.Kind {
	case ActorContact:
		t.LastCustomerMsgAt = at
		if !in.KeepStatus && (t.Status == StatusPending || t.Status == StatusSolved) {
			reopened := t.Status == StatusSolved
			if err := s.SetStatus(ctx, tx, ch, t, StatusOpen, m.Author, "customer replied"); err != nil {
				return nil, err
			}
			if reopened && s.Router != nil {
				// Active again: it counts against its owner's capacity.
				return m, s.Router.Reopen(ctx, tx, ch, t, m.Author)
			}
		}
	case ActorAgent, ActorBot:
		if t.FirstResponseAt.IsZero() && !t.CreatedAt.IsZero() {
			t.FirstResponseAt = at
		}
		if m.Author.Kind == ActorAgent {
			t.LastAgentMsgAt = at
			if t.FirstAgentResponseAt.IsZero() {
				t.FirstAgentResponseAt = at
			}
			if t.Status == StatusAssigned && t.AssigneeID == m.Author.ID {
				return m, s.SetStatus(ctx, tx, ch, t, StatusOpen, m.Author, "agent replied")
			}
		}
	}
	return m, nil
}

func (s *Service) authorName(ctx context.Context, r Reader, ws string, a Actor) string {
	switch a.Kind {
	case ActorContact:
		if a.ID != "" {
			if c, err := r.Contact(ctx, ws, a.ID); err == nil {
				return c.Name
			}
		}
	case ActorAgent, ActorBot:
		if a.ID != "" {
			if ag, err := r.Agent(ctx, ws, a.ID); err == nil {
				return ag.Name
			}
		}
		if a.Kind == ActorBot {
			return "Bot"
		}
	case ActorSystem:
		return "System"
	}
	return ""
}
