package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// A transaction holds back new tickets, messages and events until its next
// other statement (events.go): whatever it reads must still see them, a
// held-back ticket changed before it is sent must be written as changed,
// and a held-back write that fails must fail the transaction, even when
// the body carries on.
func TestHeldBackWrites(t *testing.T) {
	ctx := context.Background()
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			svc := desk.NewService(st)
			ws, admin, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "hash")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC().Truncate(time.Millisecond)
			tk := &desk.Ticket{ID: objectid.New(now), WorkspaceID: ws.ID, Status: desk.StatusNew, Channel: desk.ChannelEmail,
				Subject: "held back", Tags: []string{"a"}, CreatedAt: now, UpdatedAt: now}
			ev := func(typ string) *desk.Event {
				return &desk.Event{ID: objectid.New(now), WorkspaceID: ws.ID, TicketID: tk.ID, At: now,
					Actor: desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}, Type: typ}
			}
			err = st.Update(ctx, func(tx desk.Tx) error {
				if err := tx.CreateTicket(ctx, tk); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, ev(desk.EventCreated)); err != nil {
					return err
				}
				m := &desk.Message{ID: objectid.New(now), WorkspaceID: ws.ID, TicketID: tk.ID, Direction: desk.DirectionOut,
					Public: true, Author: desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}, Text: "first", CreatedAt: now}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				tk.Status, tk.Tags = desk.StatusUnassigned, []string{"a", "b"}
				if err := tx.UpdateTicket(ctx, tk); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, ev(desk.EventStatusChanged)); err != nil {
					return err
				}
				got, err := tx.Ticket(ctx, ws.ID, tk.ID)
				if err != nil || got.Status != desk.StatusUnassigned || len(got.Tags) != 2 {
					t.Errorf("tx reads its held-back ticket as %+v, %v", got, err)
				}
				evs, err := tx.Events(ctx, ws.ID, tk.ID)
				if err != nil || len(evs) != 2 {
					t.Errorf("tx reads %d held-back events, %v", len(evs), err)
				}
				msgs, err := tx.Messages(ctx, ws.ID, tk.ID, desk.MessageFilter{})
				if err != nil || len(msgs) != 1 {
					t.Errorf("tx reads %d held-back messages, %v", len(msgs), err)
				}
				// Sent now: this one waits for the commit.
				return tx.AppendEvent(ctx, ev(desk.EventFieldChanged))
			})
			if err != nil {
				t.Fatal(err)
			}
			evs, err := st.Events(ctx, ws.ID, tk.ID)
			if err != nil || len(evs) != 3 || evs[2].Type != desk.EventFieldChanged {
				t.Fatalf("committed events = %+v, %v", evs, err)
			}
			n, err := st.CountTickets(ctx, ws.ID, desk.TicketFilter{Tag: "b", Statuses: []desk.Status{desk.StatusUnassigned}})
			if err != nil || n != 1 {
				t.Fatalf("committed ticket with its last state: %d, %v", n, err)
			}

			// An event of no ticket breaks a foreign key when it is sent:
			// the transaction fails, though the body ignored what it read.
			err = st.Update(ctx, func(tx desk.Tx) error {
				bad := ev(desk.EventCreated)
				bad.TicketID = objectid.New(now)
				if err := tx.AppendEvent(ctx, bad); err != nil {
					return err
				}
				_, _ = tx.Ticket(ctx, ws.ID, tk.ID)
				return nil
			})
			if err == nil {
				t.Fatal("an event of no ticket committed")
			}
			if _, err := st.Ticket(ctx, ws.ID, tk.ID); err != nil {
				t.Fatal(err)
			}
			if n, _ := st.CountTickets(ctx, ws.ID, desk.TicketFilter{}); n != 1 {
				t.Fatalf("tickets = %d, want 1", n)
			}
		})
	}
}
