package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Delivery is one row of the outbox, the durable delivery queue: something
// ticketd owes a provider (today a stored reply to send through its
// ticket's channel account; later webhooks). Package outbox claims and
// sends them; docs/outbox.md has the states and the retry rules.
type Delivery struct {
	ID          string
	WorkspaceID string
	Kind        DeliveryKind
	TicketID    string
	MessageID   string
	AccountID   string // the channel account that sends
	Status      DeliveryStatus
	Attempts    int
	// NextAttemptAt is when a worker may claim the row next.
	NextAttemptAt time.Time
	// ClaimedUntil is the end of the lease of the worker sending it; a
	// worker that dies holding it lets it run out, and another sends.
	ClaimedUntil time.Time
	LastError    string
	ProviderID   string
	SentAt       time.Time
	CreatedAt    time.Time
}

// DeliveryKind says what a delivery carries.
type DeliveryKind string

// DeliveryMessage sends a stored message through its channel account.
const DeliveryMessage DeliveryKind = "message"

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

const (
	DeliveryQueued  DeliveryStatus = "queued"  // waiting for its first or next attempt
	DeliverySending DeliveryStatus = "sending" // claimed by a worker, under lease
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed" // given up: permanent error or too old
)

// EventDelivery records a delivery's outcome on its ticket's log: from and
// to are delivery statuses ("" → queued when the reply is stored, queued →
// sent, queued → failed, queued → queued for an attempt that will be
// retried, sent → failed when a bounce comes back after the provider took
// it), reason is what the provider answered.
const EventDelivery = "delivery"

// Outbox decides which stored replies leave through a provider; the
// channel registry implements it (channel.Registry.Delivers). A Service
// without one delivers nothing.
type Outbox interface {
	// Delivers reports whether messages on channel c have a sender.
	Delivers(c Channel) bool
}

// DeliveryWriter is the outbox as a transaction writes it.
type DeliveryWriter interface {
	// CreateDelivery queues d, in the transaction of what it delivers.
	CreateDelivery(ctx context.Context, d *Delivery) error
	// ClaimDeliveries leases to claim, until until, up to limit
	// deliveries of any workspace that are due at now: queued ones whose
	// NextAttemptAt has come, and sending ones whose lease ran out. Each
	// claimed row is sending, one attempt more. On PostgreSQL rows another
	// transaction is claiming are skipped (SKIP LOCKED).
	ClaimDeliveries(ctx context.Context, claim string, now, until time.Time, limit int) ([]Delivery, error)
	// SettleDelivery writes d's status, attempts, next attempt, error,
	// provider id and sent time, and ends the lease, if claim still holds
	// it; else it returns an error wrapping ErrNotFound (the lease ran out
	// and another worker took the row).
	SettleDelivery(ctx context.Context, d *Delivery, claim string) error
	// FailSentDelivery turns the sent delivery id of workspace ws into a
	// failed one with lastError, keeping its provider id and sent time (the
	// provider took it; the far end refused it later: a bounce). A row
	// that is not sent returns an error wrapping ErrNotFound.
	FailSentDelivery(ctx context.Context, ws, id, lastError string) error
}

// deliveryAccount returns the channel account m will be sent through when
// m is a public reply by an agent or a bot (or force: desk's own
// acknowledgement) on a ticket whose channel
// account has a sender, and the provider has not taken it already (no
// provider id); else nil. addMessage asks before storing m, so the message
// records the account it leaves through.
func (s *Service) deliveryAccount(ctx context.Context, tx Tx, t *Ticket, m *Message, force bool) (*ChannelAccount, error) {
	if s.Outbox == nil || !m.Public || m.ProviderID != "" ||
		(m.Author.Kind != ActorAgent && m.Author.Kind != ActorBot && !force) {
		return nil, nil
	}
	acctID := m.ChannelAccountID
	if acctID == "" {
		acctID = t.ChannelAccountID
	}
	if acctID == "" {
		return nil, nil
	}
	acct, err := tx.ChannelAccount(ctx, t.WorkspaceID, acctID)
	if err != nil {
		return nil, fmt.Errorf("channel account of message %s: %w", m.ID, err)
	}
	if !s.Outbox.Delivers(acct.Channel) {
		return nil, nil
	}
	return acct, nil
}

// queueDelivery adds m's outbox row in addMessage's transaction, so the
// message and its row commit together or not at all; a worker sends after
// the commit, never inside the request's transaction.
func (s *Service) queueDelivery(ctx context.Context, tx Tx, ch *Change, t *Ticket, m *Message, acct *ChannelAccount) error {
	now := s.now()
	d := &Delivery{ID: objectid.New(now), WorkspaceID: t.WorkspaceID, Kind: DeliveryMessage, TicketID: t.ID,
		MessageID: m.ID, AccountID: acct.ID, Status: DeliveryQueued, NextAttemptAt: now, CreatedAt: now}
	if err := tx.CreateDelivery(ctx, d); err != nil {
		return fmt.Errorf("queue delivery of message %s: %w", m.ID, err)
	}
	m.Delivery = d
	return s.Record(ctx, tx, ch, t, System, EventDelivery, "", string(DeliveryQueued), m.ID)
}

// FailSent records that a message the provider took never reached the
// customer: a bounce (an e-mail delivery status notification) naming it
// after the outbox had settled it sent. Its delivery becomes failed with
// reason (the far server's words, "550 5.1.1 user unknown"), keeping its
// sent time, and a delivery event sent → failed goes on the ticket. A
// message of ws without a sent delivery is an error wrapping ErrNotFound:
// a repeated bounce changes nothing.
func (s *Service) FailSent(ctx context.Context, ws, messageID, reason string) (*Delivery, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "bounced"
	}
	var d *Delivery
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		m, err := tx.Message(ctx, ws, messageID)
		if err != nil {
			return err
		}
		if m.Delivery == nil || m.Delivery.Status != DeliverySent {
			return fmt.Errorf("message %s was not sent: %w", messageID, ErrNotFound)
		}
		d = m.Delivery
		if err := tx.FailSentDelivery(ctx, ws, d.ID, reason); err != nil {
			return err
		}
		d.Status, d.LastError = DeliveryFailed, reason
		t, err := tx.Ticket(ctx, ws, m.TicketID)
		if err != nil {
			return err
		}
		return s.Record(ctx, tx, ch, t, System, EventDelivery, string(DeliverySent), string(DeliveryFailed), m.ID+" "+reason)
	})
	if err != nil {
		return nil, fmt.Errorf("fail sent message %s: %w", messageID, err)
	}
	return d, nil
}
