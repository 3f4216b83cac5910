package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func TestHolidaysAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		admin := e.AdminToken
		_, anaTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		scenario{name: "none yet", method: "GET", path: "/api/v1/sla/holidays", token: anaTok, status: 200,
			want: []string{`{"holidays":[]}`}}.run(t, e)
		scenario{name: "agents may not set", method: "PUT", path: "/api/v1/sla/holidays", token: anaTok, status: 403,
			body: map[string]any{"holidays": []any{}}}.run(t, e)
		scenario{name: "set, sorted", method: "PUT", path: "/api/v1/sla/holidays", token: admin, status: 200,
			body: map[string]any{"holidays": []any{map[string]any{"date": "2026-12-25", "name": "Christmas"}, map[string]any{"date": "2026-10-01"}}},
			want: []string{`{"holidays":[{"date":"2026-10-01"},{"date":"2026-12-25","name":"Christmas"}]}`}}.run(t, e)
		for _, bad := range []struct {
			name, date, field, rule string
		}{
			{"not a day", "2026-02-30", "holidays[1].date", "format"},
			{"not a date", "Christmas", "holidays[1].date", "format"},
			{"twice", "2026-12-25", "holidays", "duplicate"},
		} {
			scenario{name: bad.name, method: "PUT", path: "/api/v1/sla/holidays", token: admin, status: 422,
				body: map[string]any{"holidays": []any{map[string]any{"date": "2026-12-25"}, map[string]any{"date": bad.date}}},
				want: []string{`"code":"invalid"`, `"field":"` + bad.field + `"`, `"rule":"` + bad.rule + `"`}}.run(t, e)
		}
		scenario{name: "refused changes nothing", method: "GET", path: "/api/v1/sla/holidays", token: anaTok, status: 200,
			want: []string{`{"date":"2026-12-25","name":"Christmas"}`}}.run(t, e)
		scenario{name: "in the workspace settings", method: "GET", path: "/api/v1/workspace", token: anaTok, status: 200,
			want: []string{`"holidays":[{"date":"2026-10-01"}`}}.run(t, e)

		// A ticket created the day before a holiday is due after it.
		scenario{name: "business hours", method: "PUT", path: "/api/v1/sla/policies/default", token: admin, status: 200,
			body: map[string]any{"first_reply_seconds": 4 * 3600, "hours": map[string]any{
				"mon": []string{"09:00-17:00"}, "tue": []string{"09:00-17:00"}, "wed": []string{"09:00-17:00"},
				"thu": []string{"09:00-17:00"}, "fri": []string{"09:00-17:00"}}}}.run(t, e)
		scenario{name: "Wednesday off", method: "PUT", path: "/api/v1/sla/holidays", token: admin, status: 200,
			body: map[string]any{"holidays": []any{map[string]any{"date": "2026-12-09"}}}}.run(t, e)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		e.Deps.Desk.Now = func() time.Time { return time.Date(2026, 12, 8, 15, 0, 0, 0, sh) } // Tuesday 15:00
		defer func() { e.Deps.Desk.Now = nil }()
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: admin, status: 201,
			body: map[string]any{"subject": "before the holiday"}}.run(t, e).Map(t)
		// 2h on Tuesday, none on Wednesday, 2h on Thursday.
		scenario{name: "due Thursday", method: "GET", path: "/api/v1/tickets/" + tk["id"].(string) + "/sla", token: admin, status: 200,
			want: []string{`"first_reply_due_at":"2026-12-10T03:00:00`}}.run(t, e)
	})
}

func TestMePreferencesAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ana, anaTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		scenario{name: "defaults", method: "GET", path: "/api/v1/me", token: anaTok, status: 200,
			want: []string{`"language":""`, `"time_zone":""`}}.run(t, e)
		scenario{name: "set own", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 200,
			body: map[string]any{"language": "es", "time_zone": "America/Mexico_City"},
			want: []string{`"language":"es"`, `"time_zone":"America/Mexico_City"`}}.run(t, e)
		scenario{name: "unknown language", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 422,
			body: map[string]any{"language": "fr"}, want: []string{`"field":"language"`, `"rule":"one_of"`}}.run(t, e)
		scenario{name: "unknown zone", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 422,
			body: map[string]any{"time_zone": "Mars/Olympus"}, want: []string{`"field":"time_zone"`, `"rule":"unknown"`}}.run(t, e)
		scenario{name: "Local is no place", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 422,
			body: map[string]any{"time_zone": "Local"}, want: []string{`"field":"time_zone"`}}.run(t, e)
		scenario{name: "refused changes nothing", method: "GET", path: "/api/v1/me", token: anaTok, status: 200,
			want: []string{`"language":"es"`, `"time_zone":"America/Mexico_City"`}}.run(t, e)
		scenario{name: "back to the workspace's", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 200,
			body: map[string]any{"language": "", "time_zone": ""}, want: []string{`"language":""`, `"time_zone":""`}}.run(t, e)

		// The admin sets them on any agent.
		scenario{name: "admin sets", method: "PATCH", path: "/api/v1/agents/" + ana.ID, token: e.AdminToken, status: 200,
			body: map[string]any{"language": "zh-Hans", "time_zone": "Asia/Jakarta"},
			want: []string{`"language":"zh-Hans"`, `"time_zone":"Asia/Jakarta"`}}.run(t, e)
		scenario{name: "admin bad language", method: "PATCH", path: "/api/v1/agents/" + ana.ID, token: e.AdminToken, status: 422,
			body: map[string]any{"language": "zh"}, want: []string{`"field":"language"`}}.run(t, e)
		scenario{name: "admin bad zone", method: "PATCH", path: "/api/v1/agents/" + ana.ID, token: e.AdminToken, status: 422,
			body: map[string]any{"time_zone": "Europe/Atlantis"}, want: []string{`"field":"time_zone"`}}.run(t, e)

		// Own password: the current one is required and checked.
		scenario{name: "password without current", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 422,
			body: map[string]any{"password": "new-pass-1"}, want: []string{`"field":"current_password"`, `"rule":"required"`}}.run(t, e)
		scenario{name: "wrong current", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 403,
			body: map[string]any{"password": "new-pass-1", "current_password": "nope"}, want: []string{`"field":"current_password"`}}.run(t, e)
		scenario{name: "old password still works", method: "POST", path: "/api/v1/tokens", status: 201,
			body: map[string]any{"email": "ana@acme.test", "password": servertest.Password}}.run(t, e)
		scenario{name: "change", method: "PATCH", path: "/api/v1/me", token: anaTok, status: 200,
			body: map[string]any{"password": "new-pass-1", "current_password": servertest.Password}}.run(t, e)
		scenario{name: "old password refused", method: "POST", path: "/api/v1/tokens", status: 401,
			body: map[string]any{"email": "ana@acme.test", "password": servertest.Password}}.run(t, e)
		scenario{name: "new password works", method: "POST", path: "/api/v1/tokens", status: 201,
			body: map[string]any{"email": "ana@acme.test", "password": "new-pass-1"}}.run(t, e)
	})
}

// TestCreateAgentPreferencesAPI: POST /api/v1/agents takes language and
// time_zone as PATCH does; a bad one is 422 with nothing created.
func TestCreateAgentPreferencesAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		admin := e.AdminToken
		created := scenario{name: "create with prefs", method: "POST", path: "/api/v1/agents", token: admin, status: 201,
			body: map[string]any{"name": "Dewi", "email": "dewi@acme.test", "password": "dewi-pass-1", "language": "id", "time_zone": "Asia/Jakarta"},
			want: []string{`"language":"id"`, `"time_zone":"Asia/Jakarta"`}}.run(t, e).Map(t)
		scenario{name: "read back", method: "GET", path: "/api/v1/agents/" + created["id"].(string), token: admin, status: 200,
			want: []string{`"language":"id"`, `"time_zone":"Asia/Jakarta"`}}.run(t, e)
		scenario{name: "the agent's own", method: "POST", path: "/api/v1/tokens", status: 201,
			body: map[string]any{"email": "dewi@acme.test", "password": "dewi-pass-1"}}.run(t, e)
		scenario{name: "without: the workspace's", method: "POST", path: "/api/v1/agents", token: admin, status: 201,
			body: map[string]any{"name": "Li", "email": "li@acme.test"},
			want: []string{`"language":""`, `"time_zone":""`}}.run(t, e)

		for _, bad := range []struct {
			name, lang, zone, field, rule string
		}{
			{"unknown language", "fr", "Asia/Jakarta", "language", "one_of"},
			{"unknown zone", "id", "Asia/Batavia", "time_zone", "unknown"},
			{"Local is no place", "", "Local", "time_zone", "unknown"},
		} {
			scenario{name: bad.name, method: "POST", path: "/api/v1/agents", token: admin, status: 422,
				body: map[string]any{"name": "Budi", "email": "budi@acme.test", "language": bad.lang, "time_zone": bad.zone},
				want: []string{`"code":"invalid"`, `"field":"` + bad.field + `"`, `"rule":"` + bad.rule + `"`}}.run(t, e)
		}
		if res := e.Do("GET", "/api/v1/agents", nil, bearer(admin)); strings.Contains(string(res.Body), "budi@acme.test") {
			t.Fatalf("a refused create made an agent: %s", res.Body)
		}

		// The OpenAPI document describes them on the create body.
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Properties map[string]map[string]any `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
		}
		e.Do("GET", "/api/v1/openapi.json", nil).JSON(t, &doc)
		props := doc.Components.Schemas["agentRequest"].Properties
		if props["language"]["enum"] == nil || props["time_zone"]["description"] == nil {
			t.Fatalf("the create body's schema lacks language or time_zone: %v", props)
		}
	})
}
