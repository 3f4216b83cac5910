package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// ticketFor opens a ticket from a new contact with the given assignee,
// group and status ("" for the defaults).
func ticketFor(t testing.TB, e *servertest.Env, subject, assignee, group string, status desk.Status) *desk.Ticket {
	t.Helper()
	ctx := context.Background()
	c, err := e.Deps.Desk.CreateContact(ctx, e.Workspace.ID, desk.NewContact{Name: subject + " contact"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.Deps.Desk.CreateTicket(ctx, e.Workspace.ID, desk.Actor{Kind: desk.ActorContact, ID: c.ID}, desk.NewTicket{
		Subject: subject, Channel: desk.ChannelEmail, ContactID: c.ID, AssigneeID: assignee, GroupID: group, Status: status, NoRoute: assignee == "",
		Message: &desk.NewMessage{Text: subject, Author: desk.Actor{Kind: desk.ActorContact, ID: c.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestStreamMatch: GET /stream/match says which of the tickets a live
// event named the current view lists — the inbox's "N new" pill counts
// only those (a ticket assigned to someone else does not bump Mine).
func TestStreamMatch(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		mine := ticketFor(t, e, "Mine", e.Admin.ID, "", "")
		his := ticketFor(t, e, "Bruno's", bruno.ID, "", "")
		queued := ticketFor(t, e, "Queued", "", g.ID, "")
		pending := ticketFor(t, e, "Pending", e.Admin.ID, "", desk.StatusPending)
		if pending.Status != desk.StatusPending || queued.AssigneeID != "" || his.AssigneeID != bruno.ID {
			t.Fatalf("set-up: pending %s, queued %q, his %q", pending.Status, queued.AssigneeID, his.AssigneeID)
		}
		all := []string{mine.ID, his.ID, queued.ID, pending.ID, "not-an-id", "0123456789abcdef01234567"}

		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		match := func(view string) []string {
			t.Helper()
			q := url.Values{"view": {view}, "id": all}
			p := c.get("/stream/match?" + q.Encode())
			if p.Status != http.StatusOK {
				t.Fatalf("match %s: %d %s", view, p.Status, p.Body)
			}
			var out struct{ IDs []string }
			if err := json.Unmarshal([]byte(p.Body), &out); err != nil {
				t.Fatalf("match %s: %v %s", view, err, p.Body)
			}
			slices.Sort(out.IDs)
			return out.IDs
		}
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		for view, want := range map[string][]string{
			"mine":          sorted(mine.ID, pending.ID), // Mine lists every active status, pending too
			"unassigned":    {queued.ID},
			"open":          sorted(mine.ID, his.ID, queued.ID, pending.ID),
			"pending":       {pending.ID},
			"solved":        {},
			"group:" + g.ID: {queued.ID},
			"":              sorted(mine.ID, pending.ID), // the inbox's default view is Mine
		} {
			if got := match(view); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("view %q: %v, want %v", view, got, want)
			}
		}
		if p := c.get("/stream/match?view=nonsense&id=" + mine.ID); p.Status != http.StatusNotFound {
			t.Errorf("unknown view: %d", p.Status)
		}
		// Bruno's Mine is his own.
		b := newClient(t, e.URL)
		b.login(bruno.Email, servertest.Password)
		p := b.get("/stream/match?" + url.Values{"view": {"mine"}, "id": all}.Encode())
		var out struct{ IDs []string }
		if err := json.Unmarshal([]byte(p.Body), &out); err != nil || !slices.Equal(out.IDs, []string{his.ID}) {
			t.Errorf("Bruno's mine: %d %s", p.Status, p.Body)
		}
		// Without a session: to the login page, no answer.
		if p := newClient(t, e.URL).get("/stream/match?view=mine&id=" + mine.ID); p.Status != http.StatusSeeOther {
			t.Errorf("without a session: %d", p.Status)
		}
	})
}
