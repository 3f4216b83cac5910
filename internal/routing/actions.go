package routing

import (
	"context"
	"errors"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// ActionKind names a routing action on one ticket.
type ActionKind string

const (
	// ActAssign gives the ticket to Action.AgentID (capacity-checked).
	ActAssign ActionKind = "assign"
	// ActReassign takes the ticket from its owner: to Action.AgentID when
	// given, else to the best other available agent (or back to the queue).
	ActReassign ActionKind = "reassign"
	// ActUnassign puts the ticket back in its queue; the drain that follows
	// may give it to another available agent, never to the one it left.
	ActUnassign ActionKind = "unassign"
	// ActTransfer moves the ticket to Action.GroupID's queue and routes it
	// there.
	ActTransfer ActionKind = "transfer"
	// ActEscalate flags the ticket and gives it to Action.AgentID, or to
	// its group's supervisor.
	ActEscalate ActionKind = "escalate"
	// ActHandoff moves a bot-owned ticket to a human: Action.AgentID when
	// given, else Action.GroupID's queue (or its current group's).
	ActHandoff ActionKind = "handoff"
)

// Action is one routing action, as the native API takes it.
type Action struct {
	Kind    ActionKind
	AgentID string
	GroupID string
	// Force lets a supervisor or admin put the agent over capacity; the
	// excess is recorded.
	Force  bool
	Reason string
	// Caller, when set, is checked against desk's permission policy on
	// the locked ticket before the action runs (Needs says what it asks).
	Caller *desk.Caller
}

// Needs lists what a asks of desk's permission policy for c on t.
func (a Action) Needs(ctx context.Context, r desk.Reader, t *desk.Ticket, c desk.Caller) ([]desk.Action, error) {
	var acts []desk.Action
	switch a.Kind {
	case ActAssign, ActReassign:
		if a.AgentID != "" {
			p := desk.TicketPatch{AssigneeID: &a.AgentID}
			got, err := desk.PatchActions(ctx, r, t, c, p)
			if err != nil {
				return nil, err
			}
			acts = append(acts, got...)
			break
		}
		// Routing picks the new owner: the same as naming one.
		p := desk.TicketPatch{AssigneeID: new(string)}
		if t.AssigneeID == "" {
			acts = append(acts, desk.ActTake)
			break
		}
		got, err := desk.PatchActions(ctx, r, t, c, p)
		if err != nil {
			return nil, err
		}
		acts = append(acts, got...)
	case ActUnassign:
		p := desk.TicketPatch{AssigneeID: new(string)}
		got, err := desk.PatchActions(ctx, r, t, c, p)
		if err != nil {
			return nil, err
		}
		acts = append(acts, got...)
	case ActTransfer:
		acts = append(acts, desk.ActTransfer)
	case ActEscalate:
		acts = append(acts, desk.ActEscalate)
	case ActHandoff:
		acts = append(acts, desk.ActHandoff)
	}
	if a.Force {
		acts = append(acts, desk.ActForce)
	}
	if len(acts) == 0 {
		acts = append(acts, desk.ActView)
	}
	return acts, nil
}

// Do runs a on the ticket in one transaction and returns the ticket after
// it (and after any drain it caused).
func (e *Engine) Do(ctx context.Context, ws, ticketID string, actor desk.Actor, a Action) (*desk.Ticket, error) {
	var fn func(context.Context, desk.Tx, *desk.Change, *desk.Ticket, desk.Actor, Action) error
	switch a.Kind {
	case ActAssign:
		if a.AgentID == "" {
			return nil, desk.Required("agent_id")
		}
		fn = e.reassign
	case ActReassign:
		fn = e.reassign
	case ActUnassign:
		fn = e.unassign
	case ActTransfer:
		fn = e.transfer
	case ActEscalate:
		fn = e.escalate
	case ActHandoff:
		fn = e.handoff
	default:
		return nil, desk.OneOf("action", string(a.Kind), string(ActAssign), string(ActReassign), string(ActUnassign), string(ActTransfer), string(ActEscalate), string(ActHandoff))
	}
	var out *desk.Ticket
	err := e.Desk.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
		// The routing lock comes before any ticket lock, as in every
		// routing path, so concurrent actions queue instead of deadlocking.
		if err := tx.LockRouting(ctx, ws); err != nil {
			return err
		}
		t, err := tx.LockTicket(ctx, ws, ticketID)
		if err != nil {
			return err
		}
		if a.Caller != nil {
			acts, err := a.Needs(ctx, tx, t, *a.Caller)
			if err != nil {
				return err
			}
			if err := e.Desk.AuthorizeAll(ctx, tx, *a.Caller, t, acts...); err != nil {
				return err
			}
		}
		if t.Status.Terminal() {
			return &desk.FieldError{Err: ErrClosed, Field: "status", Code: desk.CodeClosed,
				Params: desk.Params{Number: t.Number, Value: string(t.Status)}}
		}
		prev := t.AssigneeID
		if err := fn(ctx, tx, ch, t, actor, a); err != nil {
			return err
		}
		t.UpdatedAt = e.Desk.Clock()
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if prev != "" && t.AssigneeID != prev {
			// The previous owner has a free slot now; it must not get
			// this very ticket back from the drain.
			if _, err := e.drain(ctx, tx, ch, ws, map[string]string{t.ID: prev}); err != nil {
				return err
			}
			if t, err = tx.Ticket(ctx, ws, ticketID); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s ticket %s: %w", a.Kind, ticketID, err)
	}
	return out, nil
}

// Reassign takes the ticket from its owner: to toAgentID when given
// (capacity-checked unless force), else to the best other agent.
func (e *Engine) Reassign(ctx context.Context, ws, ticketID string, actor desk.Actor, toAgentID string, force bool, reason string) (*desk.Ticket, error) {
	return e.Do(ctx, ws, ticketID, actor, Action{Kind: ActReassign, AgentID: toAgentID, Force: force, Reason: reason})
}

// Transfer moves the ticket to another group's queue, unassigned, then
// auto-assigns it there.
func (e *Engine) Transfer(ctx context.Context, ws, ticketID, toGroupID string, actor desk.Actor, reason string) (*desk.Ticket, error) {
	return e.Do(ctx, ws, ticketID, actor, Action{Kind: ActTransfer, GroupID: toGroupID, Reason: reason})
}

// Escalate flags the ticket and gives it to toAgentID, or to its group's
// supervisor when empty (capacity-checked; use Do with Force to override).
// With no one to give it to, the ticket is flagged and keeps its owner.
func (e *Engine) Escalate(ctx context.Context, ws, ticketID string, actor desk.Actor, toAgentID, reason string) (*desk.Ticket, error) {
	return e.Do(ctx, ws, ticketID, actor, Action{Kind: ActEscalate, AgentID: toAgentID, Reason: reason})
}

// Handoff moves a bot-owned ticket to a human: to toAgentID when given, else
// into toGroupID's queue (or its current group's) for auto-assignment.
func (e *Engine) Handoff(ctx context.Context, ws, ticketID string, actor desk.Actor, toGroupID, toAgentID string) (*desk.Ticket, error) {
	return e.Do(ctx, ws, ticketID, actor, Action{Kind: ActHandoff, AgentID: toAgentID, GroupID: toGroupID})
}

func (e *Engine) reassign(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, a Action) error {
	prev := t.AssigneeID
	if a.AgentID != "" {
		reason := a.Reason
		if reason == "" {
			reason = "assigned by hand"
		}
		return e.Assign(ctx, tx, ch, t, a.AgentID, actor, a.Force, reason)
	}
	if prev == "" {
		// Nobody to take it from: route it as if it had just arrived
		// (this is also how a door routes a ticket created with NoRoute).
		return e.Enqueue(ctx, tx, ch, t, actor, "")
	}
	d, err := e.decide(ctx, tx, t, prev, false)
	if err != nil {
		return err
	}
	if d.agent != nil {
		return e.give(ctx, tx, ch, t, d.agent.ID, desk.System, join(a.Reason, d.reason("reassigned by workload", false)))
	}
	if err := e.Desk.Unassign(ctx, tx, ch, t, actor, join(a.Reason, "reassigned")); err != nil {
		return err
	}
	return e.Desk.Record(ctx, tx, ch, t, desk.System, desk.EventQueued, "", t.GroupID, d.reason("no agent available", true))
}

func (e *Engine) unassign(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, a Action) error {
	if t.AssigneeID == "" {
		return nil
	}
	reason := a.Reason
	if reason == "" {
		reason = "unassigned by hand"
	}
	return e.Desk.Unassign(ctx, tx, ch, t, actor, reason)
}

// moveTo records a transfer of t to group g (nil: keep the group).
func (e *Engine) moveTo(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, g *desk.Group, actor desk.Actor, reason string) error {
	to := t.GroupID
	if g != nil {
		to = g.ID
	}
	if err := e.Desk.Record(ctx, tx, ch, t, actor, desk.EventTransferred, t.GroupID, to, reason); err != nil {
		return err
	}
	if g != nil {
		t.GroupID, t.SupervisorID = g.ID, g.SupervisorID
	}
	t.TransferredAt = e.Desk.Clock()
	return nil
}

// group loads a group of ws, turning "not found" into bad input.
func group(ctx context.Context, r desk.Reader, ws, id string) (*desk.Group, error) {
	g, err := r.Group(ctx, ws, id)
	if errors.Is(err, desk.ErrNotFound) {
		return nil, desk.NoRef("group_id", "group", id)
	}
	return g, err
}

func (e *Engine) transfer(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, a Action) error {
	if a.GroupID == "" {
		return desk.Required("group_id")
	}
	g, err := group(ctx, tx, t.WorkspaceID, a.GroupID)
	if err != nil {
		return err
	}
	reason := join(a.Reason, "transferred to group "+g.Name)
	if err := e.moveTo(ctx, tx, ch, t, g, actor, reason); err != nil {
		return err
	}
	return e.requeue(ctx, tx, ch, t, actor, reason)
}

// requeue takes t from its owner into its queue and routes it there,
// never back to that owner.
func (e *Engine) requeue(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, reason string) error {
	prev := t.AssigneeID
	if prev != "" {
		if err := e.Desk.Unassign(ctx, tx, ch, t, actor, reason); err != nil {
			return err
		}
	}
	return e.Enqueue(ctx, tx, ch, t, actor, prev)
}

func (e *Engine) escalate(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, a Action) error {
	prev := t.AssigneeID
	to := a.AgentID
	if to == "" {
		to = t.SupervisorID
	}
	if to == "" && t.GroupID != "" {
		g, err := group(ctx, tx, t.WorkspaceID, t.GroupID)
		if err != nil {
			return err
		}
		to = g.SupervisorID
	}
	reason := a.Reason
	if reason == "" {
		reason = "escalated"
	}
	if to != "" && to != prev {
		if err := e.Assign(ctx, tx, ch, t, to, actor, a.Force, reason); err != nil {
			return err
		}
	}
	why := reason
	if to == "" {
		why = join(a.Reason, "escalated; no supervisor to hand it to")
	}
	now := e.Desk.Clock()
	t.Escalated, t.EscalatedAt = true, now
	t.Escalation = &desk.Escalation{At: now, FromAgentID: prev, ToAgentID: to, Reason: a.Reason}
	return e.Desk.Record(ctx, tx, ch, t, actor, desk.EventEscalated, prev, to, why)
}

func (e *Engine) handoff(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, a Action) error {
	var g *desk.Group
	if a.GroupID != "" && a.GroupID != t.GroupID {
		var err error
		if g, err = group(ctx, tx, t.WorkspaceID, a.GroupID); err != nil {
			return err
		}
	}
	reason := join(a.Reason, "handed off to a human")
	if err := e.moveTo(ctx, tx, ch, t, g, actor, reason); err != nil {
		return err
	}
	if a.AgentID != "" {
		return e.Assign(ctx, tx, ch, t, a.AgentID, actor, a.Force, reason)
	}
	return e.requeue(ctx, tx, ch, t, actor, reason)
}
