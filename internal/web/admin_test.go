package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

// adminPosts are every state-changing admin route, with a form that would
// change something if it were let through.
func adminPosts(e *servertest.Env, agentID, groupID, tokenID string) map[string]url.Values {
	return map[string]url.Values{
		"/admin/agents":                            {"name": {"Intruder"}, "email": {"intruder@acme.test"}, "role": {"admin"}, "password": {"x-password"}},
		"/admin/agents/" + agentID:                 {"name": {"Renamed"}, "role": {"admin"}, "capacity": {"9"}},
		"/admin/agents/" + agentID + "/deactivate": {},
		"/admin/agents/" + agentID + "/activate":   {},
		"/admin/groups":                            {"name": {"Sneaky"}},
		"/admin/groups/" + groupID:                 {"name": {"Renamed group"}},
		"/admin/groups/" + groupID + "/delete":     {},
		"/admin/tokens":                            {"agent": {agentID}, "label": {"stolen"}},
		"/admin/tokens/" + tokenID + "/revoke":     {},
		"/admin/sla":                               {"priority": {"urgent"}, "first_reply": {"1"}},
		"/admin/sla/default/delete":                {},
	}
}

// snapshot is what an admin POST could change.
func snapshot(t *testing.T, e *servertest.Env) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ws, err := e.Store.Workspace(ctx, e.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(ws.Name + ws.Timezone + ws.Settings.Language + "|")
	ags, err := e.Store.Agents(ctx, e.Workspace.ID, desk.AgentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		b.WriteString(a.ID + a.Name + string(a.Role) + a.DeactivatedAt.String() + strings.Join(a.GroupIDs, ",") + "|")
	}
	gs, _ := e.Store.Groups(ctx, e.Workspace.ID)
	for _, g := range gs {
		b.WriteString(g.ID + g.Name + "|")
	}
	ts, _ := e.Deps.Auth.Tokens(ctx, adminPrincipal(e), "", "", 101)
	for _, tk := range ts {
		b.WriteString(tk.ID + "|")
	}
	defs, _ := e.Store.FieldDefs(ctx, e.Workspace.ID, "ticket")
	for _, d := range defs {
		b.WriteString(d.Key + "|")
	}
	if e.Deps.Routing != nil {
		ps, _ := e.Deps.Routing.Policies(ctx, e.Workspace.ID)
		for _, p := range ps {
			b.WriteString(string(p.Priority) + p.FirstReply.String() + "|")
		}
	}
	return b.String()
}

func TestAdminRefusesOthersAndForgedForms(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent})
		sue, _ := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		_, tk, err := e.Deps.Auth.IssueToken(ctx, ana, "ana's", 0)
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, e)
		posts := adminPosts(e, ana.ID, g.ID, tk.ID)

		// Agents and supervisors: 403 on every page and every form, in
		// their language, with a valid CSRF token.
		for _, who := range []*desk.Agent{ana, sue} {
			c := newClient(t, e.URL)
			c.login(who.Email, servertest.Password)
			tok := c.csrf()
			for _, path := range []string{"/admin", "/admin/agents", "/admin/agents/" + ana.ID, "/admin/groups", "/admin/groups/" + g.ID, "/admin/tokens", "/admin/sla", "/admin/fields", "/admin/workspace"} {
				p := c.get(path, "Accept-Language: es")
				if p.Status != http.StatusForbidden || !strings.Contains(p.Body, html.EscapeString(web.T("es", "admin.forbidden"))) || !strings.Contains(p.Body, `lang="es"`) {
					t.Errorf("%s GET %s: %d, want 403 in Spanish", who.Role, path, p.Status)
				}
			}
			for path, f := range posts {
				f.Set("csrf", tok)
				if p := c.post(path, f); p.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d, want 403", who.Role, path, p.Status)
				}
			}
			if p := c.get("/"); strings.Contains(p.Body, `href="/admin"`) {
				t.Errorf("%s sees the Admin link", who.Role)
			}
		}
		// The admin without the CSRF token, or with a wrong one: 403.
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		if p := c.get("/"); !strings.Contains(p.Body, `href="/admin"`) {
			t.Error("the admin has no Admin link")
		}
		for path, f := range posts {
			f.Del("csrf")
			if p := c.post(path, f); p.Status != http.StatusForbidden {
				t.Errorf("POST %s without csrf: %d, want 403", path, p.Status)
			}
			f.Set("csrf", "forged")
			if p := c.post(path, f); p.Status != http.StatusForbidden {
				t.Errorf("POST %s with a wrong csrf: %d, want 403", path, p.Status)
			}
		}
		if after := snapshot(t, e); after != before {
			t.Errorf("refused requests changed something:\n before %s\n after  %s", before, after)
		}
		// Another workspace's agent is not found from this one.
		_, other, _ := e.NewWorkspace("other", "UTC")
		if p := c.get("/admin/agents/" + other.ID); p.Status != http.StatusNotFound {
			t.Errorf("another workspace's agent: %d, want 404", p.Status)
		}
		if p := c.get("/admin/agents"); strings.Contains(p.Body, other.Email) {
			t.Error("the agents page lists another workspace's admin")
		}
	})
}

var secretRe = regexp.MustCompile(`id="secret"[^>]*value="(tkd_[^"]+)"`)

func TestAdminAgentsGroupsTokens(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		g, _ := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")

		// A bad capacity: 422, the error beside the field, what was typed kept.
		before := snapshot(t, e)
		p := c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Bruno Díaz"}, "email": {"bruno@acme.test"},
			"role": {"agent"}, "capacity": {"lots"}, "group": {g.ID}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-capacity-err"`) ||
			!strings.Contains(p.Body, `value="Bruno Díaz"`) || !strings.Contains(p.Body, `value="lots"`) ||
			!regexp.MustCompile(`value="`+g.ID+`" checked`).MatchString(p.Body) {
			t.Fatalf("bad capacity: %d %s", p.Status, p.Body)
		}
		// A taken email: desk's refusal beside the email.
		p = c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Copy"}, "email": {e.Admin.Email}, "role": {"agent"}})
		if p.Status != http.StatusConflict && p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-email-err"`) {
			t.Fatalf("taken email: %d %s", p.Status, p.Body)
		}
		if after := snapshot(t, e); after != before {
			t.Fatalf("a refused create changed something")
		}
		p = c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Bruno Díaz"}, "email": {"bruno@acme.test"},
			"role": {"supervisor"}, "capacity": {"4"}, "group": {g.ID}, "password": {"bruno-pass-1"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create agent: %d %s", p.Status, p.Body)
		}
		bruno, err := e.Deps.Auth.Password(ctx, "bruno@acme.test", "bruno-pass-1")
		if err != nil || bruno.Role != desk.RoleSupervisor {
			t.Fatalf("the new agent cannot sign in with its password: %v %+v", err, bruno)
		}
		if p := c.get("/admin/agents"); !strings.Contains(p.Body, "bruno@acme.test") || !strings.Contains(p.Body, "Billing") {
			t.Errorf("the list lacks the new agent: %s", p.Body)
		}
		// Edit: role, capacity, no groups.
		if p := c.post("/admin/agents/"+bruno.AgentID, url.Values{"csrf": {tok}, "name": {"Bruno D."}, "role": {"agent"}, "capacity": {"7"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("edit agent: %d %s", p.Status, p.Body)
		}
		a, _ := e.Store.Agent(ctx, e.Workspace.ID, bruno.AgentID)
		if a.Name != "Bruno D." || a.Role != desk.RoleAgent || a.Capacity != 7 || len(a.GroupIDs) != 0 {
			t.Fatalf("after the edit: %+v", a)
		}
		// The last admin cannot be deactivated: the refusal on the page, nothing changed.
		p = c.post("/admin/agents/"+e.Admin.ID+"/deactivate", url.Values{"csrf": {tok}})
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, html.EscapeString(web.T("en", "code.last_admin"))) {
			t.Fatalf("deactivating the last admin: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, e.Admin.ID); !a.Active() {
			t.Fatal("the last admin was deactivated")
		}
		// Deactivate and activate Bruno.
		if p := c.post("/admin/agents/"+bruno.AgentID+"/deactivate", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", p.Status)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, bruno.AgentID); a.Active() {
			t.Fatal("still active")
		}
		if p := c.post("/admin/agents/"+bruno.AgentID+"/activate", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("activate: %d", p.Status)
		}

		// Groups: create, edit, the not_empty refusal with its advice.
		if p := c.post("/admin/groups", url.Values{"csrf": {tok}, "name": {"  "}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="g-name-err"`) {
			t.Fatalf("blank group name: %d %s", p.Status, p.Body)
		}
		if p := c.post("/admin/groups/"+g.ID, url.Values{"csrf": {tok}, "name": {"Billing & refunds"}, "description": {"Money"}, "supervisor": {e.Admin.ID}}); p.Status != http.StatusSeeOther {
			t.Fatalf("edit group: %d %s", p.Status, p.Body)
		}
		if got, _ := e.Store.Group(ctx, e.Workspace.ID, g.ID); got.Name != "Billing & refunds" || got.SupervisorID != e.Admin.ID || got.Description != "Money" {
			t.Fatalf("group after the edit: %+v", got)
		}
		tk := newTicket(t, e, "Refund", "please", desk.ChannelEmail, "Ana López")
		gid := g.ID
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, tk.ID, desk.System, desk.TicketPatch{GroupID: &gid}); err != nil {
			t.Fatal(err)
		}
		p = c.post("/admin/groups/"+g.ID+"/delete", url.Values{"csrf": {tok}})
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "rename it instead") {
			t.Fatalf("deleting a used group: %d %s", p.Status, p.Body)
		}
		if _, err := e.Store.Group(ctx, e.Workspace.ID, g.ID); err != nil {
			t.Fatalf("the refused delete removed the group: %v", err)
		}

		// Tokens: created, the secret shown once on the one-time view the
		// POST redirects to (not stored by the browser), listed by prefix,
		// revoked → the API refuses it.
		p = c.post("/admin/tokens", url.Values{"csrf": {tok}, "agent": {bruno.AgentID}, "label": {"CRM sync"}})
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/admin/tokens/created/") {
			t.Fatalf("create token: %d %q", p.Status, p.Header.Get("Location"))
		}
		p = c.get(p.Header.Get("Location"))
		m := secretRe.FindStringSubmatch(p.Body)
		if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("create token: %d %q %s", p.Status, p.Header.Get("Cache-Control"), p.Body)
		}
		secret := m[1]
		if r := e.Do("GET", "/api/v1/me", nil, servertest.Bearer(secret)); r.Status != http.StatusOK {
			t.Fatalf("the new token does not work: %d", r.Status)
		}
		list := c.get("/admin/tokens")
		if strings.Contains(list.Body, secret) || !strings.Contains(list.Body, secret[:10]) || !strings.Contains(list.Body, "CRM sync") {
			t.Fatalf("token list (secret shown again, or no prefix): %s", list.Body)
		}
		ts, _ := e.Deps.Auth.Tokens(ctx, adminPrincipal(e), bruno.AgentID, "", 10)
		if len(ts) != 1 {
			t.Fatalf("bruno's tokens: %+v", ts)
		}
		if p := c.post("/admin/tokens/"+ts[0].ID+"/revoke", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", p.Status, p.Body)
		}
		if r := e.Do("GET", "/api/v1/me", nil, servertest.Bearer(secret)); r.Status != http.StatusUnauthorized {
			t.Fatalf("the revoked token still works: %d", r.Status)
		}
		if p := c.post("/admin/tokens", url.Values{"csrf": {tok}, "agent": {""}, "label": {"kept label"}}); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, `id="t-agent-err"`) || !strings.Contains(p.Body, `value="kept label"`) {
			t.Fatalf("token without an agent: %d %s", p.Status, p.Body)
		}

		// SLA: set, refuse a bad number beside its field, delete.
		if e.Deps.Routing == nil {
			return
		}
		if p := c.post("/admin/sla", url.Values{"csrf": {tok}, "priority": {"urgent"}, "first_reply": {"30"}, "resolve": {"480"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("put sla: %d %s", p.Status, p.Body)
		}
		if p := c.post("/admin/sla", url.Values{"csrf": {tok}, "priority": {"urgent"}, "first_reply": {"-5"}}); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, `id="s-first-err"`) || !strings.Contains(p.Body, `value="-5"`) {
			t.Fatalf("bad sla: %d %s", p.Status, p.Body)
		}
		ps, _ := e.Deps.Routing.Policies(ctx, e.Workspace.ID)
		if len(ps) != 1 || ps[0].FirstReply.Minutes() != 30 || ps[0].Resolve.Hours() != 8 {
			t.Fatalf("policies: %+v", ps)
		}
		// Business hours: refused beside the field with the text kept, then set.
		p = c.post("/admin/sla", url.Values{"csrf": {tok}, "priority": {"default"}, "first_reply": {"240"}, "hours": {"mon 18:00-09:00"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="s-hours-err"`) || !strings.Contains(p.Body, "mon 18:00-09:00</textarea>") {
			t.Fatalf("bad hours: %d %s", p.Status, p.Body)
		}
		p = c.post("/admin/sla", url.Values{"csrf": {tok}, "priority": {"default"}, "first_reply": {"240"}, "timezone": {"Asia/Jakarta"},
			"hours": {"mon 09:00-13:00, 14:00-18:00\ntue 09:00-18:00"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("hours: %d %s", p.Status, p.Body)
		}
		ps, _ = e.Deps.Routing.Policies(ctx, e.Workspace.ID)
		var def *desk.SLAPolicy
		for i := range ps {
			if ps[i].Priority == desk.PriorityUnset {
				def = &ps[i]
			}
		}
		if def == nil || len(def.Hours) != 3 || def.Timezone != "Asia/Jakarta" {
			t.Fatalf("default policy: %+v", def)
		}
		if p := c.get("/admin/sla?priority=default"); !strings.Contains(p.Body, "mon 09:00-13:00, 14:00-18:00\ntue 09:00-18:00") {
			t.Fatalf("the edit form lacks the hours: %s", p.Body)
		}
		if p := c.get("/admin/sla"); !strings.Contains(p.Body, web.T("en", "admin.prio.urgent")) {
			t.Errorf("sla page: %s", p.Body)
		}
		if p := c.post("/admin/sla/urgent/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("delete sla: %d", p.Status)
		}
		if ps, _ := e.Deps.Routing.Policies(ctx, e.Workspace.ID); len(ps) != 1 {
			t.Fatalf("policies after delete: %+v", ps)
		}
	})
}

func adminPrincipal(e *servertest.Env) *auth.Principal {
	return &auth.Principal{WorkspaceID: e.Workspace.ID, AgentID: e.Admin.ID, Role: desk.RoleAdmin}
}

// TestBrowserAdmin: the admin creates an agent (a refused capacity first,
// kept beside its field) and a token for it, sees the secret once and the
// token listed by its prefix, revokes it and the API refuses it; the new
// agent gets 403 on the admin pages.
func TestBrowserAdmin(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`nav.views a[href="/admin"]`)))
		waitFor(t, ctx, "the agents page", `location.pathname === "/admin/agents" && !!document.querySelector("#agentform")`)

		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#a-name`), "Wei Chen"), chromedp.SendKeys(chromedp.CSS(`#a-email`), "wei@acme.test"),
			chromedp.SetValue(chromedp.CSS(`#a-capacity`), "-3"), chromedp.SendKeys(chromedp.CSS(`#a-password`), "wei-pass-123"),
			chromedp.SetValue(chromedp.CSS(`#a-lang`), "zh-Hans"), chromedp.SetValue(chromedp.CSS(`#a-tz`), "Asia/Shanghai"),
			chromedp.Click(chromedp.CSS(`#agentform button[type="submit"]`)))
		waitFor(t, ctx, "the capacity error beside its field", `!!document.querySelector("#a-capacity-err") && document.querySelector("#a-capacity").getAttribute("aria-invalid") === "true"`)
		if got := text(t, ctx, `["#a-name", "#a-email", "#a-capacity", "#a-lang", "#a-tz"].map(s => document.querySelector(s).value).join("|")`); got != "Wei Chen|wei@acme.test|-3|zh-Hans|Asia/Shanghai" {
			t.Fatalf("the typed values were not kept: %q", got)
		}
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#a-capacity`), "5"), chromedp.SendKeys(chromedp.CSS(`#a-password`), "wei-pass-123"),
			chromedp.Click(chromedp.CSS(`#agentform button[type="submit"]`)))
		waitFor(t, ctx, "Wei in the list", `document.querySelector("#agents") && document.querySelector("#agents").innerText.includes("wei@acme.test")`)
		if ags, _ := e.Store.AgentsByEmail(context.Background(), "wei@acme.test"); len(ags) != 1 || ags[0].Language != "zh-Hans" || ags[0].TimeZone != "Asia/Shanghai" {
			t.Fatalf("Wei's desk language and zone: %+v", ags)
		}

		run(t, ctx, chromedp.Click(chromedp.CSS(`.admintabs a[href="/admin/tokens"]`)))
		waitFor(t, ctx, "the tokens page", `!!document.querySelector("#t-agent")`)
		wei := eval[string](t, ctx, `[...document.querySelectorAll("#t-agent option")].find(o => o.innerText.startsWith("Wei Chen")).value`)
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#t-agent`), wei), chromedp.SendKeys(chromedp.CSS(`#t-label`), "Helpdesk bot"),
			chromedp.Click(chromedp.CSS(`form[action="/admin/tokens"] button[type="submit"]`)))
		waitFor(t, ctx, "the secret", `!!document.querySelector("#secret")`)
		secret := text(t, ctx, `document.querySelector("#secret").value`)
		if !strings.HasPrefix(secret, "tkd_") {
			t.Fatalf("secret %q", secret)
		}
		if r := e.Do("GET", "/api/v1/me", nil, servertest.Bearer(secret)); r.Status != http.StatusOK {
			t.Fatalf("the new token over the API: %d", r.Status)
		}
		run(t, ctx, chromedp.Click(chromedp.CSS(`.secret a[href="/admin/tokens"]`)))
		waitFor(t, ctx, "the token listed by prefix", `!!document.querySelector("#tokens") && document.querySelector("#tokens").innerText.includes(`+jsString(secret[:10])+`)`)
		if shown := eval[bool](t, ctx, `document.body.innerHTML.includes(`+jsString(secret)+`)`); shown {
			t.Fatal("the secret is shown again")
		}
		id := eval[string](t, ctx, `[...document.querySelectorAll("#tokens tr[data-token]")].find(r => r.innerText.includes("Helpdesk bot")).dataset.token`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`tr[data-token="`+id+`"] form button`)))
		waitFor(t, ctx, "the revoked token gone", `!document.querySelector('tr[data-token="`+id+`"]') && !!document.querySelector("#t-agent")`)
		if r := e.Do("GET", "/api/v1/me", nil, servertest.Bearer(secret)); r.Status != http.StatusUnauthorized {
			t.Fatalf("the revoked token over the API: %d", r.Status)
		}

		// Wei is an agent: 403 on the admin pages, and no Admin link.
		ctx2 := tab(t, 1440, 900)
		run(t, ctx2, signIn(e.URL, "wei@acme.test", "wei-pass-123"))
		waitFor(t, ctx2, "Wei's inbox", `!!document.querySelector("nav.views")`)
		if eval[bool](t, ctx2, `!!document.querySelector('a[href="/admin"]')`) {
			t.Error("an agent sees the Admin link")
		}
		run(t, ctx2, chromedp.Navigate(e.URL+"/admin/agents"))
		// In the language Wei was created with.
		waitFor(t, ctx2, "the 403 page", `document.body.innerText.includes(`+jsString(web.T("zh-Hans", "admin.forbidden"))+`)`)
	})
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestAdminScreenshots saves the admin agents page of docs/ui (1440×900
// and 360×780, light and dark) when TICKETD_UI_SCREENSHOTS is set.
func TestAdminScreenshots(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	seedDesk(t, e)
	if _, err := e.Deps.Auth.Deactivate(context.Background(), e.Workspace.ID, mustAgent(t, e, "putri@acme.test"), desk.System); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "ui")
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1440, 900}, {"phone", 360, 780}} {
		for _, theme := range []string{"light", "dark"} {
			var acts []step
			if theme == "dark" {
				acts = append(acts, darkScheme())
			}
			ctx := tab(t, size.w, size.h, acts...)
			run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
			waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, ctx, chromedp.Navigate(e.URL+"/admin/agents"))
			waitFor(t, ctx, "the agents", `document.querySelectorAll("#agents tbody tr").length > 3`)
			run(t, ctx, chromedp.Sleep(100*time.Millisecond))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("admin-%s-%s.png", size.name, theme)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustAgent(t *testing.T, e *servertest.Env, email string) string {
	t.Helper()
	ags, err := e.Store.Agents(context.Background(), e.Workspace.ID, desk.AgentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		if a.Email == email {
			return a.ID
		}
	}
	t.Fatalf("no agent %s", email)
	return ""
}

func TestAdminWorkspace(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		before := snapshot(t, e)
		p := c.post("/admin/workspace", url.Values{"csrf": {tok}, "name": {"Acme soporte"}, "timezone": {"Mars/Olympus_Mons"}, "language": {"es"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="w-tz-err"`) || !strings.Contains(p.Body, `value="Mars/Olympus_Mons"`) ||
			!strings.Contains(p.Body, `value="Acme soporte"`) {
			t.Fatalf("bad time zone: %d %s", p.Status, p.Body)
		}
		if after := snapshot(t, e); after != before {
			t.Fatal("a refused workspace change changed something")
		}
		for _, bad := range []string{"", "Local"} {
			if p := c.post("/admin/workspace", url.Values{"csrf": {tok}, "name": {"Acme"}, "timezone": {bad}}); p.Status != http.StatusUnprocessableEntity {
				t.Errorf("time zone %q: %d", bad, p.Status)
			}
		}
		if p := c.post("/admin/workspace", url.Values{"csrf": {tok}, "name": {"Acme soporte"}, "timezone": {"America/Mexico_City"}, "language": {"es"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("workspace: %d %s", p.Status, p.Body)
		}
		ws, _ := e.Store.Workspace(ctx, e.Workspace.ID)
		if ws.Name != "Acme soporte" || ws.Timezone != "America/Mexico_City" || ws.Settings.Language != "es" {
			t.Fatalf("workspace after: %+v", ws)
		}
		// The workspace's language comes before Accept-Language, the
		// agent's own pick before both.
		if p := c.get("/", "Accept-Language: en"); !strings.Contains(p.Body, `<html lang="es">`) {
			t.Error("the workspace default language is not used")
		}
		if p := c.get("/", "Accept-Language: en", "Cookie: "+web.LangCookie+"=zh-Hans"); !strings.Contains(p.Body, `<html lang="zh-Hans">`) {
			t.Error("the agent's pick does not come first")
		}
		// Over the native API too.
		r := e.Do("PATCH", "/api/v1/workspace", map[string]any{"timezone": "Nowhere/City"}, servertest.Bearer(e.AdminToken))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("API bad time zone: %d %s", r.Status, r.Body)
		}
		r = e.Do("PATCH", "/api/v1/workspace", map[string]any{"default_language": ""}, servertest.Bearer(e.AdminToken))
		if r.Status != http.StatusOK {
			t.Fatalf("API: %d %s", r.Status, r.Body)
		}
		if ws, _ := e.Store.Workspace(ctx, e.Workspace.ID); ws.Settings.Language != "" || ws.Name != "Acme soporte" {
			t.Fatalf("after the API patch: %+v", ws)
		}
	})
}

func TestAdminCustomFields(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		// A bad key: beside the key, what was typed kept, nothing defined.
		p := c.post("/admin/fields", url.Values{"csrf": {tok}, "scope": {"ticket"}, "key": {"9 lives"}, "label": {"Tier"}, "type": {"select"}, "options": {"g = Gold"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-key-err"`) || !strings.Contains(p.Body, `value="9 lives"`) || !strings.Contains(p.Body, "g = Gold") {
			t.Fatalf("bad key: %d %s", p.Status, p.Body)
		}
		// An option without an id: beside the options.
		p = c.post("/admin/fields", url.Values{"csrf": {tok}, "scope": {"ticket"}, "key": {"tier"}, "type": {"select"}, "options": {"= Gold"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-options-err"`) {
			t.Fatalf("option without id: %d %s", p.Status, p.Body)
		}
		if defs, _ := e.Store.FieldDefs(ctx, e.Workspace.ID, "ticket"); len(defs) != 0 {
			t.Fatalf("refused definitions were stored: %+v", defs)
		}
		// Every type the API has can be defined.
		for _, typ := range desk.FieldTypes {
			if p := c.post("/admin/fields", url.Values{"csrf": {tok}, "scope": {"ticket"}, "key": {"f_" + typ}, "label": {"F " + typ}, "type": {typ},
				"options": {"a = Alpha\nb = Beta"}, "required": {"1"}}); p.Status != http.StatusSeeOther {
				t.Fatalf("type %s: %d %s", typ, p.Status, p.Body)
			}
		}
		if p := c.post("/admin/fields", url.Values{"csrf": {tok}, "scope": {"contact"}, "key": {"vip"}, "type": {"boolean"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("contact field: %d", p.Status)
		}
		defs, _ := e.Store.FieldDefs(ctx, e.Workspace.ID, "ticket")
		if len(defs) != len(desk.FieldTypes) {
			t.Fatalf("%d ticket fields, want %d", len(defs), len(desk.FieldTypes))
		}
		for _, d := range defs {
			if d.Key == "f_select" && (len(d.Options) != 2 || d.Options[1] != (desk.FieldOption{ID: "b", Value: "Beta"}) || !d.Required) {
				t.Fatalf("select field: %+v", d)
			}
		}
		page := c.get("/admin/fields")
		if !strings.Contains(page.Body, "f_cascade") || !strings.Contains(page.Body, "vip") {
			t.Fatalf("fields page: %s", page.Body)
		}
		// Redefining shows the definition in the form.
		if p := c.get("/admin/fields?scope=ticket&key=f_select"); !strings.Contains(p.Body, "b = Beta") || !strings.Contains(p.Body, `value="f_select"`) {
			t.Fatalf("edit form: %s", p.Body)
		}
	})
}

func TestSavedRepliesPages(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent})
		ben, _ := e.Agent(desk.NewAgent{Name: "Ben", Email: "ben@acme.test", Role: desk.RoleAgent})
		sup := newClient(t, e.URL)
		sup.login(e.Admin.Email, servertest.Password)
		stok := sup.csrf()
		if p := sup.post("/settings/replies", url.Values{"csrf": {stok}, "name": {"Greeting"}, "text": {"Hi {{contact.name}},"}, "shortcut": {"hi"}, "shared": {"1"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("shared reply: %d %s", p.Status, p.Body)
		}
		c := newClient(t, e.URL)
		c.login(ana.Email, servertest.Password)
		tok := c.csrf()
		// An agent: no share box, a shared reply refused, an empty text kept beside its field.
		page := c.get("/settings/replies")
		if page.Status != http.StatusOK || strings.Contains(page.Body, `name="shared"`) || !strings.Contains(page.Body, "Greeting") {
			t.Fatalf("agent's replies page: %d %s", page.Status, page.Body)
		}
		if p := c.post("/settings/replies", url.Values{"csrf": {tok}, "name": {"Mine"}, "text": {"x"}, "shared": {"1"}}); p.Status != http.StatusForbidden {
			t.Fatalf("agent sharing: %d", p.Status)
		}
		if p := c.post("/settings/replies", url.Values{"csrf": {tok}, "name": {"Thanks"}, "text": {"  "}}); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, `id="r-text-err"`) || !strings.Contains(p.Body, `value="Thanks"`) {
			t.Fatalf("empty text: %d %s", p.Status, p.Body)
		}
		if p := c.post("/settings/replies", url.Values{"csrf": {tok}, "name": {"Thanks"}, "text": {"Thanks, {{contact.name}}!"}, "shortcut": {"ty"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("personal reply: %d %s", p.Status, p.Body)
		}
		if p := c.post("/settings/replies", url.Values{"name": {"No csrf"}, "text": {"x"}}); p.Status != http.StatusForbidden {
			t.Fatalf("without csrf: %d", p.Status)
		}
		rs, _ := e.Deps.Desk.SavedReplies(ctx, e.Workspace.ID, desk.Caller{AgentID: ana.ID, Role: desk.RoleAgent}, "", 10)
		var mine, shared *desk.SavedReply
		for i := range rs {
			if rs[i].Shared() {
				shared = &rs[i]
			} else {
				mine = &rs[i]
			}
		}
		if mine == nil || shared == nil || mine.OwnerID != ana.ID {
			t.Fatalf("replies: %+v", rs)
		}
		// The agent cannot change the shared one; Ben does not see Ana's.
		if p := c.post("/settings/replies/"+shared.ID, url.Values{"csrf": {tok}, "name": {"Hijack"}, "text": {"x"}}); p.Status != http.StatusForbidden {
			t.Fatalf("agent editing a shared reply: %d", p.Status)
		}
		b := newClient(t, e.URL)
		b.login(ben.Email, servertest.Password)
		if p := b.get("/settings/replies/" + mine.ID); p.Status != http.StatusNotFound {
			t.Fatalf("another agent's reply: %d", p.Status)
		}
		if p := b.get("/settings/replies"); strings.Contains(p.Body, "Thanks") {
			t.Fatal("Ben sees Ana's personal reply")
		}
		// Edit and delete her own.
		if p := c.post("/settings/replies/"+mine.ID, url.Values{"csrf": {tok}, "name": {"Thanks!"}, "text": {"Thank you"}, "shortcut": {"ty"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", p.Status, p.Body)
		}
		if r, _ := e.Store.SavedReply(ctx, e.Workspace.ID, mine.ID); r.Name != "Thanks!" || r.Text != "Thank you" {
			t.Fatalf("after edit: %+v", r)
		}
		if p := c.post("/settings/replies/"+mine.ID+"/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.Status)
		}
		if _, err := e.Store.SavedReply(ctx, e.Workspace.ID, mine.ID); err == nil {
			t.Fatal("not deleted")
		}
		if s, _ := e.Store.SavedReply(ctx, e.Workspace.ID, shared.ID); s.Name != "Greeting" {
			t.Fatalf("the shared reply changed: %+v", s)
		}
	})
}

// TestAdminAgentPreferences: the admin sets another agent's desk language
// and time zone on its page; a zone that is not one is refused beside the
// field with what was picked kept, and nothing changes; an edit without
// the fields keeps them.
func TestAdminAgentPreferences(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana Agent", Email: "ana@acme.test", Role: desk.RoleAgent, Capacity: 3})
		page := "/admin/agents/" + ana.ID
		if p := c.get(page); !strings.Contains(p.Body, `id="a-lang"`) || !strings.Contains(p.Body, `<option value="Asia/Jakarta">`) {
			t.Fatalf("the agent page lacks the language and zone pickers: %s", p.Body)
		}
		form := url.Values{"csrf": {tok}, "name": {"Ana Agent"}, "role": {"agent"}, "capacity": {"3"},
			"language": {"id"}, "time_zone": {"Mars/Olympus_Mons"}}
		p := c.post(page, form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-tz-err"`) ||
			!strings.Contains(p.Body, `<option value="id" selected>`) || !strings.Contains(p.Body, `<option value="Mars/Olympus_Mons" selected>`) {
			t.Fatalf("a bad zone: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "" || a.TimeZone != "" {
			t.Fatalf("a refused edit stored %q %q", a.Language, a.TimeZone)
		}
		form.Set("time_zone", "Asia/Jakarta")
		if p := c.post(page, form); p.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "id" || a.TimeZone != "Asia/Jakarta" {
			t.Fatalf("after the edit: %q %q", a.Language, a.TimeZone)
		}
		// An edit without the pickers (an older form, a script) keeps them.
		if p := c.post(page, url.Values{"csrf": {tok}, "name": {"Ana A."}, "role": {"agent"}, "capacity": {"3"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("edit without prefs: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Name != "Ana A." || a.Language != "id" || a.TimeZone != "Asia/Jakarta" {
			t.Fatalf("an edit without the pickers: %+v", a)
		}
	})
}

// TestAdminCreateAgentPreferences: the new-agent form has the agent page's
// language and zone pickers; what is picked is stored (invited agents
// too), and a refused pick stays picked with its error beside it.
func TestAdminCreateAgentPreferences(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		if p := c.get("/admin/agents"); !strings.Contains(p.Body, `id="a-lang"`) || !strings.Contains(p.Body, `id="a-tz"`) ||
			!strings.Contains(p.Body, `<option value="Asia/Jakarta">`) {
			t.Fatalf("the new-agent form lacks the language and zone pickers: %s", p.Body)
		}
		stored := func(email string) *desk.Agent {
			t.Helper()
			ags, err := e.Store.AgentsByEmail(ctx, email)
			if err != nil || len(ags) != 1 {
				t.Fatalf("agents with %s: %v %v", email, ags, err)
			}
			return &ags[0]
		}

		// Refused: a bad zone, then a bad language; the error beside the
		// field, every typed value kept, nothing created.
		before := snapshot(t, e)
		form := url.Values{"csrf": {tok}, "name": {"Dewi Lestari"}, "email": {"dewi@acme.test"}, "role": {"agent"},
			"capacity": {"2"}, "language": {"id"}, "time_zone": {"Asia/Batavia"}, "password": {"dewi-pass-1"}}
		p := c.post("/admin/agents", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-tz-err"`) ||
			!strings.Contains(p.Body, `aria-describedby="a-tz-err"`) || !strings.Contains(p.Body, `<option value="Asia/Batavia" selected>`) ||
			!strings.Contains(p.Body, `<option value="id" selected>`) || !strings.Contains(p.Body, `value="Dewi Lestari"`) ||
			!strings.Contains(p.Body, `value="dewi@acme.test"`) || !strings.Contains(p.Body, `value="2"`) {
			t.Fatalf("a bad zone: %d %s", p.Status, p.Body)
		}
		form.Set("language", "fr")
		form.Set("time_zone", "Asia/Jakarta")
		p = c.post("/admin/agents", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-lang-err"`) ||
			!strings.Contains(p.Body, `<option value="Asia/Jakarta" selected>`) || strings.Contains(p.Body, `id="a-tz-err"`) {
			t.Fatalf("a bad language: %d %s", p.Status, p.Body)
		}
		if after := snapshot(t, e); after != before {
			t.Fatal("a refused create changed something")
		}

		// Created: Indonesian in Jakarta, on its page and in the store.
		form.Set("language", "id")
		if p := c.post("/admin/agents", form); p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", p.Status, p.Body)
		}
		dewi := stored("dewi@acme.test")
		if dewi.Language != "id" || dewi.TimeZone != "Asia/Jakarta" {
			t.Fatalf("created with %q %q", dewi.Language, dewi.TimeZone)
		}
		if p := c.get("/admin/agents/" + dewi.ID); !strings.Contains(p.Body, `<option value="id" selected>`) ||
			!strings.Contains(p.Body, `<option value="Asia/Jakarta" selected>`) {
			t.Fatalf("the agent page does not show the prefs: %s", p.Body)
		}

		// Created and invited: the prefs still apply.
		p = c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Sofía Ruiz"}, "email": {"sofia@acme.test"}, "role": {"agent"},
			"language": {"es"}, "time_zone": {"America/Bogota"}, "invite": {"1"}})
		invitedLink(t, e, c, p)
		if a := stored("sofia@acme.test"); a.Language != "es" || a.TimeZone != "America/Bogota" {
			t.Fatalf("invited with %q %q", a.Language, a.TimeZone)
		}
		// A form without them (a script): the workspace's.
		if p := c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Li"}, "email": {"li@acme.test"}, "role": {"agent"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("create without prefs: %d %s", p.Status, p.Body)
		}
		if a := stored("li@acme.test"); a.Language != "" || a.TimeZone != "" {
			t.Fatalf("created without prefs: %q %q", a.Language, a.TimeZone)
		}
	})
}
