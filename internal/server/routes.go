package server

import (
	"context"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ticketd/ticketd/internal/api"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/bangwo8"
	"github.com/ticketd/ticketd/internal/dialect/dolphins"
	"github.com/ticketd/ticketd/internal/dialect/oneview"
	"github.com/ticketd/ticketd/internal/dialect/postcenter"
	"github.com/ticketd/ticketd/internal/live"
)

// Handler returns every route of ticketd. Each door lists its own routes in
// its package's routes file; this file shows the doors.
func Handler(d Deps, m *Metrics) http.Handler {
	mux, _ := routes(d, m)
	return mux
}

// routes builds the mux and lists the patterns mounted through handle
// (tests check them against the OpenAPI document).
func routes(d Deps, m *Metrics) (*http.ServeMux, []string) {
	mux := http.NewServeMux()
	wrap := m.Wrap(d.Log)
	var patterns []string
	mount := func(pattern string, h http.Handler) {
		patterns = append(patterns, pattern)
		mux.Handle(pattern, wrap(pattern, h))
	}
	handle := func(pattern string, h http.HandlerFunc) { mount(pattern, h) }

	// Operations.
	handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	handle("GET /readyz", readyz(d.Desk.Store))
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	if d.Pprof {
		mux.Handle("/debug/pprof/", adminOnly(d, http.HandlerFunc(pprof.Index)))
		mux.Handle("/debug/pprof/profile", adminOnly(d, http.HandlerFunc(pprof.Profile)))
		mux.Handle("/debug/pprof/trace", adminOnly(d, http.HandlerFunc(pprof.Trace)))
		mux.Handle("/debug/pprof/symbol", adminOnly(d, http.HandlerFunc(pprof.Symbol)))
	}

	// Each door answers body limits, bad text, an unavailable store and
	// (native API) unknown routes in its own shape, from one guard.
	g := newGuard(d.Desk.Store, d.Log)

	// Native API: /api/v1/...
	native := &api.API{Desk: d.Desk, Auth: d.Auth, ExtraDocs: live.OpenAPI()}
	nativeDoor := door{render: api.WriteError}
	known := http.NewServeMux()
	native.Register(g.mount(nativeDoor, func(pattern string, h http.Handler) {
		known.Handle(pattern, http.NotFoundHandler())
		mount(pattern, h)
	}))
	mux.Handle("/api/v1/", wrap("/api/v1/", g.wrap(nativeDoor, "/api/v1/", noRoute(nativeDoor, known))))

	// Live ticket streams (server-sent events): /live/v1/tickets/{id}.
	hub := live.New(d.Desk, d.Auth, d.Secret, d.Log)
	mount("GET "+live.Path, hub)
	// Desk rooms: /live/v1/workspace, /live/v1/agents/{id}, /live/v1/groups/{id}.
	handle("GET "+live.WorkspacePath, hub.ServeWorkspace)
	handle("GET "+live.AgentPath, hub.ServeAgent)
	handle("GET "+live.GroupPath, hub.ServeGroup)

	// pd-oneview chat-ticket: /chat-ticket/v1/... and /cs-chat-ticket/v1/...
	oneview.New(d.Desk, d.Auth, hub, d.Log).Register(g.mount(door{render: oneview.DoorError}, mount), "/chat-ticket", "/cs-chat-ticket")

	// PostCenter v2: /postcenter/v2/...
	postcenter.Mount(g.mount(door{render: postcenter.DoorError}, mount), postcenter.DefaultPrefix, postcenter.Deps{Desk: d.Desk,
		Auth: d.Auth, Routing: d.Routing, Files: d.Files, Log: d.Log})

	// Bangwo8 v1: /bangwo8/api/v1/...
	b8 := bangwo8.New(d.Desk, d.Auth, d.Files, d.Log)
	b8.Register(g.mount(door{render: bangwo8.DoorError, uploads: b8.UploadLimit}, mount))

	// 3Dolphins graph tickets: /dolphin/apiv1/graph/...
	dol := dolphins.New(dolphins.Config{Desk: d.Desk, Auth: d.Auth, Routing: d.Routing, Log: d.Log, Files: d.Files.Blobs,
		TokenTTL: d.DolphinsTokenTTL})
	dol.Register(g.mount(door{render: dolphins.DoorError, uploads: dol.UploadLimit}, mount))

	return mux, patterns
}

func readyz(st desk.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			http.Error(w, "store unavailable\n", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}

// adminOnly guards operator endpoints with an admin's bearer token.
func adminOnly(d Deps, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") {
			http.Error(w, "admin bearer token required", http.StatusUnauthorized)
			return
		}
		p, err := d.Auth.Token(r.Context(), tok)
		if err != nil || !p.Can(desk.RoleAdmin) {
			http.Error(w, "admin bearer token required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
