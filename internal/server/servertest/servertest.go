// Package servertest runs a whole ticketd server over a real store on a
// real loopback listener, for HTTP tests of every door. Each Env has its own
// fresh store and a workspace with an admin token.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/secretbox"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Env is one running server with one workspace.
type Env struct {
	T          testing.TB
	URL        string
	Deps       server.Deps
	Store      desk.Store
	Workspace  *desk.Workspace
	Admin      *desk.Agent
	AdminToken string
}

// CheapHasher keeps password hashing fast in tests.
var CheapHasher = auth.Hasher{Memory: 64, Time: 1}

// Password is the password of every agent servertest creates.
const Password = "secret-pass"

// ForEachBackend runs fn as a subtest on every store (PostgreSQL only when
// TICKETD_TEST_POSTGRES is set; skipped otherwise with a message).
func ForEachBackend(t *testing.T, fn func(t *testing.T, open storetest.Opener)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open) })
	}
}

// Run runs fn against a fresh server on every backend.
func Run(t *testing.T, fn func(t *testing.T, e *Env)) {
	ForEachBackend(t, func(t *testing.T, open storetest.Opener) { fn(t, New(t, open(t))) })
}

// Secret is the server secret of every Env: nodes over one database
// share it, as a deployment's do.
var Secret = []byte("servertest-secret-0123456789")

// New starts a server over st with workspace "acme" (zone Asia/Shanghai)
// and its admin admin@acme.test.
func New(t testing.TB, st desk.Store) *Env { t.Helper(); return NewWith(t, st, nil) }

// NewWith is New with configure run on the dependencies before the server
// is built (flags such as AllowPrivateHosts).
func NewWith(t testing.TB, st desk.Store, configure func(*server.Deps)) *Env {
	t.Helper()
	deps := newDeps(t, st)
	if configure != nil {
		configure(&deps)
	}
	srv := httptest.NewServer(server.Handler(deps, server.NewMetrics()))
	t.Cleanup(srv.Close)
	e := &Env{T: t, URL: srv.URL, Deps: deps, Store: st}
	e.Workspace, e.Admin, e.AdminToken = e.NewWorkspace("acme", "Asia/Shanghai")
	return e
}

// Node starts a second server over st — another pool on the database e's
// store uses, as a second node behind a load balancer would be — serving
// e's workspace, admin and token. Its files are chosen from st like any
// node's, with a data folder of its own.
func (e *Env) Node(t testing.TB, st desk.Store) *Env {
	t.Helper()
	deps := newDeps(t, st)
	srv := httptest.NewServer(server.Handler(deps, server.NewMetrics()))
	t.Cleanup(srv.Close)
	return &Env{T: t, URL: srv.URL, Deps: deps, Store: st, Workspace: e.Workspace, Admin: e.Admin, AdminToken: e.AdminToken}
}

func newDeps(t testing.TB, st desk.Store) server.Deps {
	deps := server.NewDeps(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	deps.Auth.Hasher = CheapHasher
	deps.Files = server.FileStore(st, t.TempDir())
	deps.Secret = Secret
	box, err := secretbox.New(Secret)
	if err != nil {
		t.Fatal(err)
	}
	deps.Desk.Secrets = box
	return deps
}

// NewWorkspace creates another isolated workspace with its own admin.
func (e *Env) NewWorkspace(name, tz string) (*desk.Workspace, *desk.Agent, string) {
	e.T.Helper()
	ctx := context.Background()
	hash, _ := e.Deps.Auth.Hasher.Hash(Password)
	ws, admin, err := e.Deps.Desk.NewWorkspace(ctx, name, tz, "Admin "+name, "admin@"+name+".test", hash)
	if err != nil {
		e.T.Fatalf("new workspace: %v", err)
	}
	tok, _, err := e.Deps.Auth.IssueToken(ctx, admin, "test", 0)
	if err != nil {
		e.T.Fatalf("issue token: %v", err)
	}
	return ws, admin, tok
}

// Agent creates an agent in the Env's workspace and returns it with a token.
func (e *Env) Agent(in desk.NewAgent) (*desk.Agent, string) {
	e.T.Helper()
	ctx := context.Background()
	if in.PasswordHash == "" {
		in.PasswordHash, _ = e.Deps.Auth.Hasher.Hash(Password)
	}
	a, err := e.Deps.Desk.CreateAgent(ctx, e.Workspace.ID, in)
	if err != nil {
		e.T.Fatalf("create agent: %v", err)
	}
	tok, _, err := e.Deps.Auth.IssueToken(ctx, a, "test", 0)
	if err != nil {
		e.T.Fatalf("issue token: %v", err)
	}
	return a, tok
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON). headers are "Name: value" strings.
func (e *Env) Do(method, path string, body any, headers ...string) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatalf("read body: %v", err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Bearer is the Authorization header for tok.
func Bearer(tok string) string { return "Authorization: Bearer " + tok }
