package routing_test

import (
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

func (f *fx) policy(p desk.SLAPolicy) *desk.SLAPolicy {
	f.t.Helper()
	out, err := f.e.PutPolicy(f.ctx, f.ws.ID, p)
	if err != nil {
		f.t.Fatalf("put policy: %v", err)
	}
	return out
}

func (f *fx) sla(t *desk.Ticket) *routing.SLA {
	f.t.Helper()
	s, err := f.e.SLA(f.ctx, f.ws.ID, f.reload(t))
	if err != nil {
		f.t.Fatalf("sla: %v", err)
	}
	return s
}

func TestSLAPolicies(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		bad := []desk.SLAPolicy{
			{Priority: "asap", FirstReply: time.Hour},
			{Priority: desk.PriorityHigh},
			{Priority: desk.PriorityHigh, FirstReply: -time.Second},
			{Priority: desk.PriorityHigh, FirstReply: 1500 * time.Millisecond},
			{Priority: desk.PriorityHigh, Resolve: routing.MaxTarget + time.Second},
			{Priority: desk.PriorityHigh, FirstReply: time.Hour, Timezone: "Mars/Olympus"},
			{Priority: desk.PriorityHigh, FirstReply: time.Hour, Hours: []desk.HoursSpan{{Day: 1, Start: 600, End: 500}}},
		}
		for _, p := range bad {
			_, err := f.e.PutPolicy(f.ctx, f.ws.ID, p)
			wantErr(t, err, desk.ErrInvalid)
		}
		if ps, _ := f.e.Policies(f.ctx, f.ws.ID); len(ps) != 0 {
			t.Fatalf("bad input stored %+v", ps)
		}
		f.policy(desk.SLAPolicy{FirstReply: 4 * time.Hour, Resolve: 48 * time.Hour})
		first := f.policy(desk.SLAPolicy{Priority: desk.PriorityUrgent, FirstReply: time.Hour, Resolve: 4 * time.Hour})
		f.tick(time.Minute)
		again := f.policy(desk.SLAPolicy{Priority: desk.PriorityUrgent, FirstReply: 30 * time.Minute, Resolve: 4 * time.Hour})
		if !again.CreatedAt.Equal(first.CreatedAt) || again.UpdatedAt.Equal(first.UpdatedAt) {
			t.Errorf("replacing a policy: created %v→%v updated %v→%v", first.CreatedAt, again.CreatedAt, first.UpdatedAt, again.UpdatedAt)
		}
		ps, err := f.e.Policies(f.ctx, f.ws.ID)
		if err != nil || len(ps) != 2 || ps[1].FirstReply != 30*time.Minute {
			t.Fatalf("policies %v %+v", err, ps)
		}
		if p := routing.PolicyFor(ps, desk.PriorityLow); p == nil || p.Priority != desk.PriorityUnset {
			t.Errorf("low falls back to the default policy, got %+v", p)
		}
		// Tickets get their due times at creation, by priority.
		urgent := f.inGroup(nil, desk.PriorityUrgent)
		if !urgent.FirstReplyDueAt.Equal(urgent.CreatedAt.Add(30*time.Minute)) || !urgent.ResolveDueAt.Equal(urgent.CreatedAt.Add(4*time.Hour)) {
			t.Errorf("urgent due %v / %v (created %v)", urgent.FirstReplyDueAt, urgent.ResolveDueAt, urgent.CreatedAt)
		}
		low := f.inGroup(nil, desk.PriorityLow)
		if !low.FirstReplyDueAt.Equal(low.CreatedAt.Add(4 * time.Hour)) {
			t.Errorf("low due %v", low.FirstReplyDueAt)
		}
		// A priority change restamps them from creation.
		f.tick(10 * time.Minute)
		up := desk.PriorityUrgent
		got, err := f.d.UpdateTicket(f.ctx, f.ws.ID, low.ID, desk.System, desk.TicketPatch{Priority: &up})
		if err != nil {
			t.Fatal(err)
		}
		if !got.FirstReplyDueAt.Equal(low.CreatedAt.Add(30*time.Minute)) || !f.reload(low).ResolveDueAt.Equal(low.CreatedAt.Add(4*time.Hour)) {
			t.Errorf("after priority change due %v / %v", got.FirstReplyDueAt, got.ResolveDueAt)
		}
		if err := f.e.DeletePolicy(f.ctx, f.ws.ID, desk.PriorityUnset); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.e.DeletePolicy(f.ctx, f.ws.ID, desk.PriorityUnset), desk.ErrNotFound)
		if n := f.inGroup(nil, desk.PriorityLow); !n.FirstReplyDueAt.IsZero() || !n.ResolveDueAt.IsZero() {
			t.Errorf("no policy, yet due %v / %v", n.FirstReplyDueAt, n.ResolveDueAt)
		}
	})
}

func TestSLABusinessHours(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		var week []desk.HoursSpan
		for d := time.Monday; d <= time.Friday; d++ {
			week = append(week, desk.HoursSpan{Day: d, Start: 9 * 60, End: 17 * 60})
		}
		// No zone of its own: the workspace's (Asia/Jakarta, UTC+7).
		f.policy(desk.SLAPolicy{FirstReply: time.Hour, Resolve: 16 * time.Hour, Hours: week})
		jkt, _ := time.LoadLocation("Asia/Jakarta")
		f.now = time.Date(2026, 11, 6, 16, 30, 0, 0, jkt).UTC() // a Friday afternoon
		tk := f.inGroup(nil, "")
		if want := time.Date(2026, 11, 9, 9, 30, 0, 0, jkt); !tk.FirstReplyDueAt.Equal(want) {
			t.Errorf("first reply due %v, want %v", tk.FirstReplyDueAt.In(jkt), want)
		}
		if want := time.Date(2026, 11, 10, 16, 30, 0, 0, jkt); !tk.ResolveDueAt.Equal(want) {
			t.Errorf("resolve due %v, want %v", tk.ResolveDueAt.In(jkt), want)
		}
		// A policy with its own zone wins.
		f.policy(desk.SLAPolicy{Priority: desk.PriorityHigh, FirstReply: time.Hour, Hours: week, Timezone: "UTC"})
		hi := f.inGroup(nil, desk.PriorityHigh) // 09:30 UTC Friday
		if want := time.Date(2026, 11, 6, 10, 30, 0, 0, time.UTC); !hi.FirstReplyDueAt.Equal(want) {
			t.Errorf("UTC policy due %v, want %v", hi.FirstReplyDueAt, want)
		}
	})
}

func TestSLABreachesAndDurations(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		f.policy(desk.SLAPolicy{FirstReply: 10 * time.Minute, Resolve: time.Hour})
		ana := f.agent("Ana", desk.RoleAgent, 0)
		c, err := f.d.CreateContact(f.ctx, f.ws.ID, desk.NewContact{Name: "Cy"})
		if err != nil {
			t.Fatal(err)
		}
		// Met: queued 51 s, assigned 34 s before the reply, open 994 s,
		// pending 84 s, then closed (canonical.md §5's figures).
		tk := f.ticket(desk.NewTicket{ContactID: c.ID, Message: &desk.NewMessage{Text: "hi"}})
		s := f.sla(tk)
		if s.State != routing.SLAOngoing || s.WithinSLA != nil || s.Policy == nil {
			t.Fatalf("fresh ticket sla %+v", s)
		}
		f.tick(51 * time.Second)
		f.online(ana)
		f.tick(34 * time.Second)
		if _, _, err := f.d.AddMessage(f.ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "hello", Author: asAgent(ana)}); err != nil {
			t.Fatal(err)
		}
		f.tick(994 * time.Second)
		pending := desk.StatusPending
		if _, err := f.d.UpdateTicket(f.ctx, f.ws.ID, tk.ID, asAgent(ana), desk.TicketPatch{Status: &pending}); err != nil {
			t.Fatal(err)
		}
		f.tick(84 * time.Second)
		f.close(tk, asAgent(ana))
		s = f.sla(tk)
		d := s.Durations
		want := routing.Durations{Unassigned: 51 * time.Second, Assigned: 34 * time.Second, Open: 994 * time.Second,
			Pending: 84 * time.Second, FirstResponse: 85 * time.Second, FirstAgentResponse: 85 * time.Second,
			Close: 1163 * time.Second}
		if d != want {
			t.Errorf("durations\n got %+v\nwant %+v", d, want)
		}
		if s.FirstReplyBreached || s.ResolveBreached || s.WithinSLA == nil || !*s.WithinSLA || s.State != routing.SLAWithin {
			t.Errorf("met sla: %+v", s)
		}
		// The lifecycle-stamp shortcut agrees on this simple history.
		quick := routing.Clock(f.reload(tk), nil, s.Policy, routing.Calendar{}, f.clock())
		if quick.Durations != want {
			t.Errorf("stamp durations %+v", quick.Durations)
		}
		if routing.Seconds(d.Open) != 994 {
			t.Errorf("Seconds = %d", routing.Seconds(d.Open))
		}

		// Missed: nobody replies within 10 minutes.
		late := f.ticket(desk.NewTicket{ContactID: c.ID})
		f.tick(11 * time.Minute)
		s = f.sla(late)
		if !s.FirstReplyBreached || s.ResolveBreached || s.State != routing.SLABreached || s.WithinSLA != nil {
			t.Errorf("late reply: %+v", s)
		}
		if _, _, err := f.d.AddMessage(f.ctx, f.ws.ID, late.ID, desk.NewMessage{Text: "sorry", Author: asAgent(ana)}); err != nil {
			t.Fatal(err)
		}
		f.tick(time.Hour)
		f.close(late, asAgent(ana))
		s = f.sla(late)
		if !s.FirstReplyBreached || !s.ResolveBreached || s.WithinSLA == nil || *s.WithinSLA || s.State != routing.SLABreached {
			t.Errorf("late ticket closed: %+v", s)
		}
		// No policy: nothing is ever due or breached.
		if err := f.e.DeletePolicy(f.ctx, f.ws.ID, desk.PriorityUnset); err != nil {
			t.Fatal(err)
		}
		free := f.ticket(desk.NewTicket{})
		f.tick(1000 * time.Hour)
		if s := f.sla(free); s.Policy != nil || s.FirstReplyBreached || s.State != routing.SLAOngoing {
			t.Errorf("no policy: %+v", s)
		}
	})
}
