package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/api"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func TestRoutingAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		admin := e.AdminToken
		sue, sueTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		g := scenario{name: "group", method: "POST", path: "/api/v1/groups", token: admin, status: 201,
			body: map[string]any{"name": "cs", "supervisor_id": sue.ID}}.run(t, e).Map(t)
		cs := g["id"].(string)
		ana, anaTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Capacity: 1, GroupIDs: []string{cs}})
		bob, bobTok := e.Agent(desk.NewAgent{Name: "Bob", Email: "bob@acme.test", Capacity: 5, GroupIDs: []string{cs}})
		ticket := func(body map[string]any) map[string]any {
			return scenario{name: "create", method: "POST", path: "/api/v1/tickets", token: admin, status: 201, body: body}.run(t, e).Map(t)
		}
		get := func(id string) map[string]any {
			return scenario{name: "get", method: "GET", path: "/api/v1/tickets/" + id, token: admin, status: 200}.run(t, e).Map(t)
		}

		scenario{name: "online", method: "PUT", path: "/api/v1/agents/me/presence", token: anaTok, status: 200,
			body: map[string]any{"status": "online"}, want: []string{`"presence":"online"`}}.run(t, e)
		first := ticket(map[string]any{"subject": "one", "group_id": cs})
		if first["assignee_id"] != ana.ID || first["status"] != "assigned" {
			t.Fatalf("first ticket %v", first)
		}
		f1 := first["id"].(string)
		scenario{name: "reason in the log", method: "GET", path: "/api/v1/tickets/" + f1 + "/events", token: admin, status: 200,
			want: []string{`"type":"assigned"`, `"reason":"assigned by workload: 0 of 1 open, 1 agent online in group cs"`}}.run(t, e)
		normal := ticket(map[string]any{"subject": "two", "group_id": cs, "priority": "normal"})["id"].(string)
		urgent := ticket(map[string]any{"subject": "three", "group_id": cs, "priority": "urgent"})["id"].(string)
		scenario{name: "position", method: "GET", path: "/api/v1/tickets/" + normal + "/position", token: anaTok, status: 200,
			want: []string{`"position":2`, `"group_id":"` + cs}}.run(t, e)
		scenario{name: "not waiting", method: "GET", path: "/api/v1/tickets/" + f1 + "/position", token: anaTok, status: 200,
			want: []string{`"position":0`}}.run(t, e)
		q := scenario{name: "queue", method: "GET", path: "/api/v1/queues/" + cs + "?limit=1", token: anaTok, status: 200,
			want: []string{`"position":1`, `"id":"` + urgent}}.run(t, e).Map(t)
		next := q["next_cursor"].(string)
		scenario{name: "queue page 2", method: "GET", path: "/api/v1/queues/" + cs + "?limit=1&cursor=" + next, token: anaTok, status: 200,
			want: []string{`"position":2`, `"id":"` + normal, `"next_cursor":null`}}.run(t, e)
		scenario{name: "general queue", method: "GET", path: "/api/v1/queues/none", token: anaTok, status: 200,
			want: []string{`"entries":[]`, `"group_id":null`}}.run(t, e)
		scenario{name: "queue summary", method: "GET", path: "/api/v1/queues", token: anaTok, status: 200,
			want: []string{`"group_name":"cs","waiting":2`, `"agents":{"members":2,"online":1,"available":0}`}}.run(t, e)
		scenario{name: "suggestion", method: "GET", path: "/api/v1/tickets/" + urgent + "/suggestion", token: anaTok, status: 200,
			want: []string{`"agent_id":null`, `"reason":"no agent available: 1 of 2 agents online in group cs, all at capacity"`}}.run(t, e)

		// Acceptance: closing frees Ana, and the most urgent waiting ticket is
		// hers on the very next read.
		scenario{name: "close", method: "PATCH", path: "/api/v1/tickets/" + f1, token: anaTok, status: 200, body: map[string]any{"status": "closed"}}.run(t, e)
		if got := get(urgent); got["assignee_id"] != ana.ID || got["status"] != "assigned" {
			t.Fatalf("after close the urgent ticket is %v", got)
		}
		if got := get(normal); got["assignee_id"] != nil {
			t.Fatalf("the normal ticket jumped the queue: %v", got)
		}

		// Capacity and force.
		scenario{name: "assign over capacity", method: "POST", path: "/api/v1/tickets/" + normal + "/assign", token: bobTok, status: 409,
			body: map[string]any{"agent_id": ana.ID}, want: []string{`"code":"capacity"`, `1 of 1 open`}}.run(t, e)
		scenario{name: "agent may not force", method: "POST", path: "/api/v1/tickets/" + normal + "/assign", token: bobTok, status: 403,
			body: map[string]any{"agent_id": ana.ID, "force": true}}.run(t, e)
		scenario{name: "assign needs an agent", method: "POST", path: "/api/v1/tickets/" + normal + "/assign", token: bobTok, status: 400,
			body: map[string]any{}, want: []string{"agent_id is required"}}.run(t, e)
		scenario{name: "unknown agent", method: "POST", path: "/api/v1/tickets/" + normal + "/assign", token: bobTok, status: 422,
			body: map[string]any{"agent_id": "nobody"}}.run(t, e)
		if got := get(normal); got["assignee_id"] != nil {
			t.Fatalf("refused assignments changed the ticket: %v", got)
		}
		scenario{name: "supervisor forces", method: "POST", path: "/api/v1/tickets/" + normal + "/assign", token: sueTok, status: 200,
			body: map[string]any{"agent_id": ana.ID, "force": true, "reason": "VIP"}, want: []string{`"assignee_id":"` + ana.ID}}.run(t, e)
		scenario{name: "forced in the log", method: "GET", path: "/api/v1/tickets/" + normal + "/events", token: admin, status: 200,
			want: []string{`"reason":"VIP; forced over capacity: 1 of 1 open"`}}.run(t, e)

		// Reassign without a body: the best other agent (Bob is offline, so
		// back to the queue).
		scenario{name: "reassign", method: "POST", path: "/api/v1/tickets/" + normal + "/reassign", token: anaTok, status: 200,
			want: []string{`"assignee_id":null`, `"status":"unassigned"`}}.run(t, e)
		scenario{name: "bob online", method: "PUT", path: "/api/v1/agents/" + bob.ID + "/presence", token: sueTok, status: 200,
			body: map[string]any{"status": "online"}}.run(t, e)
		if got := get(normal); got["assignee_id"] != bob.ID {
			t.Fatalf("Bob coming online did not drain: %v", got)
		}
		scenario{name: "bad json", method: "POST", path: "/api/v1/tickets/" + normal + "/reassign", token: anaTok, status: 400,
			body: `{"agent_id": 5}`}.run(t, e)

		// Transfer, escalate, handoff.
		billing := scenario{name: "group 2", method: "POST", path: "/api/v1/groups", token: admin, status: 201,
			body: map[string]any{"name": "billing"}}.run(t, e).Map(t)["id"].(string)
		scenario{name: "transfer needs a group", method: "POST", path: "/api/v1/tickets/" + normal + "/transfer", token: bobTok, status: 400,
			body: map[string]any{}}.run(t, e)
		scenario{name: "transfer to nowhere", method: "POST", path: "/api/v1/tickets/" + normal + "/transfer", token: bobTok, status: 422,
			body: map[string]any{"group_id": "nope"}}.run(t, e)
		if got := get(normal); got["group_id"] != cs || got["assignee_id"] != bob.ID {
			t.Fatalf("a refused transfer changed the ticket: %v", got)
		}
		scenario{name: "transfer", method: "POST", path: "/api/v1/tickets/" + normal + "/transfer", token: bobTok, status: 200,
			body: map[string]any{"group_id": billing, "reason": "invoice"}, want: []string{`"group_id":"` + billing, `"assignee_id":null`, `"transferred_at":"`}}.run(t, e)
		scenario{name: "escalate", method: "POST", path: "/api/v1/tickets/" + urgent + "/escalate", token: anaTok, status: 200,
			want: []string{`"escalated":true`, `"assignee_id":"` + sue.ID, `"from_agent_id":"` + ana.ID}}.run(t, e)
		bot, botTok := e.Agent(desk.NewAgent{Name: "Dolly", Role: desk.RoleBot})
		owned := ticket(map[string]any{"subject": "bot", "assignee_id": bot.ID})["id"].(string)
		// Ana and Bob both hold nothing now; Ana has waited longer.
		scenario{name: "handoff", method: "POST", path: "/api/v1/tickets/" + owned + "/handoff", token: botTok, status: 200,
			body: map[string]any{"group_id": cs}, want: []string{`"group_id":"` + cs, `"assignee_id":"` + ana.ID}}.run(t, e)
		scenario{name: "unassign", method: "POST", path: "/api/v1/tickets/" + owned + "/unassign", token: anaTok, status: 200,
			want: []string{`"assignee_id":"` + bob.ID}}.run(t, e)
		scenario{name: "closed ticket", method: "POST", path: "/api/v1/tickets/" + f1 + "/reassign", token: anaTok, status: 409,
			want: []string{`"rule":"closed"`, "is closed; routing no longer applies"}}.run(t, e)
		scenario{name: "unknown ticket", method: "POST", path: "/api/v1/tickets/999/reassign", token: anaTok, status: 404}.run(t, e)

		// Workloads, settings, drain, channel accounts.
		scenario{name: "workloads", method: "GET", path: "/api/v1/routing/agents?group=" + cs, token: anaTok, status: 200,
			want: []string{`"name":"Ana","role":"agent","presence":"online","capacity":1,"active":`}}.run(t, e)
		scenario{name: "settings", method: "GET", path: "/api/v1/routing/settings", token: anaTok, status: 200,
			want: []string{`"requeue_on_offline":false`}}.run(t, e)
		scenario{name: "settings by agent", method: "PATCH", path: "/api/v1/routing/settings", token: anaTok, status: 403,
			body: map[string]any{"requeue_on_offline": true}}.run(t, e)
		scenario{name: "settings by admin", method: "PATCH", path: "/api/v1/routing/settings", token: admin, status: 200,
			body: map[string]any{"requeue_on_offline": true}, want: []string{`"requeue_on_offline":true`}}.run(t, e)
		scenario{name: "drain by agent", method: "POST", path: "/api/v1/routing/drain", token: anaTok, status: 403}.run(t, e)
		scenario{name: "drain", method: "POST", path: "/api/v1/routing/drain", token: sueTok, status: 200, want: []string{`"assigned":`}}.run(t, e)
		scenario{name: "accounts", method: "GET", path: "/api/v1/agents/" + ana.ID + "/channel-accounts", token: anaTok, status: 200,
			want: []string{`"channel_account_ids":[]`}}.run(t, e)
		scenario{name: "accounts unknown", method: "PUT", path: "/api/v1/agents/" + ana.ID + "/channel-accounts", token: admin, status: 422,
			body: map[string]any{"channel_account_ids": []string{"nope"}}}.run(t, e)
		scenario{name: "accounts of nobody", method: "GET", path: "/api/v1/agents/nobody/channel-accounts", token: admin, status: 404}.run(t, e)
	})
}

func TestSLAAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		admin := e.AdminToken
		_, agentTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		for _, s := range []scenario{
			{name: "agent may not", method: "PUT", path: "/api/v1/sla/policies/urgent", token: agentTok, status: 403, body: map[string]any{"first_reply_seconds": 60}},
			{name: "unknown priority", method: "PUT", path: "/api/v1/sla/policies/asap", token: admin, status: 404, body: map[string]any{"first_reply_seconds": 60}},
			{name: "no target", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 422, body: map[string]any{}},
			{name: "negative", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 422, body: map[string]any{"first_reply_seconds": -1}},
			{name: "bad hours", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 422,
				body: map[string]any{"first_reply_seconds": 60, "hours": map[string]any{"mon": []string{"18:00-09:00"}}}, want: []string{`"field":"hours","rule":"format"`, `"value":"18:00-09:00"`}},
			{name: "bad day", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 422,
				body: map[string]any{"first_reply_seconds": 60, "hours": map[string]any{"monday": []string{"09:00-18:00"}}}},
			{name: "bad zone", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 422,
				body: map[string]any{"first_reply_seconds": 60, "timezone": "Nowhere/Land"}},
			{name: "wrong type", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 400, body: `{"first_reply_seconds":"soon"}`},
			{name: "unknown field", method: "PUT", path: "/api/v1/sla/policies/urgent", token: admin, status: 400, body: `{"first_reply":60}`},
		} {
			s.run(t, e)
		}
		scenario{name: "nothing stored", method: "GET", path: "/api/v1/sla/policies", token: agentTok, status: 200, want: []string{`"policies":[]`}}.run(t, e)
		scenario{name: "put", method: "PUT", path: "/api/v1/sla/policies/default", token: admin, status: 200,
			body: map[string]any{"first_reply_seconds": 600, "resolve_seconds": 86400, "hours": map[string]any{"mon": []string{"09:00-18:00"}, "tue": []string{"09:00-18:00"}}},
			want: []string{`"priority":"default"`, `"first_reply_seconds":600`, `"hours":{"mon":["09:00-18:00"],"tue":["09:00-18:00"]}`}}.run(t, e)
		scenario{name: "list", method: "GET", path: "/api/v1/sla/policies", token: agentTok, status: 200, want: []string{`"resolve_seconds":86400`}}.run(t, e)
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: admin, status: 201, body: map[string]any{"subject": "x"},
			want: []string{`"first_reply_due_at":"`, `"resolve_due_at":"`}}.run(t, e).Map(t)
		scenario{name: "sla", method: "GET", path: "/api/v1/tickets/" + tk["id"].(string) + "/sla", token: agentTok, status: 200,
			want: []string{`"state":"ongoing"`, `"within_sla":null`, `"first_reply_breached":false`, `"durations":{"unassigned":0`, `"priority":"default"`}}.run(t, e)
		scenario{name: "delete", method: "DELETE", path: "/api/v1/sla/policies/default", token: admin, status: 204}.run(t, e)
		scenario{name: "delete again", method: "DELETE", path: "/api/v1/sla/policies/default", token: admin, status: 404}.run(t, e)
	})
}

func TestRoutingOpenAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		res := e.Do("GET", "/api/v1/openapi.json", nil)
		for _, p := range []string{"/api/v1/tickets/{id}/reassign", "/api/v1/tickets/{id}/transfer", "/api/v1/tickets/{id}/escalate",
			"/api/v1/tickets/{id}/handoff", "/api/v1/tickets/{id}/suggestion", "/api/v1/queues/{group}", "/api/v1/sla/policies/{priority}",
			"/api/v1/routing/agents", "/api/v1/tickets/{id}/sla"} {
			if !strings.Contains(string(res.Body), `"`+p+`"`) {
				t.Errorf("OpenAPI document lacks %s", p)
			}
		}
	})
}

func TestQueueCursor(t *testing.T) {
	k := desk.QueueKey{Rank: 1, CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 123e6, time.UTC), Number: 42}
	got, err := api.DecodeQueueCursor(api.EncodeQueueCursor(k))
	if err != nil || got.Rank != k.Rank || !got.CreatedAt.Equal(k.CreatedAt) || got.Number != k.Number {
		t.Fatalf("round trip %+v, %v", got, err)
	}
	for _, bad := range []string{"", "!!", "cXwxfDJ8Mw==", "eHwxfDJ8Mw", "cXwxfDI", "cXwtMXwyfDM", "cXx4fDJ8Mw", "cXw5OTk5OTk5OXwyfDM"} {
		if _, err := api.DecodeQueueCursor(bad); err == nil {
			t.Errorf("DecodeQueueCursor(%q) accepted", bad)
		}
	}
}

func FuzzDecodeQueueCursor(f *testing.F) {
	f.Add(api.EncodeQueueCursor(desk.QueueKey{Rank: 3, Number: 7}))
	f.Add("cXwxfDJ8Mw")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := api.DecodeQueueCursor(s)
		if err != nil {
			return
		}
		// Whatever decodes encodes back to a cursor that decodes the same.
		again, err := api.DecodeQueueCursor(api.EncodeQueueCursor(*k))
		if err != nil || *again != *k {
			t.Fatalf("%q: %+v then %+v, %v", s, k, again, err)
		}
	})
}
