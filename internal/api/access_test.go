package api_test

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestDeactivateAgent: deactivation revokes the agent's tokens at once,
// takes it offline, hands its active tickets back to routing (here: to the
// other online agent), refuses it sign-in, presence and new tickets, and
// never leaves the workspace without an active admin; activation gives its
// access back.
func TestDeactivateAgent(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		bo, boTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		cy, cyTok := e.Agent(desk.NewAgent{Name: "Cy", Email: "cy@acme.test"})
		_, agentTok := e.Agent(desk.NewAgent{Name: "Di", Email: "di@acme.test"})
		scenario{name: "bo online", method: "PUT", path: "/api/v1/agents/me/presence", token: boTok, body: map[string]any{"status": "online"}, status: 200}.run(t, e)
		tk := scenario{name: "ticket to bo", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s", "assignee_id": bo.ID}}.run(t, e).Map(t)
		id := tk["id"].(string)
		solved := scenario{name: "solved ticket of bo", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "done", "assignee_id": bo.ID}}.run(t, e).Map(t)
		scenario{name: "solve", method: "PATCH", path: "/api/v1/tickets/" + solved["id"].(string), token: tok, status: 200,
			body: map[string]any{"status": "solved"}}.run(t, e)
		scenario{name: "cy online", method: "PUT", path: "/api/v1/agents/me/presence", token: cyTok, body: map[string]any{"status": "online"}, status: 200}.run(t, e)

		scenario{name: "agents may not", method: "POST", path: "/api/v1/agents/" + bo.ID + "/deactivate", token: agentTok, status: 403}.run(t, e)
		scenario{name: "deactivate", method: "POST", path: "/api/v1/agents/" + bo.ID + "/deactivate", token: tok, status: 200,
			want: []string{`"active":false`, `"deactivated_at":"`, `"presence":"offline"`}}.run(t, e)
		scenario{name: "token revoked", method: "GET", path: "/api/v1/me", token: boTok, status: 401}.run(t, e)
		scenario{name: "no sign-in", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "bo@acme.test", "password": servertest.Password}, status: 401}.run(t, e)
		// The open ticket went back to routing, which gave it to Cy; the
		// solved one stays Bo's.
		scenario{name: "ticket handed on", method: "GET", path: "/api/v1/tickets/" + id, token: tok, status: 200,
			want: []string{`"assignee_id":"` + cy.ID + `"`}}.run(t, e)
		scenario{name: "solved stays", method: "GET", path: "/api/v1/tickets/" + solved["id"].(string), token: tok, status: 200,
			want: []string{`"assignee_id":"` + bo.ID + `"`, `"status":"solved"`}}.run(t, e)
		ev := scenario{name: "events", method: "GET", path: "/api/v1/tickets/" + id + "/events", token: tok, status: 200}.run(t, e)
		if !strings.Contains(string(ev.Body), `"type":"unassigned"`) {
			t.Errorf("no unassigned event: %s", ev.Body)
		}
		for _, s := range []scenario{
			{name: "no presence", method: "PUT", path: "/api/v1/agents/" + bo.ID + "/presence", body: map[string]any{"status": "online"}, status: 409, want: []string{`"rule":"deactivated"`}},
			{name: "no tickets", method: "POST", path: "/api/v1/tickets/" + id + "/assign", body: map[string]any{"agent_id": bo.ID}, status: 409, want: []string{`"rule":"deactivated"`, `"field":"assignee_id"`}},
			{name: "no tickets by patch", method: "PATCH", path: "/api/v1/tickets/" + id, body: map[string]any{"assignee_id": bo.ID}, status: 409, want: []string{`"rule":"deactivated"`}},
			{name: "no new token", method: "POST", path: "/api/v1/agents/" + bo.ID + "/tokens", body: map[string]any{"label": "x"}, status: 409, want: []string{`"rule":"deactivated"`}},
			{name: "again changes nothing", method: "POST", path: "/api/v1/agents/" + bo.ID + "/deactivate", status: 200, want: []string{`"active":false`}},
			{name: "last admin", method: "POST", path: "/api/v1/agents/" + e.Admin.ID + "/deactivate", status: 409, want: []string{`"rule":"last_admin"`}},
			{name: "unknown", method: "POST", path: "/api/v1/agents/000000000000000000000000/deactivate", status: 404},
			{name: "listed", method: "GET", path: "/api/v1/agents/" + bo.ID, status: 200, want: []string{`"active":false`}},
			{name: "only deactivated", method: "GET", path: "/api/v1/agents?active=false", status: 200, want: []string{`"id":"` + bo.ID + `"`}},
			{name: "bad active", method: "GET", path: "/api/v1/agents?active=maybe", status: 400},
			{name: "activate", method: "POST", path: "/api/v1/agents/" + bo.ID + "/activate", status: 200, want: []string{`"active":true`, `"deactivated_at":null`}},
			{name: "signs in again", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "bo@acme.test", "password": servertest.Password}, status: 201},
		} {
			if s.token == "" && s.name != "signs in again" {
				s.token = tok
			}
			s.run(t, e)
		}
		// With a second admin, the first may go.
		scenario{name: "make Cy admin", method: "PATCH", path: "/api/v1/agents/" + cy.ID, token: tok, body: map[string]any{"role": "admin"}, status: 200}.run(t, e)
		scenario{name: "self, not last", method: "POST", path: "/api/v1/agents/" + e.Admin.ID + "/deactivate", token: tok, status: 200}.run(t, e)
		scenario{name: "own token gone", method: "GET", path: "/api/v1/me", token: tok, status: 401}.run(t, e)
	})
}

// TestDemoteLastAdmin: a lower role for the workspace's last active admin
// is refused as its deactivation is (409 last_admin, on the role field); a
// deactivated admin does not count, and with a second active admin either
// may step down.
func TestDemoteLastAdmin(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		self := "/api/v1/agents/" + e.Admin.ID
		cy, _ := e.Agent(desk.NewAgent{Name: "Cy", Email: "cy@acme.test"})
		for _, s := range []scenario{
			{name: "last admin to supervisor", method: "PATCH", path: self, body: map[string]any{"role": "supervisor"}, status: 409,
				want: []string{`"rule":"last_admin"`, `"field":"role"`}},
			{name: "last admin to agent", method: "PATCH", path: self, body: map[string]any{"role": "agent"}, status: 409, want: []string{`"rule":"last_admin"`}},
			{name: "last admin to bot", method: "PATCH", path: self, body: map[string]any{"role": "bot", "name": "Renamed"}, status: 409, want: []string{`"rule":"last_admin"`}},
			{name: "still admin, unchanged", method: "GET", path: self, status: 200, want: []string{`"role":"admin"`, `"name":"` + e.Admin.Name + `"`}},
			{name: "admin stays admin", method: "PATCH", path: self, body: map[string]any{"role": "admin", "capacity": 3}, status: 200, want: []string{`"role":"admin"`}},
			{name: "other changes pass", method: "PATCH", path: self, body: map[string]any{"capacity": 4}, status: 200},
			{name: "an agent's role changes", method: "PATCH", path: "/api/v1/agents/" + cy.ID, body: map[string]any{"role": "supervisor"}, status: 200, want: []string{`"role":"supervisor"`}},
			// A second admin, deactivated, does not count.
			{name: "cy admin", method: "PATCH", path: "/api/v1/agents/" + cy.ID, body: map[string]any{"role": "admin"}, status: 200},
			{name: "cy deactivated", method: "POST", path: "/api/v1/agents/" + cy.ID + "/deactivate", status: 200},
			{name: "still the last active", method: "PATCH", path: self, body: map[string]any{"role": "agent"}, status: 409, want: []string{`"rule":"last_admin"`}},
			{name: "a deactivated admin may be demoted", method: "PATCH", path: "/api/v1/agents/" + cy.ID, body: map[string]any{"role": "agent"}, status: 200},
			{name: "cy admin again", method: "PATCH", path: "/api/v1/agents/" + cy.ID, body: map[string]any{"role": "admin"}, status: 200},
			{name: "cy active", method: "POST", path: "/api/v1/agents/" + cy.ID + "/activate", status: 200},
			{name: "not last: steps down", method: "PATCH", path: self, body: map[string]any{"role": "supervisor"}, status: 200, want: []string{`"role":"supervisor"`}},
		} {
			s.token = tok
			s.run(t, e)
		}
		// Cy is now the last active admin; its own token agrees.
		cyTok := scenario{name: "cy signs in", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "cy@acme.test", "password": servertest.Password}, status: 201}.run(t, e).Map(t)["token"].(string)
		scenario{name: "the new last admin", method: "PATCH", path: "/api/v1/agents/" + cy.ID, token: cyTok, body: map[string]any{"role": "agent"}, status: 409,
			want: []string{`"rule":"last_admin"`}}.run(t, e)
		scenario{name: "no longer admin", method: "PATCH", path: "/api/v1/agents/" + cy.ID, token: tok, body: map[string]any{"role": "agent"}, status: 403}.run(t, e)
	})
}

// TestTokens: an agent lists and revokes its own tokens, never others'; an
// admin lists every token and issues named ones for an agent or bot, whose
// secret is answered once and listed by prefix after.
func TestTokens(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		bo, boTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		bot, _ := e.Agent(desk.NewAgent{Name: "Helper", Role: desk.RoleBot})
		res := scenario{name: "issue for bot", method: "POST", path: "/api/v1/agents/" + bot.ID + "/tokens", token: tok, status: 201,
			body: map[string]any{"label": "crm sync", "ttl_seconds": 3600}, want: []string{`"token":"tkd_`, `"label":"crm sync"`, `"expires_at":"`}}.run(t, e).Map(t)
		secret := res["token"].(string)
		info := res["token_info"].(map[string]any)
		if info["prefix"] != secret[:10] {
			t.Fatalf("prefix %v of %s", info["prefix"], secret)
		}
		scenario{name: "bot token works", method: "GET", path: "/api/v1/me", token: secret, status: 200, want: []string{`"role":"bot"`}}.run(t, e)

		own := scenario{name: "own list", method: "GET", path: "/api/v1/tokens", token: boTok, status: 200}.run(t, e)
		var list struct {
			Tokens []struct {
				ID, AgentID, Prefix string
				AgentIDJSON         string `json:"agent_id"`
				Current             bool
				LastUsedAt          *string `json:"last_used_at"`
			}
		}
		own.JSON(t, &list)
		if len(list.Tokens) != 1 || list.Tokens[0].AgentIDJSON != bo.ID || !list.Tokens[0].Current || list.Tokens[0].LastUsedAt == nil {
			t.Fatalf("bo's own list: %s", own.Body)
		}
		if strings.Contains(string(own.Body), secret) || strings.Contains(string(own.Body), boTok) {
			t.Fatal("a list shows a secret")
		}
		boTokenID := list.Tokens[0].ID
		all := scenario{name: "admin list", method: "GET", path: "/api/v1/tokens?limit=2", token: tok, status: 200, want: []string{`"next_cursor":"`}}.run(t, e)
		all.JSON(t, &list)
		seen := len(list.Tokens)
		var page struct {
			Tokens     []struct{ ID string }
			NextCursor *string `json:"next_cursor"`
		}
		all.JSON(t, &page)
		rest := scenario{name: "admin list page 2", method: "GET", path: "/api/v1/tokens?limit=2&cursor=" + *page.NextCursor, token: tok, status: 200}.run(t, e)
		rest.JSON(t, &list)
		if seen+len(list.Tokens) != 4 { // the admin's, Bo's, the bot's two
			t.Fatalf("admin sees %d+%d tokens: %s", seen, len(list.Tokens), rest.Body)
		}
		for _, s := range []scenario{
			{name: "agent cannot list others'", method: "GET", path: "/api/v1/tokens?agent=" + e.Admin.ID, token: boTok, status: 403, want: []string{`"rule":"admin_only"`}},
			{name: "agent cannot issue", method: "POST", path: "/api/v1/agents/" + bo.ID + "/tokens", token: boTok, body: map[string]any{}, status: 403},
			{name: "admin filters by agent", method: "GET", path: "/api/v1/tokens?agent=" + bot.ID, token: tok, status: 200, want: []string{`"label":"crm sync"`}},
			{name: "agent cannot revoke others'", method: "DELETE", path: "/api/v1/tokens/" + info["id"].(string), token: boTok, status: 404},
			{name: "admin revokes the bot's", method: "DELETE", path: "/api/v1/tokens/" + info["id"].(string), token: tok, status: 204},
			{name: "bot token dead at once", method: "GET", path: "/api/v1/me", token: secret, status: 401},
			{name: "revoked twice", method: "DELETE", path: "/api/v1/tokens/" + info["id"].(string), token: tok, status: 404},
			{name: "agent revokes own", method: "DELETE", path: "/api/v1/tokens/" + boTokenID, token: boTok, status: 204},
			{name: "own dead", method: "GET", path: "/api/v1/me", token: boTok, status: 401},
		} {
			s.run(t, e)
		}
	})
}
