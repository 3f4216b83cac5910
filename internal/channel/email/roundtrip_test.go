package email_test

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// TestEmailRoundTrip is the email issue's "done": a mail sent to the
// channel address becomes a routed ticket; the agent's reply leaves through
// the outbox and the account's relay, threaded; the customer's reply to it
// (In-Reply-To our Message-ID, a subject without our token) lands in the
// same ticket — over real SMTP both ways, on both stores.
func TestEmailRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st) // desk with the outbox, an account on help@acme.test relaying through e.r
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		srv := &email.Server{Ingester: &email.Ingester{Desk: e.Desk, Files: &files.Store{Blobs: files.Dir(t.TempDir())}, Log: log}, Log: log}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		send := func(raw string) {
			t.Helper()
			if err := smtp.SendMail(ln.Addr().String(), nil, "luis@customer.test", []string{"help@acme.test"},
				[]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
				t.Fatalf("send: %v", err)
			}
		}
		ticketsOf := func() []desk.Ticket {
			t.Helper()
			ts, err := e.Store.Tickets(e.Ctx, e.WS, desk.TicketFilter{Limit: 10,
				ContactIdent: &desk.Identity{Channel: desk.ChannelEmail, ExternalID: "luis@customer.test"}})
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}

		// 1. The customer writes: a new ticket, routed (in the queue or to Ana).
		send("From: Luis Pérez <luis@customer.test>\nTo: help@acme.test\nSubject: Factura duplicada\n" +
			"Message-ID: <m1@customer.test>\nDate: Mon, 7 Dec 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n" +
			"Me cobraron dos veces.\n")
		ts := ticketsOf()
		if len(ts) != 1 || ts[0].Subject != "Factura duplicada" || ts[0].Channel != desk.ChannelEmail ||
			ts[0].ChannelAccountID != e.Account.ID || (ts[0].Status != desk.StatusUnassigned && ts[0].AssigneeID == "") {
			t.Fatalf("after the first mail: %+v", ts)
		}
		tk := ts[0]

		// 2. The agent replies: stored, then sent through the relay, threaded.
		reply, _, err := e.Desk.AddMessage(e.Ctx, e.WS, tk.ID, desk.NewMessage{Author: e.Agent, Text: "Lo revisamos hoy."})
		if err != nil {
			t.Fatal(err)
		}
		e.round(t, e.worker())
		var out *email.Mail
		for _, m := range e.r.mails(t) {
			if len(m.To) == 1 && m.To[0].Address == "luis@customer.test" {
				out = m
			}
		}
		if out == nil {
			t.Fatalf("the relay never got the reply to luis@customer.test")
		}
		ourID := "ticketd." + reply.ID + "@acme.test"
		if out.MessageID != ourID || len(out.InReplyTo) != 1 || out.InReplyTo[0] != "m1@customer.test" ||
			out.Subject != fmt.Sprintf("Re: Factura duplicada [#%d]", tk.Number) || out.Text != "Lo revisamos hoy." {
			t.Fatalf("reply as sent: id %q in-reply-to %v subject %q text %q", out.MessageID, out.InReplyTo, out.Subject, out.Text)
		}

		// 3. The agent solves the ticket (so nothing else would thread into
		// it: a solved ticket is not the contact's open one), and the
		// customer answers from a mail client that drops our subject token:
		// In-Reply-To alone brings the answer back, and reopens the ticket.
		solved := desk.StatusSolved
		if _, err := e.Desk.UpdateTicket(e.Ctx, e.WS, tk.ID, e.Agent, desk.TicketPatch{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		send("From: Luis Pérez <luis@customer.test>\nTo: help@acme.test\nSubject: Re: tu respuesta\n" +
			"Message-ID: <m2@customer.test>\nIn-Reply-To: <" + ourID + ">\nReferences: <m1@customer.test> <" + ourID + ">\n" +
			"Date: Mon, 7 Dec 2026 11:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n" +
			"Gracias, quedo atento.\n\nEl lun, Soporte escribió:\n> Lo revisamos hoy.\n")
		ts = ticketsOf()
		if len(ts) != 1 || ts[0].ID != tk.ID {
			t.Fatalf("the customer's answer opened another ticket: %d tickets", len(ts))
		}
		if ts[0].Status != desk.StatusOpen {
			t.Fatalf("the answered ticket is %s, want open again", ts[0].Status)
		}
		ms, err := e.Store.Messages(e.Ctx, e.WS, tk.ID, desk.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.Text)
		}
		if got := strings.Join(texts, " | "); got != "Me cobraron dos veces. | Lo revisamos hoy. | Gracias, quedo atento." {
			t.Fatalf("conversation: %s", got)
		}
	})
}
