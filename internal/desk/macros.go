package desk

import (
	"context"
	"fmt"
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

// checkMacro checks m; before is m as stored (an update) or nil: a
// shortcut that collides with the desk's keys is refused when it is set or
// changed, so a macro saved before the rule can still be edited.
func checkMacro(m, before *Macro) error {
	m.Name, m.Shortcut = strings.TrimSpace(m.Name), strings.TrimSpace(m.Shortcut)
	a := &m.Actions
	switch {
	case m.Name == "":
		return Required("name")
	case len(m.Name) > MaxReplyName:
		return TooLong("name", MaxReplyName)
	case len(m.Reply) > MaxReplyTextSize:
		return TooLong("reply", MaxReplyTextSize)
	}
	if err := checkShortcut(m.Shortcut); err != nil {
		return err
	}
	was := ""
	if before != nil {
		was = before.Shortcut
	}
	switch {
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

// ShadowShortcuts returns the macros one agent sees (its own and the
// shared ones) as its ticket page binds their keys: a shared macro whose
// shortcut one of the agent's own macros also has loses it there, so the
// agent's own macro wins. Shortcuts are unique per owner only, so an
// admin adding a shared macro never fails on an agent's personal keys.
// ms is not changed.
func ShadowShortcuts(ms []Macro) []Macro {
	own := map[string]bool{}
	for i := range ms {
		if !ms[i].Shared() && ms[i].Shortcut != "" {
			own[ms[i].Shortcut] = true
		}
	}
	out := ms
	for i := range ms {
		if ms[i].Shared() && own[ms[i].Shortcut] {
			if &out[0] == &ms[0] {
				out = append([]Macro(nil), ms...)
			}
			out[i].Shortcut = ""
		}
	}
	return out
}

// macroKind is how macros are owned, read and written (owned.go).
var macroKind = ownedKind[Macro]{
	noun:   "macro",
	owner:  func(m *Macro) string { return m.OwnerID },
	name:   func(m *Macro) string { return m.Name },
	check:  checkMacro,
	touch:  func(m *Macro, now time.Time) { m.UpdatedAt = now },
	read:   func(ctx context.Context, rd Reader, ws, id string) (*Macro, error) { return rd.Macro(ctx, ws, id) },
	create: func(ctx context.Context, tx Tx, m *Macro) error { return tx.CreateMacro(ctx, m) },
	update: func(ctx context.Context, tx Tx, m *Macro) error { return tx.UpdateMacro(ctx, m) },
	delete: func(ctx context.Context, tx Tx, ws, id string) error { return tx.DeleteMacro(ctx, ws, id) },
}

// CreateMacro adds a personal macro of the caller, or a shared one
// (supervisors and admins only).
func (s *Service) CreateMacro(ctx context.Context, ws string, c Caller, in NewMacro) (*Macro, error) {
	now := s.now()
	m := &Macro{ID: objectid.New(now), WorkspaceID: ws, Name: in.Name, Shortcut: in.Shortcut, Reply: in.Reply, Note: in.Note,
		Actions: in.Actions, CreatedBy: c.AgentID, CreatedAt: now, UpdatedAt: now}
	owner, err := ownerFor(c, in.Shared)
	if err != nil {
		return nil, err
	}
	m.OwnerID = owner
	if err := macroKind.createOwned(ctx, s, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Macro reads a macro the caller may see: shared, or its own.
func (s *Service) Macro(ctx context.Context, ws string, c Caller, id string) (*Macro, error) {
	return macroKind.readOwned(ctx, s, ws, c, id)
}

// Macros lists the macros the caller sees by id, after the last one seen;
// limit is at most MaxMacros and one more.
func (s *Service) Macros(ctx context.Context, ws string, c Caller, after string, limit int) ([]Macro, error) {
	if err := checkOwnedLimit(limit, MaxMacros); err != nil {
		return nil, err
	}
	ms, err := s.Store.Macros(ctx, ws, MacroFilter{Visible: c.AgentID, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	return ms, nil
}

// UpdateMacro changes a macro the caller may manage.
func (s *Service) UpdateMacro(ctx context.Context, ws string, c Caller, id string, p MacroPatch) (*Macro, error) {
	return macroKind.updateOwned(ctx, s, ws, c, id, func(m *Macro) {
		setIf(&m.Name, p.Name)
		setIf(&m.Shortcut, p.Shortcut)
		setIf(&m.Reply, p.Reply)
		setIf(&m.Note, p.Note)
		setIf(&m.Actions, p.Actions)
	})
}

// DeleteMacro removes a macro the caller may manage.
func (s *Service) DeleteMacro(ctx context.Context, ws string, c Caller, id string) error {
	return macroKind.deleteOwned(ctx, s, ws, c, id)
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
		if text, _, err = s.fillFor(ctx, ws, c, t, m.Reply); err != nil {
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
