package postcenter_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/postcenter"
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

type hsmAnswer struct {
	Status   int    `json:"status"`
	Message  string `json:"message"`
	TicketID string `json:"ticket_id"`
}

const notDelivered = "Stored on the ticket, not delivered: no WhatsApp provider is configured"

func TestHSMWithoutProvider(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ctx := context.Background()
		f.clock.setAt("2020-01-01T12:00:00.000")
		body := map[string]any{"account": "56900000000", "phone": "+56 9 1111 1111", "name": "bienvenida",
			"parameters": []string{"Carlos", "12345", "01/01/2020"}, "close_ticket": false,
			"header": map[string]any{"type": "image", "url": "https://example.com/logo.png"}, "campaign_id": "CAMP-1", "entry_id": "E-7"}
		first := decode[hsmAnswer](t, f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", body)))
		if first.Status != 200 || first.Message != notDelivered || len(first.TicketID) != 24 {
			t.Fatalf("hsm = %+v", first)
		}
		f.names[first.TicketID] = "ticket:hsm"
		// The customer was created with the WhatsApp identity; the ticket
		// is a WhatsApp ticket of that account carrying the campaign.
		tk, err := se.Store.Ticket(ctx, f.ws, first.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := se.Store.Contact(ctx, f.ws, tk.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Phone != "56911111111" || len(c.Identities) != 1 || c.Identities[0].Channel != desk.ChannelWhatsApp || c.Identities[0].ExternalID != "56911111111" {
			t.Errorf("contact = %+v", c)
		}
		if tk.Channel != desk.ChannelWhatsApp || tk.ChannelAccountID != f.whatsapp.ID || tk.Origin != desk.OriginTemplate ||
			string(tk.Meta["postcenter"]["campaign_id"]) != `"CAMP-1"` || string(tk.Meta["postcenter"]["entry_id"]) != `"E-7"` {
			t.Errorf("ticket = %+v", tk)
		}
		f.golden("hsm_detail", f.ok(f.pc("GET", "/postcenter/v2/ticket/"+first.TicketID+"/", nil)).Body)
		f.golden("hsm_messages", f.ok(f.pc("GET", "/postcenter/v2/ticket/"+first.TicketID+"/messages/", nil)).Body)
		ms, err := se.Store.Messages(ctx, f.ws, first.TicketID, desk.MessageFilter{})
		if err != nil || len(ms) != 1 {
			t.Fatalf("messages = %v, %v", ms, err)
		}
		var meta struct {
			HSM map[string]any `json:"hsm"`
		}
		if err := json.Unmarshal(ms[0].Meta["postcenter"], &meta); err != nil || meta.HSM["name"] != "bienvenida" ||
			meta.HSM["delivered"] != false || meta.HSM["campaign_id"] != "CAMP-1" || meta.HSM["header"] == nil {
			t.Errorf("message meta = %s", ms[0].Meta["postcenter"])
		}
		if ms[0].Direction != desk.DirectionOut || ms[0].Author.ID != se.Admin.ID {
			t.Errorf("message = %+v", ms[0])
		}

		// A second template to the same customer lands on the same ticket,
		// and close_ticket closes it.
		f.clock.setAt("2020-01-02T12:00:00.000")
		second := decode[hsmAnswer](t, f.ok(f.pc("POST", "/postcenter/v2/message/hsm", map[string]any{"account": "56900000000",
			"phone": "56911111111", "name": "recordatorio", "close_ticket": true})))
		if second.TicketID != first.TicketID {
			t.Errorf("second template opened ticket %s, want %s", second.TicketID, first.TicketID)
		}
		if n := f.nativeTicket(first.TicketID); n["status"] != "closed" {
			t.Errorf("close_ticket left status %v", n["status"])
		}
		detail := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+first.TicketID, nil)))
		if detail["last_content"] != "recordatorio" || detail["is_closed"] != true {
			t.Errorf("detail after the second template = %v", detail)
		}
		// With that ticket closed, the next template opens a new one for
		// the same customer.
		third := decode[hsmAnswer](t, f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000",
			"phone": "56911111111", "name": "encuesta", "parameters": []string{"Carlos"}})))
		if third.TicketID == first.TicketID {
			t.Errorf("a template after close reused the closed ticket")
		}
		if t3, _ := se.Store.Ticket(ctx, f.ws, third.TicketID); t3 == nil || t3.ContactID != tk.ContactID {
			t.Errorf("third ticket = %+v, want the same customer", t3)
		}
	})
}

func TestHSMErrors(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ctx := context.Background()
		if _, err := se.Deps.Desk.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp,
			Name: "56922222222", UID: "56922222222", Inactive: true}); err != nil {
			t.Fatal(err)
		}
		good := func() map[string]any {
			return map[string]any{"account": "56900000000", "phone": "56911111111", "name": "bienvenida", "parameters": []string{"Carlos"}}
		}
		with := func(k string, v any) map[string]any { b := good(); b[k] = v; return b }
		without := func(k string) map[string]any { b := good(); delete(b, k); return b }
		cases := []struct {
			name   string
			body   any
			status int
			msg    string
		}{
			{"not JSON", "account=56900000000", 400, "Body must be a JSON object with account, phone, name and parameters"},
			{"an array", `[]`, 400, "Body must be a JSON object with account, phone, name and parameters"},
			{"no phone", without("phone"), 400, "phone must be the customer's phone number: digits, optionally with a leading + (e.g. 56911111111)"},
			{"bad phone", with("phone", "llámame"), 400, "phone must be the customer's phone number: digits, optionally with a leading + (e.g. 56911111111)"},
			{"short phone", with("phone", "123"), 400, "phone must be the customer's phone number: digits, optionally with a leading + (e.g. 56911111111)"},
			{"no name", without("name"), 400, "name must be the template's name"},
			{"blank name", with("name", "  "), 400, "name must be the template's name"},
			{"parameters not a list", with("parameters", "Carlos"), 400, "parameters must be a list of non-empty strings"},
			{"parameters not strings", with("parameters", []any{"Carlos", 12345}), 400, "parameters must be a list of non-empty strings"},
			{"empty parameter", with("parameters", []string{"Carlos", ""}), 400, "parameters must be non-empty strings: parameter 2 is empty"},
			{"blank parameter", with("parameters", []string{" "}), 400, "parameters must be non-empty strings: parameter 1 is empty"},
			{"header not an object", with("header", "logo"), 400, "header must be a JSON object"},
			{"no account", without("account"), 400, "account is required: the connected WhatsApp number that sends"},
			{"unknown account", with("account", "56999999999"), 400, "Unknown account: 56999999999 is not a connected WhatsApp account (see /v2/accounts/all/)"},
			{"a Twitter account", with("account", "superempresa"), 400, "Unknown account: superempresa is not a connected WhatsApp account (see /v2/accounts/all/)"},
			{"inactive account", with("account", "56922222222"), 400, "Account 56922222222 is not active"},
			{"close_ticket not a bool", with("close_ticket", "yes"), 400, "Body must be a JSON object with account, phone, name and parameters"},
			{"too large", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "Body larger than 1048576 bytes"},
		}
		before := snapshot(t, se, f.ws)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				res := f.pc("POST", "/postcenter/v2/message/hsm/", c.body)
				want := fmt.Sprintf(`{"status":%d,"message":%s}`, c.status, jsonString(c.msg))
				if res.Status != c.status || string(res.Body) != want {
					t.Errorf("got %s\nwant %d %s", res, c.status, want)
				}
			})
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("refused templates changed stored data:\n%s\n%s", before, after)
		}
		// An account named by a differently written number is found.
		res := f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", with("account", "+56 9 0000 0000")))
		if a := decode[hsmAnswer](t, res); a.Message != notDelivered {
			t.Errorf("hsm = %+v", a)
		}
	})
}

// provider stands in for a WhatsApp provider: it knows one template with
// two placeholders.
type provider struct {
	mu   sync.Mutex
	sent []sent
	down bool
}

type sent struct {
	account *desk.ChannelAccount
	msg     channel.Message
}

func (p *provider) Render(_ context.Context, _ *desk.ChannelAccount, t channel.Template) (string, error) {
	if t.Name != "codigo" {
		return "", desk.Invalid("name", desk.CodeUnknown, desk.Params{Value: t.Name})
	}
	if len(t.Parameters) != 2 {
		return "", desk.Invalid("parameters", desk.CodeRange, desk.Params{Min: 2, Max: 2})
	}
	return fmt.Sprintf("Hola %s, tu código es %s", t.Parameters[0], t.Parameters[1]), nil
}

func (p *provider) Send(_ context.Context, a *desk.ChannelAccount, m channel.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return "", errors.New("provider: 503 from upstream")
	}
	p.sent = append(p.sent, sent{a, m})
	return fmt.Sprintf("wamid.%d", len(p.sent)), nil
}

func TestHSMWithProvider(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		p := &provider{}
		mux := http.NewServeMux()
		postcenter.Mount(func(r route.Route) { mux.Handle(r.Pattern(), r.Handler) }, "/postcenter", postcenter.Deps{
			Desk: se.Deps.Desk, Auth: se.Deps.Auth, Routing: se.Deps.Routing, Log: se.Deps.Log,
			Senders: channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelWhatsApp: p})})
		srv := httptest.NewServer(mux)
		defer srv.Close()
		f.URL = srv.URL

		res := f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000", "phone": "56933333333",
			"name": "codigo", "parameters": []string{"Ana", "998877"}}))
		a := decode[hsmAnswer](t, res)
		if a.Message != "Ok" || len(p.sent) != 1 || p.sent[0].account.ID != f.whatsapp.ID || p.sent[0].msg.To.ExternalID != "56933333333" ||
			p.sent[0].msg.Template == nil || p.sent[0].msg.Template.Name != "codigo" {
			t.Fatalf("hsm = %+v, sent %+v", a, p.sent)
		}
		detail := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+a.TicketID+"/", nil)))
		if detail["last_content"] != "Hola Ana, tu código es 998877" || detail["social_network"] != "whatsapp" {
			t.Errorf("detail = %v", detail)
		}
		// The stored message carries the provider's id, for delivery
		// receipts and dedupe (docs/inbound.md).
		if ms, err := se.Store.Messages(context.Background(), f.ws, a.TicketID, desk.MessageFilter{}); err != nil || len(ms) != 1 ||
			ms[0].ProviderID != "wamid.1" || ms[0].ChannelAccountID != f.whatsapp.ID {
			t.Errorf("stored messages = %+v, %v", ms, err)
		}
		// What the provider refuses is the caller's error; a provider
		// failure is a 502. Neither stores anything, not even a customer.
		before := snapshot(t, se, f.ws)
		res = f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000", "phone": "56944444444",
			"name": "codigo", "parameters": []string{"Ana"}})
		if want := `{"status":400,"message":"Parameters must be exactly 2"}`; res.Status != 400 || string(res.Body) != want {
			t.Errorf("wrong parameter count: %s", res)
		}
		p.down = true
		res = f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000", "phone": "56944444444",
			"name": "codigo", "parameters": []string{"Ana", "1"}})
		if want := `{"status":502,"message":"Delivery failed: the WhatsApp provider refused the message"}`; res.Status != 502 || string(res.Body) != want {
			t.Errorf("provider down: %s", res)
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("failed sends changed stored data:\n%s\n%s", before, after)
		}
	})
}

// A template to a customer known by phone (no WhatsApp identity yet) lands
// on that customer, who takes the identity: desk.Reach decides, and no
// second contact can claim it afterwards.
func TestHSMFindsCustomerByPhone(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ctx := context.Background()
		known, err := se.Deps.Desk.CreateContact(ctx, f.ws, desk.NewContact{Name: "Rosa", Phone: "56955555555"})
		if err != nil {
			t.Fatal(err)
		}
		a := decode[hsmAnswer](t, f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000",
			"phone": "+56 9 5555 5555", "name": "bienvenida"})))
		tk, err := se.Store.Ticket(ctx, f.ws, a.TicketID)
		if err != nil || tk.ContactID != known.ID {
			t.Fatalf("ticket = %+v, %v; want contact %s", tk, err, known.ID)
		}
		c, err := se.Store.Contact(ctx, f.ws, known.ID)
		if err != nil || c.Name != "Rosa" || len(c.Identities) != 1 || c.Identities[0].ExternalID != "56955555555" {
			t.Errorf("contact = %+v, %v", c, err)
		}
		_, err = se.Deps.Desk.CreateContact(ctx, f.ws, desk.NewContact{Name: "Otra",
			Identities: []desk.Identity{{Channel: desk.ChannelWhatsApp, ExternalID: "56955555555"}}})
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("second claim of the identity: %v, want ErrConflict", err)
		}
	})
}
