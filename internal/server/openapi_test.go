package server

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/api"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestOpenAPICoversEveryRoute keeps /api/v1/openapi.json true: every native
// route mounted on the mux is documented with its method, and every
// documented operation is served by the mux under that very pattern.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	deps := NewDeps(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	mux, table := routes(deps, NewMetrics())
	var patterns []string
	for _, r := range table {
		patterns = append(patterns, r.Pattern())
	}
	doc := (&api.API{Desk: deps.Desk, Auth: deps.Auth}).OpenAPIDocument()
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]map[string]any)
	param := regexp.MustCompile(`\{([a-zA-Z_]+)\.{0,3}\}`)
	native := 0
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		native++
		docPath := param.ReplaceAllString(path, "{$1}")
		op, ok := paths[docPath][strings.ToLower(method)]
		if !ok {
			t.Errorf("route %q is not in the OpenAPI document", p)
			continue
		}
		o := op.(map[string]any)
		if o["summary"] == "" || o["responses"] == nil {
			t.Errorf("route %q is documented without a summary or responses", p)
		}
	}
	if native < 20 {
		t.Fatalf("only %d native routes mounted", native)
	}
	for path, ops := range paths {
		for method := range ops {
			concrete := param.ReplaceAllString(path, "x1")
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			_, pattern := mux.Handler(req)
			if pattern == "" {
				t.Errorf("documented %s %s is not served", strings.ToUpper(method), path)
				continue
			}
			if got := param.ReplaceAllString(strings.SplitN(pattern, " ", 2)[1], "{$1}"); got != path && !strings.HasSuffix(path, "/") {
				t.Errorf("documented %s %s is served by %q", strings.ToUpper(method), path, pattern)
			}
		}
	}
}

// TestOpenAPIServed checks the document is reachable without a token.
func TestOpenAPIServed(t *testing.T) {
	deps := NewDeps(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(Handler(deps, NewMetrics()))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(b), `"openapi":"3.1.0"`) || !strings.Contains(string(b), `"/api/v1/tickets/{id}"`) {
		t.Fatalf("openapi.json = %d %.300s", res.StatusCode, b)
	}
}
