package dolphins_test

import (
	"fmt"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// A page of root documents costs the same reads for 2 tickets as for 12:
// events, messages, contacts, accounts and agents come a page at a time.
func TestListReadsDoNotGrowWithThePage(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		st := &storetest.CountingStore{Store: open(t)}
		f := setup(t, servertest.New(t, st))
		for i := range 12 {
			c, err := f.e.Deps.Desk.CreateContact(f.ctx, f.ws.ID, desk.NewContact{Name: fmt.Sprintf("c%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			tk := f.ticket(desk.NewTicket{ContactID: c.ID, AssigneeID: []string{f.agent.ID, f.agent2.ID, ""}[i%3]})
			if _, _, err := f.e.Deps.Desk.AddMessage(f.ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "reply",
				Author: desk.Actor{Kind: desk.ActorAgent, ID: f.sup.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		reads := func(count int) int64 {
			before := st.Reads.Load()
			if got := f.ok(f.do("GET", fmt.Sprintf("/graph/tickets?start=0&count=%d", count), nil, f.tSup)); len(got.Data.([]any)) != count {
				t.Fatalf("count=%d: %d documents", count, len(got.Data.([]any)))
			}
			return st.Reads.Load() - before
		}
		reads(1) // warms what a request reads once (the caller)
		if small, big := reads(2), reads(12); big != small {
			t.Fatalf("one-at-a-time reads: %d for 2 tickets, %d for 12", small, big)
		}
	})
}
