package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestOneRefusalEveryDoor: the same desk refusal (a value that is not an
// option of a custom field; a subject over the limit) is answered by every
// door that can make it, each in its own shape and words, all naming the
// field, and none from the error's text.
func TestOneRefusalEveryDoor(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		te := newTransitionEnv(t, e)
		ctx := context.Background()
		if _, err := e.Deps.Desk.PutFieldDef(ctx, e.Workspace.ID, desk.FieldDef{Scope: "ticket", Key: "motivo", Type: "select",
			Options: []desk.FieldOption{{ID: "RECLAMO", Value: "RECLAMO"}}}); err != nil {
			t.Fatal(err)
		}
		tk := te.ticket(t, fromStates[1])
		long := strings.Repeat("s", desk.MaxSubject+1)
		native, pc := servertest.Bearer(e.AdminToken), "Authorization: Key "+e.AdminToken
		bw := fmt.Sprintf("/bangwo8/api/v1/tickets/%d.json", tk.Number)
		dl := fmt.Sprintf("/dolphin/apiv1/graph/tickets/update/%d", tk.Number)
		for _, c := range []struct {
			name, method, path string
			body               any
			header             string
			status             int
			body2              string // the exact answer
		}{
			{"native option", "PATCH", "/api/v1/tickets/" + tk.ID, map[string]any{"custom_fields": map[string]any{"motivo": "OTRO"}}, native, 422,
				`{"error":{"code":"invalid","message":"\"OTRO\" is not an option of custom field \"motivo\"","field":"custom_fields.motivo","rule":"one_of","params":{"value":"OTRO"}}}`},
			{"postcenter option", "PUT", "/postcenter/v2/metadata/ticket/" + tk.ID + "/", map[string]any{"motivo": "OTRO"}, pc, 400,
				`{"status":400,"message":"\"OTRO\" is not an option of custom field \"motivo\""}`},
			{"bangwo8 option", "PUT", bw, map[string]any{"ticket": map[string]any{"custom_fields": []map[string]any{{"key": "motivo", "value": "OTRO"}}}}, te.basic, 400,
				`{"errcode":"100400","errmsg":"字段值不合法: motivo (one_of)"}`},
			{"3dolphins option", "PUT", dl, map[string]any{"customFields": map[string]any{"motivo": "OTRO"}}, te.dolphins, 400,
				`{"status":"failed","message":"\"OTRO\" is not an option of custom field \"motivo\"","data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`},
			{"native subject", "PATCH", "/api/v1/tickets/" + tk.ID, map[string]any{"subject": long}, native, 422,
				`{"error":{"code":"invalid","message":"subject longer than 1000 bytes","field":"subject","rule":"too_long","params":{"max":1000}}}`},
			{"bangwo8 subject", "PUT", bw, map[string]any{"ticket": map[string]any{"subject": long}}, te.basic, 400,
				`{"errcode":"100400","errmsg":"字段值不合法: subject (too_long)"}`},
			{"3dolphins subject", "PUT", dl, map[string]any{"subject": long}, te.dolphins, 400,
				`{"status":"failed","message":"subject longer than 1000 bytes","data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`},
		} {
			res := e.Do(c.method, c.path, c.body, c.header)
			if got := strings.TrimSpace(string(res.Body)); res.Status != c.status || got != c.body2 {
				t.Errorf("%s: %d %s\nwant %d %s", c.name, res.Status, got, c.status, c.body2)
			}
		}
		after, err := e.Deps.Desk.Store.Ticket(ctx, e.Workspace.ID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Subject != tk.Subject || len(after.CustomFields) != 0 {
			t.Errorf("a refusal changed the ticket: %q, %v", after.Subject, after.CustomFields)
		}
	})
}
