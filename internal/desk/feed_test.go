package desk_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// cluster is one workspace written through two desk services: on
// PostgreSQL two nodes (each its own store and pool) over one schema, as
// behind a load balancer; on SQLite two services over the one store a
// file has (its single writer serves every request of the process).
type cluster struct {
	nodes []*desk.Service
	ws    *desk.Workspace
	admin *desk.Agent
}

func clusters(t *testing.T, fn func(t *testing.T, c *cluster)) {
	t.Run("sqlite", func(t *testing.T) {
		st := storetest.OpenSQLite(t)
		fn(t, newCluster(t, st, st))
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.FreshSchemaURL(t)
		var sts []desk.Store
		for i := 0; i < 2; i++ {
			st, err := postgres.Open(context.Background(), url, nil)
			if err != nil {
				t.Fatalf("open node %d: %v", i, err)
			}
			t.Cleanup(func() { st.Close() })
			sts = append(sts, st)
		}
		fn(t, newCluster(t, sts[0], sts[1]))
	})
}

func newCluster(t *testing.T, a, b desk.Store) *cluster {
	t.Helper()
	c := &cluster{nodes: []*desk.Service{desk.NewService(a), desk.NewService(b)}}
	var err error
	c.ws, c.admin, err = c.nodes[0].NewWorkspace(context.Background(), "acme", "UTC", "Admin", "admin@acme.test", "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFeedNeverFillsAGap writes from many goroutines through both nodes —
// creates, replies, patches, and slow transactions that number their
// events (by reading them back) and then wait before committing — while a
// reader follows the feed through both nodes. Each page must continue
// exactly where the reader stopped (seq cursor+1, +2, …): a page with a
// gap, or a seq at or below the cursor, would mean a reader resuming from
// it misses or repeats an event. At the end the feed is exactly 1..N with
// every event of every ticket once.
func TestFeedNeverFillsAGap(t *testing.T) {
	clusters(t, func(t *testing.T, c *cluster) {
		ctx := context.Background()
		ws := c.ws.ID
		actor := desk.Actor{Kind: desk.ActorAgent, ID: c.admin.ID}
		const writers, ops = 8, 12
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), 1))
				node := c.nodes[w%2]
				var mine []string
				for i := 0; i < ops; i++ {
					var err error
					switch op := r.IntN(4); {
					case len(mine) == 0 || op == 0:
						var tk *desk.Ticket
						tk, err = node.CreateTicket(ctx, ws, actor, desk.NewTicket{Subject: fmt.Sprint("w", w, " ", i), NoRoute: true,
							Message: &desk.NewMessage{Text: "hola", Author: desk.Actor{Kind: desk.ActorContact}}})
						if err == nil {
							mine = append(mine, tk.ID)
						}
					case op == 1:
						_, _, err = node.AddMessage(ctx, ws, mine[r.IntN(len(mine))], desk.NewMessage{Text: "ya va", Author: actor})
					case op == 2:
						flag := i%2 == 0
						_, err = node.UpdateTicket(ctx, ws, mine[r.IntN(len(mine))], actor, desk.TicketPatch{Flagged: &flag, Subject: new(string)})
					default:
						id := mine[r.IntN(len(mine))]
						err = node.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
							tk, err := tx.LockTicket(ctx, ws, id)
							if err != nil {
								return err
							}
							if err := node.Record(ctx, tx, ch, tk, actor, desk.EventFieldChanged, "", fmt.Sprint(i), "slow"); err != nil {
								return err
							}
							// Reading events numbers the held-back one now;
							// the commit comes later.
							if _, err := tx.Events(ctx, ws, id); err != nil {
								return err
							}
							time.Sleep(time.Duration(1+r.IntN(5)) * time.Millisecond)
							return node.Record(ctx, tx, ch, tk, actor, desk.EventFieldChanged, fmt.Sprint(i), "", "slow")
						})
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		var cursor int64
		seen := map[string]int64{}
		follow := func(node *desk.Service) {
			evs, err := node.EventsAfter(ctx, ws, cursor, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.Seq != cursor+1 {
					t.Fatalf("after %d the feed answered seq %d: an event below it may still commit, or one was skipped", cursor, e.Seq)
				}
				if prev, ok := seen[e.ID]; ok {
					t.Fatalf("event %s seen twice (seq %d and %d)", e.ID, prev, e.Seq)
				}
				seen[e.ID], cursor = e.Seq, e.Seq
			}
		}
		polls := 0
		for running := true; running; polls++ {
			select {
			case <-done:
				running = false
			default:
			}
			follow(c.nodes[polls%2])
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for before := int64(-1); before != cursor; {
			before = cursor
			follow(c.nodes[0])
		}

		// Every event of every ticket, exactly once, numbered 1..N.
		ts, err := c.nodes[0].Store.Tickets(ctx, ws, desk.TicketFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, tk := range ts {
			evs, err := c.nodes[0].Store.Events(ctx, ws, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if seen[e.ID] != e.Seq || e.Seq == 0 {
					t.Fatalf("event %s (%s, seq %d) was seen by the reader as seq %d", e.ID, e.Type, e.Seq, seen[e.ID])
				}
			}
			total += len(evs)
		}
		if total != len(seen) || cursor != int64(total) {
			t.Fatalf("feed ends at %d with %d events; the tickets hold %d", cursor, len(seen), total)
		}
		t.Logf("%d events from %d writers, followed in %d polls", total, writers, polls)
	})
}

// TestIDCursorLosesLateEvents shows why the feed is read by seq and not by
// event id: ids come from the writing node's clock when the event is
// recorded, so an event from a node whose clock is behind, or one whose
// transaction commits after a later-recorded one, sorts below a cursor a
// reader already passed. The same writes are followed both ways: the id
// cursor must lose the event (else this test shows nothing), the seq
// cursor must not.
func TestIDCursorLosesLateEvents(t *testing.T) {
	clusters(t, func(t *testing.T, c *cluster) {
		ctx := context.Background()
		ws := c.ws.ID
		start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		behind, ahead := c.nodes[0], c.nodes[1]
		behind.Now = func() time.Time { return start }
		ahead.Now = func() time.Time { return start.Add(10 * time.Second) }
		tk, err := ahead.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "late", NoRoute: true})
		if err != nil {
			t.Fatal(err)
		}
		db := c.nodes[0].Store.(*sqlstore.Store).DB()
		byID := newIDCursor(t, db, ws)
		bySeq := &seqCursor{svc: c.nodes[0], ws: ws}
		read := func() { byID.read(ctx); bySeq.read(t, ctx) }
		read()

		flag := func(node *desk.Service, v bool) func(tx desk.Tx, ch *desk.Change) error {
			return func(tx desk.Tx, ch *desk.Change) error {
				t, err := tx.LockTicket(ctx, ws, tk.ID)
				if err != nil {
					return err
				}
				return node.ApplyPatch(ctx, tx, ch, t, desk.System, desk.TicketPatch{Flagged: &v})
			}
		}
		// A node whose clock is behind commits after the reader passed.
		if err := ahead.Update(ctx, ws, flag(ahead, true)); err != nil {
			t.Fatal(err)
		}
		read()
		if err := behind.Update(ctx, ws, flag(behind, false)); err != nil {
			t.Fatal(err)
		}
		read()
		want := 1
		if c.nodes[0].Store.Backend() == "postgres" {
			// Same clocks, late commit: the event recorded first commits
			// after one recorded later, on the other node. (SQLite's single
			// writer cannot hold one transaction open while another commits.)
			behind.Now = ahead.Now
			recorded, release := make(chan struct{}), make(chan struct{})
			slow := make(chan error, 1)
			go func() {
				slow <- behind.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
					if err := flag(behind, true)(tx, ch); err != nil {
						return err
					}
					close(recorded)
					<-release
					return nil
				})
			}()
			<-recorded
			other, err := ahead.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "quick", NoRoute: true})
			if err != nil {
				t.Fatal(err)
			}
			_ = other
			read()
			close(release)
			if err := <-slow; err != nil {
				t.Fatal(err)
			}
			read()
			want = 2
		}
		all, err := c.nodes[0].EventsAfter(ctx, ws, 0, desk.MaxFeedPage)
		if err != nil {
			t.Fatal(err)
		}
		if lost := len(all) - len(byID.seen); lost != want {
			t.Errorf("the id cursor lost %d of %d events, want %d: the scenario no longer shows a late event", lost, len(all), want)
		}
		if len(bySeq.seen) != len(all) {
			t.Errorf("the seq cursor saw %d of %d events", len(bySeq.seen), len(all))
		}
	})
}

// idCursor follows the event log the old way: ids above the last seen.
type idCursor struct {
	t      *testing.T
	db     *sql.DB
	ws     string
	cursor string
	seen   []string
}

func newIDCursor(t *testing.T, db *sql.DB, ws string) *idCursor {
	return &idCursor{t: t, db: db, ws: ws}
}

func (c *idCursor) read(ctx context.Context) {
	rows, err := c.db.QueryContext(ctx, `SELECT id FROM events WHERE workspace_id = $1 AND id > $2 ORDER BY id`, c.ws, c.cursor)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&c.cursor); err != nil {
			c.t.Fatal(err)
		}
		c.seen = append(c.seen, c.cursor)
	}
	if err := rows.Err(); err != nil {
		c.t.Fatal(err)
	}
}

// seqCursor follows the feed.
type seqCursor struct {
	svc    *desk.Service
	ws     string
	cursor int64
	seen   []string
}

func (c *seqCursor) read(t *testing.T, ctx context.Context) {
	evs, err := c.svc.EventsAfter(ctx, c.ws, c.cursor, desk.MaxFeedPage)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		c.seen, c.cursor = append(c.seen, e.ID), e.Seq
	}
}
