// Package routing is ticketd's routing engine: agent presence and capacity,
// auto-assignment to the least-loaded online agent with a reason, queue
// drain in priority-then-age order, reassign, transfer, escalate, bot→agent
// handoff, and SLA clocks. It implements desk.Router, so every door that
// changes a ticket through desk routes through it too.
//
// SCAFFOLD: the API below is the contract the dialects code against; the
// routing engineer owns this package and replaces every body.
package routing

import (
	"context"
	"errors"

	"github.com/ticketd/ticketd/internal/desk"
)

// errTODO marks what the routing engineer has still to build.
var errTODO = errors.New("routing: not built yet")

// Engine routes tickets of every workspace of one store.
type Engine struct {
	Desk *desk.Service
}

// New returns an engine and installs it as d's Router.
func New(d *desk.Service) *Engine {
	e := &Engine{Desk: d}
	return e
}

// Suggestion is who would get a ticket now, and why.
type Suggestion struct {
	AgentID string // "" when nobody is available
	Reason  string
}

// Suggest says who would get the ticket now without assigning it.
func (e *Engine) Suggest(ctx context.Context, ws, ticketID string) (*Suggestion, error) {
	return nil, errTODO
}

// Reassign takes the ticket from its owner: to toAgentID when given
// (capacity-checked unless force), else to the best other agent.
func (e *Engine) Reassign(ctx context.Context, ws, ticketID string, actor desk.Actor, toAgentID string, force bool, reason string) (*desk.Ticket, error) {
	return nil, errTODO
}

// Transfer moves the ticket to another group's queue, unassigned, then
// auto-assigns it there.
func (e *Engine) Transfer(ctx context.Context, ws, ticketID, toGroupID string, actor desk.Actor, reason string) (*desk.Ticket, error) {
	return nil, errTODO
}

// Escalate flags the ticket and gives it to toAgentID, or to its group's
// supervisor when empty.
func (e *Engine) Escalate(ctx context.Context, ws, ticketID string, actor desk.Actor, toAgentID, reason string) (*desk.Ticket, error) {
	return nil, errTODO
}

// Handoff moves a bot-owned ticket to a human: to toAgentID when given, else
// into toGroupID's queue (or its current group's) for auto-assignment.
func (e *Engine) Handoff(ctx context.Context, ws, ticketID string, actor desk.Actor, toGroupID, toAgentID string) (*desk.Ticket, error) {
	return nil, errTODO
}

// QueuePosition is the ticket's 1-based place in its queue; 0 when it is
// not waiting.
func (e *Engine) QueuePosition(ctx context.Context, ws, ticketID string) (int, error) {
	return 0, errTODO
}
