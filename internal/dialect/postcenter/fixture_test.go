package postcenter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// clock is the desk's clock in these tests: tickets are created at the
// instants the vendor's examples show.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func at(s string) time.Time      { t, _ := time.Parse("2006-01-02T15:04:05.000", s); return t }
func (c *clock) setAt(s string)  { c.set(at(s)) }

// client never follows redirects: the door must not send any.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// response is a finished exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) String() string { return http.StatusText(r.Status) + " " + string(r.Body) }

// env is a running server, its clock and a PostCenter key.
type env struct {
	*servertest.Env
	t     testing.TB
	clock *clock
	key   string            // the admin's token
	names map[string]string // ids → names in golden files
}

func newEnv(t testing.TB, e *servertest.Env) *env {
	c := &clock{}
	c.set(time.Now())
	e.Deps.Desk.Now = c.now
	return &env{Env: e, t: t, clock: c, key: e.AdminToken, names: map[string]string{}}
}

// pc sends a request with the admin's Key unless headers say otherwise.
func (e *env) pc(method, path string, body any, headers ...string) *response {
	e.t.Helper()
	return e.send(method, path, body, append([]string{"Authorization: Key " + e.key}, headers...)...)
}

// send sends a request as is; body is nil, a string or a value sent as JSON.
func (e *env) send(method, path string, body any, headers ...string) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// ok fails unless the exchange succeeded with a JSON body.
func (e *env) ok(r *response) *response {
	e.t.Helper()
	if r.Status != http.StatusOK {
		e.t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		e.t.Fatalf("Content-Type %q", ct)
	}
	return r
}

func decode[T any](t testing.TB, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, r.Body)
	}
	return v
}

var hexID = regexp.MustCompile(`\b[0-9a-f]{24}\b`)

// golden compares a body with testdata/name.json, keeping its key order
// and types; ids become the names the fixture gave them, ids it did not
// name become <id>, and the server's address HOST.
func (e *env) golden(name string, body []byte) {
	e.t.Helper()
	s := string(body)
	ids := make([]string, 0, len(e.names))
	for id := range e.names {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s = strings.ReplaceAll(s, id, "<"+e.names[id]+">")
	}
	s = hexID.ReplaceAllString(s, "<id>")
	s = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).ReplaceAllString(s, "http://HOST/")
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", "  "); err != nil {
		e.t.Fatalf("golden %s: not JSON: %s", name, body)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatalf("golden %s: %v (run go test -update)", name, err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		e.t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", name, path, buf.Bytes(), want)
	}
}

// fixture is a workspace shaped like the vendor's examples.
type fixture struct {
	*env
	ws                                             string
	twitter, whatsapp, facebook, search, instagram *desk.ChannelAccount
	francisco, sofia, bot                          *desk.Agent
	carlos, jhon                                   *desk.Contact
	tweet, email, fb, searchTicket, ignored        *desk.Ticket
	media                                          *desk.Attachment
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// newFixture builds the workspace every scenario reads. All through desk;
// the scenarios themselves go through HTTP.
func newFixture(t testing.TB, se *servertest.Env) *fixture {
	e := newEnv(t, se)
	f := &fixture{env: e, ws: se.Workspace.ID}
	ctx := context.Background()
	d := se.Deps.Desk
	e.clock.setAt("2014-01-01T00:00:00.000")
	acct := must[*desk.ChannelAccount](t)
	f.twitter = acct(d.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelTwitter, Name: "superempresa", UID: "123456789"}))
	f.whatsapp = acct(d.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, Name: "56900000000", UID: "56900000000"}))
	f.facebook = acct(d.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelFacebook, Name: "Super Empresa", UID: "PAGE1"}))
	f.search = acct(d.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelTwitter, Name: "#superempresa", ProviderType: "twitter_search"}))
	f.instagram = acct(d.CreateChannelAccount(ctx, f.ws, desk.NewChannelAccount{Channel: desk.ChannelInstagram, Name: "superempresa.ig", UID: "IG1", Inactive: true}))

	f.francisco, _ = se.Agent(desk.NewAgent{Name: "Francisco Pinto", Email: "fapint@somecorporate.com"})
	f.sofia, _ = se.Agent(desk.NewAgent{Name: "Sofía Reyes", Email: "sreyes@somecorporate.com", Role: desk.RoleSupervisor})
	f.bot, _ = se.Agent(desk.NewAgent{Name: "Bot", Role: desk.RoleBot})
	// Sofía works Twitter only.
	if err := se.Deps.Routing.SetAssignableAccounts(ctx, f.ws, f.sofia.ID, []string{f.search.ID, f.twitter.ID}); err != nil {
		t.Fatal(err)
	}

	contact := must[*desk.Contact](t)
	f.carlos = contact(d.CreateContact(ctx, f.ws, desk.NewContact{Name: "Carlos Palma", NationalID: "12.345.678-k",
		Identities: []desk.Identity{
			{Channel: desk.ChannelTwitter, ExternalID: "546b9b2720a9f1301050fec3", ScreenName: "cpalma"},
			{Channel: desk.ChannelFacebook, ExternalID: "FBUSER1", PageID: "PAGE1"},
		}}))
	f.jhon = contact(d.CreateContact(ctx, f.ws, desk.NewContact{Name: "Jhon Doe", Email: "jhon@example.com", NationalID: "9876543-2"}))

	// The messages example: two tweets from Carlos, a reply with media.
	ticket := must[*desk.Ticket](t)
	e.clock.setAt("2014-11-30T18:50:11.000")
	f.tweet = ticket(d.CreateTicket(ctx, f.ws, desk.System, desk.NewTicket{Channel: desk.ChannelTwitter,
		ChannelAccountID: f.twitter.ID, ContactID: f.carlos.ID, AssigneeID: f.francisco.ID, Origin: desk.OriginCustomer,
		Message: &desk.NewMessage{Text: "@superempresa hola tengo un problema"}}))
	e.clock.setAt("2014-11-30T18:55:04.000")
	contactMsg := desk.Actor{Kind: desk.ActorContact, ID: f.carlos.ID}
	if _, _, err := d.AddMessage(ctx, f.ws, f.tweet.ID, desk.NewMessage{Text: "@superempresa con uno de sus productos", Author: contactMsg}); err != nil {
		t.Fatal(err)
	}
	e.clock.setAt("2014-11-30T20:46:58.000")
	saved, err := se.Deps.Files.Save(ctx, f.ws, "kitten.png", bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	f.media = must[*desk.Attachment](t)(d.NewAttachment(ctx, f.ws, desk.Attachment{FileName: saved.FileName,
		ContentType: saved.ContentType, Size: saved.Size, Path: saved.Key}))
	agentMsg := desk.Actor{Kind: desk.ActorAgent, ID: f.francisco.ID}
	if _, _, err := d.AddMessage(ctx, f.ws, f.tweet.ID, desk.NewMessage{Text: "Hola Carlos, ¿en qué te podemos ayudar?",
		Author: agentMsg, Attachments: []string{f.media.Token}}); err != nil {
		t.Fatal(err)
	}
	e.clock.setAt("2014-11-30T20:50:00.123")
	private := false
	if _, _, err := d.AddMessage(ctx, f.ws, f.tweet.ID, desk.NewMessage{Text: "nota interna: cliente frecuente", Author: agentMsg, Public: &private}); err != nil {
		t.Fatal(err)
	}

	// The ticket-detail example: an email, closed on 21-12-2016.
	e.clock.setAt("2016-11-29T18:38:32.000")
	f.email = ticket(d.CreateTicket(ctx, f.ws, desk.System, desk.NewTicket{Channel: desk.ChannelEmail, Subject: "Configuración de mi producto",
		ContactID: f.jhon.ID, AssigneeID: f.francisco.ID, Origin: desk.OriginCustomer,
		Message: &desk.NewMessage{Text: "Hi, I need help configuring with my product."}}))
	e.clock.setAt("2016-12-21T13:17:29.283")
	f.email = ticket(d.Close(ctx, f.ws, f.email.ID, agentMsg, desk.StatusClosed, "solved by phone"))

	// The paginated example's first ticket: a Facebook message, unassigned.
	e.clock.setAt("2019-04-18T21:40:59.000")
	f.fb = ticket(d.CreateTicket(ctx, f.ws, desk.System, desk.NewTicket{Channel: desk.ChannelFacebook,
		ChannelAccountID: f.facebook.ID, ContactID: f.carlos.ID, Origin: desk.OriginCustomer,
		Message: &desk.NewMessage{Text: "Hola, ¿tienen stock?"}}))
	e.clock.setAt("2019-04-18T22:30:21.500")
	f.fb = ticket(d.UpdateTicket(ctx, f.ws, f.fb.ID, desk.System, desk.TicketPatch{Tags: &[]string{"stock"}}))

	// A mention found by a Twitter search, worked on by Sofía.
	e.clock.setAt("2019-04-18T10:38:52.000")
	f.searchTicket = ticket(d.CreateTicket(ctx, f.ws, desk.System, desk.NewTicket{Channel: desk.ChannelTwitter,
		ChannelAccountID: f.search.ID, Origin: desk.OriginCustomer, AssigneeID: f.sofia.ID,
		Message: &desk.NewMessage{Text: "¿alguien sabe si #superempresa abre hoy?", Author: desk.Actor{Kind: desk.ActorContact}, AuthorName: "Anónimo"}}))
	e.clock.setAt("2019-04-19T08:38:52.000")
	if _, _, err := d.AddMessage(ctx, f.ws, f.searchTicket.ID, desk.NewMessage{Text: "Sí, hasta las 20:00",
		Author: desk.Actor{Kind: desk.ActorAgent, ID: f.sofia.ID}}); err != nil {
		t.Fatal(err)
	}
	f.searchTicket = ticket(se.Store.Ticket(ctx, f.ws, f.searchTicket.ID))

	// Spam, ignored.
	e.clock.setAt("2019-05-09T22:50:41.000")
	f.ignored = ticket(d.CreateTicket(ctx, f.ws, desk.System, desk.NewTicket{Channel: desk.ChannelWebchat, Status: desk.StatusIgnored,
		Message: &desk.NewMessage{Text: "gana dinero fácil", Author: desk.Actor{Kind: desk.ActorContact}, AuthorName: "spam"}}))

	e.clock.setAt("2019-06-01T12:00:00.000")
	for name, id := range map[string]string{"ticket:tweet": f.tweet.ID, "ticket:email": f.email.ID, "ticket:fb": f.fb.ID,
		"ticket:search": f.searchTicket.ID, "ticket:ignored": f.ignored.ID, "contact:carlos": f.carlos.ID,
		"contact:jhon": f.jhon.ID, "agent:francisco": f.francisco.ID, "agent:sofia": f.sofia.ID, "agent:admin": se.Admin.ID, "media": f.media.ID} {
		e.names[id] = name
	}
	return f
}

// pngBytes is a 1×1 PNG.
var pngBytes = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d,
	0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// snapshot renders everything a request could change in ws, to prove a
// refused request changed nothing.
func snapshot(t testing.TB, se *servertest.Env, ws string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ts, err := se.Store.Tickets(ctx, ws, desk.TicketFilter{Order: desk.OrderNumberAsc})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts {
		ms, err := se.Store.Messages(ctx, ws, tk.ID, desk.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := se.Store.Events(ctx, ws, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(mustJSON([]any{tk.ID, tk.Status, tk.AssigneeID, tk.UpdatedAt, tk.CustomFields, tk.Meta, len(ms), len(evs)}))
		b.WriteByte('\n')
	}
	cs, err := se.Store.Contacts(ctx, ws, desk.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		b.Write(mustJSON([]any{c.ID, c.CustomFields, c.UpdatedAt, c.Identities}))
		b.WriteByte('\n')
	}
	return b.String()
}
