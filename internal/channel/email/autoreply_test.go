package email_test

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// An out-of-office answering our reply on a closed ticket joins the closed
// ticket's history; it opens no follow-up. The customer's own mail to the
// same thread still does.
func TestAutoReplyToClosedTicket(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			l := newLive(t, b.Open(t), nil)
			if err := l.send(t, "rosa@customer.test", "From: Rosa <rosa@customer.test>\nTo: help@acme.test\nSubject: Clave\n"+
				"Message-ID: <k1@customer.test>\n\nOlvidé mi clave.\n"); err != nil {
				t.Fatal(err)
			}
			tk := l.tickets(t)[0]
			res := l.Do("POST", "/api/v1/tickets/"+tk.ID+"/messages", map[string]any{"text": "Le enviamos un enlace."}, servertest.Bearer(l.AdminToken))
			if res.Status != 201 {
				t.Fatalf("reply: %d %s", res.Status, res.Body)
			}
			l.drain(t)
			ours := l.r.mails(t)[0].MessageID
			if _, err := l.d.Close(t.Context(), l.Workspace.ID, tk.ID, desk.Actor{Kind: desk.ActorAgent, ID: l.Admin.ID}, desk.StatusClosed, "done"); err != nil {
				t.Fatal(err)
			}
			oof := "From: Rosa <rosa@customer.test>\nTo: help@acme.test\nSubject: Automatic reply: Re: Clave\n" +
				"Message-ID: <oof1@customer.test>\nIn-Reply-To: <" + ours + ">\nReferences: <k1@customer.test> <" + ours + ">\n" +
				"Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n\nEstoy fuera de la oficina hasta el lunes.\n"
			if err := l.send(t, "rosa@customer.test", oof); err != nil {
				t.Fatal(err)
			}
			ts := l.tickets(t)
			if len(ts) != 1 || ts[0].Status != desk.StatusClosed {
				t.Fatalf("after the out-of-office: %d tickets, status %s", len(ts), ts[0].Status)
			}
			ms, err := l.Store.Messages(t.Context(), l.Workspace.ID, tk.ID, desk.MessageFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if last := ms[len(ms)-1]; !strings.Contains(last.Text, "fuera de la oficina") {
				t.Fatalf("the out-of-office is not on the closed ticket: %q", last.Text)
			}
			person := "From: Rosa <rosa@customer.test>\nTo: help@acme.test\nSubject: Re: Clave\n" +
				"Message-ID: <k2@customer.test>\nIn-Reply-To: <" + ours + ">\n\nEl enlace no funciona.\n"
			if err := l.send(t, "rosa@customer.test", person); err != nil {
				t.Fatal(err)
			}
			if ts := l.tickets(t); len(ts) != 2 {
				t.Fatalf("the customer's own mail to the closed ticket: %d tickets, want a follow-up", len(ts))
			}
		})
	}
}
