package sqlstore_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// TestMigrationNumbersEvents upgrades a database whose events predate
// migration 0014 and checks each workspace's events are numbered 1..N in
// the order the ticket logs read them (at, then id), and that the next
// event written continues from N.
func TestMigrationNumbersEvents(t *testing.T) {
	for _, b := range oldDBs() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db, reopen := b.open(t)
			defer db.Close()
			old := fstest.MapFS{}
			names, err := fs.Glob(b.schema, "*.sql")
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if n < "0014" {
					body, err := fs.ReadFile(b.schema, n)
					if err != nil {
						t.Fatal(err)
					}
					old[n] = &fstest.MapFile{Data: body}
				}
			}
			if err := sqlstore.Migrate(ctx, db, old, nil, nil); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO workspaces (id, number, name, created_at) VALUES ('w1', 1, 'one', 0), ('w2', 2, 'two', 0)`,
				`INSERT INTO tickets (id, workspace_id, number, status, channel, created_at, updated_at)
					VALUES ('t1', 'w1', 1, 'new', 'email', 0, 0), ('t2', 'w1', 2, 'new', 'email', 0, 0), ('t3', 'w2', 1, 'new', 'email', 0, 0)`,
				// Inserted out of order: numbering follows (at, id).
				`INSERT INTO events (id, workspace_id, ticket_id, at, actor_kind, type) VALUES
					('e4', 'w1', 't2', 300, 'system', 'created'),
					('e2', 'w1', 't1', 200, 'system', 'status_changed'),
					('e1', 'w1', 't1', 100, 'system', 'created'),
					('e3', 'w1', 't2', 200, 'system', 'created'),
					('e5', 'w2', 't3', 50, 'system', 'created')`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%.60s: %v", q, err)
				}
			}
			if err := sqlstore.Migrate(ctx, db, b.schema, nil, nil); err != nil {
				t.Fatal(err)
			}
			st := reopen()
			evs, err := st.EventsAfter(ctx, "w1", 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range evs {
				got = append(got, e.ID)
				if e.Seq != int64(len(got)) {
					t.Fatalf("event %s has seq %d, want %d", e.ID, e.Seq, len(got))
				}
			}
			if strings.Join(got, " ") != "e1 e2 e3 e4" {
				t.Fatalf("w1 feed = %v, want e1 e2 e3 e4", got)
			}
			if evs, err := st.EventsAfter(ctx, "w2", 0, 10); err != nil || len(evs) != 1 || evs[0].Seq != 1 {
				t.Fatalf("w2 feed = %+v, %v", evs, err)
			}
			s := desk.NewService(st)
			sub := "renamed"
			if _, err := s.UpdateTicket(ctx, "w1", "t1", desk.System, desk.TicketPatch{Subject: &sub}); err != nil {
				t.Fatal(err)
			}
			evs, err = st.EventsAfter(ctx, "w1", 4, 10)
			if err != nil || len(evs) != 1 || evs[0].Seq != 5 || evs[0].Reason != "subject" {
				t.Fatalf("the next event = %+v, %v; want seq 5", evs, err)
			}
		})
	}
}
