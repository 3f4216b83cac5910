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
	}
	return checkShortcut(r.Shortcut)
}

// checkShortcut checks an optional keyboard shortcut (of a saved reply or
// a macro): one short word.
func checkShortcut(sc string) error {
	switch {
	case len(sc) > MaxShortcut:
		return TooLong("shortcut", MaxShortcut)
	case strings.ContainsFunc(sc, func(c rune) bool { return c <= ' ' }):
		return Invalid("shortcut", CodeFormat, Params{Value: sc, Format: "one word without spaces"})
	}
	return nil
}

// savedReplyKind is how saved replies are owned, read and written (owned.go).
var savedReplyKind = ownedKind[SavedReply]{
	noun:  "saved reply",
	owner: func(r *SavedReply) string { return r.OwnerID },
	name:  func(r *SavedReply) string { return r.Name },
	check: func(r, _ *SavedReply) error { return checkSavedReply(r) },
	touch: func(r *SavedReply, now time.Time) { r.UpdatedAt = now },
	read: func(ctx context.Context, rd Reader, ws, id string) (*SavedReply, error) {
		return rd.SavedReply(ctx, ws, id)
	},
	create: func(ctx context.Context, tx Tx, r *SavedReply) error { return tx.CreateSavedReply(ctx, r) },
	update: func(ctx context.Context, tx Tx, r *SavedReply) error { return tx.UpdateSavedReply(ctx, r) },
	delete: func(ctx context.Context, tx Tx, ws, id string) error { return tx.DeleteSavedReply(ctx, ws, id) },
}

// CreateSavedReply adds a personal reply of the caller, or a shared one
// (supervisors and admins only).
func (s *Service) CreateSavedReply(ctx context.Context, ws string, c Caller, in NewSavedReply) (*SavedReply, error) {
	now := s.now()
	r := &SavedReply{ID: objectid.New(now), WorkspaceID: ws, Name: in.Name, Text: in.Text, Shortcut: in.Shortcut,
		CreatedBy: c.AgentID, CreatedAt: now, UpdatedAt: now}
	owner, err := ownerFor(c, in.Shared)
	if err != nil {
		return nil, err
	}
	r.OwnerID = owner
	if err := savedReplyKind.createOwned(ctx, s, r); err != nil {
		return nil, err
	}
	return r, nil
}

// SavedReply reads a reply the caller may see: shared, or its own.
func (s *Service) SavedReply(ctx context.Context, ws string, c Caller, id string) (*SavedReply, error) {
	return savedReplyKind.readOwned(ctx, s, ws, c, id)
}

// SavedReplies lists the replies the caller sees (shared and its own) by
// id, after the id of the last one seen; limit is at most MaxSavedReplies
// and one more (which tells a door whether a next page exists).
func (s *Service) SavedReplies(ctx context.Context, ws string, c Caller, after string, limit int) ([]SavedReply, error) {
	if err := checkOwnedLimit(limit, MaxSavedReplies); err != nil {
		return nil, err
	}
	rs, err := s.Store.SavedReplies(ctx, ws, SavedReplyFilter{Visible: c.AgentID, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("saved replies: %w", err)
	}
	return rs, nil
}

// UpdateSavedReply changes a reply the caller may manage.
func (s *Service) UpdateSavedReply(ctx context.Context, ws string, c Caller, id string, p SavedReplyPatch) (*SavedReply, error) {
	return savedReplyKind.updateOwned(ctx, s, ws, c, id, func(r *SavedReply) {
		setIf(&r.Name, p.Name)
		setIf(&r.Text, p.Text)
		setIf(&r.Shortcut, p.Shortcut)
	})
}

// DeleteSavedReply removes a reply the caller may manage.
func (s *Service) DeleteSavedReply(ctx context.Context, ws string, c Caller, id string) error {
	return savedReplyKind.deleteOwned(ctx, s, ws, c, id)
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
	text, unknown, err := s.fillFor(ctx, ws, c, t, r.Text)
	if err != nil {
		return nil, err
	}
	return &RenderedReply{Text: text, Unknown: unknown}, nil
}

// fillFor fills text's placeholders for ticket t as caller c (agent.* is
// the caller): a value that is not there (a ticket without a contact)
// becomes empty; unknown lists the names that are not Placeholders, left
// as written. Rendering a saved reply and applying a macro's reply both
// use it.
func (s *Service) fillFor(ctx context.Context, ws string, c Caller, t *Ticket, text string) (out string, unknown []string, err error) {
	vals := map[string]string{"ticket.number": strconv.FormatInt(t.Number, 10), "ticket.subject": t.Subject, "ticket.id": t.ID}
	if t.ContactID != "" {
		ct, err := s.Store.Contact(ctx, ws, t.ContactID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", nil, err
		}
		if err == nil {
			vals["contact.name"], vals["contact.first_name"], vals["contact.last_name"] = ct.Name, ct.FirstName, ct.LastName
			vals["contact.email"], vals["contact.phone"] = ct.Email, ct.Phone
		}
	}
	if c.AgentID != "" {
		a, err := s.Store.Agent(ctx, ws, c.AgentID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", nil, err
		}
		if err == nil {
			vals["agent.name"], vals["agent.email"] = a.Name, a.Email
		}
	}
	w, err := s.Store.Workspace(ctx, ws)
	if err != nil {
		return "", nil, err
	}
	vals["workspace.name"] = w.Name
	out, unknown = FillPlaceholders(text, func(name string) (string, bool) {
		for _, p := range Placeholders {
			if p == name {
				return vals[name], true
			}
		}
		return "", false
	})
	return out, unknown, nil
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
