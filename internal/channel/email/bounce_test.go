package email_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// live is a whole ticketd over a real store: the HTTP server (servertest),
// an e-mail account relaying through a real go-smtp relay, the SMTP
// listener, and an outbox worker.
type live struct {
	*servertest.Env
	d     *desk.Service
	reg   *channel.Registry
	acct  *desk.ChannelAccount
	r     *relay
	lnAdr string
}

func newLive(t *testing.T, st desk.Store, settings map[string]any) *live {
	t.Helper()
	e := servertest.New(t, st)
	d := e.Deps.Desk
	r := startRelay(t, "help@acme.test", "relay-Secret-1")
	reg := channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelEmail: &email.Sender{Desk: d, AllowPrivate: true, Timeout: 10 * time.Second}})
	d.Outbox = reg
	if settings == nil {
		settings = map[string]any{}
	}
	settings["inbound"] = "smtp"
	settings["smtp"] = map[string]any{"host": "127.0.0.1", "port": r.port, "tls": "none", "username": "help@acme.test", "password": "relay-Secret-1"}
	sj, _ := json.Marshal(settings)
	acct, err := d.CreateChannelAccount(t.Context(), e.Workspace.ID, desk.NewChannelAccount{Channel: desk.ChannelEmail,
		Name: "Acme Help", UID: "help@acme.test", Settings: sj})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &email.Server{Ingester: &email.Ingester{Desk: d, Files: &files.Store{Blobs: files.Dir(t.TempDir())}, Log: log}, Log: log}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &live{Env: e, d: d, reg: reg, acct: acct, r: r, lnAdr: ln.Addr().String()}
}

// send hands raw (LF line ends) to the listener from envelope sender from.
func (l *live) send(t *testing.T, from, raw string) error {
	t.Helper()
	return smtp.SendMail(l.lnAdr, nil, from, []string{"help@acme.test"}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func (l *live) drain(t *testing.T) {
	t.Helper()
	w := &outbox.Worker{Desk: l.d, Senders: l.reg, Backoff: time.Minute, Lease: 20 * time.Second}
	if _, err := w.Round(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func (l *live) tickets(t *testing.T) []desk.Ticket {
	t.Helper()
	ts, err := l.Store.Tickets(t.Context(), l.Workspace.ID, desk.TicketFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// dsn is a bounce as Postfix writes it, returning the headers of the
// message with id.
func dsn(id, rcpt string) string {
	return "Return-Path: <>\nFrom: MAILER-DAEMON@relay.test (Mail Delivery System)\nTo: help@acme.test\n" +
		"Subject: Undelivered Mail Returned to Sender\nMessage-Id: <20261207101500.4F2C1A@relay.test>\n" +
		"Date: Mon, 7 Dec 2026 10:15:00 +0000\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"4F2C1A.1765102500/relay.test\"\n\n" +
		"This is a MIME-encapsulated message.\n\n--4F2C1A.1765102500/relay.test\nContent-Description: Notification\n" +
		"Content-Type: text/plain; charset=us-ascii\n\nThis is the mail system at host relay.test.\n\n" +
		"I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n" +
		"<" + rcpt + ">: host mx.customer.test[192.0.2.7] said: 550 5.1.1\n    <" + rcpt + ">: Recipient address rejected: User unknown\n\n" +
		"--4F2C1A.1765102500/relay.test\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n" +
		"Reporting-MTA: dns; relay.test\nX-Postfix-Queue-ID: 4F2C1A\nArrival-Date: Mon, 7 Dec 2026 10:14:58 +0000\n\n" +
		"Final-Recipient: rfc822; " + rcpt + "\nOriginal-Recipient: rfc822;" + rcpt + "\nAction: failed\nStatus: 5.1.1\n" +
		"Remote-MTA: dns; mx.customer.test\nDiagnostic-Code: smtp; 550 5.1.1 <" + rcpt + ">: Recipient address rejected:\n    User unknown\n\n" +
		"--4F2C1A.1765102500/relay.test\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n" +
		"From: Acme Help <help@acme.test>\nTo: " + rcpt + "\nSubject: Re: Factura [#1]\nMessage-ID: <" + id + ">\n\n" +
		"--4F2C1A.1765102500/relay.test--\n"
}

// TestBounceFailsSentReply: a reply leaves through the outbox and the
// relay (sent); the relay's DSN for it comes back to the listener; the
// reply's delivery, over the native API, is failed with the far server's
// words, an event sent → failed is on the ticket, and no ticket is opened.
// A bounce naming nothing of ours is accepted and dropped; a repeat
// changes nothing.
func TestBounceFailsSentReply(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			l := newLive(t, b.Open(t), nil)
			if err := l.send(t, "rosa@customer.test", "From: Rosa <rosa@customer.test>\nTo: help@acme.test\nSubject: Factura\n"+
				"Message-ID: <q1@customer.test>\n\nNo me llegó la factura.\n"); err != nil {
				t.Fatal(err)
			}
			ts := l.tickets(t)
			if len(ts) != 1 {
				t.Fatalf("%d tickets after the first mail", len(ts))
			}
			path := "/api/v1/tickets/" + ts[0].ID + "/messages"
			res := l.Do("POST", path, map[string]any{"text": "Se la reenviamos.", "public": true}, servertest.Bearer(l.AdminToken))
			if res.Status != 201 {
				t.Fatalf("reply: %d %s", res.Status, res.Body)
			}
			var reply struct{ ID string }
			res.JSON(t, &reply)
			l.drain(t)
			mails := l.r.mails(t)
			if len(mails) != 1 {
				t.Fatalf("relay got %d mails", len(mails))
			}
			sentID := mails[0].MessageID
			if !strings.Contains(string(l.Do("GET", path, nil, servertest.Bearer(l.AdminToken)).Body), `"status":"sent"`) {
				t.Fatal("reply not sent before the bounce")
			}

			// A bounce of a message that is not ours: 250, no ticket, nothing changes.
			if err := l.send(t, "", dsn("abc.123@elsewhere.test", "rosa@customer.test")); err != nil {
				t.Fatalf("foreign bounce refused: %v", err)
			}
			if body := string(l.Do("GET", path, nil, servertest.Bearer(l.AdminToken)).Body); !strings.Contains(body, `"status":"sent"`) {
				t.Fatalf("a foreign bounce changed the reply: %s", body)
			}

			// Ours, twice (the relay retried): the second changes nothing.
			for range 2 {
				if err := l.send(t, "", dsn(sentID, "rosa@customer.test")); err != nil {
					t.Fatalf("bounce refused: %v", err)
				}
			}
			body := string(l.Do("GET", path, nil, servertest.Bearer(l.AdminToken)).Body)
			want := `"delivery":{"status":"failed","attempts":1,"error":"bounced: 550 5.1.1 \u003crosa@customer.test\u003e: Recipient address rejected: User unknown (rosa@customer.test)","sent_at":"`
			if !strings.Contains(body, want) {
				want = strings.ReplaceAll(strings.ReplaceAll(want, `\u003c`, "<"), `\u003e`, ">")
				if !strings.Contains(body, want) {
					t.Fatalf("delivery after the bounce:\n%s\nwant %s", body, want)
				}
			}
			if got := len(l.tickets(t)); got != 1 {
				t.Fatalf("bounces opened tickets: %d tickets", got)
			}
			evs, err := l.Store.Events(t.Context(), l.Workspace.ID, ts[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			var fails int
			for _, ev := range evs {
				if ev.Type == desk.EventDelivery && ev.From == "sent" && ev.To == "failed" {
					fails++
					if !strings.HasPrefix(ev.Reason, reply.ID+" bounced: 550 5.1.1") {
						t.Errorf("event reason %q", ev.Reason)
					}
				}
			}
			if fails != 1 {
				t.Fatalf("%d sent → failed events, want 1: %+v", fails, evs)
			}
		})
	}
}
