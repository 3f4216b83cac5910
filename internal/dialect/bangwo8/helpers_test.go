package bangwo8_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// clock is a settable clock for the desk, so dates in answers are exact.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(s string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a server with the Bangwo8 door, a fixed clock at the seed's
// "2017-05-04 14:08:22" (Asia/Shanghai), the workspace admin and one agent.
type env struct {
	*servertest.Env
	clock      *clock
	admin      string // Authorization header: Basic admin email:password
	agent      *desk.Agent
	agentBasic string
	agentToken string
}

func newEnv(t *testing.T, e *servertest.Env) *env {
	t.Helper()
	c := &clock{}
	c.Set("2017-05-04T06:08:22Z")
	e.Deps.Desk.Now = c.Now
	ag, tok := e.Agent(desk.NewAgent{Name: "客服小王", Email: "wang@acme.test"})
	return &env{Env: e, clock: c, admin: basic(e.Admin.Email, servertest.Password),
		agent: ag, agentBasic: basic(ag.Email, servertest.Password), agentToken: tok}
}

func basic(user, pass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// do sends a request as the admin (HTTP Basic, the seed's -u account:password).
func (e *env) do(method, path string, body any) *servertest.Response {
	e.T.Helper()
	return e.Do(method, "/bangwo8/api/v1"+path, body, e.admin)
}

// want checks a status and decodes the body.
func want(t *testing.T, res *servertest.Response, status int) map[string]any {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	return res.Map(t)
}

// wantError checks Bangwo8's error body exactly.
func wantError(t *testing.T, res *servertest.Response, status int, code, msg string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	var got map[string]any
	res.JSON(t, &got)
	if len(got) != 2 || got["errcode"] != code || got["errmsg"] != msg {
		t.Fatalf("error body %s, want {\"errcode\":%q,\"errmsg\":%q}", res.Body, code, msg)
	}
}

// random32 matches upload tokens, which are random.
var random32 = regexp.MustCompile(`\b[0-9a-f]{32}\b`)

// golden compares body to testdata/name, or rewrites it with -update. The
// server's address reads HOST, the workspace id WORKSPACE and upload
// tokens TOKEN.
func (e *env) golden(t *testing.T, name string, body []byte) {
	t.Helper()
	got := bytes.ReplaceAll(body, []byte(e.URL), []byte("http://HOST"))
	got = bytes.ReplaceAll(got, []byte(e.Workspace.ID), []byte("WORKSPACE"))
	got = random32.ReplaceAll(got, []byte("TOKEN"))
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("%s: not JSON: %v: %s", name, err, got)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantB, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), wantB) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, pretty.Bytes(), wantB)
	}
}

// ticket reads a ticket back from the store by number.
func (e *env) ticket(t *testing.T, n int64) *desk.Ticket {
	t.Helper()
	tk, err := e.Store.TicketByNumber(context.Background(), e.Workspace.ID, n)
	if err != nil {
		t.Fatalf("ticket %d: %v", n, err)
	}
	return tk
}

// messages reads a ticket's messages back.
func (e *env) messages(t *testing.T, n int64) []desk.Message {
	t.Helper()
	ms, err := e.Store.Messages(context.Background(), e.Workspace.ID, e.ticket(t, n).ID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// events reads a ticket's event log back.
func (e *env) events(t *testing.T, n int64) []desk.Event {
	t.Helper()
	evs, err := e.Store.Events(context.Background(), e.Workspace.ID, e.ticket(t, n).ID)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// create opens a ticket through the door and returns its ticketId.
func (e *env) create(t *testing.T, body string) int64 {
	t.Helper()
	m := want(t, e.do("POST", "/tickets.json", body), 200)
	return int64(m["ticket"].(map[string]any)["ticketId"].(float64))
}

// keys lists an object's keys in document order.
func keys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
