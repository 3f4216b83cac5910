package oneview_test

import (
	"fmt"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// An agent's list costs the same reads for 2 tickets as for 12: contacts
// and messages come a list at a time.
func TestAgentTicketsReadsDoNotGrowWithTheList(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		st := &storetest.CountingStore{Store: open(t)}
		e := servertest.New(t, st)
		ws := e.Workspace.ID
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		other, otherTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		for i := range 14 {
			c, err := e.Deps.Desk.CreateContact(ctx, ws, desk.NewContact{Name: fmt.Sprintf("c %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			owner := ag.ID
			if i < 2 {
				owner = other.ID
			}
			if _, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "s", ContactID: c.ID,
				Message: &desk.NewMessage{Text: "hello"}, AssigneeID: owner}); err != nil {
				t.Fatal(err)
			}
		}
		reads := func(id, tok string, want int) int64 {
			before := st.Reads.Load()
			res := e.Do("GET", "/chat-ticket/v1/"+id+"/tickets", nil, bearer(tok))
			var list []map[string]any
			decodeExact(t, res.Body, &list)
			if res.Status != 200 || len(list) != want {
				t.Fatalf("GET tickets: %d, %d tickets, want %d", res.Status, len(list), want)
			}
			return st.Reads.Load() - before
		}
		reads(other.ID, otherTok, 2) // warms what a request reads once (the caller)
		reads(ag.ID, tok, 12)
		if small, big := reads(other.ID, otherTok, 2), reads(ag.ID, tok, 12); big != small {
			t.Fatalf("one-at-a-time reads: %d for 2 tickets, %d for 12", small, big)
		}
	})
}
