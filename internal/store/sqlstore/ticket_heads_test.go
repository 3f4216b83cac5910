package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// TestTicketHeads: the narrow list agrees with Tickets, filter for filter,
// on the tickets, their order and the fields it reads.
func TestTicketHeads(t *testing.T) {
	inWorkspace(t, func(t *testing.T, st desk.Store, d *desk.Service, ws *desk.Workspace) {
		ctx := context.Background()
		ana, err := d.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := st.Agents(ctx, ws.ID, desk.AgentFilter{})
		if err != nil || len(admin) == 0 {
			t.Fatal(err)
		}
		g, err := d.CreateGroup(ctx, ws.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			in := desk.NewTicket{Subject: fmt.Sprint("ticket ", i), Channel: desk.ChannelEmail, Priority: desk.PriorityHigh}
			if i%2 == 0 {
				in.ContactID, in.AssigneeID, in.GroupID, in.Priority = ana.ID, admin[0].ID, g.ID, desk.PriorityUrgent
			}
			tk, err := d.CreateTicket(ctx, ws.ID, desk.System, in)
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if err := st.Update(ctx, func(tx desk.Tx) error {
					l, err := tx.LockTicket(ctx, ws.ID, tk.ID)
					if err != nil {
						return err
					}
					now := l.CreatedAt
					l.Escalated, l.FirstReplyDueAt, l.ResolveDueAt, l.FirstAgentResponseAt = true, now.Add(time.Hour), now.Add(24*time.Hour), now.Add(time.Minute)
					return tx.UpdateTicket(ctx, l)
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
		escalated := 0
		for _, f := range []desk.TicketFilter{{}, {ContactID: ana.ID, Limit: 2}, {ContactID: ana.ID, Order: desk.OrderUpdatedDesc}, {Order: desk.OrderPriority}, {Order: desk.OrderSLADue},
			{Statuses: desk.ActiveStatuses, Order: desk.OrderNumberAsc}, {ContactID: "none-such"}} {
			full, err := st.Tickets(ctx, ws.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			heads, err := st.(*sqlstore.Store).TicketHeads(ctx, ws.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(heads) != len(full) {
				t.Fatalf("%+v: %d heads, %d tickets", f, len(heads), len(full))
			}
			for i := range full {
				h, w := heads[i], full[i]
				if h.ID != w.ID || h.WorkspaceID != w.WorkspaceID || h.Number != w.Number || h.Subject != w.Subject || h.Status != w.Status ||
					h.Escalated != w.Escalated || h.Priority != w.Priority || h.PriorityRank != w.PriorityRank || h.Channel != w.Channel ||
					h.ContactID != w.ContactID || h.AssigneeID != w.AssigneeID || h.GroupID != w.GroupID ||
					!h.CreatedAt.Equal(w.CreatedAt) || !h.UpdatedAt.Equal(w.UpdatedAt) || !h.FirstAgentResponseAt.Equal(w.FirstAgentResponseAt) ||
					!h.FirstReplyDueAt.Equal(w.FirstReplyDueAt) || !h.ResolveDueAt.Equal(w.ResolveDueAt) {
					t.Fatalf("%+v: head %d = %+v, ticket %+v", f, i, h, w)
				}
				for _, o := range []desk.TicketOrder{desk.OrderUpdatedDesc, desk.OrderPriority, desk.OrderSLADue, desk.OrderCreatedAsc} {
					if h.CursorIn(o) != w.CursorIn(o) {
						t.Fatalf("cursor in %q: head %+v, ticket %+v", o, h.CursorIn(o), w.CursorIn(o))
					}
				}
				if w.Escalated || !w.ResolveDueAt.IsZero() {
					escalated++
				}
			}
		}
		if escalated == 0 {
			t.Fatal("no ticket with the escalation and SLA stamps was compared")
		}
		if _, err := st.(*sqlstore.Store).TicketHeads(ctx, ws.ID, desk.TicketFilter{Order: "sideways"}); err == nil {
			t.Fatal("an unknown order was accepted")
		}
	})
}
