package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// failingOnce is a provider that refuses the first send of each message.
type failingOnce struct{ seen map[string]bool }

func (f *failingOnce) Send(_ context.Context, _ *desk.ChannelAccount, m channel.Message) (string, error) {
	if !f.seen[m.ID] {
		f.seen[m.ID] = true
		return "", fmt.Errorf("503 try later")
	}
	return "wamid." + m.ID, nil
}

// A reply's delivery shows on the message: queued when stored, the failed
// attempt's error, then sent with its time; notes show null.
func TestMessageDelivery(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		d := e.Deps.Desk
		reg := channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelWhatsApp: &failingOnce{seen: map[string]bool{}}})
		d.Outbox = reg
		acct, err := d.CreateChannelAccount(ctx, e.Workspace.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, UID: "56900000000"})
		if err != nil {
			t.Fatal(err)
		}
		in, err := d.Receive(ctx, e.Workspace.ID, desk.Inbound{AccountID: acct.ID, ProviderID: "wamid.1", Text: "hola",
			From: desk.Party{Identity: desk.Identity{ExternalID: "56911111111"}, Phone: "56911111111"}})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/tickets/" + in.Ticket.ID + "/messages"
		tok := e.AdminToken
		scenario{name: "reply queued", method: "POST", path: path, token: tok, status: 201, body: map[string]any{"text": "ya va"},
			want: []string{`"delivery":{"status":"queued","attempts":0,"error":"","sent_at":null}`}}.run(t, e)
		scenario{name: "note", method: "POST", path: path, token: tok, status: 201, body: map[string]any{"text": "psst", "public": false},
			want: []string{`"delivery":null`}}.run(t, e)
		w := &outbox.Worker{Desk: d, Senders: reg, Backoff: 1} // retry at once
		if _, err := w.Round(ctx); err != nil {
			t.Fatal(err)
		}
		scenario{name: "failed attempt", method: "GET", path: path, token: tok, status: 200,
			want: []string{`"delivery":{"status":"queued","attempts":1,"error":"503 try later","sent_at":null}`}}.run(t, e)
		if _, err := w.Round(ctx); err != nil {
			t.Fatal(err)
		}
		res := scenario{name: "sent", method: "GET", path: path, token: tok, status: 200,
			want: []string{`"delivery":{"status":"sent","attempts":2,"error":"","sent_at":"`}}.run(t, e)
		if strings.Count(string(res.Body), `"delivery":null`) != 2 { // the customer's message and the note
			t.Fatalf("messages sent nowhere should show delivery null: %s", res.Body)
		}
	})
}
