package api_test

import (
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestSavedReplies: personal replies are their owner's alone; shared ones
// are seen by all and managed by supervisors and admins; a shortcut is
// unique per scope; rendering fills placeholders for a ticket the caller
// sees and leaves unknown ones as written.
func TestSavedReplies(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := e.AdminToken
		_, boTok := e.Agent(desk.NewAgent{Name: "Bo Li", Email: "bo@acme.test"})
		_, cyTok := e.Agent(desk.NewAgent{Name: "Cy", Email: "cy@acme.test"})
		const path = "/api/v1/saved-replies"
		shared := scenario{name: "shared by admin", method: "POST", path: path, token: tok, status: 201,
			body: map[string]any{"name": "Greeting", "text": "Hi {{contact.first_name}}, about #{{ ticket.number }}: {{agent.name}} here. {{order.id}} {{", "shortcut": "hi", "scope": "shared"},
			want: []string{`"scope":"shared"`, `"owner_id":null`}}.run(t, e).Map(t)
		mine := scenario{name: "personal", method: "POST", path: path, token: boTok, status: 201,
			body: map[string]any{"name": "Mine", "text": "Thanks, {{contact.name}}!", "shortcut": "hi"},
			want: []string{`"scope":"personal"`}}.run(t, e).Map(t)
		sid, mid := shared["id"].(string), mine["id"].(string)
		c := scenario{name: "contact", method: "POST", path: "/api/v1/contacts", token: tok, status: 201,
			body: map[string]any{"first_name": "Ana", "last_name": "Pérez"}}.run(t, e).Map(t)
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "s", "contact_id": c["id"]}}.run(t, e).Map(t)
		for _, s := range []scenario{
			{name: "agent cannot share", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "text": "y", "scope": "shared"}, status: 403, want: []string{`"rule":"supervisor_only"`}},
			{name: "shortcut taken among shared", method: "POST", path: path, token: tok, body: map[string]any{"name": "x", "text": "y", "shortcut": "hi", "scope": "shared"}, status: 409, want: []string{`"rule":"taken"`, `"field":"shortcut"`}},
			{name: "shortcut taken among own", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "text": "y", "shortcut": "hi"}, status: 409},
			{name: "same shortcut, another agent", method: "POST", path: path, token: cyTok, body: map[string]any{"name": "x", "text": "y", "shortcut": "hi"}, status: 201},
			{name: "name required", method: "POST", path: path, token: boTok, body: map[string]any{"text": "y"}, status: 422, want: []string{`"field":"name"`}},
			{name: "bad scope", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "text": "y", "scope": "global"}, status: 422, want: []string{`"rule":"one_of"`}},
			{name: "bad shortcut", method: "POST", path: path, token: boTok, body: map[string]any{"name": "x", "text": "y", "shortcut": "two words"}, status: 422, want: []string{`"rule":"format"`}},
			{name: "bo sees shared and own", method: "GET", path: path, token: boTok, status: 200, want: []string{`"id":"` + sid, `"id":"` + mid}},
			{name: "cy does not see bo's", method: "GET", path: path + "/" + mid, token: cyTok, status: 404},
			{name: "admin does not see bo's", method: "GET", path: path + "/" + mid, token: tok, status: 404},
			{name: "cy cannot change shared", method: "PATCH", path: path + "/" + sid, token: cyTok, body: map[string]any{"name": "z"}, status: 403},
			{name: "cy cannot delete bo's", method: "DELETE", path: path + "/" + mid, token: cyTok, status: 404},
			{name: "bo changes own", method: "PATCH", path: path + "/" + mid, token: boTok, body: map[string]any{"name": "Mine 2", "shortcut": ""}, status: 200, want: []string{`"name":"Mine 2"`, `"shortcut":""`}},
			{name: "render shared", method: "GET", path: path + "/" + sid + "/render?ticket=" + tk["id"].(string), token: boTok, status: 200,
				want: []string{`"text":"Hi Ana, about #1: Bo Li here. {{order.id}} {{"`, `"unknown":["order.id"]`}},
			{name: "render own by number", method: "GET", path: path + "/" + mid + "/render?ticket=1", token: boTok, status: 200,
				want: []string{`"text":"Thanks, Ana Pérez!"`, `"unknown":[]`}},
			{name: "render needs a ticket", method: "GET", path: path + "/" + mid + "/render", token: boTok, status: 422, want: []string{`"field":"ticket"`}},
			{name: "render unknown ticket", method: "GET", path: path + "/" + mid + "/render?ticket=99", token: boTok, status: 404},
			{name: "unknown reply", method: "GET", path: path + "/nope", token: boTok, status: 404},
			{name: "bo deletes own", method: "DELETE", path: path + "/" + mid, token: boTok, status: 204},
			{name: "gone", method: "GET", path: path + "/" + mid, token: boTok, status: 404},
		} {
			s.run(t, e)
		}
		// Keyset pages.
		for i := 0; i < 3; i++ {
			scenario{name: "more", method: "POST", path: path, token: tok, status: 201, body: map[string]any{"name": "n", "text": "t", "scope": "shared"}}.run(t, e)
		}
		var page struct {
			SavedReplies []struct{ ID string } `json:"saved_replies"`
			NextCursor   *string               `json:"next_cursor"`
		}
		seen := map[string]bool{}
		next := ""
		for n := 0; n < 5; n++ {
			res := scenario{name: "page", method: "GET", path: path + "?limit=2&cursor=" + next, token: tok, status: 200}.run(t, e)
			page.NextCursor = nil
			res.JSON(t, &page)
			for _, r := range page.SavedReplies {
				if seen[r.ID] {
					t.Fatalf("reply %s on two pages", r.ID)
				}
				seen[r.ID] = true
			}
			if page.NextCursor == nil {
				break
			}
			next = *page.NextCursor
		}
		if len(seen) != 4 { // the admin sees the four shared ones, not Cy's
			t.Fatalf("admin paged through %d replies", len(seen))
		}
	})
}
