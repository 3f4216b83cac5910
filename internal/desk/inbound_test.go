package desk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// inbox is a workspace with one online agent and two WhatsApp accounts.
type inbox struct {
	ctx        context.Context
	d          *desk.Service
	st         desk.Store
	ws         string
	agent      *desk.Agent
	main, alt  *desk.ChannelAccount
	t          *testing.T
	providerID int
}

func newInbox(t *testing.T, st desk.Store) *inbox {
	t.Helper()
	ctx := context.Background()
	d := desk.NewService(st)
	routing.New(d)
	ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetPresence(ctx, ws.ID, a.ID, desk.PresenceOnline, desk.System); err != nil {
		t.Fatal(err)
	}
	in := &inbox{ctx: ctx, d: d, st: st, ws: ws.ID, agent: a, t: t}
	for uid, p := range map[string]**desk.ChannelAccount{"56900000000": &in.main, "56900000001": &in.alt} {
		if *p, err = d.CreateChannelAccount(ctx, ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, UID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// message is a WhatsApp text from phone to the main account with a fresh
// provider id.
func (in *inbox) message(phone, text string) desk.Inbound {
	in.providerID++
	return desk.Inbound{AccountID: in.main.ID, ProviderID: fmt.Sprintf("wamid.%d", in.providerID), Text: text,
		From: desk.Party{Identity: desk.Identity{ExternalID: phone, DisplayName: "Carla"}, Phone: phone}}
}

func (in *inbox) receive(m desk.Inbound) *desk.Threaded {
	in.t.Helper()
	out, err := in.d.Receive(in.ctx, in.ws, m)
	if err != nil {
		in.t.Fatalf("receive %q: %v", m.Text, err)
	}
	return out
}

func (in *inbox) count(table string) int {
	in.t.Helper()
	var n int
	switch table {
	case "contacts":
		cs, err := in.st.Contacts(in.ctx, in.ws, desk.ContactFilter{})
		if err != nil {
			in.t.Fatal(err)
		}
		n = len(cs)
	case "tickets":
		ts, err := in.st.Tickets(in.ctx, in.ws, desk.TicketFilter{Limit: 1000})
		if err != nil {
			in.t.Fatal(err)
		}
		n = len(ts)
	case "messages":
		ts, err := in.st.Tickets(in.ctx, in.ws, desk.TicketFilter{Limit: 1000})
		if err != nil {
			in.t.Fatal(err)
		}
		for _, t := range ts {
			ms, err := in.st.Messages(in.ctx, in.ws, t.ID, desk.MessageFilter{})
			if err != nil {
				in.t.Fatal(err)
			}
			n += len(ms)
		}
	}
	return n
}

func TestReceiveThreading(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))

			// A stranger writes: a new contact with the identity, a new
			// ticket on the account, routed to the online agent.
			m := in.message("56911111111", "hola, mi pedido no llegó")
			m.HTML = "<p>hola</p>"
			m.SentAt = time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
			first := in.receive(m)
			if !first.NewContact || !first.NewTicket || first.Duplicate {
				t.Errorf("first = %+v", first)
			}
			c := first.Contact
			if c.Name != "Carla" || c.Phone != "56911111111" || len(c.Identities) != 1 ||
				c.Identities[0] != (desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: "56911111111", DisplayName: "Carla"}) {
				t.Errorf("contact = %+v", c)
			}
			tk, err := in.st.Ticket(in.ctx, in.ws, first.Ticket.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tk.ContactID != c.ID || tk.ChannelAccountID != in.main.ID || tk.Channel != desk.ChannelWhatsApp ||
				tk.Origin != desk.OriginCustomer || tk.Status != desk.StatusAssigned || tk.AssigneeID != in.agent.ID ||
				tk.Description != m.Text || !tk.LastCustomerMsgAt.Equal(m.SentAt.Truncate(time.Millisecond)) {
				t.Errorf("new ticket = %+v", tk)
			}
			ms, err := in.st.Messages(in.ctx, in.ws, tk.ID, desk.MessageFilter{})
			if err != nil || len(ms) != 1 {
				t.Fatalf("messages = %v, %v", ms, err)
			}
			if got := ms[0]; got.ProviderID != "wamid.1" || got.ChannelAccountID != in.main.ID || got.HTML != "<p>hola</p>" ||
				got.Direction != desk.DirectionIn || got.Author != (desk.Actor{Kind: desk.ActorContact, ID: c.ID}) || got.AuthorName != "Carla" {
				t.Errorf("message = %+v", got)
			}

			// The same sender again: same contact, same open ticket.
			second := in.receive(in.message("56911111111", "¿hay novedades?"))
			if second.NewContact || second.NewTicket || second.Contact.ID != c.ID || second.Ticket.ID != tk.ID {
				t.Errorf("second = %+v, want ticket %s", second, tk.ID)
			}

			// The same sender to the other account: a ticket of its own.
			other := in.message("56911111111", "escribo a ventas")
			other.AccountID = in.alt.ID
			third := in.receive(other)
			if third.NewContact || !third.NewTicket || third.Ticket.ID == tk.ID || third.Ticket.ChannelAccountID != in.alt.ID {
				t.Errorf("other account = %+v", third)
			}

			// Solved: a message without a hint opens a new ticket (solved
			// is not active); one the channel matched to it reopens it.
			if _, err := in.d.Close(in.ctx, in.ws, tk.ID, desk.Actor{Kind: desk.ActorAgent, ID: in.agent.ID}, desk.StatusSolved, "done"); err != nil {
				t.Fatal(err)
			}
			hinted := in.message("56911111111", "sigue sin llegar")
			hinted.TicketNumber = tk.Number
			reopened := in.receive(hinted)
			if reopened.NewTicket || reopened.Ticket.ID != tk.ID || reopened.Ticket.Status != desk.StatusOpen {
				t.Errorf("hint to a solved ticket = %+v", reopened.Ticket)
			}

			// Closed: the matched ticket gets a follow-up (AddMessage's rule).
			if _, err := in.d.Close(in.ctx, in.ws, tk.ID, desk.Actor{Kind: desk.ActorAgent, ID: in.agent.ID}, desk.StatusClosed, "done"); err != nil {
				t.Fatal(err)
			}
			late := in.message("56911111111", "una cosa más")
			late.TicketID = tk.ID
			follow := in.receive(late)
			if !follow.NewTicket || follow.Ticket.ID == tk.ID || follow.Ticket.ContactID != c.ID || follow.Ticket.ChannelAccountID != in.main.ID {
				t.Errorf("hint to a closed ticket = %+v", follow.Ticket)
			}
			es, err := in.st.Events(in.ctx, in.ws, follow.Ticket.ID)
			if err != nil {
				t.Fatal(err)
			}
			linked := false
			for _, e := range es {
				linked = linked || e.Type == desk.EventFollowUp && e.From == tk.ID
			}
			if !linked {
				t.Errorf("follow-up not linked to ticket %s: %+v", tk.ID, es)
			}
			// The next message without a hint finds the follow-up: it is
			// the contact's active ticket on the account.
			if next := in.receive(in.message("56911111111", "gracias")); next.Ticket.ID != follow.Ticket.ID {
				t.Errorf("after the follow-up: ticket %s, want %s", next.Ticket.ID, follow.Ticket.ID)
			}

			// A hint that names nothing threads as if unmatched.
			lost := in.message("56911111111", "ref #999")
			lost.TicketNumber = 999
			if got := in.receive(lost); got.Ticket.ID != follow.Ticket.ID {
				t.Errorf("unknown hint: ticket %s, want %s", got.Ticket.ID, follow.Ticket.ID)
			}
			if n := in.count("contacts"); n != 1 {
				t.Errorf("%d contacts, want 1", n)
			}
		})
	}
}

// A sender with no identity yet is found by the phone (then e-mail) the
// channel knows, and gets the identity.
func TestReceiveFindsContactByPhone(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			known, err := in.d.CreateContact(in.ctx, in.ws, desk.NewContact{Name: "Carla Pérez", Phone: "56911111111"})
			if err != nil {
				t.Fatal(err)
			}
			got := in.receive(in.message("56911111111", "hola"))
			if got.NewContact || got.Contact.ID != known.ID || got.Contact.Name != "Carla Pérez" || len(got.Contact.Identities) != 1 {
				t.Errorf("contact = %+v, want %s with the identity", got.Contact, known.ID)
			}
			cs, err := in.st.Contacts(in.ctx, in.ws, desk.ContactFilter{Identity: &desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: "56911111111"}})
			if err != nil || len(cs) != 1 || cs[0].ID != known.ID {
				t.Errorf("by identity: %+v, %v", cs, err)
			}
		})
	}
}

func TestReceiveDuplicateDelivery(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			m := in.message("56911111111", "hola")
			first := in.receive(m)
			again := in.receive(m)
			if !again.Duplicate || again.Message.ID != first.Message.ID || again.Ticket.ID != first.Ticket.ID || again.Contact.ID != first.Contact.ID {
				t.Errorf("repeat = %+v, want message %s", again, first.Message.ID)
			}
			// The same provider id on another account is another message.
			m.AccountID = in.alt.ID
			if got := in.receive(m); got.Duplicate {
				t.Errorf("same id on another account was taken for a repeat")
			}
			if n := in.count("messages"); n != 2 {
				t.Errorf("%d messages, want 2", n)
			}
		})
	}
}

// Two nodes (goroutines here, each its own transaction) get the same
// webhook at once, for a sender nobody knows yet: one contact, one ticket,
// one message, and every caller gets that message.
func TestReceiveDuplicateRace(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			const n = 8
			for round := range 3 {
				m := in.message(fmt.Sprintf("5691111111%d", round), "hola")
				var wg sync.WaitGroup
				got := make([]*desk.Threaded, n)
				errs := make([]error, n)
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						got[i], errs[i] = in.d.Receive(in.ctx, in.ws, m)
					}()
				}
				wg.Wait()
				fresh := 0
				for i := range n {
					if errs[i] != nil {
						t.Fatalf("delivery %d: %v", i, errs[i])
					}
					if !got[i].Duplicate {
						fresh++
					}
					if got[i].Message.ID != got[0].Message.ID || got[i].Ticket.ID != got[0].Ticket.ID {
						t.Errorf("delivery %d: message %s ticket %s, want %s %s", i, got[i].Message.ID, got[i].Ticket.ID,
							got[0].Message.ID, got[0].Ticket.ID)
					}
				}
				if fresh != 1 {
					t.Errorf("round %d: %d deliveries wrote, want 1", round, fresh)
				}
			}
			if c, tk, ms := in.count("contacts"), in.count("tickets"), in.count("messages"); c != 3 || tk != 3 || ms != 3 {
				t.Errorf("%d contacts, %d tickets, %d messages; want 3 of each", c, tk, ms)
			}
		})
	}
}

// A message that fails late (an attachment that does not exist) leaves no
// contact, ticket or message behind; bad input is refused before.
func TestReceiveFailureLeavesNothing(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			m := in.message("56911111111", "adjunto")
			m.Attachments = []string{"no-such-upload"}
			if _, err := in.d.Receive(in.ctx, in.ws, m); !errors.Is(err, desk.ErrInvalid) {
				t.Fatalf("bad attachment: %v, want ErrInvalid", err)
			}
			bad := []func(*desk.Inbound){
				func(m *desk.Inbound) { m.Text = " " },
				func(m *desk.Inbound) { m.AccountID = "" },
				func(m *desk.Inbound) { m.AccountID = "nope" },
				func(m *desk.Inbound) { m.From.Identity.ExternalID = "" },
				func(m *desk.Inbound) { m.From.Identity.Channel = desk.ChannelTelegram },
				func(m *desk.Inbound) { m.ProviderID = string(make([]byte, 600)) },
			}
			for i, f := range bad {
				m := in.message("56922222222", "hola")
				f(&m)
				if _, err := in.d.Receive(in.ctx, in.ws, m); !errors.Is(err, desk.ErrInvalid) {
					t.Errorf("bad input %d: %v, want ErrInvalid", i, err)
				}
			}
			if c, tk, ms := in.count("contacts"), in.count("tickets"), in.count("messages"); c+tk+ms != 0 {
				t.Errorf("failures left %d contacts, %d tickets, %d messages", c, tk, ms)
			}
			// The same message without the bad attachment goes through:
			// the failed attempt did not mark its provider id as seen.
			m.Attachments = nil
			if got := in.receive(m); got.Duplicate || !got.NewTicket {
				t.Errorf("retry after failure = %+v", got)
			}
		})
	}
}

// PostgreSQL runs a transaction body again after a deadlock or a
// serialization failure; a retried Receive stores what one run stores.
func TestReceiveRetriedBody(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := &rerun{Store: b.Open(t)}
			in := newInbox(t, st)
			st.on = true
			got := in.receive(in.message("56911111111", "hola"))
			st.on = false
			if !got.NewTicket || !got.NewContact || got.Duplicate {
				t.Errorf("retried = %+v", got)
			}
			if c, tk, ms := in.count("contacts"), in.count("tickets"), in.count("messages"); c != 1 || tk != 1 || ms != 1 {
				t.Errorf("%d contacts, %d tickets, %d messages; want 1 of each", c, tk, ms)
			}
			if tk, err := in.st.Ticket(in.ctx, in.ws, got.Ticket.ID); err != nil || tk.ContactID != got.Contact.ID {
				t.Errorf("stored ticket = %+v, %v", tk, err)
			}
		})
	}
}

// One identity names one contact: a second contact cannot claim it.
func TestIdentityUnique(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			id := desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: "56911111111"}
			if _, err := in.d.CreateContact(in.ctx, in.ws, desk.NewContact{Name: "A", Identities: []desk.Identity{id}}); err != nil {
				t.Fatal(err)
			}
			_, err := in.d.CreateContact(in.ctx, in.ws, desk.NewContact{Name: "B", Identities: []desk.Identity{id}})
			if !errors.Is(err, desk.ErrConflict) {
				t.Fatalf("second claim: %v, want ErrConflict", err)
			}
			if want := "whatsapp/56911111111 already belongs to another contact"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			// The same external id on another channel is another identity.
			if _, err := in.d.CreateContact(in.ctx, in.ws, desk.NewContact{Name: "C",
				Identities: []desk.Identity{{Channel: desk.ChannelTelegram, ExternalID: "56911111111"}}}); err != nil {
				t.Errorf("same id on telegram: %v", err)
			}
			// And in another workspace, another contact's.
			ws2, _, err := in.d.NewWorkspace(in.ctx, "other", "UTC", "Admin", "admin@other.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := in.d.CreateContact(in.ctx, ws2.ID, desk.NewContact{Name: "D", Identities: []desk.Identity{id}}); err != nil {
				t.Errorf("same identity in another workspace: %v", err)
			}
		})
	}
}

// A machine's message (Inbound.Auto: an out-of-office) matched to a closed
// ticket joins that ticket's history: no follow-up, the status stays
// closed; a person's message to the same ticket still opens a follow-up.
func TestReceiveAutoToClosedTicket(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			in := newInbox(t, b.Open(t))
			first := in.receive(in.message("56911111111", "hola"))
			tk := first.Ticket
			if _, err := in.d.Close(in.ctx, in.ws, tk.ID, desk.Actor{Kind: desk.ActorAgent, ID: in.agent.ID}, desk.StatusClosed, "done"); err != nil {
				t.Fatal(err)
			}
			oof := in.message("56911111111", "Estoy de vacaciones hasta el lunes.")
			oof.TicketID, oof.Auto = tk.ID, true
			got := in.receive(oof)
			if got.NewTicket || got.Ticket.ID != tk.ID {
				t.Fatalf("auto-reply to a closed ticket: new %v ticket %s, want %s", got.NewTicket, got.Ticket.ID, tk.ID)
			}
			after, err := in.st.Ticket(in.ctx, in.ws, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Status != desk.StatusClosed || in.count("tickets") != 1 {
				t.Fatalf("status %s, %d tickets", after.Status, in.count("tickets"))
			}
			ms, err := in.st.Messages(in.ctx, in.ws, tk.ID, desk.MessageFilter{})
			if err != nil || len(ms) != 2 || ms[1].Text != oof.Text || ms[1].Direction != desk.DirectionIn {
				t.Fatalf("closed ticket's messages: %+v, %v", ms, err)
			}
			person := in.message("56911111111", "ya volví, sigo con el problema")
			person.TicketID = tk.ID
			if got := in.receive(person); !got.NewTicket || got.Ticket.ID == tk.ID {
				t.Fatalf("a person's mail to the closed ticket: %+v", got.Ticket)
			}
		})
	}
}
