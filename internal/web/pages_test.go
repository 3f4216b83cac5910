package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var rowRe = regexp.MustCompile(`href="/tickets/(\d+)" data-open`)

// TestInboxPaging: keyset pages of 25, no ticket twice, none lost.
func TestInboxPaging(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		for i := 0; i < 30; i++ {
			newTicket(t, e, "Question "+strconv.Itoa(i), "?", desk.ChannelWebchat, "Person "+strconv.Itoa(i))
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		seen := map[string]bool{}
		path := "/?view=open&sort=newest"
		pages := 0
		for path != "" {
			p := c.get(path)
			if p.Status != 200 {
				t.Fatalf("%s: %d", path, p.Status)
			}
			for _, m := range rowRe.FindAllStringSubmatch(p.Body, -1) {
				if seen[m[1]] {
					t.Errorf("ticket #%s on two pages", m[1])
				}
				seen[m[1]] = true
			}
			pages++
			path = ""
			if m := regexp.MustCompile(`href="(/\?[^"]*after=[^"]*)" rel="next"`).FindStringSubmatch(p.Body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if len(seen) != 30 || pages != 2 {
			t.Fatalf("%d tickets over %d pages, want 30 over 2", len(seen), pages)
		}
		if !strings.Contains(c.get("/?view=open").Body, `<span class="count">30</span>`) {
			t.Error("All open does not count 30")
		}
		if p := c.get("/?view=nope"); p.Status != http.StatusNotFound {
			t.Errorf("unknown view: %d", p.Status)
		}
		if p := c.get("/?view=open&after=junk"); p.Status != http.StatusNotFound {
			t.Errorf("bad cursor: %d", p.Status)
		}
		if p := c.get("/?view=unassigned"); !strings.Contains(p.Body, "Person 29") {
			t.Error("unassigned view lacks the queued tickets")
		}
	})
}

// TestWhatAgentsSee: the desk shows what desk's policy lets the agent see,
// and never another workspace's tickets.
func TestWhatAgentsSee(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		mine, _ := e.Agent(desk.NewAgent{Name: "Own Only", Email: "own@acme.test", Role: desk.RoleAgent, Capacity: 5})
		theirs := newTicket(t, e, "Someone else's", "x", desk.ChannelEmail, "Other Customer")
		own := newTicket(t, e, "Mine to answer", "x", desk.ChannelEmail, "My Customer")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, own.ID, desk.System, desk.TicketPatch{AssigneeID: &mine.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deps.Desk.SetTicketAccess(ctx, e.Workspace.ID, desk.AccessOwn); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(mine.Email, servertest.Password)
		if p := c.get("/tickets/" + strconv.FormatInt(theirs.Number, 10)); p.Status != http.StatusNotFound {
			t.Errorf("a hidden ticket: %d, want 404", p.Status)
		}
		if p := c.get("/tickets/" + strconv.FormatInt(own.Number, 10)); p.Status != 200 {
			t.Errorf("own ticket: %d", p.Status)
		}
		if p := c.get("/?view=open"); strings.Contains(p.Body, "Someone else") || !strings.Contains(p.Body, "Mine to answer") {
			t.Errorf("list shows hidden tickets or lacks own: %s", p.Body)
		}
		// Another workspace's admin sees none of acme's tickets.
		ws2, admin2, _ := e.NewWorkspace("globex", "UTC")
		_ = ws2
		c2 := newClient(t, e.URL)
		c2.login(admin2.Email, servertest.Password)
		if p := c2.get("/tickets/" + strconv.FormatInt(own.Number, 10)); p.Status != http.StatusNotFound {
			t.Errorf("another workspace's ticket: %d", p.Status)
		}
		if p := c2.get("/?view=open"); strings.Contains(p.Body, "Mine to answer") {
			t.Error("another workspace's ticket in the list")
		}
	})
}

func TestPresenceAndLanguage(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		p := c.post("/presence", url.Values{"csrf": {c.csrf()}, "presence": {"away"}, "next": {"/?view=open"}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/?view=open" {
			t.Fatalf("presence: %d %s", p.Status, p.Header.Get("Location"))
		}
		a, _ := e.Store.Agent(context.Background(), e.Workspace.ID, e.Admin.ID)
		if a.Presence != desk.PresenceAway {
			t.Errorf("presence %s, want away", a.Presence)
		}
		if p := c.post("/presence", url.Values{"csrf": {c.csrf()}, "presence": {"asleep"}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown presence: %d", p.Status)
		}
		if p := c.post("/language", url.Values{"lang": {"zh-Hans"}, "next": {"/"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("language: %d", p.Status)
		}
		if p := c.get("/", "Accept-Language: es"); !strings.Contains(p.Body, `<html lang="zh-Hans">`) || !strings.Contains(p.Body, "我的") {
			t.Error("the picked language does not win over Accept-Language")
		}
	})
}

// TestHandoff: an agent takes a ticket over from a bot.
func TestHandoff(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		bot, _ := e.Agent(desk.NewAgent{Name: "Helper Bot", Email: "bot@acme.test", Role: desk.RoleBot})
		ag, _ := e.Agent(desk.NewAgent{Name: "Dewi Anggraini", Email: "dewi@acme.test", Role: desk.RoleAgent, Capacity: 5})
		tk := newTicket(t, e, "Chat with the bot", "I want a human", desk.ChannelWebchat, "Rina Wijaya")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, tk.ID, desk.System, desk.TicketPatch{AssigneeID: &bot.ID}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(ag.Email, servertest.Password)
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		if p := c.get(path); !strings.Contains(p.Body, "Take over from bot") {
			t.Fatal("no take-over action on a bot-held ticket")
		}
		if p := c.post(path+"/routing", url.Values{"csrf": {c.csrf()}, "kind": {"handoff"}, "agent_id": {"me"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("handoff: %d %s", p.Status, p.Body)
		}
		got, _ := e.Store.Ticket(ctx, e.Workspace.ID, tk.ID)
		if got.AssigneeID != ag.ID {
			t.Fatalf("after the handoff the ticket is held by %s", got.AssigneeID)
		}
	})
}
