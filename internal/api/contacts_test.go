package api_test

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestContactUpdateMerge: a contact's details, identities and fields
// change; merging moves the other's tickets (with an event each) and
// identities to the survivor, fills what it lacks, keeps its own values,
// deletes the other; agents may not merge.
func TestContactUpdateMerge(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		_, agentTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		mk := func(body map[string]any) string {
			return scenario{name: "contact", method: "POST", path: "/api/v1/contacts", token: tok, body: body, status: 201}.run(t, e).Map(t)["id"].(string)
		}
		ana := mk(map[string]any{"name": "Ana", "email": "ana@x.cl", "identities": []map[string]any{{"channel": "whatsapp", "external_id": "569111"}}})
		dup := mk(map[string]any{"name": "Ana P.", "phone": "+56 9 2222", "email": "other@x.cl",
			"identities": []map[string]any{{"channel": "email", "external_id": "ana@work.cl"}, {"channel": "telegram", "external_id": "77"}}})
		t1 := scenario{name: "ticket of dup", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s", "contact_id": dup, "message": "hola"}}.run(t, e).Map(t)
		scenario{name: "ticket of ana", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s2", "contact_id": ana}}.run(t, e)

		for _, s := range []scenario{
			{name: "patch", method: "PATCH", path: "/api/v1/contacts/" + ana, token: agentTok, status: 200,
				body: map[string]any{"first_name": "Ana", "last_name": "Pérez", "national_id": "12.345.678-9", "custom_fields": map[string]any{"tier": "gold"}},
				want: []string{`"name":"Ana"`, `"last_name":"Pérez"`, `"national_id":"12345678-9"`, `"custom_fields":{"tier":"gold"}`, `"email":"ana@x.cl"`}},
			{name: "identity taken", method: "PATCH", path: "/api/v1/contacts/" + ana, token: tok, status: 409,
				body: map[string]any{"identities": []map[string]any{{"channel": "whatsapp", "external_id": "569111"}, {"channel": "telegram", "external_id": "77"}}},
				want: []string{`"rule":"taken"`, `"field":"identities"`}},
			{name: "bad channel", method: "PATCH", path: "/api/v1/contacts/" + ana, token: tok, status: 422,
				body: map[string]any{"identities": []map[string]any{{"channel": "pigeon", "external_id": "1"}}}},
			{name: "unknown", method: "PATCH", path: "/api/v1/contacts/000000000000000000000000", token: tok, status: 404, body: map[string]any{"name": "x"}},
			{name: "agents may not merge", method: "POST", path: "/api/v1/contacts/" + ana + "/merge", token: agentTok, status: 403,
				body: map[string]any{"from": dup}, want: []string{`"rule":"supervisor_only"`}},
			{name: "not itself", method: "POST", path: "/api/v1/contacts/" + ana + "/merge", token: tok, status: 422, body: map[string]any{"from": ana}},
			{name: "unknown from", method: "POST", path: "/api/v1/contacts/" + ana + "/merge", token: tok, status: 422,
				body: map[string]any{"from": "000000000000000000000000"}, want: []string{`"rule":"not_found_ref"`}},
			{name: "merge", method: "POST", path: "/api/v1/contacts/" + ana + "/merge", token: tok, status: 200, body: map[string]any{"from": dup},
				want: []string{`"tickets_moved":1`, `"email":"ana@x.cl"`, `"phone":"+56 9 2222"`, `"external_id":"ana@work.cl"`, `"external_id":"569111"`, `"external_id":"77"`}},
			{name: "the other is gone", method: "GET", path: "/api/v1/contacts/" + dup, token: tok, status: 404},
			{name: "its ticket moved", method: "GET", path: "/api/v1/tickets/" + t1["id"].(string), token: tok, status: 200, want: []string{`"contact_id":"` + ana + `"`}},
			{name: "found by its identity", method: "GET", path: "/api/v1/contacts?channel=telegram&external_id=77", token: tok, status: 200, want: []string{`"id":"` + ana + `"`}},
			{name: "tickets listed", method: "GET", path: "/api/v1/tickets?contact=" + ana, token: tok, status: 200, want: []string{`"subject":"s"`, `"subject":"s2"`}},
		} {
			s.run(t, e)
		}
		ev := scenario{name: "event", method: "GET", path: "/api/v1/tickets/" + t1["id"].(string) + "/events", token: tok, status: 200}.run(t, e)
		if !strings.Contains(string(ev.Body), `"from":"`+dup+`","to":"`+ana+`","reason":"contact"`) {
			t.Fatalf("no contact change event: %s", ev.Body)
		}
		// The customer's message now reads as the survivor's.
		scenario{name: "author", method: "GET", path: "/api/v1/tickets/" + t1["id"].(string) + "/messages", token: tok, status: 200,
			want: []string{`"author":{"kind":"contact","id":"` + ana + `"}`}}.run(t, e)
	})
}
