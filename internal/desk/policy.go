package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The permission policy: who may see and work which ticket. Every door —
// the native API, each dialect, the desk UI, channels acting for people —
// asks Authorize (one ticket) or Scope (lists and searches), so the same
// caller gets the same answer through every door. docs/permissions.md is
// the matrix in words; internal/server/permissions_test.go checks it door
// by door.

// Caller is the person or bot a request acts for.
type Caller struct {
	AgentID string
	Role    Role
}

// Action is what a caller wants to do to a ticket.
type Action string

const (
	// ActView reads the ticket, its messages and its events.
	ActView Action = "view"
	// ActNote adds an internal note.
	ActNote Action = "note"
	// ActWork replies to the customer and changes the ticket: status
	// (solve, close, reopen), priority, type, tags, fields, subject.
	ActWork Action = "work"
	// ActTake gives an unowned ticket an owner: the caller or a colleague.
	ActTake Action = "take"
	// ActRelease gives up the caller's own ticket: unassigns it, hands it
	// to a colleague, or sends it back for routing to pick someone else.
	ActRelease Action = "release"
	// ActAssign takes a ticket from the person who owns it (for the caller
	// or for someone else).
	ActAssign Action = "assign"
	// ActTransfer moves a ticket to another group.
	ActTransfer Action = "transfer"
	// ActEscalate flags a ticket and hands it to a supervisor.
	ActEscalate Action = "escalate"
	// ActHandoff takes a ticket over from a bot (the bot→human hand-over).
	ActHandoff Action = "handoff"
	// ActActFor writes as another agent or as "Bot" (reply author, closer).
	ActActFor Action = "act_for"
	// ActForce assigns over the agent's capacity.
	ActForce Action = "force"
	// ActDelete deletes a ticket.
	ActDelete Action = "delete"
	// ActShareReply creates, changes or deletes a saved reply shared by
	// the whole workspace (not a ticket action: CallerMay decides it).
	ActShareReply Action = "share_reply"
)

// Actions lists every action, for tables and tests.
var Actions = []Action{ActView, ActNote, ActWork, ActTake, ActRelease, ActAssign, ActTransfer,
	ActEscalate, ActHandoff, ActActFor, ActForce, ActDelete}

// TicketAccess is the workspace setting for which tickets agents see, as
// Zendesk and Zammad offer. Supervisors, admins and bots see every ticket.
type TicketAccess string

const (
	// AccessAll: agents see every ticket of the workspace (the default).
	AccessAll TicketAccess = "all"
	// AccessGroups: agents see tickets of their groups and their own.
	AccessGroups TicketAccess = "groups"
	// AccessOwn: agents see only the tickets they own.
	AccessOwn TicketAccess = "own"
)

// ParseTicketAccess accepts the setting's names; "" is AccessAll.
func ParseTicketAccess(s string) (TicketAccess, error) {
	switch a := TicketAccess(s); a {
	case "", AccessAll:
		return AccessAll, nil
	case AccessGroups, AccessOwn:
		return a, nil
	}
	return "", OneOf("ticket_access", s, string(AccessAll), string(AccessGroups), string(AccessOwn))
}

// Refuse is a permission refusal: the rule (a Code) that refuses act to
// the caller's role, as a FieldError wrapping ErrForbidden.
func Refuse(act Action, rule Code) *FieldError {
	return &FieldError{Err: ErrForbidden, Code: rule, Params: Params{Action: act}}
}

// ErrHidden is what a caller gets for a ticket they may not see: not found,
// as if it did not exist, so ids of hidden tickets leak nothing.
var ErrHidden = fmt.Errorf("%w: ticket not visible to this agent", ErrNotFound)

// Authorize decides whether c may do act to t. It answers nil, a refusal (*FieldError)
// (errors.Is ErrForbidden) or ErrHidden (errors.Is ErrNotFound) when c may
// not even see t.
func (s *Service) Authorize(ctx context.Context, c Caller, t *Ticket, act Action) error {
	return s.authorize(ctx, s.Store, c, t, act)
}

// AuthorizeTx is Authorize inside a transaction (reads through tx).
func (s *Service) AuthorizeTx(ctx context.Context, tx Tx, c Caller, t *Ticket, act Action) error {
	return s.authorize(ctx, tx, c, t, act)
}

func (s *Service) authorize(ctx context.Context, r Reader, c Caller, t *Ticket, act Action) error {
	switch c.Role {
	case RoleAdmin:
		return nil
	case RoleSupervisor:
		if act == ActDelete {
			return Refuse(act, CodeAdminOnly)
		}
		return nil
	}
	if c.Role != RoleBot {
		seen, err := s.sees(ctx, r, c, t)
		if err != nil {
			return err
		}
		if !seen {
			return ErrHidden
		}
	}
	if act == ActView || act == ActNote {
		return nil
	}
	owner := t.AssigneeID
	mine := owner != "" && owner == c.AgentID
	botHeld := false
	if owner != "" && !mine {
		if a, err := r.Agent(ctx, t.WorkspaceID, owner); err == nil && a.Role == RoleBot {
			botHeld = true
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("authorize: %w", err)
		}
	}
	ownerOnly := Refuse(act, CodeOwnerOnly)
	switch act {
	case ActView, ActNote:
		return nil
	case ActWork, ActTransfer, ActEscalate, ActRelease:
		// Bots work their own tickets and each other's.
		if owner == "" || mine || (c.Role == RoleBot && botHeld) {
			return nil
		}
		return ownerOnly
	case ActTake:
		if owner == "" || mine {
			return nil
		}
		return ownerOnly
	case ActHandoff:
		// Any agent may take over from a bot: that is what the hand-over is for.
		if owner == "" || mine || botHeld {
			return nil
		}
		return ownerOnly
	case ActActFor:
		return CallerMay(c, act)
	case ActAssign, ActForce:
		if act == ActAssign && c.Role == RoleBot && botHeld {
			return nil // bots hand each other's tickets to the people they pick
		}
		return Refuse(act, CodeSupervisorOnly)
	case ActDelete:
		return Refuse(act, CodeAdminOnly)
	}
	return &FieldError{Err: ErrForbidden, Field: "action", Code: CodeOneOf, Params: Params{Value: string(act)}}
}

// CallerMay decides the actions that do not depend on a ticket (acting for
// another agent, forcing over capacity): nil or a refusal (*FieldError).
func CallerMay(c Caller, act Action) error {
	switch act {
	case ActInvite, ActManageFields:
		if c.Role == RoleAdmin {
			return nil
		}
		return Refuse(act, CodeAdminOnly)
	}
	if c.Role == RoleAdmin || c.Role == RoleSupervisor {
		return nil
	}
	switch act {
	case ActActFor:
		if c.Role == RoleBot {
			return nil
		}
		return Refuse(act, CodeBotOrSupervisor)
	case ActForce, ActShareReply, ActMergeContacts, ActSupervise:
		return Refuse(act, CodeSupervisorOnly)
	}
	return &FieldError{Err: ErrForbidden, Field: "action", Code: CodeOneOf, Params: Params{Value: string(act),
		Allowed: []string{string(ActActFor), string(ActForce), string(ActShareReply), string(ActMergeContacts), string(ActSupervise),
			string(ActInvite), string(ActManageFields)}}}
}

// sees reports whether an agent may see t under the workspace's setting.
func (s *Service) sees(ctx context.Context, r Reader, c Caller, t *Ticket) (bool, error) {
	sc, err := s.scope(ctx, r, t.WorkspaceID, c)
	if err != nil || sc == nil {
		return true, err
	}
	return sc.Has(t), nil
}

// TicketScope narrows lists and searches to the tickets an agent may see:
// those it owns, and those of the listed groups. nil means every ticket.
type TicketScope struct {
	AgentID  string
	GroupIDs []string
}

// Has reports whether t is inside the scope.
func (sc *TicketScope) Has(t *Ticket) bool {
	if sc == nil {
		return true
	}
	return (t.AssigneeID != "" && t.AssigneeID == sc.AgentID) || (t.GroupID != "" && slices.Contains(sc.GroupIDs, t.GroupID))
}

// Scope is the part of ws a caller may list and search: nil for every
// ticket (supervisors, admins, bots, and agents where the workspace lets
// them see all).
func (s *Service) Scope(ctx context.Context, ws string, c Caller) (*TicketScope, error) {
	return s.scope(ctx, s.Store, ws, c)
}

func (s *Service) scope(ctx context.Context, r Reader, ws string, c Caller) (*TicketScope, error) {
	if c.Role != RoleAgent {
		return nil, nil
	}
	access, err := s.ticketAccess(ctx, r, ws)
	if err != nil {
		return nil, fmt.Errorf("ticket scope: %w", err)
	}
	switch access {
	case AccessGroups:
		a, err := r.Agent(ctx, ws, c.AgentID)
		if err != nil {
			return nil, fmt.Errorf("ticket scope: %w", err)
		}
		return &TicketScope{AgentID: c.AgentID, GroupIDs: slices.Clone(a.GroupIDs)}, nil
	case AccessOwn:
		return &TicketScope{AgentID: c.AgentID}, nil
	}
	return nil, nil
}

// accessTTL bounds how long a node trusts its cached ticket_access: a
// change made through another node applies here within it. Reading the
// workspace on every agent request cost one more query per read.
const accessTTL = time.Second

type accessEntry struct {
	access  TicketAccess
	expires time.Time
}

// ticketAccess is ws's setting, cached for accessTTL.
func (s *Service) ticketAccess(ctx context.Context, r Reader, ws string) (TicketAccess, error) {
	now := time.Now()
	if e, ok := s.access.Load(ws); ok && now.Before(e.(accessEntry).expires) {
		return e.(accessEntry).access, nil
	}
	w, err := r.Workspace(ctx, ws)
	if err != nil {
		return "", err
	}
	s.access.Store(ws, accessEntry{w.Settings.TicketAccess, now.Add(accessTTL)})
	return w.Settings.TicketAccess, nil
}

// SetTicketAccess changes which tickets the agents of ws see.
func (s *Service) SetTicketAccess(ctx context.Context, ws string, a TicketAccess) (WorkspaceSettings, error) {
	var out WorkspaceSettings
	if _, err := ParseTicketAccess(string(a)); err != nil {
		return out, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		w, err := tx.LockWorkspace(ctx, ws)
		if err != nil {
			return err
		}
		w.Settings.TicketAccess = a
		if a == AccessAll {
			w.Settings.TicketAccess = ""
		}
		out = w.Settings
		return tx.UpdateWorkspaceSettings(ctx, ws, w.Settings)
	})
	if err != nil {
		return out, fmt.Errorf("set ticket access: %w", err)
	}
	s.access.Delete(ws) // this node at once; others within accessTTL
	return out, nil
}

// assigneeAction is what changing t's owner to `to` asks of the policy.
func assigneeAction(ctx context.Context, r Reader, t *Ticket, c Caller, to string) (Action, error) {
	from := t.AssigneeID
	switch {
	case to == from:
		return "", nil
	case from == "":
		return ActTake, nil
	case from == c.AgentID:
		return ActRelease, nil
	}
	// From a bot it is the hand-over; from a person, taking their ticket.
	a, err := r.Agent(ctx, t.WorkspaceID, from)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if err == nil && a.Role == RoleBot {
		return ActHandoff, nil
	}
	return ActAssign, nil
}

// PatchActions lists what applying p to t asks of the policy for c.
func PatchActions(ctx context.Context, r Reader, t *Ticket, c Caller, p TicketPatch) ([]Action, error) {
	var acts []Action
	if p.Subject != nil || p.Status != nil || p.Priority != nil || p.PriorityRank != nil || p.Flagged != nil ||
		p.Type != nil || p.ContactID != nil || p.CC != nil || p.Tags != nil || len(p.CustomFields) > 0 ||
		p.TemplateID != nil || len(p.Meta) > 0 || p.ClosedReason != nil {
		acts = append(acts, ActWork)
	}
	if p.GroupID != nil && *p.GroupID != t.GroupID {
		acts = append(acts, ActTransfer)
	}
	if p.AssigneeID != nil {
		a, err := assigneeAction(ctx, r, t, c, *p.AssigneeID)
		if err != nil {
			return nil, err
		}
		if a != "" {
			acts = append(acts, a)
		}
	}
	if p.ForceAssign {
		acts = append(acts, ActForce)
	}
	if len(acts) == 0 {
		acts = append(acts, ActView)
	}
	return acts, nil
}

// authorizeAll checks every action, answering the first refusal.
func (s *Service) authorizeAll(ctx context.Context, r Reader, c Caller, t *Ticket, acts []Action) error {
	for _, a := range acts {
		if err := s.authorize(ctx, r, c, t, a); err != nil {
			return err
		}
	}
	return nil
}

// AuthorizeAll is Authorize for several actions (inside tx when not nil).
func (s *Service) AuthorizeAll(ctx context.Context, tx Tx, c Caller, t *Ticket, acts ...Action) error {
	var r Reader = s.Store
	if tx != nil {
		r = tx
	}
	return s.authorizeAll(ctx, r, c, t, acts)
}

// MessageActions lists what adding m to t asks of the policy for c: a note,
// or a reply (work); writing as someone else is acting for them.
func MessageActions(c Caller, m NewMessage) []Action {
	switch m.Author.Kind {
	case ActorContact:
		// Relaying the customer's own message (an integration, a phone
		// call typed in) needs only to see the ticket.
		return []Action{ActView}
	case ActorSystem:
		return []Action{ActActFor}
	}
	acts := []Action{ActWork}
	if m.Public != nil && !*m.Public {
		acts = []Action{ActNote}
	}
	if (m.Author.ID != "" && m.Author.ID != c.AgentID) || (m.Author.Kind == ActorBot && c.Role != RoleBot) {
		acts = append(acts, ActActFor)
	}
	return acts
}
