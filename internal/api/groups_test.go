package api_test

import (
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestGroupUpdateDelete: admins rename, describe and re-supervise a group;
// a group any ticket was in is kept (409 not_empty); an empty one goes,
// and its members stay agents without it.
func TestGroupUpdateDelete(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		_, agentTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		g := scenario{name: "group", method: "POST", path: "/api/v1/groups", token: tok, status: 201,
			body: map[string]any{"name": "cs", "description": "front line"}, want: []string{`"description":"front line"`}}.run(t, e).Map(t)
		other := scenario{name: "other", method: "POST", path: "/api/v1/groups", token: tok, status: 201, body: map[string]any{"name": "billing"}}.run(t, e).Map(t)
		gid, oid := g["id"].(string), other["id"].(string)
		member := scenario{name: "member", method: "POST", path: "/api/v1/agents", token: tok, status: 201,
			body: map[string]any{"name": "Cy", "email": "cy@acme.test", "group_ids": []string{gid, oid}}}.run(t, e).Map(t)
		scenario{name: "ticket in billing", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s", "group_id": oid}}.run(t, e)
		for _, s := range []scenario{
			{name: "agent may not", method: "PATCH", path: "/api/v1/groups/" + gid, token: agentTok, body: map[string]any{"name": "x"}, status: 403},
			{name: "rename", method: "PATCH", path: "/api/v1/groups/" + gid, token: tok, body: map[string]any{"name": "support", "supervisor_id": e.Admin.ID},
				status: 200, want: []string{`"name":"support"`, `"description":"front line"`, `"supervisor_id":"` + e.Admin.ID}},
			{name: "name taken", method: "PATCH", path: "/api/v1/groups/" + gid, token: tok, body: map[string]any{"name": "billing"}, status: 409, want: []string{`"rule":"taken"`}},
			{name: "blank name", method: "PATCH", path: "/api/v1/groups/" + gid, token: tok, body: map[string]any{"name": " "}, status: 422},
			{name: "unknown supervisor", method: "PATCH", path: "/api/v1/groups/" + gid, token: tok, body: map[string]any{"supervisor_id": "000000000000000000000000"}, status: 422, want: []string{`"rule":"not_found_ref"`}},
			{name: "drop supervisor", method: "PATCH", path: "/api/v1/groups/" + gid, token: tok, body: map[string]any{"supervisor_id": ""}, status: 200, want: []string{`"supervisor_id":null`}},
			{name: "held by a ticket", method: "DELETE", path: "/api/v1/groups/" + oid, token: tok, status: 409, want: []string{`"rule":"not_empty"`, `"count":1`}},
			{name: "agent may not delete", method: "DELETE", path: "/api/v1/groups/" + gid, token: agentTok, status: 403},
			{name: "delete empty", method: "DELETE", path: "/api/v1/groups/" + gid, token: tok, status: 204},
			{name: "gone", method: "GET", path: "/api/v1/groups/" + gid, token: tok, status: 404},
			{name: "again", method: "DELETE", path: "/api/v1/groups/" + gid, token: tok, status: 404},
			{name: "member keeps the other", method: "GET", path: "/api/v1/agents/" + member["id"].(string), token: tok, status: 200, want: []string{`"group_ids":["` + oid + `"]`}},
		} {
			s.run(t, e)
		}
	})
}
