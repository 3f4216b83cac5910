package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The use cases below run inside a caller's transaction (Service.Update),
// for doors that combine several changes to one ticket atomically: a reply,
// a new source and a patch in one request, where a failure must leave
// nothing behind. Each changes the locked ticket t in memory; ApplyPatch
// (or tx.UpdateTicket) writes it.

// CheckFields validates custom-field values of scope against ws's
// definitions without writing anything, so a door can refuse bad input
// before it starts changing things.
func (s *Service) CheckFields(ctx context.Context, ws, scope string, fs Fields) error {
	return s.checkFields(ctx, s.Store, ws, scope, fs)
}

// AppendMessage adds m to the locked ticket t with AddMessage's effects.
func (s *Service) AppendMessage(ctx context.Context, tx Tx, ch *Change, t *Ticket, m NewMessage) (*Message, error) {
	if strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0 {
		return nil, errNoContent
	}
	if len(m.Text) > MaxText {
		return nil, TooLong("text", MaxText)
	}
	return s.addMessage(ctx, tx, ch, t, m)
}

// SetSource changes where t came from: its channel and origin. Empty
// values keep the current ones.
func (s *Service) SetSource(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, c Channel, o Origin) error {
	if c != "" {
		if _, err := ParseChannel(string(c)); err != nil {
			return err
		}
	}
	from := fmt.Sprintf("%s/%s", t.Channel, t.Origin)
	if c != "" {
		t.Channel = c
	}
	if o != "" {
		t.Origin = o
	}
	to := fmt.Sprintf("%s/%s", t.Channel, t.Origin)
	if from == to {
		return nil
	}
	t.UpdatedAt = s.now()
	return s.Record(ctx, tx, ch, t, actor, EventFieldChanged, from, to, "source")
}

// SetDescription changes t's description (the text of its first message
// as the ticket shows it).
func (s *Service) SetDescription(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, text string) error {
	if len(text) > MaxText {
		return TooLong("description", MaxText)
	}
	if text == t.Description {
		return nil
	}
	t.Description = text
	t.UpdatedAt = s.now()
	return s.Record(ctx, tx, ch, t, actor, EventFieldChanged, "", "", "description")
}

// CheckAttachments reports whether every ref (an attachment id or upload
// token) exists in ws and is still free to use: for a message ("" key) or
// for the custom field key, which a refusal then names.
func (s *Service) CheckAttachments(ctx context.Context, ws, key string, refs []string) error {
	for _, ref := range refs {
		if _, err := freeAttachment(ctx, s.Store, ws, ref, "", "", key); err != nil {
			return err
		}
	}
	return nil
}

// BindFieldAttachments makes the attachments refs (ids or upload tokens)
// the files of t's custom field key. A file already on a message or on
// another ticket or field is refused.
func (s *Service) BindFieldAttachments(ctx context.Context, tx Tx, t *Ticket, key string, refs []string) error {
	for _, ref := range refs {
		a, err := freeAttachment(ctx, tx, t.WorkspaceID, ref, t.ID, key, key)
		if err != nil {
			return err
		}
		if a.TicketID == t.ID && a.FieldKey == key {
			continue
		}
		a.TicketID, a.FieldKey = t.ID, key
		if err := tx.UpdateAttachment(ctx, a); err != nil {
			return fmt.Errorf("bind attachment %s to field %s: %w", a.ID, key, err)
		}
	}
	return nil
}

// AttachToField binds refs to a field of an existing ticket in its own
// transaction. A door creating a ticket with field files passes them in
// NewTicket.FieldFiles instead, so both commit together.
func (s *Service) AttachToField(ctx context.Context, ws, ticketID, key string, refs []string) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		t, err := tx.LockTicket(ctx, ws, ticketID)
		if err != nil {
			return err
		}
		return s.BindFieldAttachments(ctx, tx, t, key, refs)
	})
	if err != nil {
		return fmt.Errorf("attach files to field %s of ticket %s: %w", key, ticketID, err)
	}
	return nil
}

// freeAttachment finds ref and checks nothing else holds it; the field
// (ticketID, key) itself may already hold it. A refusal names the custom
// field named, or a message's attachments when named is "".
func freeAttachment(ctx context.Context, r Reader, ws, ref, ticketID, key, named string) (*Attachment, error) {
	field := "attachments"
	if named != "" {
		field = CustomField(named)
	}
	a, err := r.Attachment(ctx, ws, ref)
	if errors.Is(err, ErrNotFound) {
		a, err = r.AttachmentByToken(ctx, ws, ref)
	}
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, NoRef(field, "attachment", ref)
		}
		return nil, err
	}
	if a.MessageID != "" {
		return nil, Invalid(field, CodeInUse, Params{Entity: "message", Ref: ref})
	}
	if a.FieldKey != "" && (a.TicketID != ticketID || a.FieldKey != key) {
		return nil, Invalid(field, CodeInUse, Params{Entity: "custom field", Ref: ref})
	}
	return a, nil
}
