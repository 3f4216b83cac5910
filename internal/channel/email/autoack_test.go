package email_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// The acknowledgement: a mail that opens a ticket is answered once through
// the outbox and the relay, rendered, threaded, marked Auto-Submitted and
// with our loop header; machine mail, list mail and our own address get
// none, and a second mail to the same ticket gets none.
func TestAutoAck(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			l := newLive(t, b.Open(t), map[string]any{"auto_ack": map[string]any{"enabled": true,
				"subject": "Recibimos su solicitud #{{ticket.number}}",
				"text":    "Hola {{contact.name}}:\n\nSu caso «{{ticket.subject}}» es el número {{ ticket.number }}. {{contact.name}}"}})
			if err := l.send(t, "rosa@customer.test", "From: =?utf-8?q?Rosa_N=C3=BA=C3=B1ez?= <rosa@customer.test>\nTo: help@acme.test\n"+
				"Subject: Factura {{contact.name}}\nMessage-ID: <a1@customer.test>\n\nNo me llegó la factura.\n"); err != nil {
				t.Fatal(err)
			}
			l.drain(t)
			ts := l.tickets(t)
			if len(ts) != 1 {
				t.Fatalf("%d tickets", len(ts))
			}
			tk := ts[0]
			mails := l.r.mails(t)
			if len(mails) != 1 {
				t.Fatalf("relay got %d mails, want the acknowledgement", len(mails))
			}
			m := mails[0]
			wantSubject := fmt.Sprintf("Recibimos su solicitud #%d [#%d]", tk.Number, tk.Number)
			wantText := fmt.Sprintf("Hola Rosa Núñez:\n\nSu caso «Factura {{contact.name}}» es el número %d. Rosa Núñez", tk.Number)
			if m.Subject != wantSubject || m.Text != wantText || len(m.To) != 1 || m.To[0].Address != "rosa@customer.test" ||
				m.Auto != "Auto-Submitted: auto-replied" || m.Loop != l.acct.ID || !slices.Equal(m.InReplyTo, []string{"a1@customer.test"}) ||
				m.From.Address != "help@acme.test" {
				t.Fatalf("acknowledgement: subject %q text %q to %v auto %q loop %q in-reply-to %v from %v",
					m.Subject, m.Text, m.To, m.Auto, m.Loop, m.InReplyTo, m.From)
			}
			got, err := l.Store.Ticket(t.Context(), l.Workspace.ID, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.FirstResponseAt.IsZero() {
				t.Errorf("the acknowledgement stopped the first-response clock: %v", got.FirstResponseAt)
			}
			body := string(l.Do("GET", "/api/v1/tickets/"+tk.ID+"/messages", nil, servertest.Bearer(l.AdminToken)).Body)
			if !strings.Contains(body, `"delivery":{"status":"sent"`) {
				t.Errorf("the acknowledgement's delivery: %s", body)
			}

			// The same customer again, same ticket: no second acknowledgement.
			if err := l.send(t, "rosa@customer.test", "From: rosa@customer.test\nTo: help@acme.test\nSubject: Re: Factura\n"+
				"Message-ID: <a2@customer.test>\nIn-Reply-To: <a1@customer.test>\n\n¿Alguna novedad?\n"); err != nil {
				t.Fatal(err)
			}
			// Machine and list mail, and our own address: tickets, no acknowledgement.
			for i, raw := range []string{
				"From: Juan <juan@customer.test>\nTo: help@acme.test\nSubject: Out of Office: Hola\nMessage-ID: <o1@customer.test>\n" +
					"Auto-Submitted: auto-replied\n\nI am out of the office.\n",
				"From: Ana <ana@customer.test>\nTo: help@acme.test\nSubject: Fuera de la oficina\nMessage-ID: <o2@customer.test>\n" +
					"X-Autoreply: yes\n\nEstoy de vacaciones.\n",
				"From: news@list.test\nTo: help@acme.test\nSubject: Boletín\nMessage-ID: <l1@list.test>\n" +
					"List-Id: <news.list.test>\nPrecedence: list\n\nNovedades del mes.\n",
				"From: Acme Help <help@acme.test>\nTo: help@acme.test\nSubject: nota interna\nMessage-ID: <self1@acme.test>\n\nprueba\n",
			} {
				if err := l.send(t, fmt.Sprintf("x%d@customer.test", i), raw); err != nil {
					t.Fatal(err)
				}
			}
			l.drain(t)
			if n := len(l.tickets(t)); n != 5 {
				t.Fatalf("%d tickets, want 5", n)
			}
			if n := l.r.count(); n != 1 {
				for _, m := range l.r.mails(t)[1:] {
					t.Errorf("unwanted mail to %v: %q", m.To, m.Subject)
				}
				t.Fatalf("relay got %d mails, want only the first acknowledgement", n)
			}
		})
	}
}

// Acknowledgement settings are validated like the rest, in the native
// API's error shape.
func TestAutoAckSettingsRefused(t *testing.T) {
	e := servertest.New(t, storetest.Backends()[0].Open(t))
	smtp := map[string]any{"host": "smtp.acme.test", "username": "u", "password": "p"}
	for _, c := range []struct {
		ack         any
		smtp        bool
		field, rule string
	}{
		{map[string]any{"enabled": true, "text": "hola {{ticket.id}}"}, true, "settings.auto_ack.text", "format"},
		{map[string]any{"enabled": true, "subject": "{{contact.email}}", "text": "hola"}, true, "settings.auto_ack.subject", "format"},
		{map[string]any{"enabled": true}, true, "settings.auto_ack.text", "required"},
		{map[string]any{"enabled": "yes", "text": "x"}, true, "settings.auto_ack.enabled", "type"},
		{map[string]any{"enabled": true, "text": "x", "html": "<p>"}, true, "settings.auto_ack.html", "unknown"},
		{map[string]any{"enabled": true, "text": "x", "subject": "a\nBcc: x@y"}, true, "settings.auto_ack.subject", "format"},
		{map[string]any{"enabled": true, "text": strings.Repeat("x", 10001)}, true, "settings.auto_ack.text", "too_long"},
		{map[string]any{"enabled": true, "text": "x"}, false, "settings.smtp", "required"},
		{"yes", true, "settings.auto_ack", "type"},
	} {
		settings := map[string]any{"auto_ack": c.ack}
		if c.smtp {
			settings["smtp"] = smtp
		}
		r := e.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "uid": "a@acme.test", "settings": settings},
			servertest.Bearer(e.AdminToken))
		er, _ := r.Map(t)["error"].(map[string]any)
		if r.Status != 422 || er["field"] != c.field || er["rule"] != c.rule {
			t.Errorf("auto_ack %v = %d %s, want 422 %s %s", c.ack, r.Status, r.Body, c.field, c.rule)
		}
	}
	// Off by default and shown with its defaults once given.
	r := e.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "uid": "b@acme.test",
		"settings": map[string]any{"auto_ack": map[string]any{"text": "Gracias"}}}, servertest.Bearer(e.AdminToken))
	if r.Status != 201 || !strings.Contains(string(r.Body), `"auto_ack":{"enabled":false,"subject":"We received your request: {{ticket.subject}}","text":"Gracias"}`) {
		t.Fatalf("defaults: %d %s", r.Status, r.Body)
	}
}
