package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
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

// loadReaches waits for the room's load to read active. The room recounts
// after each batch of events that may change it, so the count can already
// include a change whose event comes in the next batch: the load event may
// then be among before, the events read ahead of the change's own event.
func (c *client) loadReaches(t *testing.T, before []live.Event, active int64) {
	t.Helper()
	for i := len(before) - 1; i >= 0; i-- {
		if before[i].Name == "load" {
			if decode[live.LoadState](t, before[i]).Active == active {
				return
			}
			break
		}
	}
	for {
		ev, _ := c.until(t, "load")
		if decode[live.LoadState](t, ev).Active == active {
			return
		}
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
		if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ch.At.IsZero() || ch.Actor.Kind == "" {
			t.Fatalf("ticket.created = %+v (%q)", ch, ev.ID)
		}
		if ev.ID != seqOf(t, e, id, desk.EventCreated) {
			t.Fatalf("ticket.created's id = %q, want its seq %s", ev.ID, seqOf(t, e, id, desk.EventCreated))
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
		ev, before := c.until(t, "ticket.assignment")
		if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ch.To != ana.ID {
			t.Fatalf("assignment = %+v", ch)
		}
		c.loadReaches(t, before, 1)
		patch(t, e, id, map[string]any{"assignee_id": ""})
		ev, before = c.until(t, "ticket.assignment")
		if ch := decode[live.TicketChange](t, ev); ch.From != ana.ID || ch.To != "" {
			t.Fatalf("taken away = %+v", ch)
		}
		c.loadReaches(t, before, 0)
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
	if ev, _ := ws.until(t, "ticket.created"); decode[live.TicketChange](t, ev).TicketID != id || ev.ID != seqOf(t, a, id, desk.EventCreated) {
		t.Fatalf("node B's workspace room got %+v", ev)
	}
	if ev := grp.next(t); ev.Name != "queue.entered" || decode[live.QueueMove](t, ev).TicketID != id {
		t.Fatalf("node B's group room got %+v", ev)
	}
}

// seqOf is the seq, as an SSE id, of ticket id's last event of type typ.
func seqOf(t *testing.T, e *servertest.Env, id, typ string) string {
	t.Helper()
	evs, err := e.Store.Events(context.Background(), e.Workspace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return strconv.FormatInt(evs[i].Seq, 10)
		}
	}
	t.Fatalf("ticket %s has no %s event", id, typ)
	return ""
}

// roomEvents are the desk-room events a workspace room sends for the
// workspace's events numbered above after, as "<seq> <name>".
func roomEvents(t *testing.T, e *servertest.Env, after int64) []string {
	t.Helper()
	evs, err := e.Store.EventsAfter(context.Background(), e.Workspace.ID, after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{desk.EventCreated: "ticket.created", desk.EventStatusChanged: "ticket.status",
		desk.EventAssigned: "ticket.assignment", desk.EventReassigned: "ticket.assignment", desk.EventUnassigned: "ticket.assignment",
		desk.EventEscalated: "ticket.assignment", desk.EventPriority: "ticket.priority", desk.EventTransferred: "ticket.group",
		desk.EventQueued: "ticket.group", desk.EventMessageAdded: "ticket.message"}
	var out []string
	for _, ev := range evs {
		if name, ok := names[ev.Type]; ok {
			out = append(out, fmt.Sprint(ev.Seq, " ", name))
		}
	}
	return out
}

// TestWorkspaceRoomLateEvents: the room follows the feed by seq, so an
// event stamped an hour before events it already sent — written by a node
// whose clock is behind, or committed late — still reaches it, live and on
// resume, exactly once. Followed by (time, id) with a look-back window, as
// the rooms were, both would be lost.
func TestWorkspaceRoomLateEvents(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		ctx := context.Background()
		ws := e.Workspace.ID
		_, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		// late writes through the same store with a clock an hour behind;
		// the hub does not hear it, so a later write wakes the room.
		late := desk.NewService(e.Store)
		late.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		setPriority := func(id string, p desk.Priority) {
			t.Helper()
			if _, err := late.UpdateTicket(ctx, ws, id, desk.System, desk.TicketPatch{Priority: &p}); err != nil {
				t.Fatal(err)
			}
		}
		// check reads len(want) events from c (or what comes before the
		// deadline) as "<id> <name>" and compares; then nothing more may come.
		check := func(what string, c *client, want []string) {
			t.Helper()
			var got []string
			for deadline := time.After(wait); len(got) < len(want); {
				select {
				case ev, ok := <-c.events:
					if !ok {
						t.Fatalf("%s: stream ended after %v", what, got)
					}
					got = append(got, ev.ID+" "+ev.Name)
					continue
				case <-deadline:
				}
				break
			}
			if strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
			}
			c.none(t, 300*time.Millisecond)
		}
		lastSeq := func() int64 {
			t.Helper()
			n, err := e.Store.LastEventSeq(ctx, ws)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		c, res := openRoom(t, n, "/live/v1/workspace", tok)
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		id := ticket(t, e, map[string]any{"subject": "late", "message": "hello"})
		check("created", c, roomEvents(t, e, 0))
		start := lastSeq()

		// Live: an event an hour older than those already sent.
		setPriority(id, desk.PriorityUrgent)
		patch(t, e, id, map[string]any{"status": "pending"})
		want := roomEvents(t, e, start)
		if len(want) != 2 {
			t.Fatalf("events after %d = %v, want priority and status", start, want)
		}
		check("live", c, want)
		c.close()

		// Missed while away, one of them stamped an hour back.
		last := lastSeq()
		setPriority(id, desk.PriorityLow)
		post(t, e, id, map[string]any{"text": "internal", "public": false})
		setPriority(id, desk.PriorityHigh)
		want = roomEvents(t, e, last)
		if len(want) != 3 {
			t.Fatalf("missed events = %v, want 3", want)
		}
		r, _ := openRoom(t, n, "/live/v1/workspace", tok, "Last-Event-ID: "+strconv.FormatInt(last, 10))
		check("resumed", r, want)
	})
}

// TestDeskRoomResetsUnknownIDs: a Last-Event-ID that is no seq of this
// feed — the "<ms>-<event id>" ids rooms sent before seq, or a seq above
// the last — cannot be replayed to: the room says reset (reload) and
// follows from now.
func TestDeskRoomResetsUnknownIDs(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := deskNode(t, e)
		_, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		before := ticket(t, e, map[string]any{"subject": "before"})
		for _, last := range []string{"1762074000000-" + before, "999999"} {
			c, res := openRoom(t, n, "/live/v1/workspace", tok, "Last-Event-ID: "+last)
			if c == nil {
				t.Fatalf("%s: open: %d", last, res.StatusCode)
			}
			if ev := c.next(t); ev.Name != "reset" || ev.ID != "" {
				t.Fatalf("%s: first event = %+v, want reset", last, ev)
			}
			id := ticket(t, e, map[string]any{"subject": "after"})
			ev, skipped := c.until(t, "ticket.created")
			if ch := decode[live.TicketChange](t, ev); ch.TicketID != id || ev.ID != seqOf(t, e, id, desk.EventCreated) || len(skipped) != 0 {
				t.Fatalf("%s: after the reset: %+v (id %q), skipped %v", last, ch, ev.ID, skipped)
			}
			c.close()
		}
	})
}
