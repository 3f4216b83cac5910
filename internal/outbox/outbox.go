// Package outbox is ticketd's one durable delivery queue: it sends what
// desk queued, through a channel.Sender, after the transaction that queued
// it has committed, and records the outcome. E-mail, messaging and (later)
// webhooks all go through it; docs/outbox.md has the states and the rules.
//
// Where rows come from. desk decides, not the doors: desk.Service.Outbox
// (the channel registry) tells addMessage which channels have a sender, and
// every public reply by an agent or a bot on a ticket whose channel account
// has one gets its outbox row in the reply's own transaction
// (desk/delivery.go). That keeps the rule in one place for every door — the
// native API, the dialects, the desk UI, Reach — where a per-door
// NewMessage.Deliver flag would let one door forget it. A message that a
// provider has already taken (it carries a provider id: PostCenter's
// template endpoint sends before storing) is not queued again.
//
// Claiming. A Worker (one per node) claims due rows in a transaction of
// its own — PostgreSQL: FOR UPDATE SKIP LOCKED, so nodes claim disjoint
// rows; SQLite: through the single writer — marking them sending under a
// lease (claimed_until) and a claim token. It sends after that commit and
// settles each row in a second transaction, fenced by its token. A node
// that dies between the two leaves the row sending until the lease runs
// out; then any node claims and sends it again: at least once after a
// crash, exactly once otherwise.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
)

// Defaults of a Worker's zero fields.
const (
	DefaultMaxAge      = 24 * time.Hour
	DefaultLease       = 2 * time.Minute
	DefaultBackoff     = 30 * time.Second
	DefaultMaxBackoff  = time.Hour
	DefaultBatch       = 64
	DefaultConcurrency = 8
	DefaultPoll        = time.Second
)

// Worker claims due deliveries, sends them and records the outcome.
type Worker struct {
	Desk    *desk.Service
	Senders *channel.Registry
	Log     *slog.Logger
	// MaxAge is how long a delivery is retried after it was queued before
	// a temporary failure fails it for good.
	MaxAge time.Duration
	// Lease is how long a claim holds a row; a send is cut off at half of
	// it so a live worker settles before its lease runs out.
	Lease time.Duration
	// Backoff is the wait after the first failed attempt; it doubles per
	// attempt up to MaxBackoff, and each wait is jittered down by up to half
	// so rows that failed together do not come back together.
	Backoff, MaxBackoff time.Duration
	Batch               int // rows per claim
	Concurrency         int // sends in flight
	Poll                time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time

	once  sync.Once
	claim string
	wake  chan struct{}
}

func (w *Worker) init() {
	w.once.Do(func() {
		var b [8]byte
		_, _ = rand.Read(b[:])
		w.claim = hex.EncodeToString(b[:])
		w.wake = make(chan struct{}, 1)
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		def := func(p *time.Duration, v time.Duration) {
			if *p <= 0 {
				*p = v
			}
		}
		def(&w.MaxAge, DefaultMaxAge)
		def(&w.Lease, DefaultLease)
		def(&w.Backoff, DefaultBackoff)
		def(&w.MaxBackoff, DefaultMaxBackoff)
		def(&w.Poll, DefaultPoll)
		if w.Batch <= 0 {
			w.Batch = DefaultBatch
		}
		if w.Concurrency <= 0 {
			w.Concurrency = DefaultConcurrency
		}
	})
}

func (w *Worker) now() time.Time { return w.Now().UTC().Truncate(time.Millisecond) }

// Run drains the outbox until ctx ends: at once when this node queues a
// delivery, every Poll otherwise (rows other nodes queued, retries, leases
// that ran out). Sends in flight when ctx ends are cut off and left to
// their lease.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	cancel := w.Desk.Subscribe(func(ch desk.Change) {
		for _, e := range ch.Events {
			if e.Type == desk.EventDelivery && e.To == string(desk.DeliveryQueued) && e.From == "" {
				select {
				case w.wake <- struct{}{}:
				default:
				}
				return
			}
		}
	})
	defer cancel()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		n, err := w.Round(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.Log.Warn("outbox round failed", slog.Any("err", err))
		}
		if n == w.Batch && err == nil {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Round claims one batch of due deliveries, sends them and settles them,
// and returns how many it claimed.
func (w *Worker) Round(ctx context.Context) (int, error) {
	w.init()
	now := w.now()
	var ds []desk.Delivery
	err := w.Desk.Store.Update(ctx, func(tx desk.Tx) error {
		var err error
		ds, err = tx.ClaimDeliveries(ctx, w.claim, now, now.Add(w.Lease), w.Batch)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	sem := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	done := make([]bool, len(ds))
	for i := range ds {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			done[i] = w.attempt(ctx, &ds[i])
		}(i)
	}
	wg.Wait()
	var settled []desk.Delivery
	for i := range ds {
		if done[i] {
			settled = append(settled, ds[i])
		}
	}
	return len(ds), w.settleAll(ctx, settled)
}

// attempt sends one claimed delivery and sets its outcome on d; false
// when the send was cut short by shutdown (its outcome is unknown: the row
// stays sending until its lease runs out, and is sent again — at least
// once).
func (w *Worker) attempt(ctx context.Context, d *desk.Delivery) bool {
	pid, err := w.send(ctx, d)
	if err != nil && ctx.Err() != nil {
		return false
	}
	now := w.now()
	switch {
	case err == nil:
		d.Status, d.ProviderID, d.SentAt, d.LastError = desk.DeliverySent, pid, now, ""
	case errors.Is(err, desk.ErrInvalid):
		d.Status, d.LastError = desk.DeliveryFailed, err.Error()
	case now.Sub(d.CreatedAt) >= w.MaxAge:
		d.Status, d.LastError = desk.DeliveryFailed, fmt.Sprintf("gave up after %d attempts: %v", d.Attempts, err)
	default:
		d.Status, d.LastError = desk.DeliveryQueued, err.Error()
		d.NextAttemptAt = now.Add(w.backoff(d.Attempts))
	}
	return true
}

// settleAll records the outcomes of a round: one transaction per
// workspace for the whole batch — one commit (one fsync, one turn of the
// workspace's event counter) instead of one per row. Should that
// transaction fail, each row is settled alone, so one bad row cannot lose
// its neighbours' outcomes. Sends that finished are recorded even when
// shutdown began meanwhile: forgetting them would send them twice.
func (w *Worker) settleAll(ctx context.Context, ds []desk.Delivery) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	byWS := map[string][]*desk.Delivery{}
	var order []string
	for i := range ds {
		ws := ds[i].WorkspaceID
		if byWS[ws] == nil {
			order = append(order, ws)
		}
		byWS[ws] = append(byWS[ws], &ds[i])
	}
	var errs []error
	for _, ws := range order {
		batch := byWS[ws]
		err := w.settleBatch(sctx, ws, batch)
		if err == nil || len(batch) == 1 {
			if err != nil {
				errs = append(errs, fmt.Errorf("outbox: settle delivery %s: %w", batch[0].ID, err))
			}
			continue
		}
		w.Log.Warn("outbox: batch settle failed; settling one by one", slog.String("workspace", ws), slog.Any("err", err))
		for _, d := range batch {
			if err := w.settleBatch(sctx, ws, []*desk.Delivery{d}); err != nil {
				errs = append(errs, fmt.Errorf("outbox: settle delivery %s: %w", d.ID, err))
			}
		}
	}
	return errors.Join(errs...)
}

// settleBatch records each outcome of ds (one workspace) and an event on
// its ticket, in one transaction, for the rows this worker's claim still
// holds; a row whose lease ran out (another worker took it, and records
// its own outcome) is skipped.
func (w *Worker) settleBatch(ctx context.Context, ws string, ds []*desk.Delivery) error {
	var lost []string
	err := w.Desk.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
		lost = lost[:0]
		tickets := map[string]*desk.Ticket{}
		for _, d := range ds {
			err := tx.SettleDelivery(ctx, d, w.claim)
			if errors.Is(err, desk.ErrNotFound) {
				lost = append(lost, d.ID)
				continue
			}
			if err != nil {
				return err
			}
			t := tickets[d.TicketID]
			if t == nil {
				if t, err = tx.Ticket(ctx, ws, d.TicketID); err != nil {
					return err
				}
				tickets[d.TicketID] = t
			}
			reason := d.MessageID + " " + d.LastError
			if d.Status == desk.DeliverySent {
				reason = d.MessageID + " sent as " + d.ProviderID
			}
			if err := w.Desk.Record(ctx, tx, ch, t, desk.System, desk.EventDelivery, string(desk.DeliveryQueued), string(d.Status), reason); err != nil {
				return err
			}
		}
		return nil
	})
	for _, id := range lost {
		w.Log.Warn("outbox: lease lost", slog.String("delivery", id))
	}
	return err
}

// send builds the channel message of d and hands it to its sender. Errors
// that no retry can mend wrap desk.ErrInvalid.
func (w *Worker) send(ctx context.Context, d *desk.Delivery) (string, error) {
	st := w.Desk.Store
	m, err := st.Message(ctx, d.WorkspaceID, d.MessageID)
	if err != nil {
		return "", invalidIfGone(err)
	}
	acct, err := st.ChannelAccount(ctx, d.WorkspaceID, d.AccountID)
	if err != nil {
		return "", invalidIfGone(err)
	}
	if !acct.Active {
		return "", fmt.Errorf("%w: channel account %s is not active", desk.ErrInvalid, acct.Name)
	}
	s, ok := w.Senders.Sender(acct.Channel)
	if !ok {
		return "", fmt.Errorf("%w: no sender for channel %s", desk.ErrInvalid, acct.Channel)
	}
	t, err := st.Ticket(ctx, d.WorkspaceID, d.TicketID)
	if err != nil {
		return "", invalidIfGone(err)
	}
	c, err := st.Contact(ctx, d.WorkspaceID, t.ContactID)
	if err != nil {
		return "", invalidIfGone(err)
	}
	to, ok := recipient(c, acct.Channel)
	if !ok {
		return "", fmt.Errorf("%w: contact %d has no address on %s", desk.ErrInvalid, c.Number, acct.Channel)
	}
	replyTo, refs, err := thread(ctx, st, m)
	if err != nil {
		return "", err
	}
	sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	return s.Send(sctx, acct, channel.Message{ID: m.ID, To: to, Subject: t.Subject, Text: m.Text, HTML: m.HTML,
		Attachments: m.Attachments, ReplyTo: replyTo, References: refs, TicketNumber: t.Number,
		Auto: m.Author.Kind != desk.ActorAgent, Meta: m.Meta})
}

// maxReferences bounds the chain handed to a sender: long tickets would
// otherwise grow a header without end (RFC 5322 lets the middle go).
const maxReferences = 20

// thread finds what m answers on its account: the provider id of the last
// inbound message before it (ReplyTo) and the provider ids of the messages
// before that one which the account carried, oldest first, ending with it
// (References). Only the account's own ids count: another channel's ids
// mean nothing to this one.
func thread(ctx context.Context, st desk.Store, m *desk.Message) (string, []string, error) {
	ms, err := st.ThreadMessages(ctx, m.WorkspaceID, m.TicketID, m.ChannelAccountID, m.Number, maxReferences)
	if err != nil {
		return "", nil, err
	}
	// Newest first: drop our own replies after the customer's last word,
	// as a mail client answering that message would.
	for len(ms) > 0 && ms[0].Direction != desk.DirectionIn {
		ms = ms[1:]
	}
	if len(ms) == 0 {
		return "", nil, nil
	}
	refs := make([]string, len(ms))
	for i, x := range ms {
		refs[len(ms)-1-i] = x.ProviderID
	}
	return ms[0].ProviderID, refs, nil
}

// recipient is the contact's identity on ch, else its e-mail or phone where
// the channel addresses people by them.
func recipient(c *desk.Contact, ch desk.Channel) (desk.Identity, bool) {
	for _, id := range c.Identities {
		if id.Channel == ch {
			return id, true
		}
	}
	switch {
	case ch == desk.ChannelEmail && c.Email != "":
		return desk.Identity{Channel: ch, ExternalID: c.Email, DisplayName: c.Name}, true
	case (ch == desk.ChannelWhatsApp || ch == desk.ChannelSMS) && c.Phone != "":
		return desk.Identity{Channel: ch, ExternalID: c.Phone, DisplayName: c.Name}, true
	}
	return desk.Identity{}, false
}

func invalidIfGone(err error) error {
	if errors.Is(err, desk.ErrNotFound) {
		return fmt.Errorf("%w: %v", desk.ErrInvalid, err)
	}
	return err
}

// backoff is the wait after the attempt-th failed attempt: Backoff doubled
// per attempt, capped, with "equal jitter" (half fixed, half random).
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.Backoff
	for i := 1; i < attempt && d < w.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.MaxBackoff)
	return d/2 + mrand.N(d/2+1)
}
