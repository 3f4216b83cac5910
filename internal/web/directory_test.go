package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// The directory (agents, groups, fields, macros, saved replies) is kept
// between requests (directory.go) but never goes stale: a change made
// through another node's API, or by SQL behind ticketd's back, shows in
// the next page this node renders.
func TestDirectoryFollowsChanges(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		other := e.Node(t, e.Store)
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tk := newTicket(t, e, "Where is my parcel?", "It has been a week.", desk.ChannelEmail, "Ana Pérez")
		page := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		show := func(path string) string {
			t.Helper()
			p := c.get(path)
			if p.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, p.Status, p.Body)
			}
			return p.Body
		}
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Shipping", "")
		if err != nil {
			t.Fatal(err)
		}
		if body := show(page); strings.Contains(body, "Late Deliveries") || strings.Contains(body, "Nadia Newcomer") || strings.Contains(body, `class="clock`) {
			t.Fatal("the page shows what was not made yet")
		}

		auth := servertest.Bearer(e.AdminToken)
		if r := other.Do("PATCH", "/api/v1/groups/"+g.ID, map[string]any{"name": "Late Deliveries"}, auth); r.Status != http.StatusOK {
			t.Fatalf("rename group: %d %s", r.Status, r.Body)
		}
		if r := other.Do("POST", "/api/v1/agents", map[string]any{"name": "Nadia Newcomer", "email": "nadia@acme.test", "role": "agent"}, auth); r.Status != http.StatusCreated {
			t.Fatalf("create agent: %d %s", r.Status, r.Body)
		}
		if r := other.Do("POST", "/api/v1/macros", map[string]any{"name": "Parcel apology", "reply": "Sorry!", "scope": "shared"}, auth); r.Status != http.StatusCreated {
			t.Fatalf("create macro: %d %s", r.Status, r.Body)
		}
		if r := other.Do("PUT", "/api/v1/sla/policies/default", map[string]any{"first_reply_seconds": 3600, "resolve_seconds": 86400}, auth); r.Status != http.StatusOK {
			t.Fatalf("set SLA policy: %d %s", r.Status, r.Body)
		}
		body := show(page)
		for _, want := range []string{"Late Deliveries", "Nadia Newcomer", "Parcel apology", `<p class="clock"><span class="muted">First reply:</span>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the ticket page does not show %q made on another node", want)
			}
		}
		if inbox := show("/"); !strings.Contains(inbox, "Late Deliveries") {
			t.Error("the inbox's group views do not show the renamed group")
		}

		// Behind ticketd's back: the triggers still move the version (on
		// PostgreSQL, where the store's pool writes; SQLite's is read-only).
		if e.Store.Backend() != "postgres" {
			return
		}
		db := e.Store.(*sqlstore.Store).DB()
		if _, err := db.ExecContext(ctx, `UPDATE groups SET name = 'Returns Desk' WHERE id = $1`, g.ID); err != nil {
			t.Fatal(err)
		}
		if body := show(page); !strings.Contains(body, "Returns Desk") || strings.Contains(body, "Late Deliveries") {
			t.Error("a group renamed by SQL does not show on the next page")
		}
	})
}

// TestPreviousTickets: a ticket's page lists the contact's other tickets
// (number, subject, status) and not itself, within what the viewer may
// see: with ticket access "own", an agent sees its own only.
func TestPreviousTickets(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		d := e.Deps.Desk
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana Agent", Email: "ana@acme.test", Role: desk.RoleAgent, Capacity: 10})
		ct, err := d.CreateContact(ctx, e.Workspace.ID, desk.NewContact{Name: "Wei Zhang", Email: "wei@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(subject string, assignee string) *desk.Ticket {
			in := desk.NewTicket{Subject: subject, Channel: desk.ChannelEmail, ContactID: ct.ID, AssigneeID: assignee,
				Message: &desk.NewMessage{Text: "x", Author: desk.Actor{Kind: desk.ActorContact, ID: ct.ID}}}
			tk, err := d.CreateTicket(ctx, e.Workspace.ID, desk.Actor{Kind: desk.ActorContact, ID: ct.ID}, in)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		old := mk("Old invoice", ana.ID)
		other := mk("Someone else's", e.Admin.ID)
		cur := mk("Current question", ana.ID)
		if _, err := d.Close(ctx, e.Workspace.ID, old.ID, desk.System, "", ""); err != nil {
			t.Fatal(err)
		}
		link := func(tk *desk.Ticket) string {
			return `<a href="/tickets/` + strconv.FormatInt(tk.Number, 10) + `">#` + strconv.FormatInt(tk.Number, 10) + " "
		}
		admin := newClient(t, e.URL)
		admin.login(e.Admin.Email, servertest.Password)
		page := "/tickets/" + strconv.FormatInt(cur.Number, 10)
		body := admin.get(page).Body
		prev := body[strings.Index(body, `<ul class="prev">`):]
		prev = prev[:strings.Index(prev, "</ul>")]
		if !strings.Contains(prev, link(old)+"Old invoice</a> <span class=\"badge st-closed\">Closed</span>") ||
			!strings.Contains(prev, link(other)+"Someone else&#39;s</a>") || strings.Contains(prev, link(cur)) {
			t.Fatalf("admin's previous tickets: %s", prev)
		}
		if _, err := d.SetTicketAccess(ctx, e.Workspace.ID, desk.AccessOwn); err != nil {
			t.Fatal(err)
		}
		agent := newClient(t, e.URL)
		agent.login(ana.Email, servertest.Password)
		body = agent.get(page).Body
		if !strings.Contains(body, link(old)+"Old invoice</a>") || strings.Contains(body, link(other)) {
			t.Fatalf("an agent with access to its own tickets sees another's in the previous tickets")
		}
	})
}
