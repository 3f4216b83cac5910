package web_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/sqlite"
)

// statements records the SQL a store runs while on.
type statements struct {
	mu  sync.Mutex
	on  bool
	sql []string
}

func (s *statements) add(q string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		s.sql = append(s.sql, strings.Join(strings.Fields(q), " "))
	}
}

// during returns the statements run while fn ran.
func (s *statements) during(fn func()) []string {
	s.mu.Lock()
	s.on, s.sql = true, nil
	s.mu.Unlock()
	fn()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = false
	return s.sql
}

// The desk's two busiest pages have a statement budget: what one
// warm page (caches filled, nothing changed since) costs the database.
// Each statement is a B-tree descent or more at 1,000,000 tickets, and
// the pages' speed (issue 18: 3,000 pages/s) is mostly their statements
// (docs/PERFORMANCE.md). A new read on these pages must replace one, or
// raise the budget here with the reason.
func TestPageStatementBudget(t *testing.T) {
	ctx := context.Background()
	rec := &statements{}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ticketd.db"), sqlite.Options{OnStatement: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := servertest.New(t, st)
	ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Capacity: 5})
	tk := newTicket(t, e, "Where is my parcel?", "It has been a week.", desk.ChannelEmail, "Ana Pérez")
	// An earlier ticket of the same contact, a reply, a note: every part
	// of the page has something to show.
	newTicket(t, e, "Second parcel", "And another one.", desk.ChannelEmail, "Ana Pérez")
	auth := servertest.Bearer(e.AdminToken)
	if r := e.Do("PATCH", "/api/v1/tickets/"+tk.ID, map[string]any{"assignee_id": ana.ID}, auth); r.Status != http.StatusOK {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	for _, m := range []map[string]any{{"text": "We are on it."}, {"text": "Checked the courier", "public": false}} {
		if r := e.Do("POST", "/api/v1/tickets/"+tk.ID+"/messages", m, auth); r.Status != http.StatusCreated {
			t.Fatalf("add message: %d %s", r.Status, r.Body)
		}
	}
	c := newClient(t, e.URL)
	c.login(ana.Email, servertest.Password)

	for _, pg := range []struct {
		path   string
		budget int
	}{
		{"/", 2},
		{"/tickets/" + strconv.FormatInt(tk.Number, 10), 7},
	} {
		if p := c.get(pg.path); p.Status != http.StatusOK { // fills the caches
			t.Fatalf("GET %s: %d", pg.path, p.Status)
		}
		var p *page
		sql := rec.during(func() { p = c.get(pg.path) })
		if p.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", pg.path, p.Status)
		}
		t.Logf("GET %s: %d statements", pg.path, len(sql))
		if len(sql) > pg.budget {
			t.Errorf("GET %s ran %d statements, budget %d:\n%s", pg.path, len(sql), pg.budget, strings.Join(sql, "\n"))
		}
	}
}
