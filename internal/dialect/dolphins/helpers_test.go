package dolphins_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/dolphins"
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

const base = "/dolphin/apiv1"

// fakeClock is the desk's clock in tests: real time shifted by an offset,
// or frozen at an instant.
type fakeClock struct {
	offset atomic.Int64 // ns added to real time
	frozen atomic.Int64 // unix ns; 0 = not frozen
}

func (c *fakeClock) Now() time.Time {
	if f := c.frozen.Load(); f != 0 {
		return time.Unix(0, f)
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}

func (c *fakeClock) Freeze(t time.Time) { c.frozen.Store(t.UnixNano()) }
func (c *fakeClock) Thaw()              { c.frozen.Store(0) }
func (c *fakeClock) Shift(d time.Duration) {
	c.frozen.Store(0)
	c.offset.Store(int64(d))
}

// fx is a workspace set up for the door: a group with a supervisor, two
// agents, a bot, a contact with identities, a channel account.
type fx struct {
	t      *testing.T
	e      *servertest.Env
	ctx    context.Context
	ws     *desk.Workspace
	clock  *fakeClock
	group  *desk.Group
	group2 *desk.Group
	sup    *desk.Agent
	agent  *desk.Agent
	agent2 *desk.Agent
	bot    *desk.Agent
	admin  string // 3D token of the admin
	tSup   string // 3D tokens, from POST /graph/auth
	tAgent string
	tAg2   string
	tBot   string
	nAgent string // the agent's ticketd API token, which never expires
	ct     *desk.Contact
	acct   *desk.ChannelAccount
}

func setup(t *testing.T, e *servertest.Env) *fx {
	t.Helper()
	f := &fx{t: t, e: e, ctx: context.Background(), ws: e.Workspace, clock: &fakeClock{}}
	d := e.Deps.Desk
	d.Now = f.clock.Now
	f.sup, _ = e.Agent(desk.NewAgent{Name: "Sari Supervisor", Email: "sup@acme.test", Role: desk.RoleSupervisor})
	var err error
	if f.group, err = d.CreateGroup(f.ctx, f.ws.ID, "cs", f.sup.ID); err != nil {
		t.Fatal(err)
	}
	if f.group2, err = d.CreateGroup(f.ctx, f.ws.ID, "billing", f.sup.ID); err != nil {
		t.Fatal(err)
	}
	f.agent, f.nAgent = e.Agent(desk.NewAgent{Name: "Ani Agent", Email: "ani@acme.test", GroupIDs: []string{f.group.ID}, AvatarURL: "https://img.test/ani.png"})
	f.agent2, _ = e.Agent(desk.NewAgent{Name: "Budi Agent", Email: "budi@acme.test", GroupIDs: []string{f.group2.ID}})
	f.bot, _ = e.Agent(desk.NewAgent{Name: "Dolphin Bot", Email: "bot@acme.test", Role: desk.RoleBot})
	f.admin = f.login("admin@acme.test")
	f.tSup = f.login("sup@acme.test")
	f.tAgent = f.login("ani@acme.test")
	f.tAg2 = f.login("budi@acme.test")
	f.tBot = f.login("bot@acme.test")
	f.ct, err = d.CreateContact(f.ctx, f.ws.ID, desk.NewContact{FirstName: "MINDA", Email: "mindagur93@gmail.com",
		Phone: "6287718110987", Identities: []desk.Identity{
			{Channel: desk.ChannelWebchat, ExternalID: "6287718110987-MINDA", ScreenName: "mindagur93@gmail.com", DisplayName: "MINDA"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	f.acct, err = d.CreateChannelAccount(f.ctx, f.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWebchat, Name: "Savanna Web", UID: "Savannabreeze"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// login trades an agent's password for a 3Dolphins token.
func (f *fx) login(email string) string {
	f.t.Helper()
	res := f.e.Do("POST", base+"/graph/auth", map[string]string{"username": email, "password": servertest.Password})
	if res.Status != 200 {
		f.t.Fatalf("login %s: %d %s", email, res.Status, res.Body)
	}
	var out struct{ Token string }
	res.JSON(f.t, &out)
	return out.Token
}

func (f *fx) online(agents ...*desk.Agent) {
	f.t.Helper()
	for _, a := range agents {
		if _, err := f.e.Deps.Desk.SetPresence(f.ctx, f.ws.ID, a.ID, desk.PresenceOnline, desk.Actor{Kind: desk.ActorAgent, ID: a.ID}); err != nil {
			f.t.Fatal(err)
		}
	}
}

// ticket opens a webchat ticket from the contact with a first message.
func (f *fx) ticket(in desk.NewTicket) *desk.Ticket {
	f.t.Helper()
	if in.ContactID == "" {
		in.ContactID = f.ct.ID
	}
	if in.Channel == "" {
		in.Channel, in.ChannelAccountID = desk.ChannelWebchat, f.acct.ID
	}
	if in.Subject == "" {
		in.Subject = "Sambungkan ke CS"
	}
	if in.Message == nil {
		in.Message = &desk.NewMessage{Text: "halo, saya butuh bantuan"}
	}
	t, err := f.e.Deps.Desk.CreateTicket(f.ctx, f.ws.ID, desk.Actor{Kind: desk.ActorContact, ID: in.ContactID}, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fx) reload(id string) *desk.Ticket {
	f.t.Helper()
	t, err := f.e.Store.Ticket(f.ctx, f.ws.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// do sends a request to the door with a bearer token.
func (f *fx) do(method, path string, body any, tok string) *servertest.Response {
	f.t.Helper()
	if tok == "" {
		return f.e.Do(method, base+path, body)
	}
	return f.e.Do(method, base+path, body, servertest.Bearer(tok))
}

// env decodes a response envelope, numbers kept as json.Number.
type env struct {
	Status       string
	Message      string
	Data         any
	HasMore      bool
	NextIndex    int
	PrevIndex    int
	TotalResults int
	raw          map[string]any
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object (%v): %s", err, b)
	}
	return m
}

// ok checks a 200 success envelope with exactly the envelope's keys.
func (f *fx) ok(res *servertest.Response) env {
	f.t.Helper()
	if res.Status != 200 {
		f.t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	return f.envelope(res, "success")
}

func (f *fx) envelope(res *servertest.Response, status string) env {
	f.t.Helper()
	m := decode(f.t, res.Body)
	want := []string{"status", "data", "hasMore", "nextIndex", "prevIndex", "totalResults"}
	if status == "failed" {
		want = append(want, "message")
	}
	assertKeys(f.t, "envelope", m, want)
	e := env{raw: m, Data: m["data"]}
	e.Status, _ = m["status"].(string)
	e.Message, _ = m["message"].(string)
	e.HasMore = m["hasMore"].(bool)
	e.NextIndex = num(f.t, m["nextIndex"])
	e.PrevIndex = num(f.t, m["prevIndex"])
	e.TotalResults = num(f.t, m["totalResults"])
	if e.Status != status {
		f.t.Fatalf("status = %q, want %q: %s", e.Status, status, res.Body)
	}
	return e
}

// failed checks a failure envelope with the given HTTP status.
func (f *fx) failed(res *servertest.Response, code int) env {
	f.t.Helper()
	if res.Status != code {
		f.t.Fatalf("status %d, want %d: %s", res.Status, code, res.Body)
	}
	e := f.envelope(res, "failed")
	if e.Data != nil || e.HasMore || e.NextIndex != 0 || e.PrevIndex != 0 || e.TotalResults != 0 || e.Message == "" {
		f.t.Fatalf("failure envelope not empty: %s", res.Body)
	}
	return e
}

func num(t testing.TB, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	i, err := strconv.Atoi(n.String())
	if err != nil {
		t.Fatalf("%v is not an integer", v)
	}
	return i
}

func i64(t testing.TB, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("%v is not an integer", v)
	}
	return i
}

// docs reads data as a list of documents.
func docs(t testing.TB, data any) []map[string]any {
	t.Helper()
	l, ok := data.([]any)
	if !ok {
		t.Fatalf("data is %T, want a list", data)
	}
	out := make([]map[string]any, len(l))
	for i, d := range l {
		if out[i], ok = d.(map[string]any); !ok {
			t.Fatalf("data[%d] is %T, want an object", i, d)
		}
	}
	return out
}

func obj(t testing.TB, data any) map[string]any {
	t.Helper()
	m, ok := data.(map[string]any)
	if !ok {
		t.Fatalf("data is %T, want an object", data)
	}
	return m
}

func assertKeys(t testing.TB, what string, m map[string]any, want []string) {
	t.Helper()
	have := make([]string, 0, len(m))
	for k := range m {
		have = append(have, k)
	}
	sort.Strings(have)
	w := append([]string(nil), want...)
	sort.Strings(w)
	if fmt.Sprint(have) != fmt.Sprint(w) {
		missing, extra := diff(w, have), diff(have, w)
		t.Fatalf("%s keys: missing %v, unexpected %v", what, missing, extra)
	}
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// kind names a JSON value's type as the tests spell it.
func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "int"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func assertTypes(t testing.TB, what string, m map[string]any, want map[string]string) {
	t.Helper()
	for k, typ := range want {
		v, ok := m[k]
		if !ok {
			t.Errorf("%s: missing %q", what, k)
			continue
		}
		if got := kind(v); got != typ {
			t.Errorf("%s: %q is %s (%v), want %s", what, k, got, v, typ)
		}
	}
}

func str(t testing.TB, m map[string]any, k string) string {
	t.Helper()
	s, ok := m[k].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want a string", k, m[k], m[k])
	}
	return s
}

// customDoor serves the door with cfg (desk, auth and routing from e) on
// a server of its own.
func customDoor(t testing.TB, e *servertest.Env, cfg dolphins.Config) *httptest.Server {
	cfg.Desk, cfg.Auth, cfg.Routing = e.Deps.Desk, e.Deps.Auth, e.Deps.Routing
	if cfg.Files == nil {
		cfg.Files = e.Deps.Files.Blobs
	}
	mux := http.NewServeMux()
	dolphins.New(cfg).Register(func(r route.Route) { mux.Handle(r.Pattern(), r.Handler) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

func tn(t *desk.Ticket) string { return strconv.FormatInt(t.Number, 10) }
