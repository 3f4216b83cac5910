// Package route is the one shape every door's endpoints take — the native
// API, each dialect, the live streams, operations — so that the server
// mounts every route from one table, and tests, the OpenAPI document,
// docs/routes.md and `ticketd routes` enumerate that same table.
package route

import (
	"net/http"
	"strings"
)

// Who may call a route, before desk's permission policy decides on the
// ticket itself (docs/permissions.md).
const (
	Public     = "public"     // no credentials (it may authenticate itself, as a login does)
	Agent      = "agent"      // any agent, supervisor, admin or bot of the workspace
	Supervisor = "supervisor" // supervisors and admins
	Admin      = "admin"      // admins
)

// Route is one endpoint of one door.
type Route struct {
	Door   string // set by the server: native, postcenter, bangwo8, oneview, dolphins, live, ops
	Method string // "" for a door's catch-all under its mount (unknown paths in its error shape)
	Path   string // as mounted, the door's mount included
	Role   string // Public, Agent, Supervisor or Admin
	// Handler serves the route; the server wraps it (metrics, the door's
	// guard) when it mounts it.
	Handler http.Handler
}

// Pattern is the route as http.ServeMux takes it.
func (r Route) Pattern() string {
	if r.Method == "" {
		return r.Path
	}
	return r.Method + " " + r.Path
}

// Mount adds a route to the table; a door calls it once per route.
type Mount func(Route)

// Join puts a door's mount point before a path, with exactly one slash.
func Join(mount, path string) string {
	return strings.TrimSuffix(mount, "/") + path
}
