package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Contacts' names in the inbox are kept between requests (contactcache.go)
// but never go stale: a rename through desk, through another node, or by
// SQL behind ticketd's back shows on the next page every node renders.
func TestContactNamesFollowChanges(t *testing.T) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			var one, two *sqlstore.Store // one pool per node
			var db *sql.DB               // a writer of raw SQL
			switch be.Name {
			case "sqlite":
				// One store on one file (what SQLite deployments run); the
				// second node is a second server with its own caches, and
				// SQL comes from a connection of its own.
				path := filepath.Join(t.TempDir(), "ticketd.db")
				st, err := sqlite.Open(ctx, path, sqlite.Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				one, two = st, st
				if db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
			case "postgres":
				u := storetest.FreshSchemaURL(t)
				open := func() *sqlstore.Store {
					st, err := postgres.Open(ctx, u, nil)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { st.Close() })
					return st
				}
				one, two = open(), open()
				db = one.DB()
			}
			e := servertest.New(t, one)
			other := e.Node(t, two)
			tk := newTicket(t, e, "Where is my parcel?", "It has been a week.", desk.ChannelEmail, "Ana Pérez")
			id := tk.ContactID
			c1, c2 := newClient(t, e.URL), newClient(t, other.URL)
			c1.login(e.Admin.Email, servertest.Password)
			c2.login(e.Admin.Email, servertest.Password)
			shows := func(when, want, gone string) {
				t.Helper()
				for i, c := range []*client{c1, c2} {
					p := c.get("/?view=open")
					if p.Status != http.StatusOK {
						t.Fatalf("%s: node %d: %d %s", when, i+1, p.Status, p.Body)
					}
					if !strings.Contains(p.Body, want) || (gone != "" && strings.Contains(p.Body, gone)) {
						t.Errorf("%s: node %d's inbox does not show %q instead of %q", when, i+1, want, gone)
					}
				}
			}
			shows("at first", "Ana Pérez", "")

			name := "Ana María Soto"
			if _, err := e.Deps.Desk.UpdateContact(ctx, e.Workspace.ID, id, desk.ContactPatch{Name: &name}); err != nil {
				t.Fatal(err)
			}
			shows("renamed through desk", "Ana María Soto", "Ana Pérez")

			auth := servertest.Bearer(e.AdminToken)
			if r := e.Do("PATCH", "/api/v1/contacts/"+id, map[string]any{"name": "Ana Through One"}, auth); r.Status != http.StatusOK {
				t.Fatalf("rename through node one: %d %s", r.Status, r.Body)
			}
			shows("renamed through node one's API", "Ana Through One", "Ana María Soto")

			// Other details leave the names cached, and still right.
			if r := other.Do("PATCH", "/api/v1/contacts/"+id, map[string]any{"first_name": "Ana", "national_id": "12.345.678-5"}, auth); r.Status != http.StatusOK {
				t.Fatalf("change other details: %d %s", r.Status, r.Body)
			}
			shows("after other details changed", "Ana Through One", "")

			if _, err := db.ExecContext(ctx, `UPDATE contacts SET name = 'Ana By SQL' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			shows("renamed by SQL", "Ana By SQL", "Ana Through One")
			if _, err := db.ExecContext(ctx, `UPDATE contacts SET name = '', email = 'ana.sql@example.com' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			shows("name cleared by SQL", "ana.sql@example.com", "Ana By SQL")

			// A contact made after the names were cached is read on the
			// page that first shows it; a merge moves its ticket's name.
			bea := newTicket(t, e, "Refund, please", "Twice charged.", desk.ChannelEmail, "Beatriz Rojas")
			shows("a new contact", "Beatriz Rojas", "")
			if r := e.Do("POST", "/api/v1/contacts/"+bea.ContactID+"/merge", map[string]any{"from": id}, auth); r.Status != http.StatusOK {
				t.Fatalf("merge: %d %s", r.Status, r.Body)
			}
			shows("merged", "Beatriz Rojas", "ana.sql@example.com")
		})
	}
}

// namesCounter is a real store that counts the reads of contacts' names.
type namesCounter struct {
	*sqlstore.Store
	reads, ids atomic.Int64
}

func (s *namesCounter) ContactNames(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	s.reads.Add(1)
	s.ids.Add(int64(len(ids)))
	return s.Store.ContactNames(ctx, ws, ids)
}

// TestContactNamesCached: a page with no contact changed since the last
// one reads no names; a new contact is read alone; a rename reads the
// page's names again, once.
func TestContactNamesCached(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := &namesCounter{Store: open(t).(*sqlstore.Store)}
		e := servertest.New(t, st)
		var first *desk.Ticket
		for _, n := range []string{"Ana Pérez", "Bruno Díaz", "Carla Ruiz"} {
			tk := newTicket(t, e, "Question from "+strings.Fields(n)[0], "Hello.", desk.ChannelEmail, n)
			if first == nil {
				first = tk
			}
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		load := func(when string, reads, ids int64, want string) {
			t.Helper()
			r0, i0 := st.reads.Load(), st.ids.Load()
			p := c.get("/?view=open")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
				t.Fatalf("%s: %d, %q missing: %s", when, p.Status, want, p.Body)
			}
			if r, i := st.reads.Load()-r0, st.ids.Load()-i0; r != reads || i != ids {
				t.Errorf("%s: %d reads of %d names; want %d of %d", when, r, i, reads, ids)
			}
		}
		load("first page", 1, 3, "Carla Ruiz")
		load("same page again", 0, 0, "Carla Ruiz")
		load("and again", 0, 0, "Bruno Díaz")
		newTicket(t, e, "Another question", "Hi.", desk.ChannelEmail, "Diego Soto")
		load("with a new contact", 1, 1, "Diego Soto")
		load("then", 0, 0, "Diego Soto")
		name := "Ana Renamed"
		if _, err := e.Deps.Desk.UpdateContact(ctx, e.Workspace.ID, first.ContactID, desk.ContactPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		load("after a rename", 1, 4, "Ana Renamed")
		load("after that", 0, 0, "Ana Renamed")
	})
}
