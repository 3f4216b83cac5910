package api_test

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestConflictWords: a value another record holds answers 409 in the
// project's words with the field named, never the driver's.
func TestConflictWords(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		for _, s := range []scenario{
			{name: "agent", method: "POST", path: "/api/v1/agents", body: map[string]any{"name": "Li", "email": "li@acme.test"},
				token: e.AdminToken, status: 201},
			{name: "same email", method: "POST", path: "/api/v1/agents", body: map[string]any{"name": "Li 2", "email": "Li@acme.test"},
				token: e.AdminToken, status: 409,
				want: []string{`{"error":{"code":"conflict","message":"an agent with this email already exists","field":"email"}}`}},
			{name: "group", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "billing"}, token: e.AdminToken, status: 201},
			{name: "same group name", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "billing"},
				token: e.AdminToken, status: 409,
				want: []string{`{"error":{"code":"conflict","message":"a group with this name already exists","field":"name"}}`}},
		} {
			res := s.run(t, e)
			if b := string(res.Body); strings.Contains(b, "constraint") || strings.Contains(b, "UNIQUE") {
				t.Fatalf("%s: driver words reach the client: %s", s.name, b)
			}
		}
	})
}
