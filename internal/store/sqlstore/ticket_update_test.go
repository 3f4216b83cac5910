package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// UpdateTicket writes only changed columns of a ticket the transaction
// inserted or locked; whatever path it takes, the stored row must equal the
// ticket given, on both stores.
func TestUpdateTicketWritesChanges(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			d := desk.NewService(st)
			ws, admin, err := d.NewWorkspace(ctx, "w", "UTC", "Admin", "a@w.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC().Truncate(time.Millisecond)
			newTicket := func() *desk.Ticket {
				return &desk.Ticket{ID: objectid.New(now), WorkspaceID: ws.ID, Subject: "s", Status: desk.StatusNew,
					Channel: desk.ChannelEmail, Priority: desk.PriorityHigh, Tags: []string{"a", "b"}, CreatedAt: now, UpdatedAt: now,
					CustomFields: desk.Fields{{Key: "k", Value: []byte(`"v"`)}}}
			}
			stored := func(id string) *desk.Ticket {
				got, err := st.Ticket(ctx, ws.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			same := func(what string, want *desk.Ticket) {
				t.Helper()
				if got := stored(want.ID); !reflect.DeepEqual(norm(*want), norm(*got)) {
					t.Errorf("%s: stored ticket differs:\nwant %+v\n got %+v", what, norm(*want), norm(*got))
				}
				tagged, err := st.Tickets(ctx, ws.ID, desk.TicketFilter{Numbers: []int64{want.Number}, Tag: "c"})
				if err != nil {
					t.Fatal(err)
				}
				hasC := false
				for _, tg := range want.Tags {
					hasC = hasC || tg == "c"
				}
				if (len(tagged) == 1) != hasC {
					t.Errorf("%s: tag rows do not match tags %v", what, want.Tags)
				}
			}

			// Insert, then change in the same transaction (what creation does).
			tk := newTicket()
			err = st.Update(ctx, func(tx desk.Tx) error {
				if err := tx.CreateTicket(ctx, tk); err != nil {
					return err
				}
				tk.Status, tk.StatusReason, tk.QueuedAt = desk.StatusAssigned, "why", now.Add(time.Second)
				tk.AssigneeID, tk.Tags = admin.ID, []string{"b", "c"}
				if err := tx.UpdateTicket(ctx, tk); err != nil {
					return err
				}
				tk.Subject = "changed twice" // a second update of the same row
				tk.Escalated = true
				return tx.UpdateTicket(ctx, tk)
			})
			if err != nil {
				t.Fatal(err)
			}
			same("created then updated", tk)

			// Lock, change a few columns, clear others (what a message does).
			err = st.Update(ctx, func(tx desk.Tx) error {
				l, err := tx.LockTicket(ctx, ws.ID, tk.ID)
				if err != nil {
					return err
				}
				l.AssigneeID, l.Tags, l.CustomFields, l.Escalated = "", nil, nil, false
				l.LastAgentMsgAt = now.Add(time.Minute)
				if err := tx.UpdateTicket(ctx, l); err != nil {
					return err
				}
				tk = l
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			same("locked then updated", tk)

			// Nothing changed: nothing to write, and no error.
			err = st.Update(ctx, func(tx desk.Tx) error {
				l, err := tx.LockTicket(ctx, ws.ID, tk.ID)
				if err != nil {
					return err
				}
				return tx.UpdateTicket(ctx, l)
			})
			if err != nil {
				t.Fatal(err)
			}
			same("unchanged", tk)

			// A ticket not read in this transaction: written whole.
			tk.Subject, tk.Tags = "whole", []string{"c"}
			if err := st.Update(ctx, func(tx desk.Tx) error { return tx.UpdateTicket(ctx, tk) }); err != nil {
				t.Fatal(err)
			}
			same("written whole", tk)

			// A failed transaction leaves the row as it was.
			before := stored(tk.ID)
			boom := errors.New("boom")
			err = st.Update(ctx, func(tx desk.Tx) error {
				l, err := tx.LockTicket(ctx, ws.ID, tk.ID)
				if err != nil {
					return err
				}
				l.Subject = "rolled back"
				if err := tx.UpdateTicket(ctx, l); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
			same("rolled back", before)

			missing := newTicket()
			err = st.Update(ctx, func(tx desk.Tx) error { return tx.UpdateTicket(ctx, missing) })
			if !errors.Is(err, desk.ErrNotFound) {
				t.Fatalf("update of a missing ticket: %v", err)
			}
		})
	}
}

// norm makes empty lists and maps one value: a stored empty list reads
// back empty, not nil.
func norm(t desk.Ticket) desk.Ticket {
	if len(t.Tags) == 0 {
		t.Tags = nil
	}
	if len(t.CustomFields) == 0 {
		t.CustomFields = nil
	}
	if len(t.Meta) == 0 {
		t.Meta = nil
	}
	return t
}
