package routing_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Routing benchmarks: 1,000 online agents (ten groups of 100, capacity
// 200) holding 100,000 open tickets, and the decision that routes one more
// ticket. Run (docs/PERFORMANCE.md, "Routing"):
//
//	go test -run '^$' -bench Routing -benchtime 2000x ./internal/routing
//
// with TICKETD_TEST_POSTGRES set for the PostgreSQL rows.

const (
	benchAgents  = 1000
	benchGroups  = 10
	benchCap     = 200
	benchLoadBat = 5000
)

// benchOpen is the open tickets the floor holds; TICKETD_BENCH_OPEN makes it
// smaller for CI's smoke run (scripts/bench-smoke.sh), where only working
// matters.
var benchOpen = func() int {
	if n, err := strconv.Atoi(os.Getenv("TICKETD_BENCH_OPEN")); err == nil && n > 0 {
		return n
	}
	return 100_000
}()

// benchFloor is a loaded workspace on one store.
type benchFloor struct {
	d      *desk.Service
	e      *routing.Engine
	ws     string
	groups []*desk.Group
	loader desk.BulkLoader
	next   time.Time // creation time of the next generated ticket
}

func newBenchFloor(b *testing.B, st desk.Store) *benchFloor {
	b.Helper()
	ctx := context.Background()
	f := &benchFloor{d: desk.NewService(st), next: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	f.e = routing.New(f.d)
	switch s := st.(*sqlstore.Store); st.Backend() {
	case "postgres":
		f.loader = postgres.BulkLoader(s)
	default:
		f.loader = s
	}
	ws, _, err := f.d.NewWorkspace(ctx, "bench", "UTC", "Admin", "admin@bench.test", "x")
	if err != nil {
		b.Fatal(err)
	}
	f.ws = ws.ID
	for i := 0; i < benchGroups; i++ {
		g, err := f.d.CreateGroup(ctx, f.ws, fmt.Sprintf("g%d", i), "")
		if err != nil {
			b.Fatal(err)
		}
		f.groups = append(f.groups, g)
	}
	var agents []*desk.Agent
	for i := 0; i < benchAgents; i++ {
		a, err := f.d.CreateAgent(ctx, f.ws, desk.NewAgent{Name: fmt.Sprintf("agent%d", i), Email: fmt.Sprintf("a%d@bench.test", i),
			Capacity: benchCap, GroupIDs: []string{f.groups[i%benchGroups].ID}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.d.SetPresence(ctx, f.ws, a.ID, desk.PresenceOnline, desk.System); err != nil {
			b.Fatal(err)
		}
		agents = append(agents, a)
	}
	for done := 0; done < benchOpen; done += benchLoadBat {
		f.load(b, min(benchLoadBat, benchOpen-done), func(i int, t *desk.Ticket) {
			a := agents[(done+i)%benchAgents]
			t.Status, t.AssigneeID, t.GroupID = desk.StatusOpen, a.ID, a.GroupIDs[0]
			t.AssignedAt, t.OpenedAt = t.CreatedAt, t.CreatedAt
		})
	}
	// The bulk load bumped agent_loads 100,000 times in 20 transactions,
	// far denser than assignments one per transaction, which PostgreSQL
	// prunes in place (HOT). A server in service also has statistics; the
	// test server runs with autovacuum off. Compact and analyze, so the
	// figures are those of a floor that grew to this size over time.
	if st.Backend() == "postgres" {
		for _, q := range []string{`VACUUM FULL agent_loads`, `VACUUM ANALYZE`} {
			if _, err := st.(*sqlstore.Store).DB().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	return f
}

// load bulk-writes n tickets shaped by fill and returns them.
func (f *benchFloor) load(b *testing.B, n int, fill func(i int, t *desk.Ticket)) []desk.Ticket {
	b.Helper()
	ctx := context.Background()
	first, err := f.loader.ReserveNumbers(ctx, f.ws, "ticket", int64(n))
	if err != nil {
		b.Fatal(err)
	}
	bulk := desk.Bulk{Tickets: make([]desk.Ticket, n)}
	for i := range bulk.Tickets {
		f.next = f.next.Add(time.Second)
		t := &bulk.Tickets[i]
		*t = desk.Ticket{ID: objectid.New(f.next), Number: first + int64(i), WorkspaceID: f.ws, Subject: "bench",
			Status: desk.StatusNew, Channel: desk.ChannelEmail, Origin: desk.OriginAPI, CreatedAt: f.next, UpdatedAt: f.next}
		fill(i, t)
	}
	if err := f.loader.BulkLoad(ctx, &bulk); err != nil {
		b.Fatal(err)
	}
	return bulk.Tickets
}

// report adds throughput and tail latency to a benchmark's result; inside,
// when given, is the time each decision spent in the engine (pick, events,
// assignment) before its transaction committed.
func report(b *testing.B, lat []time.Duration, elapsed time.Duration, inside ...[]time.Duration) {
	pct := func(xs []time.Duration, q float64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		return float64(xs[int(q*float64(len(xs)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "decisions/s")
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	if len(inside) > 0 {
		b.ReportMetric(pct(inside[0], 0.50), "engine-p50-ms")
		b.ReportMetric(pct(inside[0], 0.99), "engine-p99-ms")
	}
}

// BenchmarkRouting measures one routing decision (decisions/s and p99 of
// the whole durable transaction, sequential and with 16 clients; "suggest"
// is the decision alone, read-only; "baseline" is a durable one-row update
// on the same store in the same run, the floor any write sits on): a transaction that takes
// the routing lock, locks a ticket that has just entered its queue, picks
// the least-loaded available agent among 100 (a group) or 1,000 (the
// general pool), records why, and writes the assignment durably.
func BenchmarkRouting(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			f := newBenchFloor(b, be.Open(b))
			for _, pool := range []string{"group", "general"} {
				for _, par := range []int{1, 16} {
					b.Run(fmt.Sprintf("%s/clients=%d", pool, par), func(b *testing.B) {
						f.benchDecisions(b, pool == "group", par)
					})
				}
			}
			b.Run("suggest", func(b *testing.B) { f.benchSuggest(b) })
			b.Run("baseline", func(b *testing.B) { f.benchBaseline(b) })
		})
	}
}

func (f *benchFloor) benchDecisions(b *testing.B, grouped bool, clients int) {
	ctx := context.Background()
	// Tickets created without routing ("new"), one per decision.
	ts := f.load(b, b.N, func(i int, t *desk.Ticket) {
		if grouped {
			t.GroupID = f.groups[i%benchGroups].ID
		}
	})
	lat := make([]time.Duration, b.N)
	inside := make([]time.Duration, b.N)
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= b.N {
					return
				}
				t0 := time.Now()
				err := f.d.Update(ctx, f.ws, func(tx desk.Tx, ch *desk.Change) error {
					if err := tx.LockRouting(ctx, f.ws); err != nil {
						return err
					}
					t, err := tx.LockTicket(ctx, f.ws, ts[n].ID)
					if err != nil {
						return err
					}
					t1 := time.Now()
					if err := f.e.Enqueue(ctx, tx, ch, t, desk.System, ""); err != nil {
						return err
					}
					if t.AssigneeID == "" {
						return fmt.Errorf("ticket %d not assigned", t.Number)
					}
					err = tx.UpdateTicket(ctx, t)
					inside[n] = time.Since(t1)
					return err
				})
				lat[n] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	report(b, lat, elapsed, inside)
}

func (f *benchFloor) benchSuggest(b *testing.B) {
	ctx := context.Background()
	ts := f.load(b, 1, func(i int, t *desk.Ticket) { t.GroupID = f.groups[0].ID })
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		t0 := time.Now()
		s, err := f.e.Suggest(ctx, f.ws, ts[0].ID)
		lat[n] = time.Since(t0)
		if err != nil || s.AgentID == "" {
			b.Fatalf("suggest: %+v %v", s, err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	report(b, lat, elapsed)
}

// benchBaseline times the cheapest durable write: one row, one transaction.
func (f *benchFloor) benchBaseline(b *testing.B) {
	ctx := context.Background()
	w, err := f.d.Store.Workspace(ctx, f.ws)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		t0 := time.Now()
		err := f.d.Store.Update(ctx, func(tx desk.Tx) error { return tx.UpdateWorkspaceSettings(ctx, f.ws, w.Settings) })
		lat[n] = time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	report(b, lat, elapsed)
}
