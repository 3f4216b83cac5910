package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/outbox/outboxtest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// sender is a provider as the test wants it to answer: fn decides each
// send; every call is counted by message id.
type sender struct {
	mu    sync.Mutex
	calls map[string]int
	fn    func(ctx context.Context, m channel.Message, n int) (string, error)
}

func (s *sender) Send(ctx context.Context, _ *desk.ChannelAccount, m channel.Message) (string, error) {
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[m.ID]++
	n := s.calls[m.ID]
	s.mu.Unlock()
	if s.fn == nil {
		return "wamid." + m.ID, nil
	}
	return s.fn(ctx, m, n)
}

func (s *sender) count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[id]
}

// env is a workspace with an agent and a WhatsApp account whose sender is s,
// and one ticket a customer opened on it.
type env struct {
	*outboxtest.Env
	s *sender
}

func newEnv(t testing.TB, st desk.Store) *env {
	t.Helper()
	s := &sender{}
	base := outboxtest.New(t, st, outboxtest.Options{
		Start: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		Senders: func(*desk.Service) map[desk.Channel]channel.Sender {
			return map[desk.Channel]channel.Sender{desk.ChannelWhatsApp: s}
		},
		Account: desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, UID: "56900000000"},
		Inbound: desk.Inbound{ProviderID: "wamid.in1", Text: "hola",
			From: desk.Party{Identity: desk.Identity{ExternalID: "56911111111"}, Phone: "56911111111"}},
	})
	return &env{Env: base, s: s}
}

func (e *env) worker(d *desk.Service) *outbox.Worker {
	return &outbox.Worker{Desk: d, Senders: e.Registry, Now: e.Clock.Now, Backoff: time.Minute, MaxAge: time.Hour,
		Lease: 2 * time.Minute, Concurrency: 4}
}

func (e *env) rows(t testing.TB) int {
	t.Helper()
	var n int
	db := e.Store.(interface{ DB() *sql.DB }).DB()
	if err := db.QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// deliveryEvents lists the ticket's delivery events as "from>to".
func (e *env) deliveryEvents(t testing.TB) []string {
	t.Helper()
	evs, err := e.Store.Events(e.Ctx, e.WS, e.Ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Type == desk.EventDelivery {
			out = append(out, ev.From+">"+ev.To)
		}
	}
	return out
}

func (e *env) round(t testing.TB, w *outbox.Worker) int {
	t.Helper()
	n, err := w.Round(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func each(t *testing.T, f func(t *testing.T, st desk.Store)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

func TestQueuedInTheMessageTransaction(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		// A reply that fails late (an attachment that does not exist)
		// rolls back with its outbox row.
		_, _, err := e.Desk.AddMessage(e.Ctx, e.WS, e.Ticket.ID, desk.NewMessage{Author: e.Agent, Text: "x", Attachments: []string{"nope"}})
		if err == nil {
			t.Fatal("want an error for a missing attachment")
		}
		if n := e.rows(t); n != 0 {
			t.Fatalf("outbox rows after a rolled-back reply = %d, want 0", n)
		}
		m := e.Reply(t, "hello")
		if m.Delivery == nil || m.Delivery.Status != desk.DeliveryQueued || m.ChannelAccountID == "" {
			t.Fatalf("reply delivery = %+v (account %q), want queued", m.Delivery, m.ChannelAccountID)
		}
		// Notes and the customer's own messages go nowhere.
		no := false
		note, _, err := e.Desk.AddMessage(e.Ctx, e.WS, e.Ticket.ID, desk.NewMessage{Author: e.Agent, Text: "note", Public: &no})
		if err != nil {
			t.Fatal(err)
		}
		if note.Delivery != nil || e.Delivery(t, note.ID) != nil {
			t.Fatalf("note delivery = %+v, want none", note.Delivery)
		}
		if n := e.rows(t); n != 1 {
			t.Fatalf("outbox rows = %d, want 1", n)
		}
		if got := e.Delivery(t, m.ID); got == nil || got.Status != desk.DeliveryQueued {
			t.Fatalf("stored delivery = %+v, want queued", got)
		}
		// Stored and acknowledged before anything was sent.
		if e.s.count(m.ID) != 0 {
			t.Fatal("sent inside the request")
		}
	})
}

func TestTemporaryFailureThenSent(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		e.s.fn = func(_ context.Context, m channel.Message, n int) (string, error) {
			if n <= 2 {
				return "", errors.New("503 service unavailable")
			}
			return "wamid.out", nil
		}
		w := e.worker(e.Desk)
		m := e.Reply(t, "hello")
		if n := e.round(t, w); n != 1 {
			t.Fatalf("claimed %d, want 1", n)
		}
		d := e.Delivery(t, m.ID)
		start := e.Clock.Now()
		if d.Status != desk.DeliveryQueued || d.Attempts != 1 || d.LastError != "503 service unavailable" ||
			d.NextAttemptAt.Before(start.Add(30*time.Second)) || d.NextAttemptAt.After(start.Add(time.Minute)) {
			t.Fatalf("after attempt 1: %+v", d)
		}
		if n := e.round(t, w); n != 0 {
			t.Fatalf("claimed %d before the backoff ran out, want 0", n)
		}
		e.Clock.Add(time.Minute)
		e.round(t, w)
		d = e.Delivery(t, m.ID)
		now := e.Clock.Now()
		if d.Status != desk.DeliveryQueued || d.Attempts != 2 ||
			d.NextAttemptAt.Before(now.Add(time.Minute)) || d.NextAttemptAt.After(now.Add(2*time.Minute)) {
			t.Fatalf("after attempt 2 (backoff doubles): %+v", d)
		}
		e.Clock.Add(2 * time.Minute)
		e.round(t, w)
		d = e.Delivery(t, m.ID)
		if d.Status != desk.DeliverySent || d.Attempts != 3 || d.ProviderID != "wamid.out" || !d.SentAt.Equal(e.Clock.Now()) || d.LastError != "" {
			t.Fatalf("after attempt 3: %+v", d)
		}
		if got, want := fmt.Sprint(e.deliveryEvents(t)), "[>queued queued>queued queued>queued queued>sent]"; got != want {
			t.Fatalf("delivery events = %s, want %s", got, want)
		}
		if n := e.round(t, w); n != 0 || e.s.count(m.ID) != 3 {
			t.Fatalf("sent row claimed again (%d) or sends = %d", n, e.s.count(m.ID))
		}
	})
}

func TestPermanentFailure(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		e.s.fn = func(context.Context, channel.Message, int) (string, error) {
			return "", fmt.Errorf("%w: template not approved", desk.ErrInvalid)
		}
		w := e.worker(e.Desk)
		m := e.Reply(t, "hello")
		e.round(t, w)
		d := e.Delivery(t, m.ID)
		if d.Status != desk.DeliveryFailed || d.Attempts != 1 || d.LastError == "" {
			t.Fatalf("delivery = %+v, want failed after 1 attempt", d)
		}
		e.Clock.Add(time.Hour)
		if n := e.round(t, w); n != 0 {
			t.Fatalf("failed row claimed again")
		}
		if got := fmt.Sprint(e.deliveryEvents(t)); got != "[>queued queued>failed]" {
			t.Fatalf("delivery events = %s", got)
		}
	})
}

func TestTooOldFails(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		e.s.fn = func(context.Context, channel.Message, int) (string, error) { return "", errors.New("timeout") }
		w := e.worker(e.Desk)
		m := e.Reply(t, "hello")
		e.Clock.Add(time.Hour) // MaxAge
		e.round(t, w)
		if d := e.Delivery(t, m.ID); d.Status != desk.DeliveryFailed || d.LastError != "gave up after 1 attempts: timeout" {
			t.Fatalf("delivery = %+v, want failed", d)
		}
	})
}

// A worker that dies mid-send (its context ends before it records the
// outcome) leaves the row claimed; once the lease runs out another worker
// sends it again: at least once.
func TestCrashedClaimIsResent(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		sent := make(chan struct{})
		e.s.fn = func(ctx context.Context, m channel.Message, n int) (string, error) {
			if n == 1 {
				close(sent) // the provider has it …
				<-ctx.Done()
				return "", ctx.Err() // … but the node dies before it hears so
			}
			return "wamid.again", nil
		}
		m := e.Reply(t, "hello")
		ctx, cancel := context.WithCancel(e.Ctx)
		done := make(chan error)
		a := e.worker(e.Desk)
		go func() { _, err := a.Round(ctx); done <- err }()
		<-sent
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		b := e.worker(e.Desk)
		if n := e.round(t, b); n != 0 {
			t.Fatalf("claimed a leased row")
		}
		e.Clock.Add(2 * time.Minute)
		e.round(t, b)
		d := e.Delivery(t, m.ID)
		if d.Status != desk.DeliverySent || d.ProviderID != "wamid.again" || d.Attempts != 2 || e.s.count(m.ID) != 2 {
			t.Fatalf("delivery = %+v after %d sends, want sent by the second worker", d, e.s.count(m.ID))
		}
	})
}

// Two nodes (two stores over one PostgreSQL database), each with its
// worker, drain 200 replies: every one is sent exactly once.
func TestTwoNodesSendEachOnce(t *testing.T) {
	url := storetest.FreshSchemaURL(t)
	open := func() desk.Store {
		st, err := postgres.Open(context.Background(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st1, st2 := open(), open()
	e := newEnv(t, st1)
	var sends atomic.Int64
	e.s.fn = func(_ context.Context, m channel.Message, _ int) (string, error) {
		sends.Add(1)
		time.Sleep(time.Millisecond) // a provider's round trip, so claims overlap
		return "wamid." + m.ID, nil
	}
	var ids []string
	for i := range 200 {
		ids = append(ids, e.Reply(t, fmt.Sprintf("reply %d", i)).ID)
	}
	d2 := desk.NewService(st2)
	d2.Now, d2.Outbox = e.Clock.Now, e.Registry
	w1, w2 := e.worker(e.Desk), e.worker(d2)
	w1.Batch, w2.Batch = 10, 10
	var wg sync.WaitGroup
	claimed := [2]int{}
	for i, w := range []*outbox.Worker{w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := w.Round(e.Ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				claimed[i] += n
			}
		}()
	}
	wg.Wait()
	if sends.Load() != 200 {
		t.Fatalf("sends = %d, want 200", sends.Load())
	}
	for _, id := range ids {
		if n := e.s.count(id); n != 1 {
			t.Fatalf("message %s sent %d times", id, n)
		}
		if d := e.Delivery(t, id); d.Status != desk.DeliverySent {
			t.Fatalf("message %s: %+v", id, d)
		}
	}
	t.Logf("node 1 claimed %d, node 2 claimed %d", claimed[0], claimed[1])
}

// The sender learns what a reply answers: the last inbound provider id on
// the account (ReplyTo) and the chain before it (References); a sent
// reply's provider id becomes its message's, so the chain includes it and
// an answer to it is found (MessageByProvider).
func TestThreadHandedToSender(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		var mu sync.Mutex
		var got []channel.Message
		e.s.fn = func(_ context.Context, m channel.Message, _ int) (string, error) {
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
			return "wamid." + m.ID, nil
		}
		w := e.worker(e.Desk)
		r1 := e.Reply(t, "one")
		e.round(t, w)
		if m, err := st.MessageByProvider(e.Ctx, e.WS, r1.ChannelAccountID, "wamid."+r1.ID); err != nil || m.ID != r1.ID {
			t.Fatalf("sent reply by provider id: %v, %v", m, err)
		}
		if _, err := e.Desk.Receive(e.Ctx, e.WS, desk.Inbound{AccountID: r1.ChannelAccountID, ProviderID: "wamid.in2", Text: "two",
			TicketID: e.Ticket.ID, From: desk.Party{Identity: desk.Identity{ExternalID: "56911111111"}}}); err != nil {
			t.Fatal(err)
		}
		e.Reply(t, "three")
		e.round(t, w)
		if len(got) != 2 {
			t.Fatalf("sent %d", len(got))
		}
		if got[0].ReplyTo != "wamid.in1" || fmt.Sprint(got[0].References) != "[wamid.in1]" ||
			got[0].TicketNumber != e.Ticket.Number || got[0].Auto {
			t.Fatalf("first reply: %+v", got[0])
		}
		if want := "[wamid.in1 wamid." + r1.ID + " wamid.in2]"; got[1].ReplyTo != "wamid.in2" || fmt.Sprint(got[1].References) != want {
			t.Fatalf("second reply threads to %q %v, want wamid.in2 %s", got[1].ReplyTo, got[1].References, want)
		}
	})
}
