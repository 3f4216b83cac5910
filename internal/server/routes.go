package server

import (
	"context"
	"fmt"
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
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/web"
)

// Handler returns every route of ticketd.
func Handler(d Deps, m *Metrics) http.Handler {
	mux, _ := routes(d, m)
	return mux
}

// Mounts are where the dialects answer (DESIGN.md §1: configurable, so a
// client that hard-codes a vendor's path layout can be served at the root
// of its own host name).
type Mounts struct {
	PostCenter string // PostCenter v2: <mount>/v2/...
	Bangwo8    string // Bangwo8 v1: <mount>/api/v1/...
	OneView    string // pd-oneview chat-ticket: <mount>/v1/...
	OneViewCS  string // pd-oneview cs-chat-ticket: <mount>/v1/...
	Dolphins   string // 3Dolphins: <mount>/graph/...
}

// DefaultMounts are the vendors' own paths under one host.
func DefaultMounts() Mounts {
	return Mounts{PostCenter: postcenter.DefaultPrefix, Bangwo8: bangwo8.DefaultPrefix, OneView: "/chat-ticket",
		OneViewCS: "/cs-chat-ticket", Dolphins: dolphins.DefaultPrefix}
}

// Validate checks every mount is a path of its own: "/name" (the
// pd-oneview families may be empty, which turns them off), none inside
// another door's space.
func (m Mounts) Validate() error {
	seen := map[string]string{"/api": "the native API", "/live": "the live streams"}
	for _, p := range web.Paths {
		seen[p] = "the agent desk"
	}
	for _, f := range []struct {
		name, path string
		optional   bool
	}{{"postcenter", m.PostCenter, false}, {"bangwo8", m.Bangwo8, false}, {"oneview", m.OneView, true},
		{"oneview-cs", m.OneViewCS, true}, {"dolphins", m.Dolphins, false}} {
		p := strings.TrimSuffix(f.path, "/")
		if p == "" && f.optional {
			continue
		}
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " {}?#") {
			return fmt.Errorf("--mount-%s %q: want a path such as /%s", f.name, f.path, f.name)
		}
		first := "/" + strings.SplitN(p[1:], "/", 2)[0]
		if other, ok := seen[first]; ok {
			return fmt.Errorf("--mount-%s %q: %s is already served there", f.name, f.path, other)
		}
		seen[first] = "--mount-" + f.name
	}
	return nil
}

// Routes is every route of every door, in mount order: the one table the
// server mounts from, and what `ticketd routes` and docs/routes.md show.
func Routes(d Deps) []route.Route {
	_, table := routes(d, NewMetrics())
	return table
}

// routes builds the table of every door's routes and the mux that serves
// it. Each door lists its own routes in its package (method, path, role);
// this function is the list of doors.
func routes(d Deps, m *Metrics) (*http.ServeMux, []route.Route) {
	mounts := d.Mounts
	if mounts == (Mounts{}) {
		mounts = DefaultMounts()
	}
	var table []route.Route
	// Each door answers body limits, bad text, an unavailable store and
	// (native API) unknown routes in its own shape, from one guard.
	g := newGuard(d.Desk.Store, d.Log)
	add := func(name string, guard *door) route.Mount {
		return func(r route.Route) {
			r.Door = name
			if guard != nil {
				r.Handler = g.wrap(*guard, r.Pattern(), r.Handler)
			}
			table = append(table, r)
		}
	}

	// Operations.
	ops := add("ops", nil)
	ops(route.Route{Method: "GET", Path: "/healthz", Role: route.Public,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })})
	ops(route.Route{Method: "GET", Path: "/readyz", Role: route.Public, Handler: readyz(d.Desk.Store)})
	ops(route.Route{Method: "GET", Path: "/metrics", Role: route.Public, Handler: promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})})
	if d.Pprof {
		for _, p := range []struct {
			path string
			h    http.HandlerFunc
		}{{"/debug/pprof/", pprof.Index}, {"/debug/pprof/profile", pprof.Profile}, {"/debug/pprof/trace", pprof.Trace},
			{"/debug/pprof/symbol", pprof.Symbol}} {
			ops(route.Route{Path: p.path, Role: route.Admin, Handler: adminOnly(d, p.h)})
		}
	}

	// Native API: /api/v1/...
	native := &api.API{Desk: d.Desk, Auth: d.Auth, Files: d.Files, ExtraDocs: live.OpenAPI(), AllowPrivateHosts: d.AllowPrivateHosts,
		PublicURL: d.PublicURL}
	nativeDoor := door{render: api.WriteError, uploads: native.UploadLimit}
	native.Register(add("native", &nativeDoor))

	// Live streams (server-sent events): /live/v1/tickets/{id} and the desk
	// rooms /live/v1/workspace, /live/v1/agents/{id}, /live/v1/groups/{id}.
	hub := live.New(d.Desk, d.Auth, d.Secret, d.Log)
	lv := add("live", nil)
	lv(route.Route{Method: "GET", Path: live.Path, Role: route.Agent, Handler: hub})
	lv(route.Route{Method: "GET", Path: live.WorkspacePath, Role: route.Agent, Handler: http.HandlerFunc(hub.ServeWorkspace)})
	lv(route.Route{Method: "GET", Path: live.AgentPath, Role: route.Agent, Handler: http.HandlerFunc(hub.ServeAgent)})
	lv(route.Route{Method: "GET", Path: live.GroupPath, Role: route.Agent, Handler: http.HandlerFunc(hub.ServeGroup)})

	// pd-oneview chat-ticket and cs-chat-ticket.
	oneview.New(d.Desk, d.Auth, hub, d.Log).Register(add("oneview", &door{render: oneview.DoorError}), mounts.OneView, mounts.OneViewCS)

	// PostCenter v2.
	postcenter.Mount(add("postcenter", &door{render: postcenter.DoorError}), mounts.PostCenter, postcenter.Deps{Desk: d.Desk,
		Auth: d.Auth, Routing: d.Routing, Files: d.Files, Log: d.Log})

	// Bangwo8 v1.
	b8 := bangwo8.New(d.Desk, d.Auth, d.Files, d.Log)
	b8.Prefix = mounts.Bangwo8
	b8.Register(add("bangwo8", &door{render: bangwo8.DoorError, uploads: b8.UploadLimit}))

	// 3Dolphins graph tickets.
	dol := dolphins.New(dolphins.Config{Desk: d.Desk, Auth: d.Auth, Routing: d.Routing, Log: d.Log, Files: d.Files.Blobs,
		TokenTTL: d.DolphinsTokenTTL, Prefix: mounts.Dolphins})
	dol.Register(add("dolphins", &door{render: dolphins.DoorError, uploads: dol.UploadLimit}))

	// The agent desk: /, /login, /tickets/{number}… (internal/web).
	ui, err := web.New(web.Config{Desk: d.Desk, Routing: d.Routing, Auth: d.Auth, Files: d.Files, Log: d.Log, PublicURL: d.PublicURL, Live: hub, AllowPrivateHosts: d.AllowPrivateHosts})
	if err != nil {
		panic(err) // embedded templates that do not parse: a build defect, caught by every test
	}
	ui.Register(add("web", nil))

	mux := http.NewServeMux()
	wrap := m.Wrap(d.Log)
	known := http.NewServeMux() // the native routes, for 404 vs 405 under /api/v1/
	for _, r := range table {
		p := r.Pattern()
		h := r.Handler
		if r.Path != "/metrics" && !strings.HasPrefix(r.Path, "/debug/") {
			h = wrap(p, h) // metrics by route; scrapes and profiles are not counted
		}
		mux.Handle(p, h)
		if r.Door == "native" {
			known.Handle(p, http.NotFoundHandler())
		}
	}
	mux.Handle("/api/v1/", wrap("/api/v1/", g.wrap(nativeDoor, "/api/v1/", noRoute(nativeDoor, known))))
	table = append(table, route.Route{Door: "native", Path: "/api/v1/", Role: route.Public})
	return mux, table
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
