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

// SavedReply is a canned response: text an agent inserts into a reply,
// with placeholders filled for the ticket (RenderSavedReply). A personal
// reply belongs to its owner and only the owner sees it; a shared one
// (OwnerID empty) is the workspace's, seen by every agent and managed by
// supervisors and admins.
type SavedReply struct {
	ID          string
	WorkspaceID string
	OwnerID     string // "" = shared
	Name        string
	Text        string
	Shortcut    string // optional; unique among the shared ones and among each agent's own
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Shared reports whether the reply is the workspace's rather than one agent's.
func (r *SavedReply) Shared() bool { return r.OwnerID == "" }

// Limits of a saved reply.
const (
	MaxReplyName     = 200
	MaxShortcut      = 50
	MaxSavedReplies  = 100 // page size cap of a list
	MaxReplyTextSize = MaxText
)

// NewSavedReply is what CreateSavedReply needs.
type NewSavedReply struct {
	Name, Text, Shortcut string
	Shared               bool
}

// SavedReplyPatch changes a saved reply; nil fields stay.
type SavedReplyPatch struct {
	Name, Text, Shortcut *string
}

func checkSavedReply(r *SavedReply) error {
	r.Name, r.Shortcut = strings.TrimSpace(r.Name), strings.TrimSpace(r.Shortcut)
	switch {
	case r.Name == "":
		return Required("name")
	case len(r.Name) > MaxReplyName:
		return TooLong("name", MaxReplyName)
	case strings.TrimSpace(r.Text) == "":
		return Required("text")
	case len(r.Text) > MaxReplyTextSize:
		return TooLong("text", MaxReplyTextSize)
	case len(r.Shortcut) > MaxShortcut:
		return TooLong("shortcut", MaxShortcut)
	case strings.ContainsFunc(r.Shortcut, func(c rune) bool { return c <= ' ' }):
		return Invalid("shortcut", CodeFormat, Params{Value: r.Shortcut, Format: "one word without spaces"})
	}
	return nil
}

// mayManage decides whether c may change or delete r: its owner, or for a
// shared reply a supervisor or admin. A personal reply of someone else is
// not found, as if it did not exist.
func mayManage(c Caller, r *SavedReply) error {
	if r.Shared() {
		return CallerMay(c, ActShareReply)
	}
	if r.OwnerID != c.AgentID {
		return ErrNotFound
	}
	return nil
}

// CreateSavedReply adds a personal reply of the caller, or a shared one
// (supervisors and admins only).
func (s *Service) CreateSavedReply(ctx context.Context, ws string, c Caller, in NewSavedReply) (*SavedReply, error) {
	now := s.now()
	r := &SavedReply{ID: objectid.New(now), WorkspaceID: ws, Name: in.Name, Text: in.Text, Shortcut: in.Shortcut,
		CreatedBy: c.AgentID, CreatedAt: now, UpdatedAt: now}
	if in.Shared {
		if err := CallerMay(c, ActShareReply); err != nil {
			return nil, err
		}
	} else {
		if c.AgentID == "" {
			return nil, Required("owner")
		}
		r.OwnerID = c.AgentID
	}
	if err := checkSavedReply(r); err != nil {
		return nil, err
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.CreateSavedReply(ctx, r) }); err != nil {
		return nil, fmt.Errorf("create saved reply %q: %w", r.Name, err)
	}
	return r, nil
}

// SavedReply reads a reply the caller may see: shared, or its own.
func (s *Service) SavedReply(ctx context.Context, ws string, c Caller, id string) (*SavedReply, error) {
	if !objectid.Valid(id) {
		return nil, fmt.Errorf("saved reply %q: %w", id, ErrNotFound)
	}
	r, err := s.Store.SavedReply(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	if !r.Shared() && r.OwnerID != c.AgentID {
		return nil, fmt.Errorf("saved reply %s: %w", id, ErrNotFound)
	}
	return r, nil
}

// SavedReplies lists the replies the caller sees (shared and its own) by
// id, after the id of the last one seen; limit is at most MaxSavedReplies
// and one more (which tells a door whether a next page exists).
func (s *Service) SavedReplies(ctx context.Context, ws string, c Caller, after string, limit int) ([]SavedReply, error) {
	if limit <= 0 || limit > MaxSavedReplies+1 {
		return nil, Invalid("limit", CodeRange, Params{Min: 1, Max: MaxSavedReplies})
	}
	rs, err := s.Store.SavedReplies(ctx, ws, SavedReplyFilter{Visible: c.AgentID, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("saved replies: %w", err)
	}
	return rs, nil
}

// UpdateSavedReply changes a reply the caller may manage.
func (s *Service) UpdateSavedReply(ctx context.Context, ws string, c Caller, id string, p SavedReplyPatch) (*SavedReply, error) {
	var out *SavedReply
	err := s.Store.Update(ctx, func(tx Tx) error {
		r, err := tx.SavedReply(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManage(c, r); err != nil {
			return err
		}
		if p.Name != nil {
			r.Name = *p.Name
		}
		if p.Text != nil {
			r.Text = *p.Text
		}
		if p.Shortcut != nil {
			r.Shortcut = *p.Shortcut
		}
		if err := checkSavedReply(r); err != nil {
			return err
		}
		r.UpdatedAt = s.now()
		out = r
		return tx.UpdateSavedReply(ctx, r)
	})
	if err != nil {
		return nil, fmt.Errorf("update saved reply %s: %w", id, err)
	}
	return out, nil
}

// DeleteSavedReply removes a reply the caller may manage.
func (s *Service) DeleteSavedReply(ctx context.Context, ws string, c Caller, id string) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		r, err := tx.SavedReply(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManage(c, r); err != nil {
			return err
		}
		return tx.DeleteSavedReply(ctx, ws, id)
	})
	if err != nil {
		return fmt.Errorf("delete saved reply %s: %w", id, err)
	}
	return nil
}

// RenderedReply is a saved reply's text filled for one ticket.
type RenderedReply struct {
	Text string
	// Unknown lists the placeholders left as written: names that are not
	// in Placeholders.
	Unknown []string
}

// Placeholders are the names a saved reply may use as {{name}}.
var Placeholders = []string{"contact.name", "contact.first_name", "contact.last_name", "contact.email", "contact.phone",
	"ticket.number", "ticket.subject", "ticket.id", "agent.name", "agent.email", "workspace.name"}

// RenderSavedReply fills a reply's placeholders for a ticket the caller may
// see, as the caller (agent.* is the caller). A value that is not there (a
// ticket without a contact) becomes empty; an unknown name is left as
// written and listed in Unknown.
func (s *Service) RenderSavedReply(ctx context.Context, ws string, c Caller, id, ticketID string) (*RenderedReply, error) {
	r, err := s.SavedReply(ctx, ws, c, id)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.Ticket(ctx, ws, ticketID)
	if err != nil {
		return nil, err
	}
	if err := s.Authorize(ctx, c, t, ActView); err != nil {
		return nil, err
	}
	vals := map[string]string{"ticket.number": strconv.FormatInt(t.Number, 10), "ticket.subject": t.Subject, "ticket.id": t.ID}
	if t.ContactID != "" {
		ct, err := s.Store.Contact(ctx, ws, t.ContactID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if err == nil {
			vals["contact.name"], vals["contact.first_name"], vals["contact.last_name"] = ct.Name, ct.FirstName, ct.LastName
			vals["contact.email"], vals["contact.phone"] = ct.Email, ct.Phone
		}
	}
	if c.AgentID != "" {
		a, err := s.Store.Agent(ctx, ws, c.AgentID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if err == nil {
			vals["agent.name"], vals["agent.email"] = a.Name, a.Email
		}
	}
	w, err := s.Store.Workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	vals["workspace.name"] = w.Name
	text, unknown := FillPlaceholders(r.Text, func(name string) (string, bool) {
		for _, p := range Placeholders {
			if p == name {
				return vals[name], true
			}
		}
		return "", false
	})
	return &RenderedReply{Text: text, Unknown: unknown}, nil
}

// FillPlaceholders replaces each {{name}} of text (spaces inside the
// braces allowed, name made of letters, digits, '_' and '.') with
// lookup(name); a name lookup does not know is left as written and
// returned in unknown (once each). Anything else — a lone "{{", braces
// around other characters — is text. Values are inserted as they are,
// never read again for placeholders.
func FillPlaceholders(text string, lookup func(name string) (string, bool)) (out string, unknown []string) {
	var b strings.Builder
	seen := map[string]bool{}
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		rest := text[i+2:]
		j := strings.Index(rest, "}}")
		name := ""
		if j >= 0 {
			name = strings.TrimSpace(rest[:j])
		}
		if j < 0 || !placeholderName(name) {
			// Not a placeholder here; one may start at the next brace
			// ("{{{name}}}" is a brace around a placeholder).
			b.WriteByte('{')
			text = text[i+1:]
			continue
		}
		if v, ok := lookup(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[i : i+2+j+2])
			if !seen[name] {
				seen[name] = true
				unknown = append(unknown, name)
			}
		}
		text = rest[j+2:]
	}
	return b.String(), unknown
}

func placeholderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
