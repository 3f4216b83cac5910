package routing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// SLA states, as canonical.md §2.10 names them.
const (
	SLAOngoing  = "ongoing"
	SLAWithin   = "within"
	SLABreached = "breached"
)

// SLA is a ticket's service-level clock: its targets, whether they were
// met, and the durations the dialects render.
type SLA struct {
	// Policy is the policy that applies (nil: none, so nothing is due).
	Policy *desk.SLAPolicy
	// Due times, stamped on the ticket when it was created or its priority
	// changed; computed from Policy when the ticket has none.
	FirstReplyDueAt time.Time
	ResolveDueAt    time.Time
	// FirstReplyAt is the first public agent reply (bots do not count).
	FirstReplyAt time.Time
	// ResolvedAt is when the ticket was solved, closed or ignored (zero
	// while it is active).
	ResolvedAt time.Time
	// FirstReplyBreached: the reply target passed without an agent reply.
	// ResolveBreached: the resolution target passed before the ticket
	// ended.
	FirstReplyBreached bool
	ResolveBreached    bool
	// WithinSLA is set once the ticket has ended: true when no target was
	// breached.
	WithinSLA *bool
	// State is ongoing, within or breached.
	State     string
	Durations Durations
}

// Durations are the times the dialects render (canonical.md §5). Time in
// each status is the sum of the completed stays in it, from the event log;
// a stay still running does not count yet.
type Durations struct {
	Unassigned time.Duration // waiting in a queue
	Assigned   time.Duration // assigned until opened
	Open       time.Duration // open until pending or closed
	Pending    time.Duration // pending
	OnHold     time.Duration
	// From creation to the first public reply, to the first agent reply,
	// to the end and to the last transfer.
	FirstResponse      time.Duration
	FirstAgentResponse time.Duration
	Close              time.Duration
	Transfer           time.Duration
}

// Seconds is d in whole seconds, as every dialect renders durations.
func Seconds(d time.Duration) int64 { return int64(d / time.Second) }

// PolicyFor returns the policy of priority p, else the default one, else nil.
func PolicyFor(ps []desk.SLAPolicy, p desk.Priority) *desk.SLAPolicy {
	var def *desk.SLAPolicy
	for i := range ps {
		switch ps[i].Priority {
		case p:
			return &ps[i]
		case desk.PriorityUnset:
			def = &ps[i]
		}
	}
	return def
}

// policy finds the policy for p in the store: exact, else the default.
// A workspace has at most five, so one read of all is the cheapest way.
func policy(ctx context.Context, r desk.Reader, ws string, p desk.Priority) (*desk.SLAPolicy, error) {
	ps, err := r.SLAPolicies(ctx, ws)
	if err != nil {
		return nil, err
	}
	return PolicyFor(ps, p), nil
}

// Calendar is what places a workspace's business hours: its time zone
// (for policies without their own) and its holidays.
type Calendar struct {
	Zone     string
	Holidays []desk.Holiday
}

// CalendarOf is ws's calendar.
func CalendarOf(ws *desk.Workspace) Calendar {
	return Calendar{Zone: ws.Timezone, Holidays: ws.Settings.Holidays}
}

// dueTimes computes the due instants of a ticket created at created.
// Holidays close the calendar only for policies with business hours.
func dueTimes(pol *desk.SLAPolicy, created time.Time, cal Calendar) (first, resolve time.Time) {
	if pol == nil {
		return
	}
	loc := time.UTC
	zone := pol.Timezone
	if zone == "" {
		zone = cal.Zone
	}
	if l, err := time.LoadLocation(zone); err == nil && zone != "" {
		loc = l
	}
	if pol.FirstReply > 0 {
		first = AddBusinessDays(created, pol.FirstReply, pol.Hours, cal.Holidays, loc).Truncate(time.Millisecond)
	}
	if pol.Resolve > 0 {
		resolve = AddBusinessDays(created, pol.Resolve, pol.Hours, cal.Holidays, loc).Truncate(time.Millisecond)
	}
	return
}

// calendar reads ws's calendar when pol needs it (business hours).
func calendar(ctx context.Context, r desk.Reader, ws string, pol *desk.SLAPolicy) (Calendar, error) {
	if pol == nil || len(pol.Hours) == 0 {
		return Calendar{}, nil
	}
	w, err := r.Workspace(ctx, ws)
	if err != nil {
		return Calendar{}, err
	}
	return CalendarOf(w), nil
}

// Due stamps t's SLA due times from its workspace's policy for its
// priority (cleared when none applies), skipping the workspace's
// holidays. t changes in memory; the caller writes it.
func (e *Engine) Due(ctx context.Context, tx desk.Tx, t *desk.Ticket) error {
	pol, err := policy(ctx, tx, t.WorkspaceID, t.Priority)
	if err != nil {
		return fmt.Errorf("sla policy of ticket %d: %w", t.Number, err)
	}
	cal, err := calendar(ctx, tx, t.WorkspaceID, pol)
	if err != nil {
		return fmt.Errorf("calendar of ticket %d: %w", t.Number, err)
	}
	t.FirstReplyDueAt, t.ResolveDueAt = dueTimes(pol, t.CreatedAt, cal)
	return nil
}

// SLA returns the ticket's SLA clock at the service's current time, with
// durations from its event log.
func (e *Engine) SLA(ctx context.Context, ws string, t *desk.Ticket) (*SLA, error) {
	st := e.Desk.Store
	evs, err := st.Events(ctx, ws, t.ID)
	if err != nil {
		return nil, fmt.Errorf("sla of ticket %d: %w", t.Number, err)
	}
	return e.SLAFrom(ctx, ws, t, evs)
}

// SLAFrom is SLA for a caller that has already read the ticket's events
// (the desk's ticket page shows them too).
func (e *Engine) SLAFrom(ctx context.Context, ws string, t *desk.Ticket, evs []desk.Event) (*SLA, error) {
	st := e.Desk.Store
	pol, err := policy(ctx, st, ws, t.Priority)
	if err != nil {
		return nil, fmt.Errorf("sla of ticket %d: %w", t.Number, err)
	}
	cal, err := calendar(ctx, st, ws, pol)
	if err != nil {
		return nil, fmt.Errorf("sla of ticket %d: %w", t.Number, err)
	}
	s := Clock(t, evs, pol, cal, e.Desk.Clock())
	return &s, nil
}

// Clock computes a ticket's SLA at now. pol is the policy that applies
// (PolicyFor); cal places business hours of a policy without its own
// zone and closes its holidays (CalendarOf the workspace). With evs nil, time in each status comes from the ticket's lifecycle
// stamps instead of the event log (canonical.md §5), which suits lists.
func Clock(t *desk.Ticket, evs []desk.Event, pol *desk.SLAPolicy, cal Calendar, now time.Time) SLA {
	s := SLA{Policy: pol, FirstReplyDueAt: t.FirstReplyDueAt, ResolveDueAt: t.ResolveDueAt, FirstReplyAt: t.FirstAgentResponseAt}
	if s.FirstReplyDueAt.IsZero() && s.ResolveDueAt.IsZero() {
		s.FirstReplyDueAt, s.ResolveDueAt = dueTimes(pol, t.CreatedAt, cal)
	}
	end := now
	if t.Status.Terminal() {
		s.ResolvedAt = t.ClosedAt
		if t.Status == desk.StatusSolved {
			s.ResolvedAt = t.SolvedAt
		}
		if !s.ResolvedAt.IsZero() {
			end = s.ResolvedAt
		}
	}
	if due := s.FirstReplyDueAt; !due.IsZero() {
		if s.FirstReplyAt.IsZero() {
			s.FirstReplyBreached = end.After(due)
		} else {
			s.FirstReplyBreached = s.FirstReplyAt.After(due)
		}
	}
	if due := s.ResolveDueAt; !due.IsZero() {
		s.ResolveBreached = end.After(due)
	}
	breached := s.FirstReplyBreached || s.ResolveBreached
	switch {
	case t.Status.Terminal():
		within := !breached
		s.WithinSLA = &within
		s.State = SLAWithin
		if breached {
			s.State = SLABreached
		}
	case breached:
		s.State = SLABreached
	default:
		s.State = SLAOngoing
	}
	s.Durations = durations(t, evs)
	return s
}

// since is later − earlier, or 0 when either is missing or out of order.
func since(earlier, later time.Time) time.Duration {
	if earlier.IsZero() || later.IsZero() || later.Before(earlier) {
		return 0
	}
	return later.Sub(earlier)
}

func durations(t *desk.Ticket, evs []desk.Event) Durations {
	d := Durations{
		FirstResponse:      since(t.CreatedAt, t.FirstResponseAt),
		FirstAgentResponse: since(t.CreatedAt, t.FirstAgentResponseAt),
		Transfer:           since(t.CreatedAt, t.TransferredAt),
	}
	ended := t.ClosedAt
	if t.Status == desk.StatusSolved {
		ended = t.SolvedAt
	}
	if t.Status.Terminal() {
		d.Close = since(t.CreatedAt, ended)
	}
	if evs == nil {
		d.Unassigned = since(t.QueuedAt, t.AssignedAt)
		d.Assigned = since(t.AssignedAt, t.OpenedAt)
		d.Open = since(t.OpenedAt, t.PendingAt)
		d.Pending = since(t.PendingAt, t.ClosedAt)
		return d
	}
	stay := map[desk.Status]*time.Duration{desk.StatusUnassigned: &d.Unassigned, desk.StatusAssigned: &d.Assigned,
		desk.StatusOpen: &d.Open, desk.StatusPending: &d.Pending, desk.StatusOnHold: &d.OnHold}
	var cur desk.Status
	var from time.Time
	for _, e := range evs {
		if e.Type != desk.EventStatusChanged {
			continue
		}
		if p := stay[cur]; p != nil {
			*p += since(from, e.At)
		}
		cur, from = desk.Status(e.To), e.At
	}
	return d
}

// Trail is what a ticket's event log says about its routing, for the
// doors that render routing flags (reassigned, transferred).
type Trail struct {
	Reassigned      bool      // its owner changed at least once
	Transferred     bool      // it moved queue (group transfer or bot handoff)
	TransferredAt   time.Time // the last transfer
	TransferredFrom string    // the owner it had when last transferred ("" = none)
	FromGroup       string    // the group it left then
	ToGroup         string    // the group it went to then
	Escalations     int
}

// TrailOf reads a trail from a ticket's events, oldest first.
func TrailOf(evs []desk.Event) Trail {
	var tr Trail
	owner, hadOwner := "", false
	for _, e := range evs {
		switch e.Type {
		case desk.EventAssigned, desk.EventReassigned:
			if e.Type == desk.EventReassigned || hadOwner {
				tr.Reassigned = true
			}
			owner, hadOwner = e.To, true
		case desk.EventUnassigned:
			owner = ""
		case desk.EventTransferred:
			tr.Transferred = true
			tr.TransferredAt, tr.TransferredFrom, tr.FromGroup, tr.ToGroup = e.At, owner, e.From, e.To
		case desk.EventEscalated:
			tr.Escalations++
		}
	}
	return tr
}

// Policies lists the SLA policies of ws.
func (e *Engine) Policies(ctx context.Context, ws string) ([]desk.SLAPolicy, error) {
	ps, err := e.Desk.Store.SLAPolicies(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("sla policies: %w", err)
	}
	return ps, nil
}

// MaxTarget bounds an SLA target.
const MaxTarget = 366 * 24 * time.Hour

// PutPolicy creates or replaces the policy of p.Priority (unset = the
// default policy). Tickets keep the due times stamped when they were
// created; new tickets and priority changes use the new targets.
func (e *Engine) PutPolicy(ctx context.Context, ws string, p desk.SLAPolicy) (*desk.SLAPolicy, error) {
	if _, err := desk.ParsePriority(string(p.Priority)); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		field string
		d     time.Duration
	}{{"first_reply_seconds", p.FirstReply}, {"resolve_seconds", p.Resolve}} {
		if d := t.d; d < 0 || d > MaxTarget || d%time.Second != 0 {
			return nil, desk.Invalid(t.field, desk.CodeRange, desk.Params{Max: int(MaxTarget / time.Second)})
		}
	}
	if p.FirstReply == 0 && p.Resolve == 0 {
		return nil, desk.Invalid("first_reply_seconds", desk.CodeRequired, desk.Params{Fields: []string{"first_reply_seconds", "resolve_seconds"}})
	}
	if p.Timezone != "" {
		if _, err := time.LoadLocation(p.Timezone); err != nil {
			return nil, desk.Invalid("timezone", desk.CodeUnknown, desk.Params{Value: p.Timezone})
		}
	}
	if err := CheckHours(p.Hours); err != nil {
		return nil, err
	}
	now := e.Desk.Clock()
	p.WorkspaceID, p.CreatedAt, p.UpdatedAt = ws, now, now
	var out *desk.SLAPolicy
	err := e.Desk.Store.Update(ctx, func(tx desk.Tx) error {
		if old, err := tx.SLAPolicy(ctx, ws, p.Priority); err == nil {
			p.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, desk.ErrNotFound) {
			return err
		}
		if err := tx.PutSLAPolicy(ctx, &p); err != nil {
			return err
		}
		out = &p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("put sla policy: %w", err)
	}
	return out, nil
}

// DeletePolicy removes the policy of priority p.
func (e *Engine) DeletePolicy(ctx context.Context, ws string, p desk.Priority) error {
	err := e.Desk.Store.Update(ctx, func(tx desk.Tx) error { return tx.DeleteSLAPolicy(ctx, ws, p) })
	if err != nil {
		return fmt.Errorf("delete sla policy: %w", err)
	}
	return nil
}
