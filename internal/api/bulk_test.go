package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestBulkUpdate: one patch over many tickets answers a result per ticket;
// a failing item (closed, hidden behind another's ownership, unknown)
// changes nothing and does not stop the others; a request wrong as a whole
// changes nothing at all.
func TestBulkUpdate(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		bo, boTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		mk := func(body map[string]any) map[string]any {
			return scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, body: body, status: 201}.run(t, e).Map(t)
		}
		t1 := mk(map[string]any{"subject": "one", "tags": []string{"old", "keep"}})
		t2 := mk(map[string]any{"subject": "two"})
		t3 := mk(map[string]any{"subject": "three"})
		scenario{name: "close three", method: "PATCH", path: "/api/v1/tickets/" + t3["id"].(string), token: tok,
			body: map[string]any{"status": "closed"}, status: 200}.run(t, e)
		body := map[string]any{
			"tickets": []any{t1["id"], t2["number"], t3["id"], 999},
			"patch":   map[string]any{"status": "open", "priority": "high", "add_tags": []string{"bulk", "keep"}, "remove_tags": []string{"old"}, "assignee_id": bo.ID},
		}
		res := scenario{name: "bulk", method: "POST", path: "/api/v1/tickets/bulk", token: tok, body: body, status: 200,
			want: []string{`"ok":2`, `"failed":2`}}.run(t, e)
		var out struct {
			Results []struct {
				Ticket string
				OK     bool
				Status int
				Result *struct {
					Priority   string
					Tags       []string
					AssigneeID string `json:"assignee_id"`
				}
				Error *struct{ Code, Rule string }
			}
		}
		res.JSON(t, &out)
		if len(out.Results) != 4 {
			t.Fatalf("results: %s", res.Body)
		}
		for i, r := range out.Results[:2] {
			if !r.OK || r.Status != 200 || r.Result == nil || r.Result.Priority != "high" || r.Result.AssigneeID != bo.ID ||
				strings.Join(r.Result.Tags, ",") != "keep,bulk" && !(i == 1 && strings.Join(r.Result.Tags, ",") == "bulk,keep") {
				t.Errorf("item %d: %+v %+v", i, r, r.Result)
			}
		}
		if r := out.Results[2]; r.OK || r.Status != 409 || r.Error == nil || r.Error.Code != "conflict" || r.Error.Rule != "final" {
			t.Errorf("closed ticket item: %+v", r)
		}
		if r := out.Results[3]; r.OK || r.Status != 404 || r.Ticket != "999" || r.Error.Code != "not_found" {
			t.Errorf("unknown ticket item: %+v", r)
		}
		// The failed item changed nothing: ticket three keeps its priority.
		scenario{name: "three unchanged", method: "GET", path: "/api/v1/tickets/" + t3["id"].(string), token: tok, status: 200,
			want: []string{`"priority":null`, `"tags":[]`, `"assignee_id":null`, `"status":"closed"`}}.run(t, e)
		// An agent's bulk takes its permissions per ticket: Bo owns one and
		// two now; the admin's new ticket, given to the admin, is not his.
		t4 := mk(map[string]any{"subject": "four", "assignee_id": e.Admin.ID})
		res = scenario{name: "agent bulk", method: "POST", path: "/api/v1/tickets/bulk", token: boTok, status: 200,
			body: map[string]any{"tickets": []any{t1["number"], t4["number"]}, "patch": map[string]any{"status": "pending"}},
			want: []string{`"ok":1`, `"failed":1`, `"rule":"owner_only"`}}.run(t, e)
		_ = res
		// Wrong as a whole: nothing changes.
		many := make([]any, 101)
		for i := range many {
			many[i] = fmt.Sprint(i + 1)
		}
		for _, s := range []scenario{
			{name: "too many", body: map[string]any{"tickets": many, "patch": map[string]any{"priority": "low"}}, status: 422, want: []string{`"rule":"too_many"`, `"max":100`}},
			{name: "none", body: map[string]any{"tickets": []any{}, "patch": map[string]any{"priority": "low"}}, status: 422, want: []string{`"rule":"required"`, `"field":"tickets"`}},
			{name: "empty patch", body: map[string]any{"tickets": []any{t1["id"]}, "patch": map[string]any{}}, status: 422, want: []string{`"field":"patch"`}},
			{name: "twice", body: map[string]any{"tickets": []any{t1["id"], t1["id"]}, "patch": map[string]any{"priority": "low"}}, status: 422, want: []string{`"rule":"duplicate"`}},
			{name: "unknown field", body: map[string]any{"tickets": []any{t1["id"]}, "patch": map[string]any{"colour": "red"}}, status: 400},
		} {
			s.method, s.path, s.token = "POST", "/api/v1/tickets/bulk", tok
			s.run(t, e)
		}
		scenario{name: "one unchanged", method: "GET", path: "/api/v1/tickets/" + t1["id"].(string), token: tok, status: 200,
			want: []string{`"priority":"high"`}}.run(t, e)
	})
}
