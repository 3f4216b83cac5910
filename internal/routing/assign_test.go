package routing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

func TestAutoAssignLeastLoaded(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 3, cs)
		bob := f.agent("Bob", desk.RoleAgent, 3, cs)
		cai := f.agent("Cai", desk.RoleSupervisor, 3, cs)
		f.online(ana, bob, cai)
		// Ana and Bob carry one ticket each (given by hand), Cai none.
		for _, a := range []*desk.Agent{ana, bob} {
			f.ticket(desk.NewTicket{GroupID: cs.ID, AssigneeID: a.ID})
		}
		f.tick(time.Second)
		tk := f.inGroup(cs, desk.PriorityNormal)
		wantAssignee(t, tk, cai)
		if tk.Status != desk.StatusAssigned {
			t.Errorf("status %s, want assigned", tk.Status)
		}
		ev := f.last(tk, desk.EventAssigned)
		if want := "assigned by workload: 0 of 3 open, 3 agents online in group cs"; ev.Reason != want {
			t.Errorf("reason %q, want %q", ev.Reason, want)
		}
		if ev.Actor != desk.System || ev.To != cai.ID {
			t.Errorf("event %+v, want the system assigning to Cai", ev)
		}
		// Now everyone has one: the next goes to whoever waited longest
		// since their last assignment (Ana: her ticket came first).
		f.tick(time.Second)
		tk = f.inGroup(cs, "")
		wantAssignee(t, tk, ana)
		if want := "assigned by workload: 1 of 3 open, 3 agents online in group cs"; f.last(tk, desk.EventAssigned).Reason != want {
			t.Errorf("reason %q, want %q", f.last(tk, desk.EventAssigned).Reason, want)
		}
	})
}

func TestTieGoesToAgentIdleLongest(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		a1 := f.agent("A1", desk.RoleAgent, 0)
		a2 := f.agent("A2", desk.RoleAgent, 0)
		a3 := f.agent("A3", desk.RoleAgent, 0)
		f.online(a1, a2, a3)
		// Round-robin falls out of "fewest, then idle longest": with equal
		// loads the three take turns, in the order of their last assignment.
		var got []string
		for i := 0; i < 6; i++ {
			f.tick(time.Second)
			tk := f.inGroup(nil, "")
			got = append(got, tk.AssigneeID)
			// Close at once so loads stay equal and only idleness decides.
			f.close(tk, desk.System)
		}
		want := []string{a1.ID, a2.ID, a3.ID, a1.ID, a2.ID, a3.ID}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("assignment %d went to %s, want %s (all: %v)", i, got[i], want[i], got)
			}
		}
		if r := f.last(f.inGroup(nil, ""), desk.EventAssigned).Reason; r != "assigned by workload: 0 open, no limit, 3 agents online" {
			t.Errorf("reason %q", r)
		}
	})
}

func TestOfflineAndAwayAgentsGetNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 3, cs)
		bob := f.agent("Bob", desk.RoleAgent, 3, cs)
		tk := f.inGroup(cs, "")
		wantAssignee(t, tk, nil)
		if tk.Status != desk.StatusUnassigned {
			t.Errorf("status %s, want unassigned", tk.Status)
		}
		ev := f.last(tk, desk.EventQueued)
		if want := "no agent available: 0 of 2 agents online in group cs"; ev.Reason != want {
			t.Errorf("reason %q, want %q", ev.Reason, want)
		}
		// Away stops new work too, and does not drain.
		f.presence(desk.PresenceAway, ana)
		wantAssignee(t, f.reload(tk), nil)
		tk2 := f.inGroup(cs, "")
		wantAssignee(t, tk2, nil)
		// Bob coming online drains the queue to him, oldest first.
		f.online(bob)
		wantAssignee(t, f.reload(tk), bob)
		wantAssignee(t, f.reload(tk2), bob)
		if r := f.last(f.reload(tk), desk.EventAssigned).Reason; r != "assigned from the queue by workload: 0 of 3 open, 1 agent online in group cs" {
			t.Errorf("drain reason %q", r)
		}
		// Bob going away keeps his tickets (whatever the setting) and takes
		// no more.
		if _, err := f.e.SetRequeueOnOffline(f.ctx, f.ws.ID, true); err != nil {
			t.Fatal(err)
		}
		f.presence(desk.PresenceAway, bob)
		wantAssignee(t, f.reload(tk), bob)
		wantAssignee(t, f.inGroup(cs, ""), nil)
	})
}

func TestPresenceTimes(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ana := f.agent("Ana", desk.RoleAgent, 0)
		f.tick(time.Minute)
		f.online(ana)
		a, _ := f.st.Agent(f.ctx, f.ws.ID, ana.ID)
		if !a.PresenceChangedAt.Equal(f.clock()) || !a.LastLoginAt.Equal(f.clock()) || a.Presence != desk.PresenceOnline {
			t.Fatalf("after online: %+v", a)
		}
		f.tick(time.Minute)
		f.presence(desk.PresenceOffline, ana)
		b, _ := f.st.Agent(f.ctx, f.ws.ID, ana.ID)
		if !b.PresenceChangedAt.Equal(f.clock()) || !b.LastLoginAt.Equal(a.LastLoginAt) || b.Presence != desk.PresenceOffline {
			t.Fatalf("after offline: %+v", b)
		}
		// The same presence again changes nothing (a door may repeat it).
		f.tick(time.Minute)
		f.presence(desk.PresenceOffline, ana)
		if c, _ := f.st.Agent(f.ctx, f.ws.ID, ana.ID); !c.PresenceChangedAt.Equal(b.PresenceChangedAt) {
			t.Fatalf("repeat offline moved presence_changed_at to %v", c.PresenceChangedAt)
		}
		if _, err := f.d.SetPresence(f.ctx, f.ws.ID, ana.ID, "busy", desk.System); !strings.Contains(errString(err), "unknown presence") {
			t.Fatalf("bad presence: %v", err)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPools(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		admin := f.admin
		bot := f.agent("Bot", desk.RoleBot, 0, cs)
		f.online(admin, bot)
		// Neither an admin outside any group nor a bot takes routed work.
		tk := f.inGroup(nil, "")
		wantAssignee(t, tk, nil)
		if r := f.last(tk, desk.EventQueued).Reason; r != "no agent available: no agents to route to" {
			t.Errorf("reason %q", r)
		}
		wantAssignee(t, f.inGroup(cs, ""), nil)
		// An admin who joins a group takes that group's tickets — but still
		// not the general queue's.
		if _, err := f.d.UpdateAgent(f.ctx, f.ws.ID, admin.ID, desk.AgentPatch{GroupIDs: &[]string{cs.ID}}); err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, f.inGroup(cs, ""), admin)
		wantAssignee(t, f.reload(tk), nil)
		// A supervisor takes general tickets; a group ticket stays in its
		// group even when outsiders are free.
		sup := f.agent("Sue", desk.RoleSupervisor, 0)
		f.online(sup)
		wantAssignee(t, f.reload(tk), sup)
		other := f.group("sales")
		if got := f.inGroup(other, ""); got.AssigneeID != "" {
			t.Fatalf("sales ticket went to %s although sales has no members", got.AssigneeID)
		}
		if r := f.last(f.inGroup(other, ""), desk.EventQueued).Reason; r != "no agent available: no agents in group sales" {
			t.Errorf("reason %q", r)
		}
	})
}

func TestCapacityNeverExceeded(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 2, cs)
		bob := f.agent("Bob", desk.RoleAgent, 0, cs) // unlimited
		sup := f.agent("Sue", desk.RoleSupervisor, 0, cs)
		f.online(ana)
		a1, a2 := f.inGroup(cs, ""), f.inGroup(cs, "")
		wantAssignee(t, a1, ana)
		wantAssignee(t, a2, ana)
		// Full: auto-assignment stops...
		w := f.inGroup(cs, "")
		wantAssignee(t, w, nil)
		if r := f.last(w, desk.EventQueued).Reason; r != "no agent available: 1 of 3 agents online in group cs, all at capacity" {
			t.Errorf("reason %q", r)
		}
		// ...and so does every manual path.
		_, err := f.d.CreateTicket(f.ctx, f.ws.ID, asAgent(sup), desk.NewTicket{GroupID: cs.ID, AssigneeID: ana.ID})
		wantErr(t, err, desk.ErrCapacity)
		_, err = f.d.UpdateTicket(f.ctx, f.ws.ID, w.ID, asAgent(sup), desk.TicketPatch{AssigneeID: &ana.ID})
		wantErr(t, err, desk.ErrCapacity)
		_, err = f.e.Reassign(f.ctx, f.ws.ID, w.ID, asAgent(sup), ana.ID, false, "")
		wantErr(t, err, desk.ErrCapacity)
		_, err = f.e.Escalate(f.ctx, f.ws.ID, w.ID, asAgent(sup), ana.ID, "")
		wantErr(t, err, desk.ErrCapacity)
		_, err = f.e.Handoff(f.ctx, f.ws.ID, w.ID, asAgent(sup), "", ana.ID)
		wantErr(t, err, desk.ErrCapacity)
		// An agent may not force; a supervisor may, and it is recorded.
		_, err = f.e.Reassign(f.ctx, f.ws.ID, w.ID, asAgent(bob), ana.ID, true, "")
		wantErr(t, err, desk.ErrForbidden)
		if f.load(ana) != 2 || f.reload(w).AssigneeID != "" {
			t.Fatalf("a refused assignment changed something: load %d, assignee %q", f.load(ana), f.reload(w).AssigneeID)
		}
		got, err := f.e.Reassign(f.ctx, f.ws.ID, w.ID, asAgent(sup), ana.ID, true, "VIP customer")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, ana)
		ev := f.last(got, desk.EventAssigned)
		if ev.Reason != "VIP customer; forced over capacity: 2 of 2 open" || ev.Actor != asAgent(sup) {
			t.Errorf("forced event %+v", ev)
		}
		if f.load(ana) != 3 {
			t.Errorf("Ana holds %d, want 3", f.load(ana))
		}
		// Unlimited capacity takes anything.
		f.online(bob)
		for i := 0; i < 5; i++ {
			wantAssignee(t, f.inGroup(cs, ""), bob)
		}
		// A closed ticket can change hands without counting.
		c := f.close(a1, asAgent(ana))
		if _, err := f.e.Reassign(f.ctx, f.ws.ID, c.ID, asAgent(sup), bob.ID, false, ""); !strings.Contains(errString(err), "ticket is closed") {
			t.Fatalf("reassigning a closed ticket: %v", err)
		}
	})
}

func TestReassign(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 5, cs)
		bob := f.agent("Bob", desk.RoleAgent, 5, cs)
		f.online(ana)
		tk := f.inGroup(cs, "")
		wantAssignee(t, tk, ana)
		// Automatic reassign with nobody else online: back to the queue, and
		// the drain that follows must not hand it straight back to Ana.
		got, err := f.e.Reassign(f.ctx, f.ws.ID, tk.ID, asAgent(ana), "", false, "")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, nil)
		if got.Status != desk.StatusUnassigned {
			t.Errorf("status %s", got.Status)
		}
		if r := f.last(got, desk.EventQueued).Reason; r != "no agent available: 1 of 2 agents online in group cs, none with room besides the current assignee" {
			t.Errorf("reason %q", r)
		}
		// Bob comes online and the waiting ticket drains to him.
		f.online(bob)
		wantAssignee(t, f.reload(tk), bob)
		// Automatic reassign picks the best other agent.
		got, err = f.e.Reassign(f.ctx, f.ws.ID, tk.ID, asAgent(bob), "", false, "customer asked")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, ana)
		ev := f.last(got, desk.EventReassigned)
		if ev.From != bob.ID || ev.To != ana.ID || ev.Reason != "customer asked; reassigned by workload: 0 of 5 open, 2 agents online in group cs" {
			t.Errorf("event %+v", ev)
		}
		// Named reassign, even to an offline agent (a person decided).
		cai := f.agent("Cai", desk.RoleAgent, 5, cs)
		got, err = f.e.Reassign(f.ctx, f.ws.ID, tk.ID, asAgent(ana), cai.ID, false, "")
		if err != nil {
			t.Fatal(err)
		}
		wantAssignee(t, got, cai)
		if ev := f.last(got, desk.EventReassigned); ev.From != ana.ID || ev.Actor != asAgent(ana) || ev.Reason != "assigned by hand" {
			t.Errorf("event %+v", ev)
		}
		_, err = f.e.Reassign(f.ctx, f.ws.ID, tk.ID, asAgent(ana), "nobody", false, "")
		wantErr(t, err, desk.ErrInvalid)
		tr := routing.TrailOf(f.events(got))
		if !tr.Reassigned {
			t.Errorf("trail %+v: want reassigned", tr)
		}
	})
}

func TestSuggestDoesNotAssign(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		cs := f.group("cs")
		ana := f.agent("Ana", desk.RoleAgent, 5, cs)
		bob := f.agent("Bob", desk.RoleAgent, 5, cs)
		tk := f.inGroup(cs, "")
		s, err := f.e.Suggest(f.ctx, f.ws.ID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.AgentID != "" || s.Reason != "no agent available: 0 of 2 agents online in group cs" {
			t.Fatalf("suggestion %+v", s)
		}
		f.online(ana) // drains tk to Ana
		f.online(bob)
		before := len(f.events(tk))
		s, err = f.e.Suggest(f.ctx, f.ws.ID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.AgentID != bob.ID || s.Reason != "would assign by workload: 0 of 5 open, 2 agents online in group cs" {
			t.Fatalf("suggestion %+v", s)
		}
		if got := f.reload(tk); got.AssigneeID != ana.ID || len(f.events(tk)) != before {
			t.Fatalf("suggest changed the ticket: %+v", got)
		}
		if _, err := f.e.Suggest(f.ctx, f.ws.ID, "000000000000000000000000"); !strings.Contains(errString(err), "not found") {
			t.Fatalf("unknown ticket: %v", err)
		}
	})
}
