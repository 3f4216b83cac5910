package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// wait bounds how long a test waits for an event that must come; it is a
// failure deadline, not a speed measurement.
const wait = 10 * time.Second

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// node is a stream server with its own, test-tuned hub over e's desk;
// writes go through e's full server (the native API).
type node struct {
	e   *servertest.Env
	hub *live.Hub
	url string
}

func newNode(t *testing.T, e *servertest.Env, secret string) *node {
	t.Helper()
	hub := live.New(e.Deps.Desk, e.Deps.Auth, []byte(secret), quiet)
	mux := http.NewServeMux()
	mux.Handle("GET "+live.Path, hub)
	mux.HandleFunc("GET "+live.WorkspacePath, hub.ServeWorkspace)
	mux.HandleFunc("GET "+live.AgentPath, hub.ServeAgent)
	mux.HandleFunc("GET "+live.GroupPath, hub.ServeGroup)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &node{e: e, hub: hub, url: srv.URL}
}

// client is one open stream.
type client struct {
	res    *http.Response
	events chan live.Event
	cancel context.CancelFunc
}

// open connects to ticket id's stream; headers are "Name: value".
func open(t *testing.T, base, id, query string, headers ...string) (*client, *http.Response) {
	t.Helper()
	u := base + "/live/v1/tickets/" + id
	if query != "" {
		u += "?" + query
	}
	return openURL(t, u, headers...)
}

// openURL connects to the stream at u; a non-200 answer is returned with
// its body readable and a nil client.
func openURL(t *testing.T, u string, headers ...string) (*client, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("open stream: %v", err)
	}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		cancel()
		res.Body = io.NopCloser(strings.NewReader(string(b)))
		return nil, res
	}
	c := &client{res: res, events: make(chan live.Event, 100), cancel: cancel}
	go func() {
		defer close(c.events)
		er := live.NewEventReader(res.Body)
		for {
			ev, err := er.Next()
			if err != nil {
				return
			}
			c.events <- ev
		}
	}()
	t.Cleanup(c.close)
	return c, res
}

func (c *client) close() {
	c.cancel()
	c.res.Body.Close()
}

// next returns the next event, failing after wait.
func (c *client) next(t *testing.T) live.Event {
	t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(wait):
		t.Fatal("no event within the deadline")
	}
	return live.Event{}
}

// quiet asserts nothing arrives for a moment (used only after an event
// that must come later has been checked, to catch extra events).
func (c *client) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case ev, ok := <-c.events:
		if ok {
			t.Fatalf("unexpected event %+v", ev)
		}
	case <-time.After(d):
	}
}

func decode[T any](t *testing.T, ev live.Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(ev.Data), &v); err != nil {
		t.Fatalf("event %q data is not JSON: %v", ev.Name, err)
	}
	return v
}

// ticket creates a ticket through the native API and returns its id.
func ticket(t *testing.T, e *servertest.Env, body map[string]any) string {
	t.Helper()
	res := e.Do("POST", "/api/v1/tickets", body, servertest.Bearer(e.AdminToken))
	if res.Status != 201 {
		t.Fatalf("create ticket: %d %s", res.Status, res.Body)
	}
	return res.Map(t)["id"].(string)
}

func post(t *testing.T, e *servertest.Env, id string, body map[string]any) string {
	t.Helper()
	res := e.Do("POST", "/api/v1/tickets/"+id+"/messages", body, servertest.Bearer(e.AdminToken))
	if res.Status != 201 {
		t.Fatalf("post message: %d %s", res.Status, res.Body)
	}
	return res.Map(t)["id"].(string)
}

func patch(t *testing.T, e *servertest.Env, id string, body map[string]any) {
	t.Helper()
	if res := e.Do("PATCH", "/api/v1/tickets/"+id, body, servertest.Bearer(e.AdminToken)); res.Status != 200 {
		t.Fatalf("patch ticket: %d %s", res.Status, res.Body)
	}
}

func TestStreamMessagesAndStatus(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := newNode(t, e, "s")
		_, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		id := ticket(t, e, map[string]any{"subject": "Where is my order?", "message": "It has been an hour"})
		c, res := open(t, n.url, id, "", servertest.Bearer(tok))
		if c == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}

		mid := post(t, e, id, map[string]any{"text": "Your rider is two minutes away"})
		ev := c.next(t)
		if ev.Name != "message" || ev.ID == "" {
			t.Fatalf("first event = %+v, want a message with an id", ev)
		}
		m := decode[live.MessageEvent](t, ev)
		if m.ID != mid || m.TicketID != id || m.Text != "Your rider is two minutes away" || !m.Public ||
			m.Direction != desk.DirectionOut || m.Author.Kind != desk.ActorAgent || m.AuthorName == "" ||
			m.Number == 0 || m.CreatedAt.IsZero() || m.Attachments == nil {
			t.Fatalf("message event = %+v", m)
		}
		var raw map[string]any
		_ = json.Unmarshal([]byte(ev.Data), &raw)
		for _, k := range []string{"ticket_id", "id", "number", "direction", "public", "author", "author_name", "text", "attachments", "created_at"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("message event lacks %q: %s", k, ev.Data)
			}
		}

		patch(t, e, id, map[string]any{"status": "pending", "reason": "asked the customer"})
		ev = c.next(t)
		if ev.Name != "status" {
			t.Fatalf("event after the status change = %+v", ev)
		}
		s := decode[live.StatusEvent](t, ev)
		if s.TicketID != id || s.To != desk.StatusPending || s.From == "" || s.Reason != "asked the customer" || s.At.IsZero() {
			t.Fatalf("status event = %+v", s)
		}

		// A customer message (as the contact) arrives inbound.
		post(t, e, id, map[string]any{"text": "thanks!", "author": map[string]any{"kind": "contact"}})
		ev = c.next(t)
		if m := decode[live.MessageEvent](t, ev); ev.Name != "message" || m.Direction != desk.DirectionIn || m.Text != "thanks!" {
			t.Fatalf("customer message event = %+v", ev)
		}
		// The customer's reply reopened the pending ticket: that status change follows.
		ev = c.next(t)
		if s := decode[live.StatusEvent](t, ev); ev.Name != "status" || s.From != desk.StatusPending || s.To != desk.StatusOpen {
			t.Fatalf("reopen event = %+v %s", ev, ev.Data)
		}

		// Another ticket's changes never reach this stream.
		other := ticket(t, e, map[string]any{"subject": "other"})
		post(t, e, other, map[string]any{"text": "elsewhere"})
		c.none(t, 300*time.Millisecond)
	})
}

func TestStreamVisibility(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := newNode(t, e, "s")
		id := ticket(t, e, map[string]any{"subject": "notes"})
		public, _ := open(t, n.url, id, "token="+n.hub.RoomToken(e.Workspace.ID, id))
		agent, _ := open(t, n.url, id, "token="+n.hub.AgentJWT(e.Workspace.ID, e.Admin.ID, id))
		bearer, _ := open(t, n.url, id, "", servertest.Bearer(e.AdminToken))
		if public == nil || agent == nil || bearer == nil {
			t.Fatal("a stream did not open")
		}
		post(t, e, id, map[string]any{"text": "internal: customer is a VIP", "public": false})
		post(t, e, id, map[string]any{"text": "hello"})
		if m := decode[live.MessageEvent](t, public.next(t)); m.Text != "hello" {
			t.Fatalf("room-token stream got %q first: internal notes must not reach it", m.Text)
		}
		for name, c := range map[string]*client{"agent jwt": agent, "api token": bearer} {
			if m := decode[live.MessageEvent](t, c.next(t)); m.Text != "internal: customer is a VIP" || m.Public {
				t.Fatalf("%s stream: first message = %+v, want the note", name, m)
			}
			if m := decode[live.MessageEvent](t, c.next(t)); m.Text != "hello" {
				t.Fatalf("%s stream: second message = %+v", name, m)
			}
		}
	})
}

func TestStreamErrors(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := newNode(t, e, "s")
		ws := e.Workspace.ID
		id := ticket(t, e, map[string]any{"subject": "a"})
		other := ticket(t, e, map[string]any{"subject": "b"})
		_, _, otherWSToken := e.NewWorkspace("globex", "UTC")
		wrongSecret := live.New(e.Deps.Desk, nil, []byte("another secret"), quiet)
		tests := []struct {
			name    string
			id      string
			query   string
			headers []string
			status  int
			code    string
		}{
			{"no credential", id, "", nil, 401, "unauthorized"},
			{"garbage token", id, "token=nope", nil, 401, "unauthorized"},
			{"basic auth", id, "", []string{"Authorization: Basic YTpi"}, 401, "unauthorized"},
			{"room token of another secret", id, "token=" + wrongSecret.RoomToken(ws, id), nil, 401, "unauthorized"},
			{"tampered room token", id, "token=" + n.hub.RoomToken(ws, id) + "x", nil, 401, "unauthorized"},
			{"room token of another ticket", other, "token=" + n.hub.RoomToken(ws, id), nil, 403, "forbidden"},
			{"agent jwt of another ticket", other, "token=" + n.hub.AgentJWT(ws, e.Admin.ID, id), nil, 403, "forbidden"},
			{"agent jwt of another secret", id, "token=" + wrongSecret.AgentJWT(ws, e.Admin.ID, id), nil, 401, "unauthorized"},
			{"api token of another workspace", id, "", []string{servertest.Bearer(otherWSToken)}, 404, "not_found"},
			{"unknown ticket", "0123456789abcdef01234567", "", []string{servertest.Bearer(e.AdminToken)}, 404, "not_found"},
			{"malformed ticket id", "nope", "", []string{servertest.Bearer(e.AdminToken)}, 404, "not_found"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, res := open(t, n.url, tt.id, tt.query, tt.headers...)
				if c != nil {
					t.Fatalf("stream opened, want %d", tt.status)
				}
				b, _ := io.ReadAll(res.Body)
				if res.StatusCode != tt.status || res.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("status %d %q, want %d: %s", res.StatusCode, res.Header.Get("Content-Type"), tt.status, b)
				}
				var body struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal(b, &body); err != nil || body.Error.Code != tt.code || body.Error.Message == "" {
					t.Fatalf("body %s, want code %q", b, tt.code)
				}
			})
		}
	})
}

func TestStreamResume(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := newNode(t, e, "s")
		id := ticket(t, e, map[string]any{"subject": "resume"})
		tok := "token=" + n.hub.RoomToken(e.Workspace.ID, id)
		c, _ := open(t, n.url, id, tok)
		post(t, e, id, map[string]any{"text": "one"})
		first := c.next(t)
		c.close()

		// Missed while disconnected: a message and a status change.
		post(t, e, id, map[string]any{"text": "two"})
		patch(t, e, id, map[string]any{"status": "pending"})

		r, _ := open(t, n.url, id, tok, "Last-Event-ID: "+first.ID)
		if m := decode[live.MessageEvent](t, r.next(t)); m.Text != "two" {
			t.Fatalf("first replayed event = %+v, want message two", m)
		}
		if ev := r.next(t); ev.Name != "status" || decode[live.StatusEvent](t, ev).To != desk.StatusPending {
			t.Fatalf("second replayed event = %+v", ev)
		}
		// The query parameter resumes the same way.
		q, _ := open(t, n.url, id, tok+"&last_event_id="+first.ID)
		if m := decode[live.MessageEvent](t, q.next(t)); m.Text != "two" {
			t.Fatalf("last_event_id replay = %+v", m)
		}

		// A fresh connection starts from now: nothing old is replayed.
		f, _ := open(t, n.url, id, tok)
		post(t, e, id, map[string]any{"text": "three"})
		if m := decode[live.MessageEvent](t, f.next(t)); m.Text != "three" {
			t.Fatalf("fresh stream's first event = %+v, want message three", m)
		}
	})
}

func TestStreamHeartbeatAndCleanup(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		n := newNode(t, e, "s")
		n.hub.Heartbeat = 20 * time.Millisecond
		id := ticket(t, e, map[string]any{"subject": "beat"})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", n.url+"/live/v1/tickets/"+id+"?token="+n.hub.RoomToken(e.Workspace.ID, id), nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("open: %v %v", err, res)
		}
		sc := bufio.NewScanner(res.Body)
		pings := 0
		for pings < 3 && sc.Scan() {
			if sc.Text() == ": ping" {
				pings++
			}
		}
		if pings < 3 {
			t.Fatalf("saw %d heartbeats before the stream ended: %v", pings, sc.Err())
		}
		if got := n.hub.Streams(); got != 1 {
			t.Fatalf("hub holds %d streams, want 1", got)
		}
		cancel()
		res.Body.Close()
		deadline := time.Now().Add(wait)
		for n.hub.Streams() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the stream of a gone client was not cleaned up")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestStreamLimit(t *testing.T) {
	e := servertest.New(t, storetest.OpenSQLite(t))
	n := newNode(t, e, "s")
	n.hub.MaxStreams = 1
	id := ticket(t, e, map[string]any{"subject": "full"})
	tok := "token=" + n.hub.RoomToken(e.Workspace.ID, id)
	if c, res := open(t, n.url, id, tok); c == nil {
		t.Fatalf("first stream: %d", res.StatusCode)
	}
	c, res := open(t, n.url, id, tok)
	if c != nil || res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("second stream on a full node: %d", res.StatusCode)
	}
}

// TestStreamOutlivesReadTimeout guards the serving set-up: ticketd's
// server has a ReadTimeout (60 s), which must not cut a stream that lives
// longer (net/http lifts the read deadline once the handler runs).
func TestStreamOutlivesReadTimeout(t *testing.T) {
	e := servertest.New(t, storetest.OpenSQLite(t))
	hub := live.New(e.Deps.Desk, e.Deps.Auth, []byte("s"), quiet)
	mux := http.NewServeMux()
	mux.Handle("GET "+live.Path, hub)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadTimeout = 150 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close) // after the stream's own cleanup, which ends the request
	id := ticket(t, e, map[string]any{"subject": "long"})
	c, res := open(t, srv.URL, id, "token="+hub.RoomToken(e.Workspace.ID, id))
	if c == nil {
		t.Fatalf("open: %d", res.StatusCode)
	}
	time.Sleep(400 * time.Millisecond)
	post(t, e, id, map[string]any{"text": "still there?"})
	if m := decode[live.MessageEvent](t, c.next(t)); m.Text != "still there?" {
		t.Fatalf("event = %+v", m)
	}
}

// TestStreamAcrossNodes runs two ticketd nodes on one PostgreSQL database:
// a message written through node A reaches a stream held by node B.
func TestStreamAcrossNodes(t *testing.T) {
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
	a := servertest.New(t, stA) // node A: the full server, writes here
	depsB := server.NewDeps(stB, quiet)
	b := newNode(t, &servertest.Env{Deps: depsB}, "shared secret")
	nodeAHub := live.New(a.Deps.Desk, nil, []byte("shared secret"), quiet)

	id := ticket(t, a, map[string]any{"subject": "two nodes"})
	// A room token minted on node A opens the stream on node B.
	c, res := open(t, b.url, id, "token="+nodeAHub.RoomToken(a.Workspace.ID, id))
	if c == nil {
		t.Fatalf("open on node B: %d", res.StatusCode)
	}
	post(t, a, id, map[string]any{"text": "written on node A"})
	if m := decode[live.MessageEvent](t, c.next(t)); m.Text != "written on node A" {
		t.Fatalf("node B got %+v", m)
	}
	if !b.hub.Listening() {
		t.Fatal("node B is not listening although it holds a stream")
	}
	patch(t, a, id, map[string]any{"status": "pending"})
	if ev := c.next(t); ev.Name != "status" {
		t.Fatalf("node B got %+v, want the status change", ev)
	}
	c.close()
	deadline := time.Now().Add(wait)
	for b.hub.Listening() {
		if time.Now().After(deadline) {
			t.Fatal("node B still listens after its last stream closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStreamDocumented: the native OpenAPI document describes the stream,
// and the documented path is served.
func TestStreamDocumented(t *testing.T) {
	e := servertest.New(t, storetest.OpenSQLite(t))
	res := e.Do("GET", "/api/v1/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Summary   string                    `json:"summary"`
			Responses map[string]map[string]any `json:"responses"`
		} `json:"paths"`
	}
	res.JSON(t, &doc)
	op, ok := doc.Paths["/live/v1/tickets/{id}"]["get"]
	if !ok || op.Summary == "" {
		t.Fatalf("the stream is not in the OpenAPI document")
	}
	content, _ := op.Responses["200"]["content"].(map[string]any)
	sse, _ := content["text/event-stream"].(map[string]any)
	events, _ := sse["x-events"].(map[string]any)
	if events["message"] == nil || events["status"] == nil {
		t.Fatalf("200 response = %v", op.Responses["200"])
	}
	for _, code := range []string{"401", "403", "404", "503"} {
		if op.Responses[code] == nil {
			t.Errorf("response %s undocumented", code)
		}
	}
	id := ticket(t, e, map[string]any{"subject": "served"})
	if res := e.Do("GET", "/live/v1/tickets/"+id, nil); res.Status != 401 {
		t.Fatalf("documented path answers %d without a token, want 401", res.Status)
	}
}

// BenchmarkFanout measures one change reaching every open stream of a
// ticket (durable commit, wake, one shared log read, each stream writing
// its event), on SQLite, with 1 and 100 streams.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

func benchFanout(b *testing.B, streams int) {
	e := servertest.New(b, storetest.OpenSQLite(b))
	hub := live.New(e.Deps.Desk, e.Deps.Auth, []byte("s"), quiet)
	mux := http.NewServeMux()
	mux.Handle("GET "+live.Path, hub)
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	tk, err := e.Deps.Desk.CreateTicket(context.Background(), e.Workspace.ID, desk.System, desk.NewTicket{Subject: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: streams}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	got := make(chan struct{}, streams*4)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	for range streams {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/live/v1/tickets/"+tk.ID+"?token="+hub.RoomToken(e.Workspace.ID, tk.ID), nil)
		res, err := client.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("open: %v", err)
		}
		go func() {
			defer res.Body.Close()
			er := live.NewEventReader(res.Body)
			for {
				if _, err := er.Next(); err != nil {
					return
				}
				got <- struct{}{}
			}
		}()
	}
	for hub.Streams() < streams {
		time.Sleep(time.Millisecond)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := e.Deps.Desk.AddMessage(context.Background(), e.Workspace.ID, tk.ID, desk.NewMessage{Text: "hi", Author: desk.System}); err != nil {
			b.Fatal(err)
		}
		for range streams {
			<-got
		}
	}
}
