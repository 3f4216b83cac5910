package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var bearer = servertest.Bearer

// scenario is one request and what must come back.
type scenario struct {
	name   string
	method string
	path   string
	body   any
	token  string // "" = none
	status int
	want   []string // fragments the body must contain
}

func (s scenario) run(t *testing.T, e *servertest.Env) *servertest.Response {
	t.Helper()
	var hs []string
	if s.token != "" {
		hs = append(hs, bearer(s.token))
	}
	res := e.Do(s.method, s.path, s.body, hs...)
	if res.Status != s.status {
		t.Fatalf("%s: %s %s = %d, want %d: %s", s.name, s.method, s.path, res.Status, s.status, res.Body)
	}
	for _, w := range s.want {
		if !strings.Contains(string(res.Body), w) {
			t.Fatalf("%s: body lacks %q: %s", s.name, w, res.Body)
		}
	}
	return res
}

func TestHealth(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		scenario{name: "healthz", method: "GET", path: "/healthz", status: 200, want: []string{"ok"}}.run(t, e)
		scenario{name: "readyz", method: "GET", path: "/readyz", status: 200}.run(t, e)
		scenario{name: "metrics", method: "GET", path: "/metrics", status: 200}.run(t, e)
		res := e.Do("GET", "/metrics", nil)
		if !strings.Contains(string(res.Body), `ticketd_http_requests_total{code="200",route="GET /healthz"}`) {
			t.Fatalf("metrics lack the healthz request counter:\n%.2000s", res.Body)
		}
	})
}

func TestAuth(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		login := map[string]any{"email": "admin@acme.test", "password": servertest.Password}
		res := scenario{name: "login", method: "POST", path: "/api/v1/tokens", body: login, status: 201,
			want: []string{`"token":"tkd_`, `"workspace_id":"` + e.Workspace.ID}}.run(t, e)
		tok := res.Map(t)["token"].(string)
		for _, s := range []scenario{
			{name: "token works", method: "GET", path: "/api/v1/me", token: tok, status: 200, want: []string{`"role":"admin"`, `"last_login_at":"`}},
			{name: "wrong password", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "admin@acme.test", "password": "nope"}, status: 401, want: []string{`"code":"unauthorized"`}},
			{name: "unknown email", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "x@acme.test", "password": "nope"}, status: 401},
			{name: "missing fields", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "admin@acme.test"}, status: 400},
			{name: "no token", method: "GET", path: "/api/v1/tickets", status: 401, want: []string{`"code":"unauthorized"`}},
			{name: "bad token", method: "GET", path: "/api/v1/tickets", token: "tkd_nope", status: 401},
			{name: "logout", method: "DELETE", path: "/api/v1/tokens/current", token: tok, status: 204},
			{name: "revoked", method: "GET", path: "/api/v1/me", token: tok, status: 401},
		} {
			s.run(t, e)
		}
		// Basic or other schemes are not the native API's.
		if r := e.Do("GET", "/api/v1/me", nil, "Authorization: Basic YTpi"); r.Status != 401 {
			t.Fatalf("basic auth on native API = %d", r.Status)
		}
		// Expiring tokens expire.
		res = scenario{name: "short token", method: "POST", path: "/api/v1/tokens",
			body: map[string]any{"email": "admin@acme.test", "password": servertest.Password, "ttl_seconds": 3600}, status: 201, want: []string{`"expires_at":"`}}.run(t, e)
		_ = res
	})
}

func TestRoles(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		_, agentTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test", Role: desk.RoleAgent})
		for _, s := range []scenario{
			{name: "agent cannot create groups", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "x"}, token: agentTok, status: 403, want: []string{`"code":"forbidden"`}},
			{name: "agent cannot create agents", method: "POST", path: "/api/v1/agents", body: map[string]any{"name": "x", "email": "x@y.z"}, token: agentTok, status: 403},
			{name: "agent cannot define fields", method: "PUT", path: "/api/v1/fields/ticket/field_1", body: map[string]any{"type": "text"}, token: agentTok, status: 403},
			{name: "agent can list tickets", method: "GET", path: "/api/v1/tickets", token: agentTok, status: 200},
			{name: "agent can create tickets", method: "POST", path: "/api/v1/tickets", body: map[string]any{"subject": "s"}, token: agentTok, status: 201},
			{name: "agent cannot force", method: "POST", path: "/api/v1/tickets", body: map[string]any{"subject": "s", "force": true}, token: agentTok, status: 403},
			{name: "agent cannot set others' presence", method: "PUT", path: "/api/v1/agents/" + e.Admin.ID + "/presence", body: map[string]any{"status": "online"}, token: agentTok, status: 403},
			{name: "agent sets own presence", method: "PUT", path: "/api/v1/agents/me/presence", body: map[string]any{"status": "online"}, token: agentTok, status: 200, want: []string{`"presence":"online"`}},
		} {
			s.run(t, e)
		}
	})
}

func TestCreateAndReadBack(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		g := scenario{name: "group", method: "POST", path: "/api/v1/groups", body: map[string]any{"name": "cs"}, token: tok, status: 201,
			want: []string{`"number":1`, `"name":"cs"`}}.run(t, e).Map(t)
		a := scenario{name: "agent", method: "POST", path: "/api/v1/agents", token: tok, status: 201,
			body: map[string]any{"name": "Li", "email": "li@acme.test", "password": "pw12345", "role": "agent", "capacity": 3, "group_ids": []string{g["id"].(string)}},
			want: []string{`"capacity":3`, `"role":"agent"`, `"presence":"offline"`, `"number":2`}}.run(t, e).Map(t)
		c := scenario{name: "contact", method: "POST", path: "/api/v1/contacts", token: tok, status: 201,
			body: map[string]any{"name": "Ana", "first_name": "Ana", "last_name": "Pérez", "email": "ana@x.cl", "phone": "+569", "national_id": "12.345.678-9",
				"identities": []map[string]any{{"channel": "facebook", "external_id": "fb1", "page_id": "p1", "screen_name": "ana.p"}}},
			want: []string{`"national_id":"12345678-9"`, `"page_id":"p1"`, `"number":1`}}.run(t, e).Map(t)
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "Pedido 退款", "message": "hola", "channel": "whatsapp", "contact_id": c["id"], "priority": "urgent",
				"group_id": g["id"], "tags": []string{"vip", "refund"}, "custom_fields": map[string]any{"order": "A-1"}},
			want: []string{`"number":1`, `"priority":"urgent"`, `"channel":"whatsapp"`, `"tags":["vip","refund"]`, `"custom_fields":{"order":"A-1"}`,
				`"contact_id":"` + c["id"].(string), `"group_id":"` + g["id"].(string)}}.run(t, e).Map(t)
		id := tk["id"].(string)
		for _, key := range []string{"id", "number", "status", "priority", "channel", "contact_id", "assignee_id", "group_id", "tags", "created_at", "updated_at"} {
			if _, ok := tk[key]; !ok {
				t.Fatalf("ticket lacks %q: %v", key, tk)
			}
		}
		scenario{name: "get by id", method: "GET", path: "/api/v1/tickets/" + id, token: tok, status: 200, want: []string{`"subject":"Pedido 退款"`}}.run(t, e)
		scenario{name: "get by number", method: "GET", path: "/api/v1/tickets/1", token: tok, status: 200, want: []string{`"id":"` + id}}.run(t, e)
		scenario{name: "messages", method: "GET", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 200,
			want: []string{`"text":"hola"`, `"direction":"in"`, `"author_name":"Ana"`}}.run(t, e)
		scenario{name: "reply", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 201, body: map[string]any{"text": "ya va"},
			want: []string{`"direction":"out"`, `"author":{"kind":"agent","id":"` + e.Admin.ID}}.run(t, e)
		scenario{name: "note", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 201, body: map[string]any{"text": "psst", "public": false},
			want: []string{`"public":false`}}.run(t, e)
		scenario{name: "customer message", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 201,
			body: map[string]any{"text": "gracias", "author": map[string]any{"kind": "contact"}}, want: []string{`"direction":"in"`}}.run(t, e)
		scenario{name: "public only newest first", method: "GET", path: "/api/v1/tickets/" + id + "/messages?public=true&order=newest", token: tok, status: 200,
			want: []string{`"text":"gracias"`}}.run(t, e)
		scenario{name: "close", method: "PATCH", path: "/api/v1/tickets/" + id, token: tok, status: 200, body: map[string]any{"status": "closed"},
			want: []string{`"status":"closed"`, `"closed_reason":"manual"`, `"closed_at":"`}}.run(t, e)
		ev := scenario{name: "events", method: "GET", path: "/api/v1/tickets/" + id + "/events", token: tok, status: 200,
			want: []string{`"type":"created"`, `"type":"message_added"`, `"to":"closed"`}}.run(t, e)
		_ = ev
		scenario{name: "agent by id", method: "GET", path: "/api/v1/agents/" + a["id"].(string), token: tok, status: 200, want: []string{`"email":"li@acme.test"`}}.run(t, e)
		scenario{name: "contact lookup", method: "GET", path: "/api/v1/contacts?national_id=12.345.678-9", token: tok, status: 200, want: []string{`"name":"Ana"`}}.run(t, e)
		scenario{name: "contact by identity", method: "GET", path: "/api/v1/contacts?channel=facebook&external_id=fb1", token: tok, status: 200, want: []string{`"name":"Ana"`}}.run(t, e)
		scenario{name: "groups", method: "GET", path: "/api/v1/groups", token: tok, status: 200, want: []string{`"name":"cs"`}}.run(t, e)
		scenario{name: "agents", method: "GET", path: "/api/v1/agents?role=agent", token: tok, status: 200, want: []string{`"name":"Li"`}}.run(t, e)
		scenario{name: "workspace", method: "GET", path: "/api/v1/workspace", token: tok, status: 200, want: []string{`"timezone":"Asia/Shanghai"`}}.run(t, e)
		// The new agent logs in with its own password.
		scenario{name: "agent login", method: "POST", path: "/api/v1/tokens", body: map[string]any{"email": "li@acme.test", "password": "pw12345"}, status: 201}.run(t, e)
	})
}

func TestBadInput(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201, body: map[string]any{"subject": "keep me"}}.run(t, e).Map(t)
		id := tk["id"].(string)
		for _, s := range []scenario{
			{name: "wrong type", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"subject": 5}`, status: 400, want: []string{`"code":"bad_request"`, `subject`}},
			{name: "unknown enum", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"priority": "mega"}`, status: 422, want: []string{`"code":"invalid"`, `mega`}},
			{name: "unknown channel", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"channel": "myspace"}`, status: 422},
			{name: "unknown field", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"subjet": "typo"}`, status: 400, want: []string{`unknown field`}},
			{name: "malformed", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"subject": `, status: 400},
			{name: "empty", method: "POST", path: "/api/v1/tickets", token: tok, body: ``, status: 400, want: []string{"empty"}},
			{name: "two values", method: "POST", path: "/api/v1/tickets", token: tok, body: `{} {}`, status: 400},
			{name: "too large", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"subject":"` + strings.Repeat("x", 1<<20) + `"}`, status: 413},
			{name: "unknown contact", method: "POST", path: "/api/v1/tickets", token: tok, body: `{"contact_id": "6b06cf18db0f68cd3bd17b0b"}`, status: 422},
			{name: "bad status patch", method: "PATCH", path: "/api/v1/tickets/" + id, token: tok, body: `{"status": "done", "subject": "changed"}`, status: 422},
			{name: "bad priority patch", method: "PATCH", path: "/api/v1/tickets/" + id, token: tok, body: `{"subject": "changed", "priority": "x"}`, status: 422},
			{name: "empty message", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, body: `{"text": "  "}`, status: 422},
			{name: "bad limit", method: "GET", path: "/api/v1/tickets?limit=0", token: tok, status: 400},
			{name: "bad limit type", method: "GET", path: "/api/v1/tickets?limit=ten", token: tok, status: 400},
			{name: "bad cursor", method: "GET", path: "/api/v1/tickets?cursor=zz", token: tok, status: 400},
			{name: "bad status filter", method: "GET", path: "/api/v1/tickets?status=done", token: tok, status: 400},
			{name: "bad date", method: "GET", path: "/api/v1/tickets?created_after=yesterday", token: tok, status: 400},
			{name: "bad order", method: "GET", path: "/api/v1/tickets?order=random", token: tok, status: 400},
			{name: "missing ticket", method: "GET", path: "/api/v1/tickets/6b06cf18db0f68cd3bd17b0b", token: tok, status: 404, want: []string{`"code":"not_found"`}},
			{name: "garbage id", method: "GET", path: "/api/v1/tickets/../../etc", token: tok, status: 404},
			{name: "bad presence", method: "PUT", path: "/api/v1/agents/me/presence", token: tok, body: `{"status": "asleep"}`, status: 422},
			{name: "duplicate group", method: "POST", path: "/api/v1/groups", token: tok, body: `{"name": "dup"}`, status: 201},
			{name: "duplicate group again", method: "POST", path: "/api/v1/groups", token: tok, body: `{"name": "dup"}`, status: 409, want: []string{`"code":"conflict"`}},
			{name: "contact with an identity", method: "POST", path: "/api/v1/contacts", token: tok, status: 201,
				body: `{"name": "A", "identities": [{"channel": "whatsapp", "external_id": "56911111111"}]}`},
			{name: "identity claimed twice", method: "POST", path: "/api/v1/contacts", token: tok, status: 409,
				body: `{"name": "B", "identities": [{"channel": "whatsapp", "external_id": "56911111111"}]}`,
				want: []string{`"code":"conflict"`, `"message":"whatsapp/56911111111 already belongs to another contact"`, `"field":"identities"`}},
			{name: "bad field type", method: "PUT", path: "/api/v1/fields/ticket/field_1", token: tok, body: `{"type": "blob"}`, status: 422},
		} {
			s.run(t, e)
		}
		// Nothing the bad requests said was stored.
		got := scenario{name: "read back", method: "GET", path: "/api/v1/tickets/" + id, token: tok, status: 200}.run(t, e).Map(t)
		if got["subject"] != "keep me" || got["priority"] != nil {
			t.Fatalf("a rejected request changed the ticket: %v", got)
		}
		list := scenario{name: "list", method: "GET", path: "/api/v1/tickets", token: tok, status: 200}.run(t, e).Map(t)
		if n := len(list["tickets"].([]any)); n != 1 {
			t.Fatalf("rejected creates were stored: %d tickets", n)
		}
	})
}

func TestCustomFieldValidation(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		scenario{name: "define", method: "PUT", path: "/api/v1/fields/ticket/field_1", token: tok, status: 200,
			body: map[string]any{"label": "Color", "type": "select", "options": []map[string]any{{"id": "1", "value": "red"}, {"id": "2", "value": "blue"}}},
			want: []string{`"key":"field_1"`}}.run(t, e)
		scenario{name: "list defs", method: "GET", path: "/api/v1/fields", token: tok, status: 200, want: []string{`"value":"blue"`}}.run(t, e)
		scenario{name: "bad option", method: "POST", path: "/api/v1/tickets", token: tok, status: 422, body: map[string]any{"custom_fields": map[string]any{"field_1": "green"}},
			want: []string{`green`}}.run(t, e)
		scenario{name: "unknown key", method: "POST", path: "/api/v1/tickets", token: tok, status: 422, body: map[string]any{"custom_fields": map[string]any{"field_9": "x"}}}.run(t, e)
		scenario{name: "good", method: "POST", path: "/api/v1/tickets", token: tok, status: 201, body: map[string]any{"custom_fields": map[string]any{"field_1": "blue"}},
			want: []string{`"field_1":"blue"`}}.run(t, e)
	})
}

func TestWorkspaceIsolation(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		_, _, otherTok := e.NewWorkspace("globex", "UTC")
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: e.AdminToken, status: 201, body: map[string]any{"subject": "secret"}}.run(t, e).Map(t)
		id := tk["id"].(string)
		for _, s := range []scenario{
			{name: "get", method: "GET", path: "/api/v1/tickets/" + id, token: otherTok, status: 404},
			{name: "by number", method: "GET", path: "/api/v1/tickets/1", token: otherTok, status: 404},
			{name: "patch", method: "PATCH", path: "/api/v1/tickets/" + id, token: otherTok, body: map[string]any{"status": "closed"}, status: 404},
			{name: "message", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: otherTok, body: map[string]any{"text": "x"}, status: 404},
			{name: "events", method: "GET", path: "/api/v1/tickets/" + id + "/events", token: otherTok, status: 404},
			{name: "agent", method: "GET", path: "/api/v1/agents/" + e.Admin.ID, token: otherTok, status: 404},
		} {
			s.run(t, e)
		}
		list := e.Do("GET", "/api/v1/tickets", nil, bearer(otherTok)).Map(t)
		if n := len(list["tickets"].([]any)); n != 0 {
			t.Fatalf("other workspace sees %d tickets", n)
		}
		got := e.Do("GET", "/api/v1/tickets/"+id, nil, bearer(e.AdminToken)).Map(t)
		if got["status"] == "closed" {
			t.Fatal("another workspace closed our ticket")
		}
	})
}

func TestListPaginationAndFilters(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		for i := 0; i < 7; i++ {
			ch := "email"
			if i%2 == 0 {
				ch = "whatsapp"
			}
			scenario{name: "create", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
				body: map[string]any{"subject": fmt.Sprint("t", i), "channel": ch, "tags": []string{fmt.Sprint("n", i%3)}}}.run(t, e)
		}
		var seen []float64
		path := "/api/v1/tickets?limit=3"
		for pages := 0; pages < 5; pages++ {
			res := e.Do("GET", path, nil, bearer(tok))
			if res.Status != http.StatusOK {
				t.Fatalf("page %d: %d %s", pages, res.Status, res.Body)
			}
			var page struct {
				Tickets []struct {
					Number float64 `json:"number"`
				} `json:"tickets"`
				NextCursor *string `json:"next_cursor"`
			}
			res.JSON(t, &page)
			for _, tk := range page.Tickets {
				seen = append(seen, tk.Number)
			}
			if page.NextCursor == nil {
				break
			}
			path = "/api/v1/tickets?limit=3&cursor=" + *page.NextCursor
		}
		if fmt.Sprint(seen) != "[7 6 5 4 3 2 1]" {
			t.Fatalf("pages gave %v", seen)
		}
		for q, want := range map[string]int{
			"channel=email": 3, "channel=email,whatsapp": 7, "tag=n0": 3, "status=active": 7, "status=closed": 0,
			"assignee=none": 7, "assignee=me": 0, "order=oldest&limit=2": 2, "created_after=2000-01-01": 7, "created_before=2000-01-01": 0,
		} {
			var page struct {
				Tickets []any `json:"tickets"`
			}
			res := e.Do("GET", "/api/v1/tickets?"+q, nil, bearer(tok))
			res.JSON(t, &page)
			if res.Status != 200 || len(page.Tickets) != want {
				t.Errorf("%s: %d tickets (status %d), want %d", q, len(page.Tickets), res.Status, want)
			}
		}
		// A cursor of one order is refused by another.
		res := e.Do("GET", "/api/v1/tickets?limit=1", nil, bearer(tok)).Map(t)
		cur := res["next_cursor"].(string)
		if r := e.Do("GET", "/api/v1/tickets?order=oldest&cursor="+cur, nil, bearer(tok)); r.Status != 400 {
			t.Fatalf("cursor reused across orders = %d", r.Status)
		}
	})
}
