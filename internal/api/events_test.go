package api_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// The feed pages through the workspace's events in seq order, 1..N with no
// gap, resumes from next_after, refuses a bad after or limit, and never
// shows another workspace's events. Any agent reads it, as any agent reads
// a ticket's log.
func TestEventFeed(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		_, agentTok := e.Agent(desk.NewAgent{Name: "Li", Email: "li@acme.test", Role: desk.RoleAgent})
		for i := 0; i < 3; i++ {
			scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
				body: map[string]any{"subject": fmt.Sprint("t", i), "message": "hola"}}.run(t, e)
		}
		_, _, otherTok := e.NewWorkspace("globex", "UTC")
		scenario{name: "other ticket", method: "POST", path: "/api/v1/tickets", token: otherTok, status: 201,
			body: map[string]any{"subject": "secret"}}.run(t, e)

		type page struct {
			Events []struct {
				Seq      int64  `json:"seq"`
				TicketID string `json:"ticket_id"`
				Type     string `json:"type"`
			} `json:"events"`
			NextAfter int64 `json:"next_after"`
		}
		read := func(tok, query string) page {
			t.Helper()
			res := scenario{name: "feed", method: "GET", path: "/api/v1/events" + query, token: tok, status: 200}.run(t, e)
			var p page
			if err := json.Unmarshal(res.Body, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		all := read(agentTok, "")
		if len(all.Events) < 6 || all.NextAfter != int64(len(all.Events)) {
			t.Fatalf("feed = %+v", all)
		}
		for i, ev := range all.Events {
			if ev.Seq != int64(i+1) || ev.TicketID == "" || ev.Type == "" {
				t.Fatalf("event %d = %+v", i, ev)
			}
		}
		var resumed []int64
		for after := int64(0); ; {
			p := read(tok, fmt.Sprintf("?after=%d&limit=2", after))
			if len(p.Events) == 0 {
				if p.NextAfter != after {
					t.Fatalf("empty page next_after = %d, want %d", p.NextAfter, after)
				}
				break
			}
			for _, ev := range p.Events {
				resumed = append(resumed, ev.Seq)
			}
			after = p.NextAfter
		}
		if len(resumed) != len(all.Events) || resumed[len(resumed)-1] != all.NextAfter {
			t.Fatalf("paged seqs %v, want 1..%d", resumed, all.NextAfter)
		}
		other := read(otherTok, "")
		if len(other.Events) == 0 || other.Events[0].Seq != 1 {
			t.Fatalf("another workspace's feed = %+v", other)
		}
		for _, ev := range other.Events {
			for _, mine := range all.Events {
				if ev.TicketID == mine.TicketID {
					t.Fatalf("workspace feeds share ticket %s", ev.TicketID)
				}
			}
		}
		for _, s := range []scenario{
			{name: "negative after", method: "GET", path: "/api/v1/events?after=-1", token: tok, status: 400},
			{name: "word after", method: "GET", path: "/api/v1/events?after=x", token: tok, status: 400},
			{name: "limit too big", method: "GET", path: "/api/v1/events?limit=1001", token: tok, status: 400},
			{name: "no token", method: "GET", path: "/api/v1/events", status: 401},
			{name: "ticket log has seq", method: "GET", path: "/api/v1/tickets/1/events", token: tok, status: 200,
				want: []string{`"seq":1,`}},
		} {
			s.run(t, e)
		}
	})
}
