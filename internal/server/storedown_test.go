package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// syncBuffer is a log sink the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proxy forwards TCP to PostgreSQL until it is cut, like a database
// server that goes away: open connections drop, new ones are refused.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// TestStoreDown: with the database gone, every door's auth answers 503
// with Retry-After in the door's shape (it answered 401: the failed read
// was taken for bad credentials), and the cause is logged once.
func TestStoreDown(t *testing.T) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			var st desk.Store
			var down func()
			if be.Name == "sqlite" {
				st = storetest.OpenSQLite(t)
				down = func() { st.Close() }
			} else {
				u, err := url.Parse(storetest.FreshSchemaURL(t))
				if err != nil {
					t.Fatal(err)
				}
				p := newProxy(t, u.Host)
				u.Host = p.ln.Addr().String()
				if st, err = postgres.Open(context.Background(), u.String(), nil); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				down = p.cut
			}
			logs := &syncBuffer{}
			deps := server.NewDeps(st, slog.New(slog.NewTextHandler(logs, nil)))
			deps.Auth.Hasher = servertest.CheapHasher
			deps.Files = server.FileStore(st, t.TempDir())
			srv := httptest.NewServer(server.Handler(deps, server.NewMetrics()))
			t.Cleanup(srv.Close)
			e := &servertest.Env{T: t, URL: srv.URL, Deps: deps, Store: st}
			_, _, tok := e.NewWorkspace("acme", "UTC")
			down()

			basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("admin@acme.test:"+servertest.Password))
			envelope := `,"data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`
			for _, c := range []struct {
				name, method, path, body, auth string
				want
			}{
				{"native", "GET", "/api/v1/tickets", "", servertest.Bearer(tok), want{503, nil,
					`{"error":{"code":"unavailable","message":"the database is unavailable; try again shortly"}}`}},
				{"native login", "POST", "/api/v1/tokens", `{"email":"admin@acme.test","password":"x"}`, "", want{503, nil,
					`{"error":{"code":"unavailable","message":"the database is unavailable; try again shortly"}}`}},
				{"postcenter", "GET", "/postcenter/v2/ping/", "", "Authorization: Key " + tok, want{503, nil,
					`{"status":503,"message":"The database is unavailable; try again shortly"}`}},
				{"bangwo8 token", "GET", "/bangwo8/api/v1/tickets.json", "", servertest.Bearer(tok), want{503, nil,
					`{"errcode":"100503","errmsg":"服务暂不可用,请稍后重试"}`}},
				{"bangwo8 password", "GET", "/bangwo8/api/v1/tickets.json", "", basic, want{503, nil,
					`{"errcode":"100503","errmsg":"服务暂不可用,请稍后重试"}`}},
				{"oneview", "GET", "/cs-chat-ticket/v1/info", "", servertest.Bearer(tok), want{503, nil,
					`{"errorCode":503,"errorMessage":"service unavailable"}`}},
				{"3dolphins", "GET", "/dolphin/apiv1/graph/tickets", "", servertest.Bearer(tok), want{503, nil,
					`{"status":"failed","message":"the database is unavailable; try again shortly"` + envelope}},
				{"3dolphins login", "POST", "/dolphin/apiv1/graph/auth", `{"username":"admin@acme.test","password":"x"}`, "", want{503, nil,
					`{"status":"failed","message":"the database is unavailable; try again shortly"` + envelope}},
			} {
				var body any
				if c.body != "" {
					body = c.body
				}
				var hs []string
				if c.auth != "" {
					hs = append(hs, c.auth)
				}
				res := e.Do(c.method, c.path, body, hs...)
				c.want.check(t, c.name, res)
				if res.Header.Get("Retry-After") == "" || res.Header.Get("WWW-Authenticate") != "" {
					t.Errorf("%s: Retry-After %q, WWW-Authenticate %q", c.name, res.Header.Get("Retry-After"), res.Header.Get("WWW-Authenticate"))
				}
			}
			if n := strings.Count(logs.String(), "store unavailable"); n != 1 {
				t.Errorf("the outage was logged %d times, want once:\n%s", n, logs)
			}
			// A bad token is still 401 while the store is up: see TestAuth.
		})
	}
}
