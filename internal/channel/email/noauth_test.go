package email_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// A username configured for a relay that offers no AUTH (go-smtp without
// insecure auth and without TLS), or no PLAIN: the connection test and a
// reply's delivery say so in words an admin can act on, and the reply
// fails at once (permanent) instead of being retried for a day.
func TestRelayWithoutAuth(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := servertest.NewWith(t, b.Open(t), func(d *server.Deps) { d.AllowPrivateHosts = true })
			d := e.Deps.Desk
			reg := channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelEmail: &email.Sender{Desk: d, AllowPrivate: true, Timeout: 10 * time.Second}})
			d.Outbox = reg
			for _, c := range []struct {
				name, uid    string
				relay        *relay
				insecureAuth bool
				reason, want string
			}{
				{"no AUTH", "a@acme.test", &relay{}, false, "auth_not_offered", "relay does not offer AUTH (try tls: starttls"},
				{"no PLAIN", "b@acme.test", &relay{user: "u", pass: "p", mechs: []string{"XOAUTH2", "LOGIN"}}, true, "auth_no_plain", "relay does not offer AUTH PLAIN (it offers XOAUTH2 LOGIN)"},
			} {
				t.Run(c.name, func(t *testing.T) {
					r := startRelayWith(t, c.relay, c.insecureAuth)
					sj, _ := json.Marshal(map[string]any{"smtp": map[string]any{"host": "127.0.0.1", "port": r.port, "tls": "none",
						"username": "help", "password": "relay-Secret-9"}})
					res := e.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "uid": c.uid, "settings": json.RawMessage(sj)},
						servertest.Bearer(e.AdminToken))
					if res.Status != 201 {
						t.Fatalf("create: %d %s", res.Status, res.Body)
					}
					var acct struct{ ID string }
					res.JSON(t, &acct)
					res = e.Do("POST", "/api/v1/channel-accounts/"+acct.ID+"/test", nil, servertest.Bearer(e.AdminToken))
					var probe struct{ SMTP email.ProbeResult }
					res.JSON(t, &probe)
					p := probe.SMTP
					if res.Status != 200 || p.Status != "failed" || p.Stage != "auth" || p.Auth != "failed" || p.Reason != c.reason ||
						!strings.HasPrefix(p.Error, c.want) || strings.Contains(p.Error, "250") {
						t.Fatalf("test action: %d %+v", res.Status, p)
					}

					in, err := d.Receive(t.Context(), e.Workspace.ID, desk.Inbound{AccountID: acct.ID, ProviderID: "n1@customer.test." + c.uid,
						Subject: "hola", Text: "hola", From: desk.Party{Identity: desk.Identity{ExternalID: "rosa@customer.test"}, Email: "rosa@customer.test"}})
					if err != nil {
						t.Fatal(err)
					}
					m, _, err := d.AddMessage(t.Context(), e.Workspace.ID, in.Ticket.ID, desk.NewMessage{Author: desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID}, Text: "respuesta"})
					if err != nil {
						t.Fatal(err)
					}
					w := &outbox.Worker{Desk: d, Senders: reg, Backoff: time.Minute, Lease: 20 * time.Second}
					if _, err := w.Round(t.Context()); err != nil {
						t.Fatal(err)
					}
					got, err := e.Store.Message(t.Context(), e.Workspace.ID, m.ID)
					if err != nil {
						t.Fatal(err)
					}
					if dl := got.Delivery; dl == nil || dl.Status != desk.DeliveryFailed || dl.Attempts != 1 || !strings.Contains(dl.LastError, c.want) {
						t.Fatalf("delivery = %+v", dl)
					}
					if r.count() != 0 {
						t.Fatal("the relay got mail")
					}
				})
			}
		})
	}
}
