package live_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/live"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// deskNode serves the desk rooms of a hub over e's desk.
func deskNode(t *testing.T, e *servertest.Env) *node {
	t.Helper()
	n := newNode(t, e, "s")
	return n
}

// openRoom connects to a desk room at path with tok.
func openRoom(t *testing.T, n *node, path, tok string, headers ...string) (*client, *http.Response) {
	t.Helper()
	return openURL(t, n.url+path, append(headers, servertest.Bearer(tok))...)
}

// until returns the first event named name, failing on the deadline;
// events before it are returned too, for checks on what else came.
func (c *client) until(t *testing.T, name string) (live.Event, []live.Event) {
	t.Helper()
	var before []live.Event
	for {
		ev := c.next(t)
		if ev.Name == name {
			return ev, before
		}
		before = append(before, ev)
	}
}

func TestWorkspaceRoom(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		_, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		c, res := openRoom(t, n, "/live/v1/workspace", tok)
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		id := ticket(t, e, map[string]any{"subject": "Where is my order?", "message": "It has been an hour"})
		ev, _ := c.until(t, "ticket.created")
		if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ch.At.IsZero() || ch.Actor.Kind == "" || ev.ID == "" {
			t.Fatalf("ticket.created = %+v (%q)", ch, ev.ID)
		}
		ev, _ = c.until(t, "ticket.message")
		if m := decode[live.MessageSummary](t, ev); m.TicketID != id || m.MessageID == "" || m.Kind != "in" && m.Kind != "out" {
			t.Fatalf("ticket.message = %+v", m)
		}
		if strings.Contains(ev.Data, "It has been an hour") {
			t.Fatalf("a message summary carries the text: %s", ev.Data)
		}
		patch(t, e, id, map[string]any{"priority": "urgent", "reason": "VIP"})
		ev, _ = c.until(t, "ticket.priority")
		if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ch.To != "urgent" || ch.Reason != "VIP" {
			t.Fatalf("ticket.priority = %+v", ch)
		}
		last := ev.ID
		c.close()

		// Missed while away: a status change and a note.
		patch(t, e, id, map[string]any{"status": "pending"})
		post(t, e, id, map[string]any{"text": "internal", "public": false})
		r, _ := openRoom(t, n, "/live/v1/workspace", tok, "Last-Event-ID: "+last)
		ev, before := r.until(t, "ticket.status")
		if ch := decode[live.TicketChange](t, ev); ch.To != "pending" || len(before) != 0 {
			t.Fatalf("first replayed event = %+v after %v", ch, before)
		}
		ev, _ = r.until(t, "ticket.message")
		if m := decode[live.MessageSummary](t, ev); m.Kind != "note" {
			t.Fatalf("replayed note = %+v", m)
		}
		// Another workspace's tickets never reach it.
		_, _, otherTok := e.NewWorkspace("globex", "UTC")
		if res := e.Do("POST", "/api/v1/tickets", map[string]any{"subject": "elsewhere"}, servertest.Bearer(otherTok)); res.Status != 201 {
			t.Fatalf("create in globex: %d", res.Status)
		}
		r.none(t, 300*time.Millisecond)
	})
}

func TestAgentRoom(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		n.hub.PresencePoll = 50 * time.Millisecond
		ana, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Capacity: 3})
		c, res := openRoom(t, n, "/live/v1/agents/me", tok)
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		ev := c.next(t)
		if p := decode[live.PresenceState](t, ev); ev.Name != "presence" || p.AgentID != ana.ID || p.Presence != desk.PresenceOffline {
			t.Fatalf("first event = %+v", ev)
		}
		ev = c.next(t)
		if l := decode[live.LoadState](t, ev); ev.Name != "load" || l.Active != 0 || l.Capacity != 3 {
			t.Fatalf("second event = %+v", ev)
		}
		if res := e.Do("PUT", "/api/v1/agents/me/presence", map[string]any{"status": "away"}, servertest.Bearer(tok)); res.Status != 200 {
			t.Fatalf("presence: %d %s", res.Status, res.Body)
		}
		ev, _ = c.until(t, "presence")
		if p := decode[live.PresenceState](t, ev); p.Presence != desk.PresenceAway {
			t.Fatalf("presence = %+v", p)
		}
		id := ticket(t, e, map[string]any{"subject": "for Ana"})
		patch(t, e, id, map[string]any{"assignee_id": ana.ID})
		ev, _ = c.until(t, "ticket.assignment")
		if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ch.To != ana.ID {
			t.Fatalf("assignment = %+v", ch)
		}
		ev, _ = c.until(t, "load")
		if l := decode[live.LoadState](t, ev); l.Active != 1 {
			t.Fatalf("load after the assignment = %+v", l)
		}
		patch(t, e, id, map[string]any{"assignee_id": ""})
		ev, _ = c.until(t, "ticket.assignment")
		if ch := decode[live.TicketChange](t, ev); ch.From != ana.ID || ch.To != "" {
			t.Fatalf("taken away = %+v", ch)
		}
		ev, _ = c.until(t, "load")
		if l := decode[live.LoadState](t, ev); l.Active != 0 {
			t.Fatalf("load after = %+v", l)
		}
		// Others' tickets do not reach Ana's room.
		ticket(t, e, map[string]any{"subject": "someone else's"})
		c.none(t, 300*time.Millisecond)
	})
}

func TestGroupRoom(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		g, err := e.Deps.Desk.CreateGroup(context.Background(), e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		waiting := ticket(t, e, map[string]any{"subject": "before", "group_id": g.ID})
		bo, tok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test", GroupIDs: []string{g.ID}})
		c, res := openRoom(t, n, "/live/v1/groups/"+g.ID, tok)
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		ev := c.next(t)
		q := decode[live.QueueState](t, ev)
		if ev.Name != "queue" || q.Length != 1 || len(q.Entries) != 1 || q.Entries[0].TicketID != waiting || q.Entries[0].Subject != "before" {
			t.Fatalf("snapshot = %+v %s", ev, ev.Data)
		}
		id := ticket(t, e, map[string]any{"subject": "queued", "group_id": g.ID})
		ev = c.next(t)
		if m := decode[live.QueueMove](t, ev); ev.Name != "queue.entered" || m.TicketID != id || m.Length != 2 || m.Entry == nil || m.Entry.Number == 0 {
			t.Fatalf("entered = %+v %s", ev, ev.Data)
		}
		patch(t, e, waiting, map[string]any{"assignee_id": bo.ID})
		ev = c.next(t)
		if m := decode[live.QueueMove](t, ev); ev.Name != "queue.left" || m.TicketID != waiting || m.Length != 1 {
			t.Fatalf("left = %+v %s", ev, ev.Data)
		}
		// A ticket of no group does not move this queue.
		ticket(t, e, map[string]any{"subject": "no group"})
		c.none(t, 300*time.Millisecond)
	})
}

func TestDeskRoomAccess(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		ctx := context.Background()
		g, _ := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		other, _ := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Sales", "")
		ana, anaTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", GroupIDs: []string{g.ID}})
		bo, _ := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		_, supTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		_, _, globexTok := e.NewWorkspace("globex", "UTC")
		for _, tt := range []struct {
			name, path, tok string
			status          int
		}{
			{"workspace, agent", "/live/v1/workspace", anaTok, 200},
			{"own room", "/live/v1/agents/" + ana.ID, anaTok, 200},
			{"another agent's room", "/live/v1/agents/" + bo.ID, anaTok, 403},
			{"supervisor, another agent's room", "/live/v1/agents/" + bo.ID, supTok, 200},
			{"own group", "/live/v1/groups/" + g.ID, anaTok, 200},
			{"another group", "/live/v1/groups/" + other.ID, anaTok, 403},
			{"supervisor, any group", "/live/v1/groups/" + other.ID, supTok, 200},
			{"unknown agent", "/live/v1/agents/0123456789abcdef01234567", supTok, 404},
			{"malformed group", "/live/v1/groups/nope", supTok, 404},
			{"agent of another workspace", "/live/v1/agents/" + ana.ID, globexTok, 404},
			{"no token", "/live/v1/workspace", "", 401},
			{"room token is not enough", "/live/v1/workspace", n.hub.RoomToken(e.Workspace.ID, ana.ID), 401},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c, res := openRoom(t, n, tt.path, tt.tok)
				if c != nil {
					c.close()
					if tt.status != 200 {
						t.Fatalf("opened, want %d", tt.status)
					}
					return
				}
				b, _ := io.ReadAll(res.Body)
				if res.StatusCode != tt.status || !strings.Contains(string(b), `"error"`) {
					t.Fatalf("status %d %s, want %d", res.StatusCode, b, tt.status)
				}
			})
		}
	})
}

// TestDeskRoomEndsWhenTokenRevoked: logging out ends the desk's open
// rooms, not only its next request.
func TestDeskRoomEndsWhenTokenRevoked(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		n.hub.PresencePoll = 50 * time.Millisecond
		_, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		c, res := openRoom(t, n, "/live/v1/workspace", tok)
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		if res := e.Do("DELETE", "/api/v1/tokens/current", nil, servertest.Bearer(tok)); res.Status != 204 {
			t.Fatalf("logout: %d", res.Status)
		}
		select {
		case _, ok := <-c.events:
			if ok {
				t.Fatal("an event instead of the end")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("the room of a revoked token stayed open")
		}
	})
}

// TestDeskRoomAcrossNodes: a ticket created through node A reaches a
// workspace room held by node B, on one PostgreSQL database.
func TestDeskRoomAcrossNodes(t *testing.T) {
	url := storetest.FreshSchemaURL(t) // skips without TICKETD_TEST_POSTGRES
	ctx := context.Background()
	stA, err := postgres.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stA.Close() })
	stB, err := postgres.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stB.Close() })
	a := servertest.New(t, stA)
	b := newNode(t, &servertest.Env{Deps: server.NewDeps(stB, quiet)}, "s")
	g, _ := a.Deps.Desk.CreateGroup(ctx, a.Workspace.ID, "Billing", "")
	ws, _ := openRoom(t, b, "/live/v1/workspace", a.AdminToken)
	grp, _ := openRoom(t, b, "/live/v1/groups/"+g.ID, a.AdminToken)
	if ws == nil || grp == nil {
		t.Fatal("a room did not open on node B")
	}
	if ev := grp.next(t); ev.Name != "queue" {
		t.Fatalf("group room's first event = %+v", ev)
	}
	id := ticket(t, a, map[string]any{"subject": "two nodes", "group_id": g.ID})
	if ev, _ := ws.until(t, "ticket.created"); decode[live.TicketChange](t, ev).TicketID != id {
		t.Fatalf("node B's workspace room got %+v", ev)
	}
	if ev := grp.next(t); ev.Name != "queue.entered" || decode[live.QueueMove](t, ev).TicketID != id {
		t.Fatalf("node B's group room got %+v", ev)
	}
}
