// Package outboxtest is the fixture the outbox's tests and its senders'
// tests share: a workspace with an agent, one channel account and a ticket
// a customer opened on it, replies to that ticket and their deliveries,
// on a clock the desk and the workers share.
package outboxtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
)

// Clock is a test clock the workers and the desk share; it moves only by
// Add.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Options shape an Env.
type Options struct {
	Start time.Time // the clock's start
	// Prepare, when set, readies the desk before anything is created
	// (secrets for account settings, say).
	Prepare func(d *desk.Service)
	// Senders are the providers of the outbox's registry; they may use the
	// desk.
	Senders func(d *desk.Service) map[desk.Channel]channel.Sender
	Account desk.NewChannelAccount
	// Inbound opens the ticket; its AccountID is the account's.
	Inbound desk.Inbound
}

// Env is a workspace with an agent (Ana), a channel account and one
// ticket a customer opened on it.
type Env struct {
	Ctx      context.Context
	Store    desk.Store
	Desk     *desk.Service
	Registry *channel.Registry
	Clock    *Clock
	WS       string
	Agent    desk.Actor
	Account  *desk.ChannelAccount
	Ticket   *desk.Ticket
}

// New builds an Env on st.
func New(t testing.TB, st desk.Store, o Options) *Env {
	t.Helper()
	ctx := context.Background()
	clk := NewClock(o.Start)
	d := desk.NewService(st)
	d.Now = clk.Now
	if o.Prepare != nil {
		o.Prepare(d)
	}
	reg := channel.NewRegistry(o.Senders(d))
	d.Outbox = reg
	ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := d.CreateChannelAccount(ctx, ws.ID, o.Account)
	if err != nil {
		t.Fatal(err)
	}
	in := o.Inbound
	in.AccountID = acct.ID
	got, err := d.Receive(ctx, ws.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Ctx: ctx, Store: st, Desk: d, Registry: reg, Clock: clk, WS: ws.ID,
		Agent: desk.Actor{Kind: desk.ActorAgent, ID: a.ID}, Account: acct, Ticket: got.Ticket}
}

// Reply adds the agent's public reply to the ticket.
func (e *Env) Reply(t testing.TB, text string) *desk.Message {
	t.Helper()
	m, _, err := e.Desk.AddMessage(e.Ctx, e.WS, e.Ticket.ID, desk.NewMessage{Author: e.Agent, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Delivery reads the delivery of message id as the API does, through the
// ticket's messages.
func (e *Env) Delivery(t testing.TB, id string) *desk.Delivery {
	t.Helper()
	ms, err := e.Store.Messages(e.Ctx, e.WS, e.Ticket.ID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			return m.Delivery
		}
	}
	t.Fatalf("no message %s", id)
	return nil
}
