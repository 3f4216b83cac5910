package api_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestMacros: macros are personal or shared like saved replies; applying
// one adds its reply (placeholders filled) and then its actions in one
// transaction, and a refused one changes nothing.
func TestMacros(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		bo, boTok := e.Agent(desk.NewAgent{Name: "Bo Li", Email: "bo@acme.test"})
		om, _ := e.Agent(desk.NewAgent{Name: "Om", Email: "om@acme.test"})
		const path = "/api/v1/macros"
		refund := scenario{name: "shared", method: "POST", path: path, token: tok, status: 201,
			body: map[string]any{"name": "Refund approved", "shortcut": "g1", "scope": "shared",
				"actions": map[string]any{"status": "pending", "priority": "normal", "add_tags": []string{"refund"}},
				"reply":   "Hi {{contact.first_name}}, your refund for #{{ticket.number}} is approved."},
			want: []string{`"scope":"shared"`, `"add_tags":["refund"]`}}.run(t, e).Map(t)
		mine := scenario{name: "personal note", method: "POST", path: path, token: boTok, status: 201,
			body: map[string]any{"name": "Mine", "actions": map[string]any{"assign_to_me": true}, "reply": "checked by {{agent.name}}", "note": true}}.run(t, e).Map(t)
		rid, mid := refund["id"].(string), mine["id"].(string)
		c := scenario{name: "contact", method: "POST", path: "/api/v1/contacts", token: tok, status: 201,
			body: map[string]any{"first_name": "Ana", "last_name": "Pérez"}}.run(t, e).Map(t)
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s", "contact_id": c["id"], "priority": "urgent"}}.run(t, e).Map(t)
		tid := tk["id"].(string)
		other := scenario{name: "om's ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "o", "contact_id": c["id"], "assignee_id": om.ID}}.run(t, e).Map(t)
		for _, s := range []scenario{
			{name: "agent cannot share", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "reply": "y", "scope": "shared"}, status: 403},
			{name: "nothing to do", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x"}, status: 422, want: []string{`"field":"actions"`}},
			{name: "bad status", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "actions": map[string]any{"status": "nope"}}, status: 422},
			{name: "shortcut taken", method: "POST", path: path, token: tok, body: map[string]any{"name": "x", "reply": "y", "shortcut": "g1", "scope": "shared"}, status: 409, want: []string{`"field":"shortcut"`}},
			{name: "bo sees both", method: "GET", path: path, token: boTok, status: 200, want: []string{`"id":"` + rid, `"id":"` + mid}},
			{name: "admin does not see bo's", method: "GET", path: path + "/" + mid, token: tok, status: 404},
			{name: "bo cannot change shared", method: "PATCH", path: path + "/" + rid, token: boTok, body: map[string]any{"name": "z"}, status: 403},
			{name: "bo changes own", method: "PATCH", path: path + "/" + mid, token: boTok, body: map[string]any{"name": "Mine 2"}, status: 200, want: []string{`"name":"Mine 2"`, `"assign_to_me":true`}},
			{name: "apply", method: "POST", path: "/api/v1/tickets/" + tid + "/macros/" + rid, token: boTok, status: 200,
				want: []string{`"status":"pending"`, `"priority":"normal"`, `"refund"`, `"text":"Hi Ana, your refund for #1 is approved."`}},
			{name: "apply on a ticket bo may not work", method: "POST", path: "/api/v1/tickets/" + other["id"].(string) + "/macros/" + rid, token: boTok, status: 403},
			{name: "apply someone else's personal", method: "POST", path: "/api/v1/tickets/" + tid + "/macros/" + mid, token: tok, status: 404},
			{name: "delete own", method: "DELETE", path: path + "/" + mid, token: boTok, status: 204},
		} {
			s.run(t, e)
		}
		// The refused apply changed nothing on Om's ticket.
		got, err := e.Store.Ticket(context.Background(), e.Workspace.ID, other["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == desk.StatusPending || len(got.Tags) != 0 {
			t.Errorf("a refused macro changed the ticket: %s %v", got.Status, got.Tags)
		}
		ms, _ := e.Store.Messages(context.Background(), e.Workspace.ID, other["id"].(string), desk.MessageFilter{})
		if len(ms) != 0 {
			t.Errorf("a refused macro added %d messages", len(ms))
		}
		_ = bo
	})
}
