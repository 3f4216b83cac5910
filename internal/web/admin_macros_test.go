package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestMacrosPages: /settings/macros lists, creates, edits and deletes
// macros under desk's policy (an agent's own; shared ones by supervisors
// and admins), keeps the input beside the field on a refusal, refuses a
// shortcut that starts with a built-in key (422, over the API too) and a
// post without its CSRF token (403, nothing changed).
func TestMacrosPages(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		ana, anaTok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent})
		ben, _ := e.Agent(desk.NewAgent{Name: "Ben", Email: "ben@acme.test", Role: desk.RoleAgent})
		anaCaller := desk.Caller{AgentID: ana.ID, Role: desk.RoleAgent}
		list := func(c desk.Caller) []desk.Macro {
			t.Helper()
			ms, err := e.Deps.Desk.Macros(ctx, e.Workspace.ID, c, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}

		sup := newClient(t, e.URL)
		sup.login(e.Admin.Email, servertest.Password)
		stok := sup.csrf()
		if p := sup.get("/settings/macros"); p.Status != http.StatusOK || !strings.Contains(p.Body, `name="shared"`) || !strings.Contains(p.Body, `href="/settings/macros"`) {
			t.Fatalf("admin's macros page: %d %s", p.Status, p.Body)
		}
		if p := sup.post("/settings/macros", url.Values{"csrf": {stok}, "name": {"Close as solved"}, "shortcut": {"1"}, "status": {"solved"},
			"reply": {"Glad we could help, {{contact.name}}."}, "kind": {"reply"}, "shared": {"1"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("shared macro: %d %s", p.Status, p.Body)
		}

		c := newClient(t, e.URL)
		c.login(ana.Email, servertest.Password)
		tok := c.csrf()
		page := c.get("/settings/macros")
		if page.Status != http.StatusOK || strings.Contains(page.Body, `name="shared"`) || !strings.Contains(page.Body, "Close as solved") ||
			!strings.Contains(page.Body, "<kbd>1</kbd>") {
			t.Fatalf("agent's macros page: %d %s", page.Status, page.Body)
		}
		if p := c.post("/settings/macros", url.Values{"csrf": {tok}, "name": {"Mine"}, "status": {"open"}, "shared": {"1"}}); p.Status != http.StatusForbidden {
			t.Fatalf("agent sharing: %d", p.Status)
		}
		// Refusals beside their field, the input kept.
		refund := url.Values{"csrf": {tok}, "name": {"Refund"}, "shortcut": {"rf"}, "reply": {"Refund on its way, {{contact.name}}."},
			"kind": {"note"}, "status": {"pending"}, "priority": {"high"}, "add_tags": {"refund, vip"}, "remove_tags": {"triage"}, "assign_me": {"1"}}
		p := c.post("/settings/macros", refund)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-short-err"`) || !strings.Contains(p.Body, "starts with one of the desk") ||
			!strings.Contains(p.Body, `value="Refund"`) || !strings.Contains(p.Body, `value="refund, vip"`) || !strings.Contains(p.Body, `value="note" checked`) {
			t.Fatalf("reserved shortcut: %d %s", p.Status, p.Body)
		}
		for _, sc := range []string{"j", "k", "o", "n", "a", "s", "/", "?", "Enter", "escape"} {
			v := url.Values{"csrf": {tok}, "name": {"X"}, "shortcut": {sc}, "status": {"open"}}
			if p := c.post("/settings/macros", v); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-short-err"`) {
				t.Errorf("shortcut %q: %d", sc, p.Status)
			}
		}
		if p := c.post("/settings/macros", url.Values{"csrf": {tok}, "name": {"  "}, "status": {"open"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-name-err"`) {
			t.Fatalf("blank name: %d %s", p.Status, p.Body)
		}
		if p := c.post("/settings/macros", url.Values{"csrf": {tok}, "name": {"Nothing"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-reply-err"`) {
			t.Fatalf("no actions, no reply: %d %s", p.Status, p.Body)
		}
		if p := c.post("/settings/macros", url.Values{"csrf": {tok}, "name": {"Bad"}, "status": {"sleeping"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-status-err"`) {
			t.Fatalf("unknown status: %d %s", p.Status, p.Body)
		}
		if n := len(list(anaCaller)); n != 1 {
			t.Fatalf("refusals created macros: %d visible", n)
		}
		// Without its CSRF token: 403 and nothing made.
		noCSRF := url.Values{}
		for k, v := range refund {
			noCSRF[k] = v
		}
		noCSRF.Del("csrf")
		noCSRF.Set("shortcut", "gr")
		if p := c.post("/settings/macros", noCSRF); p.Status != http.StatusForbidden {
			t.Fatalf("without csrf: %d", p.Status)
		}
		if n := len(list(anaCaller)); n != 1 {
			t.Fatalf("a post without csrf created a macro: %d visible", n)
		}
		refund.Set("shortcut", "gr")
		if p := c.post("/settings/macros", refund); p.Status != http.StatusSeeOther {
			t.Fatalf("personal macro: %d %s", p.Status, p.Body)
		}
		var mine, shared *desk.Macro
		for _, m := range list(anaCaller) {
			if m.Shared() {
				shared = &m
			} else {
				mine = &m
			}
		}
		if mine == nil || shared == nil || mine.OwnerID != ana.ID || mine.Shortcut != "gr" || !mine.Note || mine.Actions.Status != desk.StatusPending ||
			mine.Actions.Priority != desk.PriorityHigh || !slices.Equal(mine.Actions.AddTags, []string{"refund", "vip"}) ||
			!slices.Equal(mine.Actions.RemoveTags, []string{"triage"}) || !mine.Actions.AssignToMe {
			t.Fatalf("macros: mine %+v shared %+v", mine, shared)
		}
		// The edit form shows what it holds.
		if p := c.get("/settings/macros/" + mine.ID); p.Status != http.StatusOK || !strings.Contains(p.Body, `value="refund, vip"`) ||
			!strings.Contains(p.Body, `<option value="pending" selected>`) || !strings.Contains(p.Body, `name="assign_me" value="1" checked`) {
			t.Fatalf("edit form: %d %s", p.Status, p.Body)
		}
		// The shared one is not the agent's to change; Ben does not see Ana's.
		if p := c.get("/settings/macros"); strings.Contains(p.Body, `href="/settings/macros/`+shared.ID+`"`) {
			t.Fatal("an agent is offered to edit a shared macro")
		}
		if p := c.post("/settings/macros/"+shared.ID, url.Values{"csrf": {tok}, "name": {"Hijack"}, "status": {"open"}}); p.Status != http.StatusForbidden {
			t.Fatalf("agent editing a shared macro: %d", p.Status)
		}
		if p := c.post("/settings/macros/"+shared.ID+"/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusForbidden {
			t.Fatalf("agent deleting a shared macro: %d", p.Status)
		}
		b := newClient(t, e.URL)
		b.login(ben.Email, servertest.Password)
		if p := b.get("/settings/macros/" + mine.ID); p.Status != http.StatusNotFound {
			t.Fatalf("another agent's macro: %d", p.Status)
		}
		if p := b.get("/settings/macros"); strings.Contains(p.Body, "Refund") {
			t.Fatal("Ben sees Ana's personal macro")
		}
		// Edit: a reserved shortcut is refused with the input kept; then a good edit.
		edit := url.Values{"csrf": {tok}, "name": {"Refund done"}, "shortcut": {"m2"}, "reply": {"Done."}, "kind": {"reply"}, "priority": {"low"}}
		if p := c.post("/settings/macros/"+mine.ID, edit); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="m-short-err"`) ||
			!strings.Contains(p.Body, `value="Refund done"`) || strings.Contains(p.Body, `name="assign_me" value="1" checked`) {
			t.Fatalf("edit with a reserved shortcut: %d %s", p.Status, p.Body)
		}
		edit.Set("shortcut", "2")
		if p := c.post("/settings/macros/"+mine.ID, edit); p.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", p.Status, p.Body)
		}
		m, err := e.Store.Macro(ctx, e.Workspace.ID, mine.ID)
		if err != nil || m.Name != "Refund done" || m.Shortcut != "2" || m.Note || m.Reply != "Done." || m.Actions.Status != "" ||
			m.Actions.Priority != desk.PriorityLow || len(m.Actions.AddTags) != 0 || m.Actions.AssignToMe {
			t.Fatalf("after edit: %+v %v", m, err)
		}
		if p := c.post("/settings/macros/"+mine.ID+"/delete", url.Values{}); p.Status != http.StatusForbidden {
			t.Fatalf("delete without csrf: %d", p.Status)
		}
		if p := c.post("/settings/macros/"+mine.ID+"/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.Status)
		}
		if _, err := e.Store.Macro(ctx, e.Workspace.ID, mine.ID); err == nil {
			t.Fatal("deleted macro still there")
		}
		// The admin edits and deletes the shared one.
		if p := sup.post("/settings/macros/"+shared.ID, url.Values{"csrf": {stok}, "name": {"Solve"}, "shortcut": {"1"}, "status": {"solved"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("admin edit of a shared macro: %d %s", p.Status, p.Body)
		}
		if p := sup.post("/settings/macros/"+shared.ID+"/delete", url.Values{"csrf": {stok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("admin delete of a shared macro: %d", p.Status)
		}
		// The API refuses the same shortcuts with the same rule.
		r := e.Do("POST", "/api/v1/macros", map[string]any{"name": "Via API", "shortcut": "r2", "actions": map[string]any{"status": "open"}}, "Authorization: Bearer "+anaTok)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"rule":"reserved"`) {
			t.Fatalf("API reserved shortcut: %d %s", r.Status, r.Body)
		}
	})
}
