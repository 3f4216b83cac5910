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

// NewWorkspace creates a workspace and its first admin in one transaction.
// passwordHash is already hashed (package auth); the admin starts offline.
func (s *Service) NewWorkspace(ctx context.Context, name, timezone, adminName, adminEmail, passwordHash string) (*Workspace, *Agent, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil, Required("name")
	}
	if timezone == "" {
		timezone = "UTC"
	}
	if _, err := time.LoadLocation(timezone); err != nil {
		return nil, nil, Invalid("timezone", CodeUnknown, Params{Value: timezone})
	}
	now := s.now()
	w := &Workspace{ID: objectid.New(now), Name: name, Timezone: timezone, CreatedAt: now}
	a := &Agent{ID: objectid.New(now), WorkspaceID: w.ID, Name: adminName, Email: normEmail(adminEmail),
		PasswordHash: passwordHash, Role: RoleAdmin, Presence: PresenceOffline, PresenceChangedAt: now,
		CreatedAt: now, UpdatedAt: now}
	if a.Name == "" {
		a.Name = a.Email
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.WorkspaceByName(ctx, name); err == nil {
			return Taken("name", "workspace")
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		return tx.CreateAgent(ctx, a)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create workspace %q: %w", name, err)
	}
	return w, a, nil
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// NewAgent is what CreateAgent needs.
type NewAgent struct {
	Name         string
	Email        string
	PasswordHash string
	Role         Role
	Capacity     int
	GroupIDs     []string
	AvatarURL    string
	Meta         map[string]map[string]json.RawMessage // door-specific values
	// Language and TimeZone are the agent's desk preferences, checked as
	// AgentPatch's are ("" = the workspace's); see prefs.go.
	Language string
	TimeZone string
}

// CreateAgent adds an agent (or bot) to ws.
func (s *Service) CreateAgent(ctx context.Context, ws string, in NewAgent) (*Agent, error) {
	return s.createAgent(ctx, ws, in, nil)
}

// createAgent is CreateAgent; then, when set, runs in the same transaction
// (InviteAgent's invitation), so a refusal there leaves no agent behind.
func (s *Service) createAgent(ctx context.Context, ws string, in NewAgent, then func(Tx, *Agent) error) (*Agent, error) {
	if strings.TrimSpace(in.Name) == "" {
		return nil, Required("name")
	}
	if in.Role == "" {
		in.Role = RoleAgent
	}
	if _, err := ParseRole(string(in.Role)); err != nil {
		return nil, err
	}
	if in.Capacity < 0 {
		return nil, Invalid("capacity", CodeRange, Params{Min: 0})
	}
	if err := checkMeta(in.Meta); err != nil {
		return nil, err
	}
	lang, err := checkLanguage(in.Language)
	if err != nil {
		return nil, err
	}
	tz, err := checkZone(in.TimeZone)
	if err != nil {
		return nil, err
	}
	email := normEmail(in.Email)
	if in.Role != RoleBot && email == "" {
		return nil, Required("email")
	}
	now := s.now()
	a := &Agent{ID: objectid.New(now), WorkspaceID: ws, Name: strings.TrimSpace(in.Name), Email: email,
		PasswordHash: in.PasswordHash, Role: in.Role, Presence: PresenceOffline, PresenceChangedAt: now,
		Capacity: in.Capacity, GroupIDs: dedupe(in.GroupIDs), AvatarURL: in.AvatarURL,
		Meta: mergeMeta(nil, in.Meta), Language: lang, TimeZone: tz, CreatedAt: now, UpdatedAt: now}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := checkGroups(ctx, tx, ws, a.GroupIDs); err != nil {
			return err
		}
		if err := tx.CreateAgent(ctx, a); err != nil || then == nil {
			return err
		}
		return then(tx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("create agent %q: %w", in.Email, err)
	}
	return a, nil
}

func checkGroups(ctx context.Context, r Reader, ws string, ids []string) error {
	for _, g := range ids {
		if _, err := r.Group(ctx, ws, g); err != nil {
			if errors.Is(err, ErrNotFound) {
				return NoRef("groups", "group", g)
			}
			return err
		}
	}
	return nil
}

func dedupe(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// AgentPatch changes an agent; nil fields stay as they are.
type AgentPatch struct {
	Name         *string
	Role         *Role
	Capacity     *int
	GroupIDs     *[]string
	PasswordHash *string
	Meta         map[string]map[string]json.RawMessage // merged by door then field
	// Language and TimeZone are the agent's desk preferences ("" = the
	// workspace's); see prefs.go.
	Language *string
	TimeZone *string
}

// UpdateAgent changes an agent. Raising capacity drains waiting tickets.
func (s *Service) UpdateAgent(ctx context.Context, ws, id string, p AgentPatch) (*Agent, error) {
	if err := checkPrefs(&p); err != nil {
		return nil, err
	}
	var out *Agent
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if s.Router != nil {
			// Capacity, role and groups feed routing: lock as routing does.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		a, err := tx.LockAgent(ctx, ws, id)
		if err != nil {
			return err
		}
		if p.Name != nil {
			if strings.TrimSpace(*p.Name) == "" {
				return Required("name")
			}
			a.Name = strings.TrimSpace(*p.Name)
		}
		if p.Role != nil {
			if _, err := ParseRole(string(*p.Role)); err != nil {
				return err
			}
			if *p.Role != RoleAdmin {
				// Demoting the last active admin would leave the
				// workspace with nobody to administer it.
				if err := s.keepAnAdmin(ctx, tx, ws, a, "role"); err != nil {
					return err
				}
			}
			a.Role = *p.Role
		}
		raised := false
		if p.Capacity != nil {
			if *p.Capacity < 0 {
				return Invalid("capacity", CodeRange, Params{Min: 0})
			}
			raised = *p.Capacity == 0 && a.Capacity > 0 || *p.Capacity > a.Capacity && a.Capacity > 0
			a.Capacity = *p.Capacity
		}
		if p.GroupIDs != nil {
			g := dedupe(*p.GroupIDs)
			if err := checkGroups(ctx, tx, ws, g); err != nil {
				return err
			}
			a.GroupIDs = g
			raised = true
		}
		if err := checkMeta(p.Meta); err != nil {
			return err
		}
		a.Meta = mergeMeta(a.Meta, p.Meta)
		if p.PasswordHash != nil {
			a.PasswordHash = *p.PasswordHash
		}
		if p.Language != nil {
			a.Language = *p.Language
		}
		if p.TimeZone != nil {
			a.TimeZone = *p.TimeZone
		}
		a.UpdatedAt = s.now()
		if err := tx.UpdateAgent(ctx, a); err != nil {
			return err
		}
		out = a
		if raised && s.Router != nil && a.Presence == PresenceOnline {
			return s.Router.Drain(ctx, tx, ch, ws, nil)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update agent %s: %w", id, err)
	}
	return out, nil
}

// RecordLogin stamps an agent's last login time.
func (s *Service) RecordLogin(ctx context.Context, ws, id string) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		a, err := tx.LockAgent(ctx, ws, id)
		if err != nil {
			return err
		}
		a.LastLoginAt = s.now()
		return tx.UpdateAgent(ctx, a)
	})
}

// CreateGroup adds a group (and its queue) to ws.
func (s *Service) CreateGroup(ctx context.Context, ws, name, supervisorID string) (*Group, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, Required("name")
	}
	now := s.now()
	g := &Group{ID: objectid.New(now), WorkspaceID: ws, Name: name, SupervisorID: supervisorID, CreatedAt: now}
	err := s.Store.Update(ctx, func(tx Tx) error {
		if supervisorID != "" {
			if _, err := tx.Agent(ctx, ws, supervisorID); err != nil {
				if errors.Is(err, ErrNotFound) {
					return NoRef("supervisor_id", "agent", supervisorID)
				}
				return err
			}
		}
		if _, err := tx.GroupByName(ctx, ws, name); err == nil {
			return Taken("name", "group")
		}
		return tx.CreateGroup(ctx, g)
	})
	if err != nil {
		return nil, fmt.Errorf("create group %q: %w", name, err)
	}
	return g, nil
}

// NewContact is what CreateContact needs.
type NewContact struct {
	Name, FirstName, LastName string
	Email, Phone              string
	NationalID, ExternalID    string
	Identities                []Identity
	CustomFields              Fields
	Meta                      map[string]map[string]json.RawMessage // door-specific values
}

// CreateContact adds a customer to ws.
func (s *Service) CreateContact(ctx context.Context, ws string, in NewContact) (*Contact, error) {
	c, err := s.buildContact(in)
	if err != nil {
		return nil, err
	}
	c.WorkspaceID = ws
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := s.checkFields(ctx, tx, ws, "contact", c.CustomFields); err != nil {
			return err
		}
		return tx.CreateContact(ctx, c)
	})
	if err != nil {
		return nil, fmt.Errorf("create contact: %w", err)
	}
	return c, nil
}

func (s *Service) buildContact(in NewContact) (*Contact, error) {
	if err := checkMeta(in.Meta); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Contact{ID: objectid.New(now), Name: strings.TrimSpace(in.Name), FirstName: strings.TrimSpace(in.FirstName),
		LastName: strings.TrimSpace(in.LastName), Email: normEmail(in.Email), Phone: strings.TrimSpace(in.Phone),
		NationalID: NormalizeNationalID(in.NationalID), ExternalID: in.ExternalID, CustomFields: in.CustomFields,
		Meta: mergeMeta(nil, in.Meta), CreatedAt: now, UpdatedAt: now}
	if c.Name == "" {
		c.Name = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	seen := map[string]bool{}
	for _, id := range in.Identities {
		if _, err := ParseChannel(string(id.Channel)); err != nil {
			return nil, err
		}
		if strings.TrimSpace(id.ExternalID) == "" {
			return nil, Required("identities.external_id")
		}
		k := string(id.Channel) + "\x00" + id.ExternalID
		if seen[k] {
			return nil, Invalid("identities", CodeDuplicate, Params{Entity: "identity", Value: string(id.Channel) + "/" + id.ExternalID})
		}
		seen[k] = true
		c.Identities = append(c.Identities, id)
	}
	return c, nil
}

// NormalizeNationalID strips the dots and spaces people write in national
// ids (a Chilean RUT is written 12.345.678-9) and upper-cases the check digit.
func NormalizeNationalID(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(".", "", " ", "").Replace(s)
}
