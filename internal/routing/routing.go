// Package routing is ticketd's routing engine: agent presence and capacity,
// auto-assignment to the least-loaded online agent with a reason, queue
// drain in priority-then-age order, reassign, transfer, escalate, bot→agent
// handoff, and SLA clocks. It implements desk.Router, so every door that
// changes a ticket through desk routes through it too.
//
// Every decision runs inside a transaction that holds the workspace's
// routing lock (tx.LockRouting: a PostgreSQL advisory lock, SQLite's single
// writer), and reads workloads from agent_loads, which the store keeps exact
// in the same transaction as every ticket write. Two decisions can therefore
// never both see the same free slot, on one node or many. See README.md.
package routing

import (
	"context"
	"errors"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// ErrClosed refuses routing actions on a solved, closed or ignored ticket.
var ErrClosed = fmt.Errorf("%w: ticket is closed", desk.ErrConflict)

// DefaultDrainLimit bounds the assignments one drain makes in one
// transaction; DrainAll continues in further transactions.
const DefaultDrainLimit = 500

// maxSkips bounds how many waiting tickets one drain may pass over because
// no available agent may take them (channel-account restrictions, the agent
// a reassign just excluded).
const maxSkips = 200

// Engine routes tickets of every workspace of one store.
type Engine struct {
	Desk *desk.Service
	// DrainLimit bounds the assignments of one drain (default 500).
	DrainLimit int
}

var _ desk.Router = (*Engine)(nil)

// New returns an engine and installs it as d's Router.
func New(d *desk.Service) *Engine {
	e := &Engine{Desk: d, DrainLimit: DefaultDrainLimit}
	d.Router = e
	return e
}

// Suggestion is who would get a ticket now, and why.
type Suggestion struct {
	AgentID string // "" when nobody is available
	Reason  string
	// Agent is the chosen agent's workload before the assignment.
	Agent *desk.RoutingAgent
	// Pool sizes the agents the ticket was routed among.
	Pool desk.PoolCount
}

// decision is the outcome of picking an agent for one ticket.
type decision struct {
	agent *desk.RoutingAgent // nil: nobody available
	pool  desk.PoolCount
	where string // " in group cs", or "" for the general pool
	ahead bool   // a ticket waits before this one in its queue
}

// poolOf is the pool a ticket routes among.
func poolOf(t *desk.Ticket, exclude ...string) desk.Pool {
	p := desk.Pool{WorkspaceID: t.WorkspaceID, GroupID: t.GroupID, ChannelAccountID: t.ChannelAccountID}
	for _, x := range exclude {
		if x != "" {
			p.Exclude = append(p.Exclude, x)
		}
	}
	return p
}

// decide picks the agent for t: an available member of its pool with the
// fewest active tickets, ties to the one idle longest. With ahead set it
// also finds out whether another ticket waits before t in its queue.
func (e *Engine) decide(ctx context.Context, r desk.Reader, t *desk.Ticket, exclude string, ahead bool) (*decision, error) {
	q := desk.RouteQuery{Pool: poolOf(t, exclude)}
	if ahead {
		k := desk.QueueKeyOf(t)
		q.Ahead = &k
	}
	ans, err := r.Route(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("route ticket %d: %w", t.Number, err)
	}
	d := &decision{agent: ans.Agent, pool: ans.Count, ahead: ans.Ahead}
	if t.GroupID != "" {
		d.where = " in group " + ans.GroupName
	}
	return d, nil
}

// reason says, in words, why a decision went as it did.
func (d *decision) reason(prefix string, excluded bool) string {
	n := d.pool
	if a := d.agent; a != nil {
		load := fmt.Sprintf("%d of %d open", a.Active, a.Capacity)
		if a.Capacity == 0 {
			load = fmt.Sprintf("%d open, no limit", a.Active)
		}
		return fmt.Sprintf("%s: %s, %s online%s", prefix, load, agents(n.Online), d.where)
	}
	if n.Members == 0 {
		if d.where == "" {
			return "no agent available: no agents to route to"
		}
		return "no agent available: no agents" + d.where
	}
	s := fmt.Sprintf("no agent available: %d of %s online%s", n.Online, agents(n.Members), d.where)
	switch {
	case n.Online > 0 && excluded:
		s += ", none with room besides the current assignee"
	case n.Online > 0:
		s += ", all at capacity"
	}
	return s
}

func agents(n int) string {
	if n == 1 {
		return "1 agent"
	}
	return fmt.Sprintf("%d agents", n)
}

// Suggest says who would get the ticket now without assigning it: the
// agent a reassign would pick (the current assignee excluded).
func (e *Engine) Suggest(ctx context.Context, ws, ticketID string) (*Suggestion, error) {
	t, err := e.Desk.Store.Ticket(ctx, ws, ticketID)
	if err != nil {
		return nil, fmt.Errorf("suggest agent for ticket %s: %w", ticketID, err)
	}
	if t.Status.Terminal() {
		return &Suggestion{Reason: "no agent available: ticket is " + string(t.Status)}, nil
	}
	d, err := e.decide(ctx, e.Desk.Store, t, t.AssigneeID, false)
	if err != nil {
		return nil, fmt.Errorf("suggest agent for ticket %s: %w", ticketID, err)
	}
	s := &Suggestion{Reason: d.reason("would assign by workload", t.AssigneeID != ""), Agent: d.agent, Pool: d.pool}
	if d.agent != nil {
		s.AgentID = d.agent.ID
		if a, err := e.Desk.Store.Agent(ctx, ws, d.agent.ID); err == nil {
			d.agent.Name = a.Name
		}
	}
	return s, nil
}

// Enqueue routes a ticket that has just entered its queue: it assigns the
// best available agent (never exclude) or leaves the ticket waiting, and
// records why. t changes in memory; the caller writes it, except when
// older waiting tickets had to go first, in which case Enqueue has written
// and reloaded t itself.
func (e *Engine) Enqueue(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor, exclude string) error {
	if t.AssigneeID != "" || t.Status.Terminal() {
		return nil
	}
	if err := tx.LockRouting(ctx, t.WorkspaceID); err != nil {
		return err
	}
	// A queue status says it waits; an active status that was asked for
	// (a ticket reopened as pending or open) stays as asked while it waits.
	if t.Status == desk.StatusNew || t.Status == desk.StatusAssigned {
		if err := e.Desk.SetStatus(ctx, tx, ch, t, desk.StatusUnassigned, actor, "entered the queue"); err != nil {
			return err
		}
	}
	d, err := e.decide(ctx, tx, t, exclude, true)
	if err != nil {
		return err
	}
	if d.agent == nil {
		return e.Desk.Record(ctx, tx, ch, t, desk.System, desk.EventQueued, "", t.GroupID, d.reason("no agent available", exclude != ""))
	}
	// Fairness: a ticket already waiting ahead in this queue goes first.
	// It can only be there if capacity freed without a drain (a bounded
	// drain, a skipped ticket), so this is rare.
	if !d.ahead {
		return e.give(ctx, tx, ch, t, d.agent.ID, desk.System, d.reason("assigned by workload", false))
	}
	ahead, err := tx.QueueAhead(ctx, t.WorkspaceID, t.GroupID, desk.QueueKeyOf(t))
	if err != nil {
		return err
	}
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return err
	}
	avoid := map[string]string{}
	if exclude != "" {
		avoid[t.ID] = exclude
	}
	if _, err := e.drain(ctx, tx, ch, t.WorkspaceID, avoid); err != nil {
		return err
	}
	fresh, err := tx.Ticket(ctx, t.WorkspaceID, t.ID)
	if err != nil {
		return err
	}
	*t = *fresh
	if t.AssigneeID == "" {
		d, err := e.decide(ctx, tx, t, exclude, false)
		if err != nil {
			return err
		}
		return e.Desk.Record(ctx, tx, ch, t, desk.System, desk.EventQueued, "", t.GroupID,
			d.reason("no agent available", exclude != "")+fmt.Sprintf("; %d waiting ahead", ahead))
	}
	return nil
}

// Assign gives t to agentID, refusing with ErrCapacity when that would put
// the agent over capacity unless force is set by a supervisor or admin (the
// excess is recorded in the event's reason). Presence is not checked: a
// person who names the agent decides. t changes in memory; the caller
// writes it.
func (e *Engine) Assign(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, agentID string, actor desk.Actor, force bool, reason string) error {
	if agentID == t.AssigneeID {
		return nil
	}
	if err := tx.LockRouting(ctx, t.WorkspaceID); err != nil {
		return err
	}
	// A deactivated agent is given nothing, even by name.
	if ag, err := tx.Agent(ctx, t.WorkspaceID, agentID); err == nil {
		if err := desk.CheckActive("assignee_id", ag); err != nil {
			return err
		}
	}
	a, err := tx.RoutingAgent(ctx, t.WorkspaceID, agentID)
	if err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return desk.NoRef("assignee_id", "agent", agentID)
		}
		return err
	}
	if !t.Status.Terminal() && a.Full() {
		if !force {
			return &desk.FieldError{Err: desk.ErrCapacity, Field: "assignee_id", Code: desk.CodeCapacity,
				Params: desk.Params{Ref: a.ID, Number: a.Number, Count: a.Active, Max: a.Capacity}}
		}
		if err := e.mayForce(ctx, tx, t.WorkspaceID, actor); err != nil {
			return err
		}
		reason = join(reason, fmt.Sprintf("forced over capacity: %d of %d open", a.Active, a.Capacity))
	}
	return e.give(ctx, tx, ch, t, a.ID, actor, reason)
}

// mayForce checks the actor may put an agent over capacity.
func (e *Engine) mayForce(ctx context.Context, r desk.Reader, ws string, actor desk.Actor) error {
	switch actor.Kind {
	case desk.ActorSystem:
		return nil
	case desk.ActorAgent:
		a, err := r.Agent(ctx, ws, actor.ID)
		if err == nil && a.Role.AtLeast(desk.RoleSupervisor) {
			return nil
		}
	}
	return desk.Refuse(desk.ActForce, desk.CodeSupervisorOnly)
}

// give hands t to agentID and records it; t is changed in memory only.
func (e *Engine) give(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, agentID string, actor desk.Actor, reason string) error {
	from := t.AssigneeID
	t.AssigneeID = agentID
	typ := desk.EventAssigned
	if from != "" {
		typ = desk.EventReassigned
	}
	if err := e.Desk.Record(ctx, tx, ch, t, actor, typ, from, agentID, reason); err != nil {
		return err
	}
	if t.Status.Terminal() {
		return nil
	}
	if t.Status == desk.StatusAssigned || (from == "" && !t.Status.Queued()) {
		// A new owner has not acted yet: restart the assigned clock. A
		// first owner keeps the active status the ticket waits with (a
		// ticket reopened as pending is routed as pending); a ticket taken
		// from another owner is assigned afresh, as before.
		t.AssignedAt = e.Desk.Clock()
		return nil
	}
	return e.Desk.SetStatus(ctx, tx, ch, t, desk.StatusAssigned, actor, reason)
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Drain assigns waiting tickets of ws after capacity freed, never a ticket
// of avoid to the agent it names.
func (e *Engine) Drain(ctx context.Context, tx desk.Tx, ch *desk.Change, ws string, avoid map[string]string) error {
	_, err := e.drain(ctx, tx, ch, ws, avoid)
	return err
}

// drain assigns waiting tickets, most urgent then oldest across every
// queue that has an available agent, until no queue has both, or the
// limit. avoid keeps a ticket from one agent (the one a reassign took it
// from). It returns how many it assigned.
func (e *Engine) drain(ctx context.Context, tx desk.Tx, ch *desk.Change, ws string, avoid map[string]string) (int, error) {
	if err := tx.LockRouting(ctx, ws); err != nil {
		return 0, err
	}
	waiting, err := tx.Waiting(ctx, ws)
	if err != nil || !waiting {
		return 0, err
	}
	limit := e.DrainLimit
	if limit <= 0 {
		limit = DefaultDrainLimit
	}
	var skip []string
	n := 0
	for n < limit && len(skip) < maxSkips {
		heads, err := tx.QueueHeads(ctx, ws, skip)
		if err != nil {
			return n, err
		}
		if len(heads) == 0 {
			break
		}
		h := heads[0]
		for _, x := range heads[1:] {
			if x.Key.Before(h.Key) {
				h = x
			}
		}
		t, err := tx.LockTicket(ctx, ws, h.TicketID)
		if err != nil {
			return n, err
		}
		d, err := e.decide(ctx, tx, t, avoid[t.ID], false)
		if err != nil {
			return n, err
		}
		if d.agent == nil {
			skip = append(skip, t.ID)
			continue
		}
		if err := e.give(ctx, tx, ch, t, d.agent.ID, desk.System, d.reason("assigned from the queue by workload", false)); err != nil {
			return n, err
		}
		t.UpdatedAt = e.Desk.Clock()
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// DrainAll drains ws in as many transactions as it takes and returns how
// many tickets it assigned. Ordinary drains run inside the change that freed
// capacity; this is for operators and for backlogs larger than DrainLimit.
func (e *Engine) DrainAll(ctx context.Context, ws string) (int, error) {
	total := 0
	limit := e.DrainLimit
	if limit <= 0 {
		limit = DefaultDrainLimit
	}
	for {
		var n int
		err := e.Desk.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
			var err error
			n, err = e.drain(ctx, tx, ch, ws, nil)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("drain workspace %s: %w", ws, err)
		}
		total += n
		if n < limit {
			return total, nil
		}
	}
}

// Reopen keeps a ticket that became active again (a customer wrote to a
// solved ticket, an agent reopened it) with its owner when the owner has
// room; otherwise, or when it has no owner, it goes back to the queue with
// the status it was given (a ticket reopened as pending waits, and is
// routed, as pending).
func (e *Engine) Reopen(ctx context.Context, tx desk.Tx, ch *desk.Change, t *desk.Ticket, actor desk.Actor) error {
	if t.Status.Terminal() {
		return nil
	}
	if err := tx.LockRouting(ctx, t.WorkspaceID); err != nil {
		return err
	}
	prev := t.AssigneeID
	if prev != "" {
		a, err := tx.RoutingAgent(ctx, t.WorkspaceID, prev)
		if err != nil {
			return err
		}
		if !a.Full() {
			return nil
		}
		why := fmt.Sprintf("reopened while its owner had %d of %d open", a.Active, a.Capacity)
		if err := e.Desk.Release(ctx, tx, ch, t, desk.System, why); err != nil {
			return err
		}
	}
	return e.Enqueue(ctx, tx, ch, t, actor, prev)
}
