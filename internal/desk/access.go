package desk

import (
	"context"
	"fmt"
	"time"
)

// DeactivateAgent ends an agent's access to ws: it is marked deactivated
// (it signs in to nothing and is routed nothing), its API tokens are
// deleted and its invitation revoked, it goes offline, and its active tickets go back to their queues
// for routing to hand on (whatever the workspace's RequeueOnOffline says:
// a deactivated agent is not coming back). Its tickets' history and its
// solved and closed tickets stay as they are. The last active admin of a
// workspace cannot be deactivated (CodeLastAdmin). It answers the ids of
// the tokens deleted, which package auth makes every node forget; calling
// it again on a deactivated agent changes nothing.
func (s *Service) DeactivateAgent(ctx context.Context, ws, id string, actor Actor) (*Agent, []string, error) {
	var out *Agent
	var tokens []string
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if s.Router != nil {
			// Presence and load feed routing: lock as routing does.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		a, err := tx.LockAgent(ctx, ws, id)
		if err != nil {
			return err
		}
		out = a
		if !a.Active() {
			return nil
		}
		if err := s.keepAnAdmin(ctx, tx, ws, a, ""); err != nil {
			return err
		}
		now := s.now()
		a.DeactivatedAt, a.UpdatedAt = now, now
		if a.Presence != PresenceOffline {
			a.Presence, a.PresenceChangedAt = PresenceOffline, now
			ch.Presence = append(ch.Presence, PresenceChange{AgentID: a.ID, Presence: PresenceOffline, At: now})
		}
		if err := tx.UpdateAgent(ctx, a); err != nil {
			return err
		}
		if tokens, err = tx.DeleteAgentTokens(ctx, ws, a.ID); err != nil {
			return err
		}
		// An invitation link is a credential too: it must not come back
		// to life if the agent is activated again.
		if _, err := tx.RevokeInvitations(ctx, ws, a.ID, now); err != nil {
			return err
		}
		if err := s.requeueAgent(ctx, tx, ch, a, actor); err != nil {
			return err
		}
		if s.Router != nil {
			return s.Router.Drain(ctx, tx, ch, ws, nil)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("deactivate agent %s: %w", id, err)
	}
	return out, tokens, nil
}

// ActivateAgent gives a deactivated agent its access back: it may sign in
// with its password again (an admin sets a new one if it has none) and
// comes back offline, taking work when it goes online.
func (s *Service) ActivateAgent(ctx context.Context, ws, id string) (*Agent, error) {
	var out *Agent
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := tx.LockAgent(ctx, ws, id)
		if err != nil {
			return err
		}
		out = a
		if a.Active() {
			return nil
		}
		a.DeactivatedAt, a.UpdatedAt = time.Time{}, s.now()
		return tx.UpdateAgent(ctx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("activate agent %s: %w", id, err)
	}
	return out, nil
}

// CheckActive refuses giving field's agent a (a ticket, a presence) when
// a is deactivated (CodeDeactivated).
func CheckActive(field string, a *Agent) error {
	if a.Active() {
		return nil
	}
	return &FieldError{Err: ErrConflict, Field: field, Code: CodeDeactivated, Params: Params{Ref: a.ID, Number: a.Number}}
}

// keepAnAdmin refuses to take away a's admin access (deactivating it, or
// giving it a lower role: field names the input, "" for none) when a is
// the workspace's last active admin (CodeLastAdmin, ErrConflict). Agents
// that are not active admins pass. The workspace's routing lock is held
// first, so two transactions that each take away one of two admins cannot
// both see the other still there (on PostgreSQL; SQLite runs writes one
// at a time).
func (s *Service) keepAnAdmin(ctx context.Context, tx Tx, ws string, a *Agent, field string) error {
	if a.Role != RoleAdmin || !a.Active() {
		return nil
	}
	if err := tx.LockRouting(ctx, ws); err != nil { // held once per transaction
		return err
	}
	admins, err := tx.Agents(ctx, ws, AgentFilter{Role: RoleAdmin})
	if err != nil {
		return err
	}
	for i := range admins {
		if admins[i].ID != a.ID && admins[i].Active() {
			return nil
		}
	}
	return &FieldError{Err: ErrConflict, Field: field, Code: CodeLastAdmin, Params: Params{Ref: a.ID}}
}
