package storetest

import (
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// testBoard: the supervisor board's reads — each agent's oldest active
// ticket, and per group the tickets whose SLA target fell due in the day
// without being met (a ticket missing both targets once; met, ended, future
// and yesterday's targets not at all; another workspace never).
func testBoard(t *testing.T, st desk.Store) {
	br, ok := st.(desk.BoardReader)
	if !ok {
		t.Fatalf("store %s has no board reads", st.Backend())
	}
	f := newFixture(t, st, "acme")
	other := newFixture(t, st, "other")
	now := time.Now().UTC().Truncate(time.Millisecond)
	since := now.Add(-10 * time.Hour)
	h := func(d float64) time.Time { return now.Add(time.Duration(d * float64(time.Hour))) }

	// set writes fields a ticket's life would have stamped.
	set := func(tk *desk.Ticket, fn func(*desk.Ticket)) {
		t.Helper()
		if err := st.Update(ctx, func(tx desk.Tx) error {
			cur, err := tx.LockTicket(ctx, tk.WorkspaceID, tk.ID)
			if err != nil {
				return err
			}
			fn(cur)
			return tx.UpdateTicket(ctx, cur)
		}); err != nil {
			t.Fatal(err)
		}
	}
	open := func(fx *fixture, group string, fn func(*desk.Ticket)) *desk.Ticket {
		tk := fx.ticket(t, desk.NewTicket{Subject: "s", Channel: desk.ChannelEmail, GroupID: group})
		set(tk, func(x *desk.Ticket) { x.FirstReplyDueAt, x.ResolveDueAt = time.Time{}, time.Time{}; fn(x) })
		return tk
	}
	// Breaches in f.group: a missed first reply; a late first reply; a
	// resolution still open past due; one missing both (counted once).
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-2) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-3); x.FirstAgentResponseAt = h(-1) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.ResolveDueAt = h(-1) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-4); x.ResolveDueAt = h(-2) })
	// No breach: met in time; solved in time; due later; due yesterday.
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-2); x.FirstAgentResponseAt = h(-3) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.ResolveDueAt = h(-2); x.SolvedAt = h(-5) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(2) })
	open(f, f.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-20) })
	// Without a group: one; another workspace: not ours.
	open(f, "", func(x *desk.Ticket) { x.ResolveDueAt = h(-1) })
	open(other, other.group.ID, func(x *desk.Ticket) { x.FirstReplyDueAt = h(-1) })

	// Oldest active per assignee: the older of two; a solved one not at all.
	real := f.svc.Now
	at := func(d float64, st desk.Status) {
		f.svc.Now = func() time.Time { return h(d) }
		open(f, "", func(x *desk.Ticket) { x.AssigneeID, x.Status = f.admin.ID, st })
	}
	at(-30, desk.StatusOpen)
	at(-5, desk.StatusPending)
	at(-90, desk.StatusSolved)
	f.svc.Now = real

	b, err := br.Board(ctx, f.ws.ID, since, now)
	if err != nil {
		t.Fatal(err)
	}
	if b.Breaches[f.group.ID] != 4 || b.Breaches[""] != 1 || len(b.Breaches) != 2 {
		t.Errorf("Breaches = %v, want %s: 4, \"\": 1", b.Breaches, f.group.ID)
	}
	if got := b.OldestActive[f.admin.ID]; !got.Equal(h(-30)) {
		t.Errorf("OldestActive[admin] = %v, want %v", got, h(-30))
	}
	if len(b.OldestActive) != 1 {
		t.Errorf("OldestActive = %v, want only the admin", b.OldestActive)
	}
}
