package dolphins_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// benchEnv is a SQLite server with n webchat tickets of two messages each,
// and an agent's token.
func benchEnv(b *testing.B, n int) (*servertest.Env, string) {
	e := servertest.New(b, storetest.OpenSQLite(b))
	ctx := context.Background()
	d := e.Deps.Desk
	agent, tok := e.Agent(desk.NewAgent{Name: "Ani", Email: "ani@acme.test"})
	ct, err := d.CreateContact(ctx, e.Workspace.ID, desk.NewContact{FirstName: "MINDA", Email: "m@x.test", Phone: "62877",
		Identities: []desk.Identity{{Channel: desk.ChannelWebchat, ExternalID: "62877-MINDA", ScreenName: "m@x.test"}}})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		tk, err := d.CreateTicket(ctx, e.Workspace.ID, desk.System, desk.NewTicket{Subject: "s" + strconv.Itoa(i), ContactID: ct.ID,
			AssigneeID: agent.ID, Message: &desk.NewMessage{Text: "halo"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := d.AddMessage(ctx, e.Workspace.ID, tk.ID, desk.NewMessage{Text: "hai", Author: desk.Actor{Kind: desk.ActorAgent, ID: agent.ID}}); err != nil {
			b.Fatal(err)
		}
	}
	return e, tok
}

func benchGet(b *testing.B, e *servertest.Env, tok, path string) {
	req, _ := http.NewRequest("GET", e.URL+base+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
		res.Body.Close()
	}
}

// BenchmarkTicketByNumber is E2, one root document, through HTTP.
func BenchmarkTicketByNumber(b *testing.B) {
	e, tok := benchEnv(b, 1)
	benchGet(b, e, tok, "/graph/tickets/data/1")
}

// BenchmarkTicketList20 is E5, a page of 20 root documents, through HTTP.
func BenchmarkTicketList20(b *testing.B) {
	e, tok := benchEnv(b, 40)
	benchGet(b, e, tok, "/graph/tickets?start=0&count=20")
}

// BenchmarkHistory20 is E21, 20 messages of a customer across tickets.
func BenchmarkHistory20(b *testing.B) {
	e, tok := benchEnv(b, 40)
	benchGet(b, e, tok, "/graph/tickets/conversations/webchat/62877-MINDA/history?count=20")
}

// BenchmarkNativeTicket is the native API's ticket by id over the same
// data: the baseline the door's figures are read against.
func BenchmarkNativeTicket(b *testing.B) {
	e, tok := benchEnv(b, 1)
	tk, err := e.Store.TicketByNumber(context.Background(), e.Workspace.ID, 1)
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.URL+"/api/v1/tickets/"+tk.ID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	for b.Loop() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
	}
}
