// Package bangwo8 emulates the ticket API of Bangwo8 (帮我吧) v1, so a
// client written against https://www.bangwo8.com/api/v1 works against
// ticketd by changing only its base URL to http://HOST/bangwo8/api/v1.
// It is a translator: it reads Bangwo8's JSON, calls the desk, and renders
// the desk's tickets in Bangwo8's shapes, ids, labels and local times.
// See README.md and docs/bangwo8.md.
package bangwo8

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/route"
)

// DefaultPrefix is where the door is mounted.
const DefaultPrefix = "/bangwo8"

// DefaultZone renders times of workspaces without a time zone (Bangwo8
// accounts keep China Standard Time, A23).
const DefaultZone = "Asia/Shanghai"

// Door serves the Bangwo8 dialect.
type Door struct {
	Desk   *desk.Service
	Auth   *auth.Service
	Files  *files.Store
	Log    *slog.Logger
	Prefix string // mount point, "/bangwo8" by default

	ids   idCache
	zones sync.Map // workspace id → *zone
}

// New returns the door over d, storing uploads in fs.
func New(d *desk.Service, a *auth.Service, fs *files.Store, log *slog.Logger) *Door {
	if log == nil {
		log = slog.Default()
	}
	return &Door{Desk: d, Auth: a, Files: fs, Log: log, Prefix: DefaultPrefix}
}

// Register mounts every route of routes.go under the prefix through mount,
// which instruments each handler under its pattern.
func (d *Door) Register(mount route.Mount) {
	for _, rt := range d.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if path == "" { // the catch-all: no method
			method, path = "", method
		}
		role := map[access]string{public: route.Public, anyAgent: route.Agent, admin: route.Admin}[rt.access]
		mount(route.Route{Method: method, Path: route.Join(d.Prefix, path), Role: role, Handler: d.guard(rt)})
	}
}

// zone is a workspace's cached time zone.
type zone struct {
	ws      *desk.Workspace
	loc     *time.Location
	expires time.Time
}

// zoneTTL bounds how long a workspace's zone is trusted unchanged.
const zoneTTL = 30 * time.Second

// workspace returns ws with its location, cached for zoneTTL.
func (d *Door) workspace(ctx context.Context, ws string) (*desk.Workspace, *time.Location, error) {
	now := time.Now()
	if z, ok := d.zones.Load(ws); ok && now.Before(z.(*zone).expires) {
		return z.(*zone).ws, z.(*zone).loc, nil
	}
	w, err := d.Desk.Store.Workspace(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	name := w.Timezone
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc, _ = time.LoadLocation(DefaultZone)
		if loc == nil {
			loc = time.FixedZone("CST", 8*3600)
		}
	}
	d.zones.Store(ws, &zone{ws: w, loc: loc, expires: now.Add(zoneTTL)})
	return w, loc, nil
}

// origin is scheme://host as the client reached the server (behind a
// TLS-terminating proxy, X-Forwarded-Proto says https).
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// base is the absolute URL of the API root as the client reached it:
// scheme://host/bangwo8/api/v1.
func (d *Door) base(r *http.Request) string {
	return origin(r) + strings.TrimSuffix(d.Prefix, "/") + "/api/v1"
}
