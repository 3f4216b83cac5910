package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// testUrgencyOrders: the priority and SLA-due orders sort as documented
// and page by keyset, each ticket once, with the store's filters.
func testUrgencyOrders(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	prios := []desk.Priority{desk.PriorityLow, desk.PriorityUrgent, "", desk.PriorityHigh, desk.PriorityNormal, desk.PriorityUrgent}
	var all []*desk.Ticket
	for i := 0; i < 18; i++ {
		tk := f.ticket(t, desk.NewTicket{Subject: fmt.Sprint("u", i), Priority: prios[i%len(prios)]})
		// Due times: some answer-due, some answered (resolution counts),
		// some with none at all.
		err := f.svc.Update(ctx, f.ws.ID, func(tx desk.Tx, ch *desk.Change) error {
			cur, err := tx.LockTicket(ctx, f.ws.ID, tk.ID)
			if err != nil {
				return err
			}
			switch i % 3 {
			case 0:
				cur.FirstReplyDueAt = base.Add(time.Duration(18-i) * time.Hour)
				cur.ResolveDueAt = base.Add(100 * time.Hour)
			case 1:
				cur.FirstReplyDueAt = base.Add(-time.Hour) // answered: no longer the target
				cur.FirstAgentResponseAt = base
				cur.ResolveDueAt = base.Add(time.Duration(i) * time.Hour)
			}
			*tk = *cur
			return tx.UpdateTicket(ctx, cur)
		})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tk)
	}
	for _, order := range []desk.TicketOrder{desk.OrderPriority, desk.OrderSLADue} {
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b *desk.Ticket) int {
			ka, kb := a.CursorIn(order), b.CursorIn(order)
			if ka.Key != kb.Key {
				return int(ka.Key - kb.Key)
			}
			return int(a.Number - b.Number)
		})
		var got []int64
		var after *desk.Cursor
		for page := 0; page < 10; page++ {
			ts, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: order, After: after, Limit: 4, Statuses: desk.ActiveStatuses})
			if err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			for _, tk := range ts {
				got = append(got, tk.Number)
			}
			if len(ts) < 4 {
				break
			}
			c := ts[len(ts)-1].CursorIn(order)
			after = &c
		}
		var wantNums []int64
		for _, tk := range want {
			wantNums = append(wantNums, tk.Number)
		}
		if fmt.Sprint(got) != fmt.Sprint(wantNums) {
			t.Errorf("%s: paged %v, want %v", order, got, wantNums)
		}
	}
	// Spot checks of the meaning, not only of the agreement with CursorIn.
	first, _ := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: desk.OrderPriority, Limit: 1})
	if len(first) != 1 || first[0].Priority != desk.PriorityUrgent {
		t.Errorf("priority order starts with %+v", first)
	}
	last, _ := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: desk.OrderSLADue, Limit: 18})
	if n := len(last); n != 18 || desk.SLADueKey(&last[n-1]) != desk.NoSLADue || desk.SLADueKey(&last[0]) == desk.NoSLADue {
		t.Errorf("SLA order: tickets without a target are not last")
	}
}
