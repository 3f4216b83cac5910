package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Macro is a saved set of actions on a ticket plus an optional reply: what
// an agent applies in one step ("Refund approved": status pending, tag
// refund, priority normal, a reply with placeholders). Personal (OwnerID)
// or shared, managed like saved replies.
type Macro struct {
	ID          string
	WorkspaceID string
	OwnerID     string // "" = shared
	Name        string
	Shortcut    string // an optional keyboard shortcut, one word
	Actions     MacroActions
	// Reply is text added to the ticket with placeholders filled
	// (FillPlaceholders, Placeholders); Note makes it an internal note.
	Reply     string
	Note      bool
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Shared reports whether the macro is the workspace's rather than one agent's.
func (m *Macro) Shared() bool { return m.OwnerID == "" }

// MacroActions is a macro's change to the ticket; empty fields change
// nothing.
type MacroActions struct {
	Status     Status   `json:"status,omitempty"`
	Priority   Priority `json:"priority,omitempty"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	// AssignToMe assigns the ticket to whoever applies the macro.
	AssignToMe bool `json:"assign_to_me,omitempty"`
}

func (a *MacroActions) empty() bool {
	return a.Status == "" && a.Priority == "" && len(a.AddTags) == 0 && len(a.RemoveTags) == 0 && !a.AssignToMe
}

// MaxMacros caps a list page.
const MaxMacros = 100

// NewMacro is what CreateMacro needs.
type NewMacro struct {
	Name, Shortcut, Reply string
	Note, Shared          bool
	Actions               MacroActions
}

// MacroPatch changes a macro; nil fields stay.
type MacroPatch struct {
	Name, Shortcut, Reply *string
	Note                  *bool
	Actions               *MacroActions
}

// MacroFilter narrows a macro list.
type MacroFilter struct {
	Visible string // shared ones and this agent's; "" = all
	After   string
	Limit   int
}

// checkMacro checks m; was is the shortcut it had before (an update), which
// is kept even if a later rule refuses it: a macro saved before the
// reserved keys were refused can still be edited.
func checkMacro(m *Macro, was string) error {
	m.Name, m.Shortcut = strings.TrimSpace(m.Name), strings.TrimSpace(m.Shortcut)
	a := &m.Actions
	switch {
	case m.Name == "":
		return Required("name")
	case len(m.Name) > MaxReplyName:
		return TooLong("name", MaxReplyName)
	case len(m.Reply) > MaxReplyTextSize:
		return TooLong("reply", MaxReplyTextSize)
	case len(m.Shortcut) > MaxShortcut:
		return TooLong("shortcut", MaxShortcut)
	case strings.ContainsFunc(m.Shortcut, func(c rune) bool { return c <= ' ' }):
		return Invalid("shortcut", CodeFormat, Params{Value: m.Shortcut, Format: "one word without spaces"})
	case m.Shortcut != was && reservedShortcut(m.Shortcut):
		return Invalid("shortcut", CodeReserved, Params{Value: m.Shortcut, Allowed: MacroReservedKeys})
	case a.empty() && strings.TrimSpace(m.Reply) == "":
		return Invalid("actions", CodeRequired, Params{Fields: []string{"actions", "reply"}})
	case a.Status != "" && !a.Status.Valid():
		return OneOf("actions.status", string(a.Status))
	}
	if a.Priority != "" {
		if _, err := ParsePriority(string(a.Priority)); err != nil {
			return err
		}
	}
	var err error
	if a.AddTags, err = CleanTags(a.AddTags); err != nil {
		return err
	}
	a.RemoveTags = dedupe(a.RemoveTags)
	return nil
}

// MacroReservedKeys are the desk's built-in keyboard keys (docs/web.md,
// the ticket page's "?" help). A macro's shortcut is typed as a sequence of
// keys on the ticket page, so it may not start with one of them (nor be
// the name of a key the desk uses): the built-in key would act first.
var MacroReservedKeys = []string{"j", "k", "o", "r", "n", "a", "s", "x", "m", "/", "?", "Enter", "Escape"}

// reservedShortcut reports whether a macro shortcut collides with the
// desk's built-in keys: its first key is one of them, or it is the name of
// one (Enter, Escape), in any case.
func reservedShortcut(sc string) bool {
	if sc == "" {
		return false
	}
	for _, k := range MacroReservedKeys {
		if len(k) > 1 {
			if strings.EqualFold(sc, k) {
				return true
			}
			continue
		}
		if strings.HasPrefix(sc, k) {
			return true
		}
	}
	return false
}

func mayManageMacro(c Caller, m *Macro) error {
	if m.Shared() {
		return CallerMay(c, ActShareReply)
	}
	if m.OwnerID != c.AgentID {
		return ErrNotFound
	}
	return nil
}

// CreateMacro adds a personal macro of the caller, or a shared one
// (supervisors and admins only).
func (s *Service) CreateMacro(ctx context.Context, ws string, c Caller, in NewMacro) (*Macro, error) {
	now := s.now()
	m := &Macro{ID: objectid.New(now), WorkspaceID: ws, Name: in.Name, Shortcut: in.Shortcut, Reply: in.Reply, Note: in.Note,
		Actions: in.Actions, CreatedBy: c.AgentID, CreatedAt: now, UpdatedAt: now}
	if in.Shared {
		if err := CallerMay(c, ActShareReply); err != nil {
			return nil, err
		}
	} else {
		if c.AgentID == "" {
			return nil, Required("owner")
		}
		m.OwnerID = c.AgentID
	}
	if err := checkMacro(m, ""); err != nil {
		return nil, err
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.CreateMacro(ctx, m) }); err != nil {
		return nil, fmt.Errorf("create macro %q: %w", m.Name, err)
	}
	return m, nil
}

// Macro reads a macro the caller may see: shared, or its own.
func (s *Service) Macro(ctx context.Context, ws string, c Caller, id string) (*Macro, error) {
	if !objectid.Valid(id) {
		return nil, fmt.Errorf("macro %q: %w", id, ErrNotFound)
	}
	m, err := s.Store.Macro(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	if !m.Shared() && m.OwnerID != c.AgentID {
		return nil, fmt.Errorf("macro %s: %w", id, ErrNotFound)
	}
	return m, nil
}

// Macros lists the macros the caller sees by id, after the last one seen;
// limit is at most MaxMacros and one more.
func (s *Service) Macros(ctx context.Context, ws string, c Caller, after string, limit int) ([]Macro, error) {
	if limit <= 0 || limit > MaxMacros+1 {
		return nil, Invalid("limit", CodeRange, Params{Min: 1, Max: MaxMacros})
	}
	ms, err := s.Store.Macros(ctx, ws, MacroFilter{Visible: c.AgentID, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	return ms, nil
}

// UpdateMacro changes a macro the caller may manage.
func (s *Service) UpdateMacro(ctx context.Context, ws string, c Caller, id string, p MacroPatch) (*Macro, error) {
	var out *Macro
	err := s.Store.Update(ctx, func(tx Tx) error {
		m, err := tx.Macro(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManageMacro(c, m); err != nil {
			return err
		}
		was := m.Shortcut
		if p.Name != nil {
			m.Name = *p.Name
		}
		if p.Shortcut != nil {
			m.Shortcut = *p.Shortcut
		}
		if p.Reply != nil {
			m.Reply = *p.Reply
		}
		if p.Note != nil {
			m.Note = *p.Note
		}
		if p.Actions != nil {
			m.Actions = *p.Actions
		}
		if err := checkMacro(m, was); err != nil {
			return err
		}
		m.UpdatedAt = s.now()
		out = m
		return tx.UpdateMacro(ctx, m)
	})
	if err != nil {
		return nil, fmt.Errorf("update macro %s: %w", id, err)
	}
	return out, nil
}

// DeleteMacro removes a macro the caller may manage.
func (s *Service) DeleteMacro(ctx context.Context, ws string, c Caller, id string) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		m, err := tx.Macro(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManageMacro(c, m); err != nil {
			return err
		}
		return tx.DeleteMacro(ctx, ws, id)
	})
	if err != nil {
		return fmt.Errorf("delete macro %s: %w", id, err)
	}
	return nil
}

// ApplyMacro applies a macro the caller sees to a ticket in one
// transaction: its reply (placeholders filled for the ticket, as the
// caller) is added first, then its actions through ApplyPatch, so the
// macro's status wins over a reply's own effect. Each is authorized as
// if done by hand; a refusal changes nothing.
func (s *Service) ApplyMacro(ctx context.Context, ws string, c Caller, actor Actor, ticketID, macroID string) (*Ticket, *Message, error) {
	m, err := s.Macro(ctx, ws, c, macroID)
	if err != nil {
		return nil, nil, err
	}
	var text string
	if strings.TrimSpace(m.Reply) != "" {
		t, err := s.Store.Ticket(ctx, ws, ticketID)
		if err != nil {
			return nil, nil, err
		}
		if err := s.Authorize(ctx, c, t, ActView); err != nil {
			return nil, nil, err
		}
		if text, err = s.fillFor(ctx, ws, c, t, m.Reply); err != nil {
			return nil, nil, err
		}
	}
	var out *Ticket
	var msg *Message
	err = s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		a := m.Actions
		if s.Router != nil && (a.Status != "" || a.AssignToMe) {
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		t, err := tx.LockTicket(ctx, ws, ticketID)
		if err != nil {
			return err
		}
		if text != "" {
			public := !m.Note
			nm := NewMessage{Text: text, Public: &public, Author: actor, Caller: &c}
			if err := s.authorizeAll(ctx, tx, c, t, MessageActions(c, nm)); err != nil {
				return err
			}
			if nm.AuthorName == "" {
				nm.AuthorName = s.authorName(ctx, tx, ws, actor)
			}
			if msg, err = s.addMessage(ctx, tx, ch, t, nm); err != nil {
				return err
			}
		}
		p := TicketPatch{Caller: &c}
		if a.Status != "" {
			p.Status = &a.Status
		}
		if a.Priority != "" {
			p.Priority = &a.Priority
		}
		if a.AssignToMe && t.AssigneeID != c.AgentID {
			p.AssigneeID = &c.AgentID
		}
		if len(a.AddTags) > 0 || len(a.RemoveTags) > 0 {
			tags := addRemove(t.Tags, a.AddTags, a.RemoveTags)
			p.Tags = &tags
		}
		out = t
		return s.ApplyPatch(ctx, tx, ch, t, actor, p)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("apply macro %s to ticket %s: %w", macroID, ticketID, err)
	}
	return out, msg, nil
}

// addRemove is tags with add appended (once) and remove taken out.
func addRemove(tags, add, remove []string) []string {
	out := make([]string, 0, len(tags)+len(add))
	has := func(list []string, x string) bool {
		for _, y := range list {
			if y == x {
				return true
			}
		}
		return false
	}
	for _, t := range tags {
		if !has(remove, t) {
			out = append(out, t)
		}
	}
	for _, t := range add {
		if !has(out, t) && !has(remove, t) {
			out = append(out, t)
		}
	}
	return out
}

// fillFor fills text's placeholders for t as caller c (RenderSavedReply's
// values).
func (s *Service) fillFor(ctx context.Context, ws string, c Caller, t *Ticket, text string) (string, error) {
	vals := map[string]string{"ticket.number": strconv.FormatInt(t.Number, 10), "ticket.subject": t.Subject, "ticket.id": t.ID}
	if t.ContactID != "" {
		ct, err := s.Store.Contact(ctx, ws, t.ContactID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", err
		}
		if err == nil {
			vals["contact.name"], vals["contact.first_name"], vals["contact.last_name"] = ct.Name, ct.FirstName, ct.LastName
			vals["contact.email"], vals["contact.phone"] = ct.Email, ct.Phone
		}
	}
	if c.AgentID != "" {
		a, err := s.Store.Agent(ctx, ws, c.AgentID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", err
		}
		if err == nil {
			vals["agent.name"], vals["agent.email"] = a.Name, a.Email
		}
	}
	w, err := s.Store.Workspace(ctx, ws)
	if err != nil {
		return "", err
	}
	vals["workspace.name"] = w.Name
	out, _ := FillPlaceholders(text, func(name string) (string, bool) {
		for _, p := range Placeholders {
			if p == name {
				return vals[name], true
			}
		}
		return "", false
	})
	return out, nil
}
