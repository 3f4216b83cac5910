package routing_test

import (
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// fullHouse: one agent of capacity 1 in cs, holding one ticket, and a queue
// of four: normal (oldest), urgent, low, urgent (newest).
func fullHouse(f *fx) (cs *desk.Group, ana *desk.Agent, held *desk.Ticket, q []*desk.Ticket) {
	cs = f.group("cs")
	ana = f.agent("Ana", desk.RoleAgent, 1, cs)
	f.online(ana)
	held = f.inGroup(cs, desk.PriorityNormal)
	for _, p := range []desk.Priority{desk.PriorityNormal, desk.PriorityUrgent, desk.PriorityLow, desk.PriorityUrgent} {
		f.tick(time.Second)
		q = append(q, f.inGroup(cs, p))
	}
	return
}

func TestDrainOnCloseUrgentFirstThenOldest(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		_, ana, held, q := fullHouse(f)
		wantAssignee(t, held, ana)
		for _, tk := range q {
			wantAssignee(t, tk, nil)
		}
		// Closing frees Ana's slot: the oldest urgent ticket is hers, and the
		// very next read shows it (the drain ran in the closing transaction).
		f.close(held, asAgent(ana))
		order := []*desk.Ticket{q[1], q[3], q[0], q[2]}
		for i, want := range order {
			got := f.reload(want)
			wantAssignee(t, got, ana)
			for _, later := range order[i+1:] {
				wantAssignee(t, f.reload(later), nil)
			}
			if got.Status != desk.StatusAssigned {
				t.Fatalf("ticket %d status %s", got.Number, got.Status)
			}
			// Solving (not only closing) frees capacity too.
			st := desk.StatusSolved
			if _, err := f.d.UpdateTicket(f.ctx, f.ws.ID, got.ID, asAgent(ana), desk.TicketPatch{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		if f.load(ana) != 0 {
			t.Fatalf("Ana holds %d", f.load(ana))
		}
	})
}

func TestDrainOnCapacityRaisedAndGroupJoined(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs, ana, _, q := fullHouse(f)
		two := 3
		if _, err := f.d.UpdateAgent(f.ctx, f.ws.ID, ana.ID, desk.AgentPatch{Capacity: &two}); err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, f.reload(q[1]), ana)
		wantAssignee(t, f.reload(q[3]), ana)
		wantAssignee(t, f.reload(q[0]), nil)
		// A new member of cs takes the rest as soon as it is online.
		bob := f.agent("Bob", desk.RoleAgent, 0)
		f.online(bob)
		wantAssignee(t, f.reload(q[0]), nil)
		if _, err := f.d.UpdateAgent(f.ctx, f.ws.ID, bob.ID, desk.AgentPatch{GroupIDs: &[]string{cs.ID}}); err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, f.reload(q[0]), bob)
		wantAssignee(t, f.reload(q[2]), bob)
	})
}

func TestQueuePositions(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs, _, held, q := fullHouse(f)
		want := map[string]int{q[1].ID: 1, q[3].ID: 2, q[0].ID: 3, q[2].ID: 4, held.ID: 0}
		for id, pos := range want {
			got, err := f.e.QueuePosition(f.ctx, f.ws.ID, id)
			if err != nil || got != pos {
				t.Fatalf("position of %s = %d, %v; want %d", id, got, err, pos)
			}
		}
		page, err := f.e.Queue(f.ctx, f.ws.ID, cs.ID, nil, 3)
		if err != nil || len(page) != 3 {
			t.Fatalf("queue page: %v, %d entries", err, len(page))
		}
		for i, e := range page {
			if e.Position != i+1 || want[e.Ticket.ID] != i+1 {
				t.Fatalf("entry %d: position %d ticket %d", i, e.Position, e.Ticket.Number)
			}
		}
		k := desk.QueueKeyOf(&page[2].Ticket)
		rest, err := f.e.Queue(f.ctx, f.ws.ID, cs.ID, &k, 3)
		if err != nil || len(rest) != 1 || rest[0].Position != 4 || rest[0].Ticket.ID != q[2].ID {
			t.Fatalf("second page: %v %+v", err, rest)
		}
		// A priority change moves a ticket in its queue.
		up := desk.PriorityUrgent
		if _, err := f.d.UpdateTicket(f.ctx, f.ws.ID, q[2].ID, desk.System, desk.TicketPatch{Priority: &up}); err != nil {
			t.Fatal(err)
		}
		// Urgent now, and older than the other urgent one behind q[1].
		if got, _ := f.e.QueuePosition(f.ctx, f.ws.ID, q[2].ID); got != 2 {
			t.Fatalf("after raising priority: position %d, want 2", got)
		}
		// A ticket created without routing stays new and out of the queues.
		nr := f.ticket(desk.NewTicket{GroupID: cs.ID, NoRoute: true})
		if nr.Status != desk.StatusNew || nr.AssigneeID != "" {
			t.Fatalf("NoRoute ticket: %s %q", nr.Status, nr.AssigneeID)
		}
		if got, _ := f.e.QueuePosition(f.ctx, f.ws.ID, nr.ID); got != 0 {
			t.Fatalf("NoRoute ticket position %d", got)
		}
		// The general queue is separate.
		gen := f.inGroup(nil, "")
		if got, _ := f.e.QueuePosition(f.ctx, f.ws.ID, gen.ID); got != 1 {
			t.Fatalf("general queue position %d", got)
		}
		qs, err := f.e.Queues(f.ctx, f.ws.ID)
		if err != nil || len(qs) != 2 {
			t.Fatalf("queues: %v %+v", err, qs)
		}
		if qs[0].GroupID != "" || qs[0].Waiting != 1 || qs[1].GroupID != cs.ID || qs[1].Waiting != 4 ||
			qs[1].Agents != (desk.PoolCount{Members: 1, Online: 1, Available: 0}) || !qs[1].Oldest.Equal(q[0].CreatedAt) {
			t.Fatalf("queues %+v", qs)
		}
	})
}

func TestRequeueOnOffline(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 5, cs)
		bob := f.agent("Bob", desk.RoleAgent, 1, cs)
		f.online(ana)
		t1, t2 := f.inGroup(cs, ""), f.inGroup(cs, desk.PriorityHigh)
		// Off by default: an offline agent keeps its tickets.
		f.presence(desk.PresenceOffline, ana)
		wantAssignee(t, f.reload(t1), ana)
		f.online(ana)
		if _, err := f.e.SetRequeueOnOffline(f.ctx, f.ws.ID, true); err != nil {
			t.Fatal(err)
		}
		if s, _ := f.e.Settings(f.ctx, f.ws.ID); !s.RequeueOnOffline {
			t.Fatal("setting not stored")
		}
		f.online(bob)
		f.presence(desk.PresenceOffline, ana)
		// Back in the queue; Bob (capacity 1) takes the high one, the other waits.
		wantAssignee(t, f.reload(t2), bob)
		got := f.reload(t1)
		wantAssignee(t, got, nil)
		if ev := f.last(got, desk.EventUnassigned); ev.From != ana.ID || ev.Reason != "agent Ana went offline" {
			t.Errorf("event %+v", ev)
		}
		if f.load(ana) != 0 {
			t.Errorf("Ana holds %d", f.load(ana))
		}
	})
}

func TestTransfer(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		sue := f.agent("Sue", desk.RoleSupervisor, 0)
		billing := f.group("billing", sue)
		ana := f.agent("Ana", desk.RoleAgent, 1, cs)
		bob := f.agent("Bob", desk.RoleAgent, 2, billing)
		f.online(ana, bob)
		tk := f.inGroup(cs, "")
		waiting := f.inGroup(cs, "")
		wantAssignee(t, tk, ana)
		wantAssignee(t, waiting, nil)
		got, err := f.e.Transfer(f.ctx, f.ws.ID, tk.ID, billing.ID, asAgent(ana), "invoice question")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, bob)
		if got.GroupID != billing.ID || got.SupervisorID != sue.ID || got.TransferredAt.IsZero() || got.Status != desk.StatusAssigned {
			t.Fatalf("after transfer %+v", got)
		}
		ev := f.last(got, desk.EventTransferred)
		if ev.From != cs.ID || ev.To != billing.ID || ev.Reason != "invoice question; transferred to group billing" || ev.Actor != asAgent(ana) {
			t.Errorf("transfer event %+v", ev)
		}
		if r := f.last(got, desk.EventAssigned).Reason; r != "assigned by workload: 0 of 2 open, 1 agent online in group billing" {
			t.Errorf("assign reason %q", r)
		}
		// Ana's slot freed: the ticket waiting in cs is hers now.
		wantAssignee(t, f.reload(waiting), ana)
		_, err = f.e.Transfer(f.ctx, f.ws.ID, tk.ID, "", asAgent(ana), "")
		wantErr(t, err, desk.ErrInvalid)
		_, err = f.e.Transfer(f.ctx, f.ws.ID, tk.ID, "nope", asAgent(ana), "")
		wantErr(t, err, desk.ErrInvalid)
		// A transfer through a ticket patch routes the same way.
		out, err := f.d.UpdateTicket(f.ctx, f.ws.ID, waiting.ID, asAgent(ana), desk.TicketPatch{GroupID: &billing.ID})
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, out, bob)
	})
}

func TestEscalate(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		sue := f.agent("Sue", desk.RoleSupervisor, 1)
		cs := f.group("cs", sue)
		ana := f.agent("Ana", desk.RoleAgent, 3, cs)
		f.online(ana)
		tk := f.inGroup(cs, "")
		wantAssignee(t, tk, ana)
		got, err := f.e.Escalate(f.ctx, f.ws.ID, tk.ID, asAgent(ana), "", "angry customer")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, sue)
		if !got.Escalated || got.EscalatedAt.IsZero() || got.Escalation == nil || got.Escalation.FromAgentID != ana.ID ||
			got.Escalation.ToAgentID != sue.ID || got.Escalation.Reason != "angry customer" || got.Status != desk.StatusAssigned {
			t.Fatalf("after escalate %+v %+v", got, got.Escalation)
		}
		if ev := f.last(got, desk.EventEscalated); ev.From != ana.ID || ev.To != sue.ID || ev.Actor != asAgent(ana) {
			t.Errorf("event %+v", ev)
		}
		// Sue is full now (capacity 1): escalating another needs force.
		t2 := f.inGroup(cs, "")
		_, err = f.e.Escalate(f.ctx, f.ws.ID, t2.ID, asAgent(ana), "", "")
		wantErr(t, err, desk.ErrCapacity)
		if f.reload(t2).Escalated {
			t.Fatal("a refused escalation left the flag")
		}
		got, err = f.e.Do(f.ctx, f.ws.ID, t2.ID, asAgent(sue), routingAction("escalate", sue.ID, true))
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, sue)
		// No supervisor anywhere: flagged, kept by its owner.
		free := f.inGroup(nil, "")
		f.online(f.agent("Bob", desk.RoleAgent, 0))
		got, err = f.e.Escalate(f.ctx, f.ws.ID, free.ID, desk.System, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Escalated || got.AssigneeID == "" || f.last(got, desk.EventEscalated).Reason != "escalated; no supervisor to hand it to" {
			t.Fatalf("escalation without supervisor: %+v", got)
		}
		// Closing clears the flag.
		if c := f.close(got, desk.System); c.Escalated {
			t.Fatal("closed ticket still escalated")
		}
		_, err = f.e.Escalate(f.ctx, f.ws.ID, got.ID, desk.System, "", "")
		wantErr(t, err, desk.ErrConflict)
	})
}

func TestBotOwnershipHandoffAndClose(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		sales := f.group("sales")
		bot := f.agent("Dolly", desk.RoleBot, 0)
		ana := f.agent("Ana", desk.RoleAgent, 2, cs)
		bob := f.agent("Bob", desk.RoleAgent, 2, sales)
		f.online(bot, ana, bob)
		// A bot owns a ticket only when given it: bots are never routed to.
		owned := f.ticket(desk.NewTicket{GroupID: cs.ID, AssigneeID: bot.ID, Origin: desk.OriginBot})
		wantAssignee(t, owned, bot)
		got, err := f.e.Handoff(f.ctx, f.ws.ID, owned.ID, desk.Actor{Kind: desk.ActorBot, ID: bot.ID}, sales.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, bob)
		if got.GroupID != sales.ID || got.TransferredAt.IsZero() {
			t.Fatalf("after handoff %+v", got)
		}
		if ev := f.last(got, desk.EventUnassigned); ev.From != bot.ID || ev.Actor.Kind != desk.ActorBot {
			t.Errorf("unassigned event %+v", ev)
		}
		tr := routingTrail(f, got)
		if !tr.Transferred || tr.TransferredFrom != bot.ID || tr.FromGroup != cs.ID || tr.ToGroup != sales.ID {
			t.Errorf("trail %+v", tr)
		}
		// Handoff straight to a named agent, keeping the group.
		owned2 := f.ticket(desk.NewTicket{GroupID: cs.ID, AssigneeID: bot.ID})
		got, err = f.e.Handoff(f.ctx, f.ws.ID, owned2.ID, desk.Actor{Kind: desk.ActorBot, ID: bot.ID}, "", ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, ana)
		if ev := f.last(got, desk.EventReassigned); ev.From != bot.ID || ev.To != ana.ID {
			t.Errorf("reassigned event %+v", ev)
		}
		// Close by bot and by agent: each an event with its actor, and each
		// frees capacity.
		byBot := f.close(got, desk.Actor{Kind: desk.ActorBot, ID: bot.ID})
		if byBot.ClosedBy.Kind != desk.ActorBot || f.last(byBot, desk.EventStatusChanged).Actor.Kind != desk.ActorBot {
			t.Errorf("closed by %+v", byBot.ClosedBy)
		}
		byAgent := f.close(f.reload(owned), asAgent(bob))
		if byAgent.ClosedBy != asAgent(bob) || f.last(byAgent, desk.EventStatusChanged).To != string(desk.StatusClosed) {
			t.Errorf("closed by %+v", byAgent.ClosedBy)
		}
		if f.load(bob) != 0 || f.load(ana) != 0 {
			t.Errorf("loads after closing: Bob %d Ana %d", f.load(bob), f.load(ana))
		}
	})
}

func TestReopenRespectsCapacity(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ana := f.agent("Ana", desk.RoleAgent, 1)
		bob := f.agent("Bob", desk.RoleAgent, 1)
		f.online(ana)
		first := f.inGroup(nil, "")
		st := desk.StatusSolved
		if _, err := f.d.UpdateTicket(f.ctx, f.ws.ID, first.ID, asAgent(ana), desk.TicketPatch{Status: &st}); err != nil {
			t.Fatal(err)
		}
		second := f.inGroup(nil, "")
		wantAssignee(t, second, ana)
		// The customer writes to the solved ticket: Ana is full, so it goes
		// back to the queue rather than over her capacity, open (the
		// customer is waiting) and without an owner.
		_, got, err := f.d.AddMessage(f.ctx, f.ws.ID, first.ID, desk.NewMessage{Text: "still broken", Author: desk.Actor{Kind: desk.ActorContact}})
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, nil)
		if got.Status != desk.StatusOpen || f.load(ana) != 1 {
			t.Fatalf("reopened: %s, Ana holds %d", got.Status, f.load(ana))
		}
		if r := f.last(got, desk.EventUnassigned).Reason; r != "reopened while its owner had 1 of 1 open" {
			t.Errorf("reason %q", r)
		}
		f.online(bob)
		wantAssignee(t, f.reload(first), bob)
		// With room, a reopened ticket stays with its owner.
		if _, err := f.d.UpdateTicket(f.ctx, f.ws.ID, first.ID, asAgent(bob), desk.TicketPatch{Status: &st}); err != nil {
			t.Fatal(err)
		}
		open := desk.StatusOpen
		got, err = f.d.UpdateTicket(f.ctx, f.ws.ID, first.ID, asAgent(bob), desk.TicketPatch{Status: &open})
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, bob)
	})
}

func TestChannelAccountRestriction(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		wa, err := f.d.CreateChannelAccount(f.ctx, f.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, Name: "wa"})
		if err != nil {
			t.Fatal(err)
		}
		fb, err := f.d.CreateChannelAccount(f.ctx, f.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelFacebook, Name: "fb"})
		if err != nil {
			t.Fatal(err)
		}
		ana := f.agent("Ana", desk.RoleAgent, 0)
		f.online(ana)
		if err := f.e.SetAssignableAccounts(f.ctx, f.ws.ID, ana.ID, []string{wa.ID, wa.ID}); err != nil {
			t.Fatal(err)
		}
		if ids, _ := f.e.AssignableAccounts(f.ctx, f.ws.ID, ana.ID); len(ids) != 1 || ids[0] != wa.ID {
			t.Fatalf("assignable %v", ids)
		}
		onFB := f.ticket(desk.NewTicket{Channel: desk.ChannelFacebook, ChannelAccountID: fb.ID})
		wantAssignee(t, onFB, nil)
		onWA := f.ticket(desk.NewTicket{Channel: desk.ChannelWhatsApp, ChannelAccountID: wa.ID})
		wantAssignee(t, onWA, ana)
		// Lifting the restriction drains the Facebook ticket to her.
		if err := f.e.SetAssignableAccounts(f.ctx, f.ws.ID, ana.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, f.reload(onFB), ana)
		err = f.e.SetAssignableAccounts(f.ctx, f.ws.ID, ana.ID, []string{"nope"})
		wantErr(t, err, desk.ErrInvalid)
	})
}

func TestNoRouteTicketRoutedLater(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ana := f.agent("Ana", desk.RoleAgent, 0)
		f.online(ana)
		tk := f.ticket(desk.NewTicket{NoRoute: true})
		if tk.Status != desk.StatusNew || tk.AssigneeID != "" {
			t.Fatalf("NoRoute ticket %s %q", tk.Status, tk.AssigneeID)
		}
		// Drains pass it by: it is in no queue.
		f.close(f.inGroup(nil, ""), desk.System)
		wantAssignee(t, f.reload(tk), nil)
		// A door routes it when it is ready (a reassign with no owner).
		got, err := f.e.Reassign(f.ctx, f.ws.ID, tk.ID, desk.System, "", false, "")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, ana)
		if got.Status != desk.StatusAssigned || f.last(got, desk.EventAssigned).Reason != "assigned by workload: 0 open, no limit, 1 agent online" {
			t.Fatalf("routed: %s, events %+v", got.Status, f.events(got))
		}
	})
}

// A group move through a patch (native PATCH group_id, or any door's
// update that names a group) is a transfer: the
// ticket waits in the new group's queue rather than going straight back to
// the owner it was taken from, even when the drain that follows the freed
// slot runs — as the engine's own Transfer does.
func TestGroupMoveByPatchDoesNotGiveBack(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		billing := f.group("billing")
		ana := f.agent("Ana", desk.RoleAgent, 1, cs, billing)
		f.online(ana)
		tk := f.inGroup(cs, "")
		wantAssignee(t, tk, ana)
		gid := billing.ID
		got, err := f.d.UpdateTicket(f.ctx, f.ws.ID, tk.ID, asAgent(ana), desk.TicketPatch{GroupID: &gid})
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, nil)
		if got.GroupID != billing.ID || got.Status != desk.StatusUnassigned {
			t.Fatalf("after the move: group %s, status %s", got.GroupID, got.Status)
		}
		wantAssignee(t, f.reload(tk), nil)
		// Someone else in billing takes it as soon as they come online.
		bob := f.agent("Bob", desk.RoleAgent, 1, billing)
		f.online(bob)
		wantAssignee(t, f.reload(tk), bob)
	})
}
