package dolphins_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// countingStore is a real store that counts the one-at-a-time reads a
// list must not repeat per ticket.
type countingStore struct {
	desk.Store
	reads atomic.Int64
}

func (s *countingStore) Contact(ctx context.Context, ws, id string) (*desk.Contact, error) {
	s.reads.Add(1)
	return s.Store.Contact(ctx, ws, id)
}

func (s *countingStore) Agent(ctx context.Context, ws, id string) (*desk.Agent, error) {
	s.reads.Add(1)
	return s.Store.Agent(ctx, ws, id)
}

func (s *countingStore) ChannelAccount(ctx context.Context, ws, id string) (*desk.ChannelAccount, error) {
	s.reads.Add(1)
	return s.Store.ChannelAccount(ctx, ws, id)
}

func (s *countingStore) Messages(ctx context.Context, ws, ticketID string, f desk.MessageFilter) ([]desk.Message, error) {
	s.reads.Add(1)
	return s.Store.Messages(ctx, ws, ticketID, f)
}

func (s *countingStore) Events(ctx context.Context, ws, ticketID string) ([]desk.Event, error) {
	s.reads.Add(1)
	return s.Store.Events(ctx, ws, ticketID)
}

// A page of root documents costs the same reads for 2 tickets as for 12:
// events, messages, contacts, accounts and agents come a page at a time.
func TestListReadsDoNotGrowWithThePage(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		st := &countingStore{Store: open(t)}
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
			before := st.reads.Load()
			if got := f.ok(f.do("GET", fmt.Sprintf("/graph/tickets?start=0&count=%d", count), nil, f.tSup)); len(got.Data.([]any)) != count {
				t.Fatalf("count=%d: %d documents", count, len(got.Data.([]any)))
			}
			return st.reads.Load() - before
		}
		reads(1) // warms what a request reads once (the caller)
		if small, big := reads(2), reads(12); big != small {
			t.Fatalf("one-at-a-time reads: %d for 2 tickets, %d for 12", small, big)
		}
	})
}
