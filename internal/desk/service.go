package desk

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Router is the routing engine as the desk's use cases need it; package
// routing implements it. Each method runs inside the caller's transaction
// and takes the workspace's routing lock (tx.LockRouting) itself; callers
// that will route should take it before locking tickets, so that routing
// transactions queue on one lock instead of deadlocking on rows. Methods
// change t in memory; the caller writes t before the next routing decision
// of the transaction.
type Router interface {
	// Enqueue routes a ticket that has just entered its queue (created,
	// transferred, handed off by a bot, reassigned): it assigns an agent
	// (never exclude) or leaves the ticket waiting, and records why.
	Enqueue(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, exclude string) error
	// Assign gives t to agent, refusing with ErrCapacity when that would put
	// the agent over capacity unless force is set.
	Assign(ctx context.Context, tx Tx, ch *Change, t *Ticket, agentID string, actor Actor, force bool, reason string) error
	// Drain assigns waiting tickets of ws after capacity freed. avoid (may
	// be nil) keeps a ticket from one agent: the one it was just taken from.
	Drain(ctx context.Context, tx Tx, ch *Change, ws string, avoid map[string]string) error
	// Reopen routes a ticket that became active again after solved or
	// closed: it stays with its owner if the owner has room, else it goes
	// back to the queue.
	Reopen(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor) error
	// Due stamps t's SLA due times from its workspace's policy.
	Due(ctx context.Context, tx Tx, t *Ticket) error
}

// Change collects what one committed transaction did, for subscribers
// (live streams, webhooks) notified after the commit.
type Change struct {
	WorkspaceID string
	Events      []Event
	Messages    []Message
	Tickets     map[string]*Ticket // final state of every ticket touched, by id
	// Presence lists the agents whose presence changed, whichever door
	// changed it (SetPresence); live boards refresh on it.
	Presence []PresenceChange
}

// PresenceChange is one agent's new presence in a Change.
type PresenceChange struct {
	AgentID  string
	Presence Presence
	At       time.Time
}

// Touch records t's latest state in the change.
func (ch *Change) Touch(t *Ticket) {
	if ch.Tickets == nil {
		ch.Tickets = make(map[string]*Ticket)
	}
	ch.Tickets[t.ID] = t
}

// Service runs the desk's use cases over a Store.
type Service struct {
	Store  Store
	Router Router // nil: tickets wait in their queue until assigned by hand
	// Outbox, when set, queues public replies on tickets whose channel
	// account has a sender, in the reply's transaction (delivery.go).
	Outbox Outbox
	// Secrets seals channel accounts' secret settings with the server
	// secret; nil refuses to store any (ErrNoSealer).
	Secrets Sealer
	// Now is the clock; tests may replace it.
	Now func() time.Time

	mu   sync.RWMutex
	subs map[int]func(Change)
	next int

	// access caches each workspace's ticket_access setting (policy.go).
	access sync.Map // workspace id -> accessEntry
}

// NewService returns a Service over st.
func NewService(st Store) *Service {
	return &Service{Store: st, Now: time.Now}
}

// now is the clock at millisecond precision, in UTC, the precision stored.
func (s *Service) now() time.Time {
	return s.Now().UTC().Truncate(time.Millisecond)
}

// Clock returns the service's current time as stored.
func (s *Service) Clock() time.Time { return s.now() }

// Subscribe calls fn after every committed change; the returned func stops it.
// fn must not block.
func (s *Service) Subscribe(fn func(Change)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = make(map[int]func(Change))
	}
	id := s.next
	s.next++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Update runs fn in one transaction and, once it is durable, tells
// subscribers what changed. Use cases outside desk (routing) use it too.
func (s *Service) Update(ctx context.Context, ws string, fn func(tx Tx, ch *Change) error) error {
	var ch Change
	err := s.Store.Update(ctx, func(tx Tx) error {
		ch = Change{WorkspaceID: ws}
		return fn(tx, &ch)
	})
	if err != nil {
		return err
	}
	if len(ch.Events) > 0 || len(ch.Messages) > 0 || len(ch.Presence) > 0 {
		s.mu.RLock()
		for _, fn := range s.subs {
			fn(ch)
		}
		s.mu.RUnlock()
	}
	return nil
}

// Record appends an event to t's log and to ch.
func (s *Service) Record(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, typ, from, to, reason string) error {
	at := s.now()
	e := Event{ID: objectid.New(at), WorkspaceID: t.WorkspaceID, TicketID: t.ID, At: at, Actor: actor,
		Type: typ, From: from, To: to, Reason: reason}
	if err := tx.AppendEvent(ctx, &e); err != nil {
		return fmt.Errorf("record %s on ticket %d: %w", typ, t.Number, err)
	}
	ch.Events = append(ch.Events, e)
	ch.Touch(t)
	return nil
}

// SetStatus moves t to st, stamping the lifecycle times, and records it.
// It does not write t; the caller does.
func (s *Service) SetStatus(ctx context.Context, tx Tx, ch *Change, t *Ticket, st Status, actor Actor, reason string) error {
	if t.Status == st {
		return nil
	}
	now := s.now()
	from := t.Status
	t.Status = st
	t.StatusReason = reason
	t.UpdatedAt = now
	switch st {
	case StatusUnassigned:
		t.QueuedAt = now
	case StatusAssigned:
		t.AssignedAt = now
		if t.FirstAssignedAt.IsZero() {
			t.FirstAssignedAt = now
		}
	case StatusOpen:
		if t.OpenedAt.IsZero() {
			t.OpenedAt = now
		}
	case StatusPending:
		t.PendingAt = now
	case StatusSolved:
		t.SolvedAt = now
	case StatusClosed, StatusIgnored:
		t.ClosedAt = now
		t.ClosedBy = actor
	}
	if st.Terminal() {
		t.Escalated = false
	} else {
		t.ClosedReason = ""
	}
	return s.Record(ctx, tx, ch, t, actor, EventStatusChanged, string(from), string(st), reason)
}
