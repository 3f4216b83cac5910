package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// TestEventsBut: a ticket's events without the skipped types are Events'
// answer with those filtered out, in the same order, in one workspace.
func TestEventsBut(t *testing.T) {
	inWorkspace(t, func(t *testing.T, st desk.Store, d *desk.Service, ws *desk.Workspace) {
		ctx := context.Background()
		tk, err := d.CreateTicket(ctx, ws.ID, desk.System, desk.NewTicket{Subject: "s", Message: &desk.NewMessage{Text: "first", Author: desk.System}})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"two", "three"} {
			if _, _, err := d.AddMessage(ctx, ws.ID, tk.ID, desk.NewMessage{Text: text, Author: desk.System}); err != nil {
				t.Fatal(err)
			}
		}
		pending := desk.StatusPending
		if _, err := d.UpdateTicket(ctx, ws.ID, tk.ID, desk.System, desk.TicketPatch{Status: &pending}); err != nil {
			t.Fatal(err)
		}
		all, err := st.Events(ctx, ws.ID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*sqlstore.Store)
		for _, skip := range [][]string{nil, {desk.EventMessageAdded}, {desk.EventMessageAdded, desk.EventStatusChanged}, {"no.such.type"}} {
			got, err := s.EventsBut(ctx, ws.ID, tk.ID, skip...)
			if err != nil {
				t.Fatal(err)
			}
			var want []desk.Event
			for _, e := range all {
				keep := true
				for _, k := range skip {
					keep = keep && e.Type != k
				}
				if keep {
					want = append(want, e)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("skip %v: got %d events, want %d:\n%+v\n%+v", skip, len(got), len(want), got, want)
			}
		}
		if n := len(all); n < 4 {
			t.Fatalf("only %d events to filter", n)
		}
		if got, err := s.EventsBut(ctx, "0123456789abcdef01234567", tk.ID, desk.EventMessageAdded); err != nil || len(got) != 0 {
			t.Fatalf("another workspace: %d events, %v", len(got), err)
		}
	})
}
