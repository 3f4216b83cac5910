package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Invitations: an admin creates an agent without a password and ticketd
// issues a link (docs/web.md, "Inviting agents"). The agent opens it,
// chooses a password and is signed in. The link's token is 256 random
// bits, kept only as its SHA-256, good for InvitationTTL and for one use;
// a new link revokes the old one.

// InvitationTTL is how long an invitation link stays good.
const InvitationTTL = 7 * 24 * time.Hour

// MinPassword is the fewest characters a password chosen through an
// invitation may have (NIST SP 800-63B's minimum for a chosen secret).
const MinPassword = 8

// ActInvite creates invitations (and agents through them) or revokes
// them: admins only (CallerMay decides it).
const ActInvite Action = "invite_agents"

// Invitation is one invitation link of an agent.
type Invitation struct {
	ID          string
	WorkspaceID string
	AgentID     string
	Hash        []byte // SHA-256 of the link's token
	CreatedBy   string // the admin's agent id
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero until the agent accepts it
	RevokedAt   time.Time // zero unless revoked or replaced
}

// Open reports whether the invitation was neither used nor revoked
// (it may still have expired).
func (i *Invitation) Open() bool { return i.UsedAt.IsZero() && i.RevokedAt.IsZero() }

// Pending reports whether the link still works at now.
func (i *Invitation) Pending(now time.Time) bool { return i.Open() && now.Before(i.ExpiresAt) }

// ErrInvitationGone is a link that did exist but no longer works: used,
// expired or revoked. It is a not-found, so doors that know no better
// answer 404; the desk's page answers 410 Gone.
var ErrInvitationGone = fmt.Errorf("%w: the invitation was used, has expired or was revoked", ErrNotFound)

// InvitationReader finds invitations.
type InvitationReader interface {
	// InvitationByHash reads the invitation whose token has this SHA-256.
	InvitationByHash(ctx context.Context, hash []byte) (*Invitation, error)
	// OpenInvitations lists the open (unused, unrevoked) invitations of ws,
	// of one agent when agentID is set; expired ones included.
	OpenInvitations(ctx context.Context, ws, agentID string) ([]Invitation, error)
}

// InvitationWriter changes invitations inside Store.Update.
type InvitationWriter interface {
	CreateInvitation(ctx context.Context, i *Invitation) error
	// RevokeInvitations marks every open invitation of the agent revoked
	// at at and answers how many there were.
	RevokeInvitations(ctx context.Context, ws, agentID string, at time.Time) (int, error)
	// UseInvitation marks invitation id used at at if it is still open;
	// ErrNotFound when it is not (another request used or revoked it).
	UseInvitation(ctx context.Context, ws, id string, at time.Time) error
}

// HashInvitation is how an invitation token is stored and looked up.
func HashInvitation(token string) []byte {
	h := sha256.Sum256([]byte("invitation\x00" + token))
	return h[:]
}

// MaxInvitationToken bounds a token a door looks up (ours are 43
// characters); longer ones are unknown without a query.
const MaxInvitationToken = 64

// InviteAgent creates an agent without a password and its first
// invitation, in one transaction, for caller c (an admin). It answers the
// agent, the link's token (shown once: only its hash is kept) and the
// invitation.
func (s *Service) InviteAgent(ctx context.Context, ws string, c Caller, in NewAgent) (*Agent, string, *Invitation, error) {
	if err := CallerMay(c, ActInvite); err != nil {
		return nil, "", nil, err
	}
	if in.Role == RoleBot {
		return nil, "", nil, Invalid("role", CodeNotAllowed, Params{Value: string(RoleBot)})
	}
	in.PasswordHash = ""
	var tok string
	var inv *Invitation
	a, err := s.createAgent(ctx, ws, in, func(tx Tx, a *Agent) (err error) {
		tok, inv, err = s.invite(ctx, tx, a, c)
		return err
	})
	if err != nil {
		return nil, "", nil, err
	}
	return a, tok, inv, nil
}

// Invite issues a new invitation link for agent id of ws, revoking the
// agent's open one: for an agent that has never chosen a password (an
// agent with one signs in, or an admin sets a new one). Admins only.
func (s *Service) Invite(ctx context.Context, ws string, c Caller, id string) (string, *Invitation, *Agent, error) {
	if err := CallerMay(c, ActInvite); err != nil {
		return "", nil, nil, err
	}
	var tok string
	var inv *Invitation
	var a *Agent
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		if a, err = tx.Agent(ctx, ws, id); err != nil {
			return err
		}
		tok, inv, err = s.invite(ctx, tx, a, c)
		return err
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("invite agent %s: %w", id, err)
	}
	return tok, inv, a, nil
}

// invitable refuses an agent an invitation cannot be for.
func invitable(a *Agent) error {
	if !a.Active() {
		return CheckActive("agent", a)
	}
	if a.Role == RoleBot || a.PasswordHash != "" {
		// A bot signs in with tokens; an agent with a password has
		// accepted (or never needed) an invitation.
		return &FieldError{Err: ErrConflict, Field: "agent", Code: CodeNotAllowed, Params: Params{Value: "invited", Ref: a.ID}}
	}
	return nil
}

func (s *Service) invite(ctx context.Context, tx Tx, a *Agent, c Caller) (string, *Invitation, error) {
	if err := invitable(a); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32) // 256 bits
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	if _, err := tx.RevokeInvitations(ctx, a.WorkspaceID, a.ID, now); err != nil {
		return "", nil, err
	}
	inv := &Invitation{ID: objectid.New(now), WorkspaceID: a.WorkspaceID, AgentID: a.ID, Hash: HashInvitation(tok),
		CreatedBy: c.AgentID, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	if err := tx.CreateInvitation(ctx, inv); err != nil {
		return "", nil, err
	}
	return tok, inv, nil
}

// RevokeInvitation revokes agent id's open invitation: its link stops
// working at once. ErrNotFound when it has none. Admins only.
func (s *Service) RevokeInvitation(ctx context.Context, ws string, c Caller, id string) error {
	if err := CallerMay(c, ActInvite); err != nil {
		return err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.Agent(ctx, ws, id); err != nil {
			return err
		}
		n, err := tx.RevokeInvitations(ctx, ws, id, s.now())
		if err == nil && n == 0 {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke invitation of agent %s: %w", id, err)
	}
	return nil
}

// PendingInvitations answers the invitations of ws that still work, by
// agent id (for agent lists: "invited, pending since …").
func (s *Service) PendingInvitations(ctx context.Context, ws string) (map[string]*Invitation, error) {
	is, err := s.Store.OpenInvitations(ctx, ws, "")
	if err != nil {
		return nil, fmt.Errorf("pending invitations: %w", err)
	}
	now := s.now()
	out := map[string]*Invitation{}
	for i := range is {
		if is[i].Pending(now) {
			out[is[i].AgentID] = &is[i]
		}
	}
	return out, nil
}

// PendingInvitation answers agent id's working invitation, or nil.
func (s *Service) PendingInvitation(ctx context.Context, ws, id string) (*Invitation, error) {
	is, err := s.Store.OpenInvitations(ctx, ws, id)
	if err != nil {
		return nil, fmt.Errorf("pending invitation of agent %s: %w", id, err)
	}
	now := s.now()
	for i := range is {
		if is[i].Pending(now) {
			return &is[i], nil
		}
	}
	return nil, nil
}

// Invitation finds a working invitation by its token, with its agent:
// ErrNotFound for a token ticketd never issued, ErrInvitationGone for one
// used, expired or revoked, or whose agent can no longer accept it.
func (s *Service) Invitation(ctx context.Context, token string) (*Invitation, *Agent, error) {
	if token == "" || len(token) > MaxInvitationToken {
		return nil, nil, fmt.Errorf("invitation: %w", ErrNotFound)
	}
	inv, err := s.Store.InvitationByHash(ctx, HashInvitation(token))
	if err != nil {
		return nil, nil, fmt.Errorf("invitation: %w", err)
	}
	a, err := s.Store.Agent(ctx, inv.WorkspaceID, inv.AgentID)
	if err != nil {
		return nil, nil, fmt.Errorf("invitation's agent: %w", err)
	}
	if !inv.Pending(s.now()) || invitable(a) != nil {
		return inv, a, fmt.Errorf("invitation %s: %w", inv.ID, ErrInvitationGone)
	}
	return inv, a, nil
}

// CheckPassword applies the rules a chosen password must meet.
func CheckPassword(password string) error {
	if password == "" {
		return Required("password")
	}
	if utf8.RuneCountInString(password) < MinPassword {
		return Invalid("password", CodeRange, Params{Min: MinPassword})
	}
	if len(password) > 1024 {
		return TooLong("password", 1024)
	}
	return nil
}

// AcceptInvitation uses the invitation of token: the agent gets
// passwordHash (hashed by package auth after CheckPassword) and, when
// name is not blank, that name. Only one request can use a token: a
// second answers ErrInvitationGone.
func (s *Service) AcceptInvitation(ctx context.Context, token, name, passwordHash string) (*Agent, error) {
	if passwordHash == "" {
		return nil, Required("password")
	}
	name = strings.TrimSpace(name)
	if len(name) > 200 {
		return nil, TooLong("name", 200)
	}
	var a *Agent
	err := s.Store.Update(ctx, func(tx Tx) error {
		inv, err := tx.InvitationByHash(ctx, HashInvitation(token))
		if err != nil {
			return err
		}
		now := s.now()
		if a, err = tx.LockAgent(ctx, inv.WorkspaceID, inv.AgentID); err != nil {
			return err
		}
		if !inv.Pending(now) || invitable(a) != nil {
			return ErrInvitationGone
		}
		if err := tx.UseInvitation(ctx, inv.WorkspaceID, inv.ID, now); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrInvitationGone
			}
			return err
		}
		if name != "" {
			a.Name = name
		}
		a.PasswordHash, a.UpdatedAt = passwordHash, now
		return tx.UpdateAgent(ctx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("accept invitation: %w", err)
	}
	return a, nil
}
