package api_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

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
				want: []string{`{"error":{"code":"conflict","message":"an agent with this email already exists","field":"email","rule":"taken","params":{"entity":"agent"}}}`}},
			{name: "group", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "billing"}, token: e.AdminToken, status: 201},
			{name: "same group name", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "billing"},
				token: e.AdminToken, status: 409,
				want: []string{`{"error":{"code":"conflict","message":"a group with this name already exists","field":"name","rule":"taken","params":{"entity":"group"}}}`}},
		} {
			res := s.run(t, e)
			if b := string(res.Body); strings.Contains(b, "constraint") || strings.Contains(b, "UNIQUE") {
				t.Fatalf("%s: driver words reach the client: %s", s.name, b)
			}
		}
	})
}

// TestInstantsThreeDigits: every instant the native API writes has exactly
// three fractional digits in UTC (…37.150Z, not …37.15Z), in tickets (the
// hand-written encoder), lists, messages and the event log, so that they
// sort as text.
func TestInstantsThreeDigits(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		e.Deps.Desk.Now = func() time.Time { return time.Date(2026, 12, 6, 23, 33, 37, 150e6, time.UTC) }
		res := scenario{name: "create", method: "POST", path: "/api/v1/tickets", body: map[string]any{"subject": "s", "message": "m"},
			token: e.AdminToken, status: 201, want: []string{`"created_at":"2026-12-06T23:33:37.150Z"`}}.run(t, e)
		id := res.Map(t)["id"].(string)
		e.Deps.Desk.Now = func() time.Time { return time.Date(2026, 12, 6, 23, 33, 38, 0, time.UTC) }
		scenario{name: "reply", method: "POST", path: "/api/v1/tickets/" + id + "/messages", body: map[string]any{"text": "hi", "public": true},
			token: e.AdminToken, status: 201, want: []string{`"created_at":"2026-12-06T23:33:38.000Z"`}}.run(t, e)
		stamp := regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^"]*"`)
		three := regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$`)
		for _, path := range []string{"/api/v1/tickets/" + id, "/api/v1/tickets", "/api/v1/tickets/" + id + "/messages",
			"/api/v1/tickets/" + id + "/events", "/api/v1/me", "/api/v1/agents", "/api/v1/workspace"} {
			res := scenario{name: path, method: "GET", path: path, token: e.AdminToken, status: 200}.run(t, e)
			found := stamp.FindAllString(string(res.Body), -1)
			if len(found) == 0 {
				t.Fatalf("%s: no instants in %s", path, res.Body)
			}
			for _, s := range found {
				if !three.MatchString(s) {
					t.Errorf("%s: instant %s has not exactly three fractional digits in UTC", path, s)
				}
			}
		}
	})
}
