package desk

import (
	"context"
	"fmt"
)

// SetPresence changes an agent's availability. Coming online drains waiting
// tickets to the agent at once; going offline or away stops new work and,
// when the workspace says so (RequeueOnOffline), going offline returns the
// agent's active tickets to the queue.
func (s *Service) SetPresence(ctx context.Context, ws, agentID string, p Presence, actor Actor) (*Agent, error) {
	if _, err := ParsePresence(string(p)); err != nil {
		return nil, err
	}
	var out *Agent
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if s.Router != nil {
			// Presence feeds routing decisions: take the same lock they do.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		a, err := tx.LockAgent(ctx, ws, agentID)
		if err != nil {
			return err
		}
		out = a
		if p != PresenceOffline {
			if err := CheckActive("status", a); err != nil {
				return err
			}
		}
		if a.Presence == p {
			return nil
		}
		now := s.now()
		a.Presence, a.PresenceChangedAt, a.UpdatedAt = p, now, now
		if p == PresenceOnline {
			a.LastLoginAt = now
		}
		if err := tx.UpdateAgent(ctx, a); err != nil {
			return err
		}
		ch.Presence = append(ch.Presence, PresenceChange{AgentID: a.ID, Presence: p, At: now})
		if p == PresenceOffline {
			// Away is a short absence: the agent keeps its tickets.
			w, err := tx.Workspace(ctx, ws)
			if err != nil {
				return err
			}
			if w.Settings.RequeueOnOffline {
				if err := s.requeueAgent(ctx, tx, ch, a, actor); err != nil {
					return err
				}
			}
		}
		if s.Router != nil {
			return s.Router.Drain(ctx, tx, ch, ws, nil)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set presence of agent %s: %w", agentID, err)
	}
	return out, nil
}

// requeueAgent returns an agent's active tickets to their queues.
func (s *Service) requeueAgent(ctx context.Context, tx Tx, ch *Change, a *Agent, actor Actor) error {
	ts, err := tx.Tickets(ctx, a.WorkspaceID, TicketFilter{AssigneeID: a.ID, Statuses: ActiveStatuses, Order: OrderQueue})
	if err != nil {
		return err
	}
	for i := range ts {
		t, err := tx.LockTicket(ctx, a.WorkspaceID, ts[i].ID)
		if err != nil {
			return err
		}
		if err := s.Unassign(ctx, tx, ch, t, actor, fmt.Sprintf("agent %s went %s", a.Name, a.Presence)); err != nil {
			return err
		}
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
	}
	return nil
}
