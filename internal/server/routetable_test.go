package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestRouteTable: the one table names every route the mux serves, each
// with its door and who may call it, and no pattern twice.
func TestRouteTable(t *testing.T) {
	deps := NewDeps(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	deps.Pprof = true
	mux, table := routes(deps, NewMetrics())
	seen := map[string]bool{}
	doors := map[string]int{}
	for _, r := range table {
		if r.Door == "" || r.Path == "" {
			t.Errorf("route %q has no door or path", r.Pattern())
		}
		switch r.Role {
		case route.Public, route.Agent, route.Supervisor, route.Admin:
		default:
			t.Errorf("route %q of %s: role %q", r.Pattern(), r.Door, r.Role)
		}
		if seen[r.Pattern()] {
			t.Errorf("pattern %q twice", r.Pattern())
		}
		seen[r.Pattern()] = true
		doors[r.Door]++
		// The mux serves this very pattern.
		path := strings.NewReplacer("{$}", "", "{file}", "1.json").Replace(r.Path)
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "x1" + path[j+1:]
		}
		method := r.Method
		if method == "" {
			method = "GET"
		}
		if _, p := mux.Handler(httptest.NewRequest(method, path, nil)); p != r.Pattern() && !(r.Method == "" && p != "") {
			t.Errorf("%s %s is served by %q, the table says %q", method, path, p, r.Pattern())
		}
	}
	for _, d := range []string{"ops", "native", "live", "oneview", "postcenter", "bangwo8", "dolphins"} {
		if doors[d] == 0 {
			t.Errorf("no routes of %s", d)
		}
	}
	// And the other way: a request under any door's space lands on a route
	// of the table (the door's own catch-all at worst), never on the mux's
	// plain-text 404.
	for _, p := range []string{"/api/v1/nope", "/postcenter/v2/nope", "/bangwo8/api/v1/nope.json", "/chat-ticket/v1/a/b/c",
		"/cs-chat-ticket/v1/nope", "/dolphin/apiv1/graph/nope"} {
		if _, pattern := mux.Handler(httptest.NewRequest("GET", p, nil)); !seen[pattern] {
			t.Errorf("GET %s lands on %q, not a route of the table", p, pattern)
		}
	}
}

// TestRouteTableDoc keeps docs/routes.md the table as the server builds it
// (TICKETD_UPDATE_DOCS=1 go test ./internal/server -run RouteTableDoc
// rewrites it).
func TestRouteTableDoc(t *testing.T) {
	deps := NewDeps(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	var b strings.Builder
	b.WriteString("# Every route\n\n")
	b.WriteString("Generated from the server's route table (`server.Routes`, internal/server/routes.go) by\n")
	b.WriteString("`TICKETD_UPDATE_DOCS=1 go test ./internal/server -run RouteTableDoc`; a test fails when it\n")
	b.WriteString("is out of date. Dialect mounts are the defaults (`--mount-*` flags move them). \"Who\" is who may\n")
	b.WriteString("call the route at all; what they may do to a ticket is desk's policy (permissions.md).\n\n")
	b.WriteString("| door | method | path | who |\n|---|---|---|---|\n")
	for _, r := range Routes(deps) {
		if strings.HasSuffix(r.Path, "/{$}") {
			continue // PostCenter's trailing-slash twin of the route above
		}
		m := r.Method
		if m == "" {
			m = "any"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s |\n", r.Door, m, r.Path, r.Role)
	}
	const file = "../../docs/routes.md"
	if os.Getenv("TICKETD_UPDATE_DOCS") != "" {
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != b.String() {
		t.Errorf("docs/routes.md is out of date (%v): run TICKETD_UPDATE_DOCS=1 go test ./internal/server -run RouteTableDoc", err)
	}
}

// TestMounts: a dialect moved by its mount flag answers there, in its own
// shape, and no longer at the default.
func TestMounts(t *testing.T) {
	deps := NewDeps(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	deps.Mounts = DefaultMounts()
	deps.Mounts.Bangwo8, deps.Mounts.PostCenter, deps.Mounts.Dolphins, deps.Mounts.OneViewCS = "/zendeskish", "/pc", "/3d/apiv1", ""
	if err := deps.Mounts.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(deps, NewMetrics()))
	defer srv.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{
		{"/zendeskish/api/v1/tickets.json", 401, `"errcode"`},
		{"/bangwo8/api/v1/tickets.json", 404, ``},
		{"/pc/v2/ping/", 401, `"status":401`},
		{"/3d/apiv1/graph/tickets", 401, `"status":"failed"`},
		{"/cs-chat-ticket/v1/info", 404, ``},
		{"/chat-ticket/v1/x/tickets", 401, `errorCode`},
	} {
		if st, body := get(c.path); st != c.status || !strings.Contains(body, c.body) {
			t.Errorf("GET %s: %d %.120s, want %d with %s", c.path, st, body, c.status, c.body)
		}
	}
	for _, bad := range []Mounts{{PostCenter: "pc", Bangwo8: "/b", Dolphins: "/d"}, {PostCenter: "/api", Bangwo8: "/b", Dolphins: "/d"},
		{PostCenter: "/x", Bangwo8: "/x/y", Dolphins: "/d"}, {PostCenter: "/x", Bangwo8: "/b", Dolphins: ""}} {
		if bad.Validate() == nil {
			t.Errorf("mounts %+v accepted", bad)
		}
	}
}
