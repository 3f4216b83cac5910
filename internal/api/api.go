// Package api is ticketd's native REST API under /api/v1: JSON in and out,
// bearer tokens, keyset-paginated lists, and an OpenAPI 3.1 document built
// from the same route table that registers the handlers.
package api

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/route"
)

// API serves the native REST API.
type API struct {
	Desk *desk.Service
	Auth *auth.Service
	// ExtraDocs adds documented paths served elsewhere (streams, dialect
	// endpoints worth describing) to the OpenAPI document.
	ExtraDocs map[string]map[string]any
	// Files keeps uploads (POST /api/v1/uploads) and serves attachments;
	// nil answers those routes 503.
	Files *files.Store
	// AllowPrivateHosts lets outbound checks (a channel account's test)
	// dial loopback and private addresses (--allow-private-hosts).
	AllowPrivateHosts bool
	// PublicURL is where agents reach ticketd (--public-url): invitation
	// links start with it; without it, with the request's own host.
	PublicURL string
}

// handler is a native route's handler with its caller already authenticated
// (p is nil on public routes).
type handler func(w http.ResponseWriter, r *http.Request, p *auth.Principal)

type endpoint struct {
	Route
	h handler
}

// Register hands every native route to mount, which mounts it (wrapped
// with metrics) on the server's mux.
func (a *API) Register(mount route.Mount) {
	for _, rt := range a.routes() {
		role := route.Agent
		switch {
		case rt.Doc.Public:
			role = route.Public
		case rt.Doc.Role == string(desk.RoleSupervisor):
			role = route.Supervisor
		case rt.Doc.Role == string(desk.RoleAdmin):
			role = route.Admin
		}
		mount(route.Route{Method: rt.Method, Path: rt.Pattern, Role: role, Handler: a.guard(rt)})
	}
}

// Routes lists the documented native routes.
func (a *API) Routes() []Route {
	var out []Route
	for _, rt := range a.routes() {
		out = append(out, rt.Route)
	}
	return out
}

// guard authenticates the caller and checks the route's role.
func (a *API) guard(rt endpoint) http.Handler {
	var need desk.Role
	if rt.Doc.Role != "" {
		need = desk.Role(rt.Doc.Role)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Doc.Public {
			rt.h(w, r, nil)
			return
		}
		p := a.authenticate(r)
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ticketd"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid bearer token")
			return
		}
		if need != "" && !p.Can(need) {
			writeError(w, http.StatusForbidden, "forbidden", "this needs the "+string(need)+" role")
			return
		}
		rt.h(w, r.WithContext(auth.With(r.Context(), p)), p)
	})
}

func (a *API) authenticate(r *http.Request) *auth.Principal {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return nil
	}
	p, err := a.Auth.Token(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		return nil
	}
	return p
}

// OpenAPIDocument is the native API's OpenAPI 3.1 document.
func (a *API) OpenAPIDocument() map[string]any {
	return OpenAPI(a.Routes(), a.ExtraDocs)
}

func httpStatusText(code int) string { return http.StatusText(code) }
