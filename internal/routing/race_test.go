package routing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// The race tests prove capacity holds under concurrency: run them with
// -count=50 (see docs/routing.md) to shake out rare interleavings.

// race starts n goroutines at once and waits for them.
func race(n int, fn func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for i := 0; i < n; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			fn(i)
		}()
	}
	start.Done()
	done.Wait()
}

// raceFloor: 4 online agents of capacity 3 in group cs.
func raceFloor(f *fx) (*desk.Group, []*desk.Agent) {
	cs := f.group("cs")
	var as []*desk.Agent
	for i := 0; i < 4; i++ {
		a := f.agent(fmt.Sprintf("Agent%d", i), desk.RoleAgent, 3, cs)
		f.online(a)
		as = append(as, a)
	}
	return cs, as
}

// checkRace verifies 12 of 64 tickets assigned, 3 per agent, 52 waiting,
// and exactly one routing decision recorded per ticket.
func checkRace(t *testing.T, f *fx, agents []*desk.Agent) {
	t.Helper()
	ts, err := f.st.Tickets(f.ctx, f.ws.ID, desk.TicketFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 64 {
		t.Fatalf("%d tickets, want 64", len(ts))
	}
	per := map[string]int{}
	waiting := 0
	for i := range ts {
		if ts[i].AssigneeID == "" {
			if ts[i].Status != desk.StatusUnassigned {
				t.Errorf("ticket %d: no owner but status %s", ts[i].Number, ts[i].Status)
			}
			waiting++
		} else {
			per[ts[i].AssigneeID]++
		}
		decisions := 0
		for _, e := range f.events(&ts[i]) {
			if e.Type == desk.EventAssigned || e.Type == desk.EventQueued {
				decisions++
			}
		}
		if decisions != 1 {
			t.Errorf("ticket %d: %d routing decisions recorded", ts[i].Number, decisions)
		}
	}
	for _, a := range agents {
		if per[a.ID] != 3 || f.load(a) != 3 {
			t.Errorf("agent %s holds %d (counter %d), want 3", a.Name, per[a.ID], f.load(a))
		}
	}
	if waiting != 52 {
		t.Errorf("%d waiting, want 52", waiting)
	}
}

func TestRaceCreationsAgainstCapacity(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs, agents := raceFloor(f)
		errs := make(chan error, 64)
		race(64, func(i int) {
			_, err := f.d.CreateTicket(f.ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint("race ", i), GroupID: cs.ID})
			errs <- err
		})
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		checkRace(t, f, agents)
	})
}

// TestRaceTwoServers runs the same race through two ticketd services, each
// with its own store (connection pool) and engine, sharing one PostgreSQL
// schema, as two nodes behind a load balancer would.
func TestRaceTwoServers(t *testing.T) {
	url := storetest.FreshSchemaURL(t)
	ctx := context.Background()
	var stores []desk.Store
	for i := 0; i < 2; i++ {
		st, err := postgres.Open(ctx, url, nil)
		if err != nil {
			t.Fatalf("open node %d: %v", i, err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	f := newFx(t, stores[0])
	second := desk.NewService(stores[1])
	second.Now = f.clock
	routing.New(second)
	nodes := []*desk.Service{f.d, second}
	cs, agents := raceFloor(f)
	errs := make(chan error, 64)
	race(64, func(i int) {
		_, err := nodes[i%2].CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint("race ", i), GroupID: cs.ID})
		errs <- err
	})
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkRace(t, f, agents)
}

// TestRaceMixed throws creations, closes, reassigns, transfers and presence
// flaps at once, then checks nobody is over capacity, the counters match the
// tickets, and no waiting ticket has an agent with room (the drain missed
// nothing).
func TestRaceMixed(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs, agents := raceFloor(f)
		sales := f.group("sales")
		extra := f.agent("Sal", desk.RoleAgent, 2, sales, cs)
		f.online(extra)
		agents = append(agents, extra)
		for i := 0; i < 16; i++ {
			f.inGroup(cs, "")
		}
		race(48, func(i int) {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for j := 0; j < 4; j++ {
				var err error
				switch r.IntN(6) {
				case 0, 1:
					g := cs.ID
					if r.IntN(3) == 0 {
						g = sales.ID
					}
					_, err = f.d.CreateTicket(f.ctx, f.ws.ID, desk.System, desk.NewTicket{GroupID: g, Priority: desk.PriorityFromRank(1 + r.IntN(5))})
				case 2:
					err = closeOne(f, r)
				case 3:
					a := agents[r.IntN(len(agents))]
					p := desk.PresenceOnline
					if r.IntN(2) == 0 {
						p = desk.PresenceAway
					}
					_, err = f.d.SetPresence(f.ctx, f.ws.ID, a.ID, p, desk.System)
				case 4, 5:
					ts, lerr := f.st.Tickets(f.ctx, f.ws.ID, desk.TicketFilter{Statuses: desk.ActiveStatuses, Limit: 200})
					if lerr != nil || len(ts) == 0 {
						err = lerr
						break
					}
					tk := ts[r.IntN(len(ts))]
					if r.IntN(2) == 0 {
						_, err = f.e.Reassign(f.ctx, f.ws.ID, tk.ID, desk.System, "", false, "")
					} else {
						_, err = f.e.Transfer(f.ctx, f.ws.ID, tk.ID, []string{cs.ID, sales.ID}[r.IntN(2)], desk.System, "")
					}
				}
				// A ticket closed under us is a fair refusal; anything else fails.
				if err != nil && !isClosedErr(err) {
					t.Errorf("worker %d: %v", i, err)
				}
			}
		})
		for _, a := range agents {
			l, _ := f.st.RoutingAgent(f.ctx, f.ws.ID, a.ID)
			if l.Active > l.Capacity {
				t.Errorf("agent %s holds %d of %d", a.Name, l.Active, l.Capacity)
			}
		}
		ts, err := f.st.Tickets(f.ctx, f.ws.ID, desk.TicketFilter{Statuses: []desk.Status{desk.StatusUnassigned}, AssigneeID: "none", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ts {
			s, err := f.e.Suggest(f.ctx, f.ws.ID, ts[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if s.AgentID != "" {
				t.Errorf("ticket %d waits although %s has room", ts[i].Number, s.AgentID)
			}
		}
	})
}

func closeOne(f *fx, r *rand.Rand) error {
	ts, err := f.st.Tickets(f.ctx, f.ws.ID, desk.TicketFilter{Statuses: []desk.Status{desk.StatusAssigned}, Limit: 200})
	if err != nil || len(ts) == 0 {
		return err
	}
	_, err = f.d.Close(f.ctx, f.ws.ID, ts[r.IntN(len(ts))].ID, desk.System, desk.StatusClosed, "")
	return err
}

func isClosedErr(err error) bool { return errors.Is(err, routing.ErrClosed) }
