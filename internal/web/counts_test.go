package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var viewCountRe = regexp.MustCompile(`href="/\?view=([a-z]+)"[^>]*><span>[^<]*</span><span class="count">(\d+)</span>`)

// viewCounts reads the inbox's view counts.
func viewCounts(t *testing.T, c *client) map[string]int {
	t.Helper()
	p := c.get("/")
	if p.Status != http.StatusOK {
		t.Fatalf("inbox: %d %s", p.Status, p.Body)
	}
	out := map[string]int{}
	for _, m := range viewCountRe.FindAllStringSubmatch(p.Body, -1) {
		out[m[1]], _ = strconv.Atoi(m[2])
	}
	if len(out) != 5 {
		t.Fatalf("inbox shows %d view counts, want 5: %v", len(out), out)
	}
	return out
}

// The view counts are kept between requests (counts.go) but never go
// stale: a ticket created, solved or assigned through another node shows
// in the next page this node renders.
func TestViewCountsFollowChanges(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		other := e.Node(t, e.Store)
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		before := viewCounts(t, c)
		if again := viewCounts(t, c); again["open"] != before["open"] || again["solved"] != before["solved"] {
			t.Fatalf("counts moved without a change: %v then %v", before, again)
		}

		tk := newTicket(t, other, "Where is my parcel?", "It has been a week.", desk.ChannelEmail, "Ana Pérez")
		now := viewCounts(t, c)
		if now["open"] != before["open"]+1 || now["unassigned"] != before["unassigned"]+1 {
			t.Fatalf("after a new ticket: %v, before %v", now, before)
		}

		auth := servertest.Bearer(e.AdminToken)
		if r := other.Do("PATCH", "/api/v1/tickets/"+tk.ID, map[string]any{"assignee_id": e.Admin.ID}, auth); r.Status != http.StatusOK {
			t.Fatalf("assign: %d %s", r.Status, r.Body)
		}
		now = viewCounts(t, c)
		if now["mine"] != before["mine"]+1 || now["unassigned"] != before["unassigned"] {
			t.Fatalf("after assigning to me: %v, before %v", now, before)
		}
		// A supervisor shares the workspace's counts, but "mine" is its own.
		sup, _ := e.Agent(desk.NewAgent{Name: "Sam Supervisor", Email: "sam@acme.test", Role: desk.RoleSupervisor})
		cs := newClient(t, e.URL)
		cs.login(sup.Email, servertest.Password)
		if theirs := viewCounts(t, cs); theirs["mine"] != 0 || theirs["open"] != now["open"] {
			t.Fatalf("supervisor's counts %v, admin's %v", theirs, now)
		}

		if r := other.Do("PATCH", "/api/v1/tickets/"+tk.ID, map[string]any{"status": "solved"}, auth); r.Status != http.StatusOK {
			t.Fatalf("solve: %d %s", r.Status, r.Body)
		}
		now = viewCounts(t, c)
		if now["open"] != before["open"] || now["mine"] != before["mine"] || now["solved"] != before["solved"]+1 {
			t.Fatalf("after solving: %v, before %v", now, before)
		}

		// The page an action renders counts after the action's own
		// writes, though the session's read (before them) cached counts.
		newTicket(t, e, "Refund, please", "Twice charged.", desk.ChannelEmail, "Beatriz Rojas")
		before = viewCounts(t, c)
		p := c.post("/bulk", url.Values{"csrf": {c.csrf()}, "back": {"/?view=open"}, "id": {tk.ID}, "status": {"open"}})
		if p.Status != http.StatusOK {
			t.Fatalf("bulk reopen: %d %s", p.Status, p.Body)
		}
		after := map[string]int{}
		for _, m := range viewCountRe.FindAllStringSubmatch(p.Body, -1) {
			after[m[1]], _ = strconv.Atoi(m[2])
		}
		if after["open"] != before["open"]+1 || after["solved"] != before["solved"]-1 {
			t.Fatalf("counts on the bulk action's page: %v, before it %v", after, before)
		}
	})
}
