package routing_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// fx is one workspace on a real store with a routing engine and a clock the
// test moves by hand.
type fx struct {
	t     *testing.T
	ctx   context.Context
	st    desk.Store
	d     *desk.Service
	e     *routing.Engine
	ws    *desk.Workspace
	admin *desk.Agent

	mu  sync.Mutex
	now time.Time
}

// each runs fn on every backend (PostgreSQL when TICKETD_TEST_POSTGRES is set).
func each(t *testing.T, fn func(t *testing.T, f *fx)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, newFx(t, b.Open(t))) })
	}
}

func newFx(t *testing.T, st desk.Store) *fx {
	t.Helper()
	f := &fx{t: t, ctx: context.Background(), st: st, now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	f.d = desk.NewService(st)
	f.d.Now = f.clock
	f.e = routing.New(f.d)
	var err error
	f.ws, f.admin, err = f.d.NewWorkspace(f.ctx, "acme", "Asia/Jakarta", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatalf("new workspace: %v", err)
	}
	t.Cleanup(f.checkLoads)
	return f
}

func (f *fx) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// tick moves the clock forward.
func (f *fx) tick(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// checkLoads verifies the store's per-agent workload counters against a
// real count of tickets, after every test.
func (f *fx) checkLoads() {
	if f.t.Failed() {
		return
	}
	loads, err := f.st.RoutingAgents(f.ctx, f.ws.ID, "")
	if err != nil {
		f.t.Fatalf("routing agents: %v", err)
	}
	for _, l := range loads {
		n, err := f.st.CountTickets(f.ctx, f.ws.ID, desk.TicketFilter{AssigneeID: l.ID, Statuses: desk.ActiveStatuses})
		if err != nil {
			f.t.Fatalf("count tickets: %v", err)
		}
		if int64(l.Active) != n {
			f.t.Errorf("agent %s: load counter says %d active, tickets say %d", l.Name, l.Active, n)
		}
	}
}

func (f *fx) group(name string, supervisor ...*desk.Agent) *desk.Group {
	f.t.Helper()
	sup := ""
	if len(supervisor) > 0 {
		sup = supervisor[0].ID
	}
	g, err := f.d.CreateGroup(f.ctx, f.ws.ID, name, sup)
	if err != nil {
		f.t.Fatalf("create group: %v", err)
	}
	return g
}

func (f *fx) agent(name string, role desk.Role, capacity int, groups ...*desk.Group) *desk.Agent {
	f.t.Helper()
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.ID)
	}
	a, err := f.d.CreateAgent(f.ctx, f.ws.ID, desk.NewAgent{Name: name, Email: strings.ToLower(name) + "@acme.test",
		Role: role, Capacity: capacity, GroupIDs: ids})
	if err != nil {
		f.t.Fatalf("create agent: %v", err)
	}
	return a
}

func (f *fx) presence(p desk.Presence, as ...*desk.Agent) {
	f.t.Helper()
	for _, a := range as {
		if _, err := f.d.SetPresence(f.ctx, f.ws.ID, a.ID, p, desk.Actor{Kind: desk.ActorAgent, ID: a.ID}); err != nil {
			f.t.Fatalf("set presence: %v", err)
		}
	}
}

func (f *fx) online(as ...*desk.Agent) { f.t.Helper(); f.presence(desk.PresenceOnline, as...) }

func (f *fx) ticket(in desk.NewTicket) *desk.Ticket {
	f.t.Helper()
	if in.Subject == "" {
		in.Subject = "help"
	}
	t, err := f.d.CreateTicket(f.ctx, f.ws.ID, desk.Actor{Kind: desk.ActorAPI}, in)
	if err != nil {
		f.t.Fatalf("create ticket: %v", err)
	}
	return t
}

// inGroup creates a ticket in g (nil: no group) with priority p.
func (f *fx) inGroup(g *desk.Group, p desk.Priority) *desk.Ticket {
	f.t.Helper()
	in := desk.NewTicket{Priority: p}
	if g != nil {
		in.GroupID = g.ID
	}
	return f.ticket(in)
}

func (f *fx) reload(t *desk.Ticket) *desk.Ticket {
	f.t.Helper()
	out, err := f.st.Ticket(f.ctx, f.ws.ID, t.ID)
	if err != nil {
		f.t.Fatalf("reload ticket: %v", err)
	}
	return out
}

func (f *fx) events(t *desk.Ticket) []desk.Event {
	f.t.Helper()
	evs, err := f.st.Events(f.ctx, f.ws.ID, t.ID)
	if err != nil {
		f.t.Fatalf("events: %v", err)
	}
	return evs
}

// last returns the last event of type typ, failing when there is none.
func (f *fx) last(t *desk.Ticket, typ string) desk.Event {
	f.t.Helper()
	evs := f.events(t)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i]
		}
	}
	f.t.Fatalf("ticket %d has no %s event; events: %+v", t.Number, typ, evs)
	return desk.Event{}
}

func (f *fx) load(a *desk.Agent) int {
	f.t.Helper()
	l, err := f.st.RoutingAgent(f.ctx, f.ws.ID, a.ID)
	if err != nil {
		f.t.Fatalf("routing agent: %v", err)
	}
	return l.Active
}

func (f *fx) close(t *desk.Ticket, actor desk.Actor) *desk.Ticket {
	f.t.Helper()
	out, err := f.d.Close(f.ctx, f.ws.ID, t.ID, actor, desk.StatusClosed, "done")
	if err != nil {
		f.t.Fatalf("close: %v", err)
	}
	return out
}

func asAgent(a *desk.Agent) desk.Actor { return desk.Actor{Kind: desk.ActorAgent, ID: a.ID} }

func wantAssignee(t *testing.T, got *desk.Ticket, want *desk.Agent) {
	t.Helper()
	switch {
	case want == nil && got.AssigneeID != "":
		t.Fatalf("ticket %d: assigned to %s, want waiting", got.Number, got.AssigneeID)
	case want != nil && got.AssigneeID != want.ID:
		t.Fatalf("ticket %d: assignee %q, want %s (%s); status %s", got.Number, got.AssigneeID, want.Name, want.ID, got.Status)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func routingAction(kind, agentID string, force bool) routing.Action {
	return routing.Action{Kind: routing.ActionKind(kind), AgentID: agentID, Force: force}
}

func routingTrail(f *fx, t *desk.Ticket) routing.Trail { return routing.TrailOf(f.events(t)) }
