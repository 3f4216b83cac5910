package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestTicketHeads: the narrow list agrees with Tickets, filter for filter,
// on the tickets, their order and the fields it reads.
func TestTicketHeads(t *testing.T) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			st := be.Open(t)
			d := desk.NewService(st)
			ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "$argon2id$stub")
			if err != nil {
				t.Fatal(err)
			}
			ana, err := d.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana"})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 6; i++ {
				in := desk.NewTicket{Subject: fmt.Sprint("ticket ", i), Channel: desk.ChannelEmail, Priority: desk.PriorityHigh}
				if i%2 == 0 {
					in.ContactID = ana.ID
				}
				if _, err := d.CreateTicket(ctx, ws.ID, desk.System, in); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range []desk.TicketFilter{{}, {ContactID: ana.ID, Limit: 2}, {ContactID: ana.ID, Order: desk.OrderUpdatedDesc},
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
						h.Priority != w.Priority || h.Channel != w.Channel || !h.CreatedAt.Equal(w.CreatedAt) || !h.UpdatedAt.Equal(w.UpdatedAt) {
						t.Fatalf("%+v: head %d = %+v, ticket %+v", f, i, h, w)
					}
				}
			}
			if _, err := st.(*sqlstore.Store).TicketHeads(ctx, ws.ID, desk.TicketFilter{Order: "sideways"}); err == nil {
				t.Fatal("an unknown order was accepted")
			}
		})
	}
}
