package web_test

import (
	"context"
	"encoding/json"
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

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

var inviteLinkRe = regexp.MustCompile(`id="invite-link"[^>]*value="([^"]+)"`)

// adminClient signs the workspace's admin in and answers its CSRF token.
func adminClient(t *testing.T, e *servertest.Env) (*client, string) {
	t.Helper()
	c := newClient(t, e.URL)
	c.login(e.Admin.Email, servertest.Password)
	return c, c.csrf()
}

// invitedLink follows an invitation POST's redirect to its one-time view
// and answers the link it shows.
func invitedLink(t *testing.T, e *servertest.Env, c *client, p *page) (string, string) {
	t.Helper()
	loc := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.Contains(loc, "/invited/") {
		t.Fatalf("invite: %d %q %s", p.Status, loc, p.Body)
	}
	v := c.get(loc)
	m := inviteLinkRe.FindStringSubmatch(v.Body)
	if v.Status != http.StatusOK || m == nil {
		t.Fatalf("the one-time view: %d %s", v.Status, v.Body)
	}
	link := html.UnescapeString(m[1])
	if !strings.HasPrefix(link, e.URL+"/invite/") {
		t.Fatalf("link %q not under %s/invite/", link, e.URL)
	}
	return strings.TrimPrefix(link, e.URL), loc
}

func agentJSON(t *testing.T, e *servertest.Env, id string) map[string]any {
	t.Helper()
	r := e.Do("GET", "/api/v1/agents/"+id, nil, servertest.Bearer(e.AdminToken))
	if r.Status != http.StatusOK {
		t.Fatalf("GET agent: %d %s", r.Status, r.Body)
	}
	return r.Map(t)
}

// TestInviteFlow: the admin invites an agent (no password: it cannot sign
// in), the link is shown once, the agent opens it in another browser,
// chooses a password (refused when short or mistyped, the typed name kept)
// and lands signed in on the inbox; the used link answers 410 after, an
// unknown one 404.
func TestInviteFlow(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		c, tok := adminClient(t, e)
		// Inviting with a password typed is refused beside the password.
		p := c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Rosa Díaz"}, "email": {"rosa@acme.test"}, "role": {"supervisor"},
			"capacity": {"4"}, "group": {g.ID}, "password": {"typed-anyway"}, "invite": {"1"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, html.EscapeString(web.T("en", "invite.no_password"))) {
			t.Fatalf("invite with a password: %d %s", p.Status, p.Body)
		}
		p = c.post("/admin/agents", url.Values{"csrf": {tok}, "name": {"Rosa Díaz"}, "email": {"rosa@acme.test"}, "role": {"supervisor"},
			"capacity": {"4"}, "group": {g.ID}, "invite": {"1"}})
		path, view := invitedLink(t, e, c, p)
		// The one-time view shows the link once: a reload does not.
		if again := c.get(view); again.Status != http.StatusGone || inviteLinkRe.MatchString(again.Body) || !strings.Contains(again.Body, `id="invite-shown"`) {
			t.Fatalf("the one-time view again: %d %s", again.Status, again.Body)
		}
		ags, _ := e.Store.AgentsByEmail(ctx, "rosa@acme.test")
		if len(ags) != 1 {
			t.Fatalf("agents rosa: %+v", ags)
		}
		rosa := ags[0]
		if rosa.PasswordHash != "" || rosa.Role != desk.RoleSupervisor || rosa.Capacity != 4 || len(rosa.GroupIDs) != 1 || rosa.GroupIDs[0] != g.ID {
			t.Fatalf("invited agent: %+v", rosa)
		}
		// Listed as invited; its page says since when, with New link and Revoke.
		if l := c.get("/admin/agents"); !strings.Contains(l.Body, web.T("en", "invite.badge")) {
			t.Fatalf("the list does not say invited: %s", l.Body)
		}
		if a := c.get("/admin/agents/" + rosa.ID); !strings.Contains(a.Body, `id="invite-state"`) || !strings.Contains(a.Body, `id="invite-revoke"`) ||
			inviteLinkRe.MatchString(a.Body) || !strings.Contains(a.Body, "Invited, pending since") {
			t.Fatalf("the agent's page: %s", a.Body)
		}
		j := agentJSON(t, e, rosa.ID)
		exp, _ := time.Parse(time.RFC3339, j["invitation_expires_at"].(string))
		if left := time.Until(exp); j["invitation_pending"] != true || left < desk.InvitationTTL-time.Hour || left > desk.InvitationTTL+time.Hour {
			t.Fatalf("agent JSON: %v", j)
		}
		// Without a password the agent cannot sign in.
		if p := newClient(t, e.URL).post("/login", url.Values{"email": {"rosa@acme.test"}, "password": {"anything-at-all"}}); p.Status != http.StatusUnauthorized {
			t.Fatalf("invited agent signs in without a password: %d", p.Status)
		}

		// Another browser opens the link: no session needed.
		b := newClient(t, e.URL)
		f := b.get(path, "Accept-Language: es")
		if f.Status != http.StatusOK || !strings.Contains(f.Body, `value="Rosa Díaz"`) || !strings.Contains(f.Body, "rosa@acme.test") ||
			!strings.Contains(f.Body, `lang="es"`) {
			t.Fatalf("the invitation page: %d %s", f.Status, f.Body)
		}
		short := b.post(path, url.Values{"name": {"Rosa D."}, "password": {"short"}, "confirm": {"short"}})
		if short.Status != http.StatusUnprocessableEntity || !strings.Contains(short.Body, `id="password-err"`) || !strings.Contains(short.Body, `value="Rosa D."`) {
			t.Fatalf("a short password: %d %s", short.Status, short.Body)
		}
		typo := b.post(path, url.Values{"name": {"Rosa D."}, "password": {"rosa-long-pass"}, "confirm": {"rosa-long-pas"}})
		if typo.Status != http.StatusUnprocessableEntity || !strings.Contains(typo.Body, `id="confirm-err"`) {
			t.Fatalf("a mistyped confirmation: %d %s", typo.Status, typo.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, rosa.ID); a.PasswordHash != "" {
			t.Fatal("a refused form set the password")
		}
		ok := b.post(path, url.Values{"name": {"Rosa D."}, "password": {"rosa-long-pass"}, "confirm": {"rosa-long-pass"}})
		if ok.Status != http.StatusSeeOther || ok.Header.Get("Location") != "/" || !strings.Contains(ok.Header.Get("Set-Cookie"), web.CookieName+"=") {
			t.Fatalf("accept: %d %q %s", ok.Status, ok.Header.Get("Location"), ok.Body)
		}
		inbox := b.get("/")
		if inbox.Status != http.StatusOK || !strings.Contains(inbox.Body, `class="views"`) || !strings.Contains(inbox.Body, "Rosa D.") {
			t.Fatalf("the inbox after accepting: %d %s", inbox.Status, inbox.Body)
		}
		if j := agentJSON(t, e, rosa.ID); j["invitation_pending"] != false || j["invitation_expires_at"] != nil || j["name"] != "Rosa D." {
			t.Fatalf("agent JSON after accepting: %v", j)
		}
		// The link is single-use: 410 on GET and POST, in the page's language.
		for _, r := range []*page{newClient(t, e.URL).get(path, "Accept-Language: zh-Hans"),
			newClient(t, e.URL).post(path, url.Values{"password": {"hijack-pass-1"}, "confirm": {"hijack-pass-1"}})} {
			if r.Status != http.StatusGone || !strings.Contains(r.Body, `id="invite-gone"`) {
				t.Fatalf("the used link: %d %s", r.Status, r.Body)
			}
		}
		if g := newClient(t, e.URL).get(path, "Accept-Language: zh-Hans"); !strings.Contains(g.Body, html.EscapeString(web.T("zh-Hans", "invite.gone"))) {
			t.Fatalf("the used link's page is not in Chinese: %s", g.Body)
		}
		newClient(t, e.URL).login("rosa@acme.test", "rosa-long-pass")
		// A token that was never issued: 404.
		if r := newClient(t, e.URL).get("/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, `id="invite-unknown"`) {
			t.Fatalf("an unknown link: %d %s", r.Status, r.Body)
		}
		// An accepted agent gets no new link.
		if p := c.post("/admin/agents/"+rosa.ID+"/invitation", url.Values{"csrf": {tok}}); p.Status != http.StatusConflict {
			t.Fatalf("a new link for an agent with a password: %d %s", p.Status, p.Body)
		}
	})
}

// TestInviteExpiryRevokeAndAPI: links expire after 7 days, a new link
// revokes the old one, revoke ends the pending one; the same over the
// native API (admins only), and guessing tokens is throttled like a
// sign-in.
func TestInviteExpiryRevokeAndAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		d := e.Deps.Desk
		real := d.Now
		t.Cleanup(func() { d.Now = real })
		admin := servertest.Bearer(e.AdminToken)
		_, supTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})

		r := e.Do("POST", "/api/v1/agents", map[string]any{"name": "Tom", "email": "tom@acme.test"}, admin)
		if r.Status != http.StatusCreated {
			t.Fatalf("create agent: %d %s", r.Status, r.Body)
		}
		tom := r.Map(t)["id"].(string)
		if r := e.Do("POST", "/api/v1/agents/"+tom+"/invitations", nil, servertest.Bearer(supTok)); r.Status != http.StatusForbidden {
			t.Fatalf("a supervisor invites: %d %s", r.Status, r.Body)
		}
		r = e.Do("POST", "/api/v1/agents/"+tom+"/invitations", nil, admin)
		var inv struct {
			URL       string
			ExpiresAt time.Time `json:"expires_at"`
			Agent     map[string]any
		}
		if r.Status != http.StatusCreated {
			t.Fatalf("invite over the API: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &inv)
		if !strings.HasPrefix(inv.URL, e.URL+"/invite/") || inv.Agent["invitation_pending"] != true {
			t.Fatalf("invitation: %s", r.Body)
		}
		first := strings.TrimPrefix(inv.URL, e.URL)

		// Expired: 410, then the clock comes back and it works again.
		d.Now = func() time.Time { return real().Add(desk.InvitationTTL + time.Minute) }
		if p := newClient(t, e.URL).get(first); p.Status != http.StatusGone {
			t.Fatalf("an expired link: %d", p.Status)
		}
		if p := newClient(t, e.URL).post(first, url.Values{"password": {"tom-long-pass"}, "confirm": {"tom-long-pass"}}); p.Status != http.StatusGone {
			t.Fatalf("accepting an expired link: %d", p.Status)
		}
		if j := agentJSON(t, e, tom); j["invitation_pending"] != false {
			t.Fatalf("an expired invitation is pending: %v", j)
		}
		d.Now = real
		if p := newClient(t, e.URL).get(first); p.Status != http.StatusOK {
			t.Fatalf("the link before its expiry: %d", p.Status)
		}

		// A new link from the agent's page revokes the first.
		c, tok := adminClient(t, e)
		second, _ := invitedLink(t, e, c, c.post("/admin/agents/"+tom+"/invitation", url.Values{"csrf": {tok}}))
		if p := newClient(t, e.URL).get(first); p.Status != http.StatusGone {
			t.Fatalf("the replaced link: %d", p.Status)
		}
		if p := newClient(t, e.URL).get(second); p.Status != http.StatusOK {
			t.Fatalf("the new link: %d", p.Status)
		}
		// Revoke from the page: the link stops; revoking again over the API: 404.
		if p := c.post("/admin/agents/"+tom+"/invitation/revoke", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", p.Status, p.Body)
		}
		if p := newClient(t, e.URL).get(second); p.Status != http.StatusGone {
			t.Fatalf("the revoked link: %d", p.Status)
		}
		if a := c.get("/admin/agents/" + tom); !strings.Contains(a.Body, html.EscapeString(web.T("en", "invite.none"))) {
			t.Fatalf("the agent's page after revoking: %s", a.Body)
		}
		if r := e.Do("DELETE", "/api/v1/agents/"+tom+"/invitations", nil, admin); r.Status != http.StatusNotFound {
			t.Fatalf("revoke without an invitation: %d %s", r.Status, r.Body)
		}
		r = e.Do("POST", "/api/v1/agents/"+tom+"/invitations", nil, admin)
		r.JSON(t, &inv)
		if r := e.Do("DELETE", "/api/v1/agents/"+tom+"/invitations", nil, servertest.Bearer(supTok)); r.Status != http.StatusForbidden {
			t.Fatalf("a supervisor revokes: %d", r.Status)
		}
		if r := e.Do("DELETE", "/api/v1/agents/"+tom+"/invitations", nil, admin); r.Status != http.StatusNoContent {
			t.Fatalf("revoke over the API: %d %s", r.Status, r.Body)
		}
		if p := newClient(t, e.URL).get(strings.TrimPrefix(inv.URL, e.URL)); p.Status != http.StatusGone {
			t.Fatalf("the link revoked over the API: %d", p.Status)
		}
		// An agent with a password (the admin) cannot be invited: 409.
		if r := e.Do("POST", "/api/v1/agents/"+e.Admin.ID+"/invitations", nil, admin); r.Status != http.StatusConflict {
			t.Fatalf("inviting an agent with a password: %d %s", r.Status, r.Body)
		}

		// Deactivating the agent revokes its link for good: activated
		// again, the old link stays dead.
		r = e.Do("POST", "/api/v1/agents/"+tom+"/invitations", nil, admin)
		r.JSON(t, &inv)
		if r := e.Do("POST", "/api/v1/agents/"+tom+"/deactivate", nil, admin); r.Status != http.StatusOK {
			t.Fatalf("deactivate: %d %s", r.Status, r.Body)
		}
		if p := newClient(t, e.URL).get(strings.TrimPrefix(inv.URL, e.URL)); p.Status != http.StatusGone {
			t.Fatalf("the link of a deactivated agent: %d", p.Status)
		}
		if r := e.Do("POST", "/api/v1/agents/"+tom+"/activate", nil, admin); r.Status != http.StatusOK {
			t.Fatalf("activate: %d %s", r.Status, r.Body)
		}
		if p := newClient(t, e.URL).get(strings.TrimPrefix(inv.URL, e.URL)); p.Status != http.StatusGone || agentJSON(t, e, tom)["invitation_pending"] != false {
			t.Fatalf("the old link after activation: %d", p.Status)
		}

		// Guessing: after web.MaxFailures unknown tokens from one address,
		// 429 with Retry-After, even for a real link.
		g := newClient(t, e.URL)
		for i := 0; i < web.MaxFailures; i++ {
			if p := g.get("/invite/guess" + string(rune('a'+i))); p.Status != http.StatusNotFound {
				t.Fatalf("guess %d: %d", i, p.Status)
			}
		}
		r = e.Do("POST", "/api/v1/agents/"+tom+"/invitations", nil, admin)
		r.JSON(t, &inv)
		if p := g.get(strings.TrimPrefix(inv.URL, e.URL)); p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, `id="invite-throttled"`) {
			t.Fatalf("after %d guesses: %d %q", web.MaxFailures, p.Status, p.Header.Get("Retry-After"))
		}
	})
}

// TestTokenCreatedOnce: creating a token redirects to a one-time view of
// its secret; reloading that view neither shows it again nor creates a
// second token, and another session cannot read it. The lifetime chosen
// is the token's expiry, listed.
func TestTokenCreatedOnce(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		bot, _ := e.Agent(desk.NewAgent{Name: "Sync bot", Role: desk.RoleBot})
		count := func() int {
			ts, err := e.Deps.Auth.Tokens(ctx, adminPrincipal(e), bot.ID, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			return len(ts)
		}
		before := count()
		c, tok := adminClient(t, e)
		p := c.post("/admin/tokens", url.Values{"csrf": {tok}, "agent": {bot.ID}, "label": {"CRM"}, "ttl": {"30"}})
		view := p.Header.Get("Location")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(view, "/admin/tokens/created/") || strings.Contains(p.Body, "tkd_") {
			t.Fatalf("create: %d %q %s", p.Status, view, p.Body)
		}
		// Another admin session cannot take it.
		other, _ := adminClient(t, e)
		if o := other.get(view); o.Status != http.StatusGone || secretRe.MatchString(o.Body) {
			t.Fatalf("another session's view: %d %s", o.Status, o.Body)
		}
		v := c.get(view)
		m := secretRe.FindStringSubmatch(v.Body)
		if v.Status != http.StatusOK || m == nil {
			t.Fatalf("the one-time view: %d %s", v.Status, v.Body)
		}
		if r := e.Do("GET", "/api/v1/me", nil, servertest.Bearer(m[1])); r.Status != http.StatusOK {
			t.Fatalf("the token: %d", r.Status)
		}
		// The reload: no secret, no second token.
		again := c.get(view)
		if again.Status != http.StatusGone || strings.Contains(again.Body, m[1]) || !strings.Contains(again.Body, `id="shown"`) {
			t.Fatalf("the view reloaded: %d %s", again.Status, again.Body)
		}
		if n := count(); n != before+1 {
			t.Fatalf("tokens: %d, want %d", n, before+1)
		}
		// The secret is nowhere in the store in the clear.
		ts, _ := e.Deps.Auth.Tokens(ctx, adminPrincipal(e), bot.ID, "", 50)
		var made *desk.Token
		for i := range ts {
			if ts[i].Label == "CRM" {
				made = &ts[i]
			}
		}
		if made == nil || made.ExpiresAt.Sub(made.CreatedAt) != 30*24*time.Hour {
			t.Fatalf("the token's expiry: %+v", made)
		}
		list := c.get("/admin/tokens")
		if !strings.Contains(list.Body, `class="expires"><time datetime="`+made.ExpiresAt.UTC().Format(time.RFC3339)) {
			t.Fatalf("the list does not show the expiry: %s", list.Body)
		}
		// A chosen day: until its end in the workspace's zone (Asia/Shanghai).
		zone, _ := time.LoadLocation("Asia/Shanghai")
		day := time.Now().In(zone).AddDate(0, 0, 10)
		p = c.post("/admin/tokens", url.Values{"csrf": {tok}, "agent": {bot.ID}, "label": {"dated"}, "ttl": {"date"}, "expires_on": {day.Format("2006-01-02")}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("a dated token: %d %s", p.Status, p.Body)
		}
		want := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, zone)
		ts, _ = e.Deps.Auth.Tokens(ctx, adminPrincipal(e), bot.ID, "", 50)
		for _, tk := range ts {
			if tk.Label == "dated" && (tk.ExpiresAt.Sub(want) > time.Second || want.Sub(tk.ExpiresAt) > time.Second) {
				t.Fatalf("dated token expires %v, want %v", tk.ExpiresAt, want)
			}
		}
		// A past day is refused beside the lifetime, nothing created.
		n := count()
		p = c.post("/admin/tokens", url.Values{"csrf": {tok}, "agent": {bot.ID}, "label": {"old"}, "ttl": {"date"}, "expires_on": {"2020-01-01"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="t-ttl-err"`) || !strings.Contains(p.Body, `value="old"`) || count() != n {
			t.Fatalf("a past day: %d %s", p.Status, p.Body)
		}
	})
}

// TestFieldDelete: admins delete a custom field's definition (after
// ticking the confirmation); the values tickets hold stay stored; others
// get 403, a form without the CSRF token 403, over the API too.
func TestFieldDelete(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		admin := servertest.Bearer(e.AdminToken)
		if r := e.Do("PUT", "/api/v1/fields/ticket/order_no", map[string]any{"label": "Order", "type": "text"}, admin); r.Status != http.StatusOK {
			t.Fatalf("define: %d %s", r.Status, r.Body)
		}
		tk := newTicket(t, e, "Where is my order", "7781", desk.ChannelEmail, "Ana López")
		if r := e.Do("PATCH", "/api/v1/tickets/"+tk.ID, map[string]any{"custom_fields": []map[string]any{{"key": "order_no", "value": "7781"}}}, admin); r.Status != http.StatusOK {
			t.Fatalf("set the value: %d %s", r.Status, r.Body)
		}
		defined := func() bool {
			defs, err := e.Store.FieldDefs(ctx, e.Workspace.ID, "ticket")
			if err != nil {
				t.Fatal(err)
			}
			return len(defs) == 1
		}
		const path = "/admin/fields/ticket/order_no/delete"
		sue, supTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		s := newClient(t, e.URL)
		s.login(sue.Email, servertest.Password)
		if p := s.post(path, url.Values{"csrf": {s.csrf()}, "confirm": {"1"}}); p.Status != http.StatusForbidden || !defined() {
			t.Fatalf("a supervisor deletes: %d", p.Status)
		}
		c, tok := adminClient(t, e)
		if p := c.post(path, url.Values{"confirm": {"1"}}); p.Status != http.StatusForbidden || !defined() {
			t.Fatalf("no CSRF token: %d", p.Status)
		}
		if p := c.post(path, url.Values{"csrf": {"forged"}, "confirm": {"1"}}); p.Status != http.StatusForbidden || !defined() {
			t.Fatalf("a wrong CSRF token: %d", p.Status)
		}
		// The page offers the delete with its confirmation.
		if p := c.get("/admin/fields?scope=ticket&key=order_no"); !strings.Contains(p.Body, `action="`+path+`"`) || !strings.Contains(p.Body, `name="confirm"`) {
			t.Fatalf("the field's page has no delete form: %s", p.Body)
		}
		if p := c.post(path, url.Values{"csrf": {tok}}); p.Status != http.StatusUnprocessableEntity || !defined() ||
			!strings.Contains(p.Body, html.EscapeString(web.T("en", "invite.field_delete_unconfirmed"))) {
			t.Fatalf("unconfirmed: %d %s", p.Status, p.Body)
		}
		if p := c.post(path, url.Values{"csrf": {tok}, "confirm": {"1"}}); p.Status != http.StatusSeeOther || defined() {
			t.Fatalf("delete: %d %s", p.Status, p.Body)
		}
		// The value stays stored (the API shows it as stored).
		r := e.Do("GET", "/api/v1/tickets/"+tk.ID, nil, admin)
		var got struct {
			CustomFields map[string]json.RawMessage `json:"custom_fields"`
		}
		r.JSON(t, &got)
		if len(got.CustomFields) != 1 || string(got.CustomFields["order_no"]) != `"7781"` {
			t.Fatalf("the stored value after the delete: %s", r.Body)
		}
		// Over the API: 404 once gone, 403 for a supervisor, 204 for an admin.
		if r := e.Do("DELETE", "/api/v1/fields/ticket/order_no", nil, admin); r.Status != http.StatusNotFound {
			t.Fatalf("delete twice: %d %s", r.Status, r.Body)
		}
		e.Do("PUT", "/api/v1/fields/ticket/order_no", map[string]any{"label": "Order", "type": "text"}, admin)
		if r := e.Do("DELETE", "/api/v1/fields/ticket/order_no", nil, servertest.Bearer(supTok)); r.Status != http.StatusForbidden || !defined() {
			t.Fatalf("a supervisor over the API: %d %s", r.Status, r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/fields/ticket/order_no", nil, admin); r.Status != http.StatusNoContent || defined() {
			t.Fatalf("delete over the API: %d %s", r.Status, r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/fields/company/order_no", nil, admin); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown scope: %d %s", r.Status, r.Body)
		}
	})
}

// TestBrowserInvite: the admin invites an agent from Admin → Agents and
// copies the link; a second browser context opens it, sets a password and
// lands signed in on the inbox.
func TestBrowserInvite(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Navigate(e.URL+"/admin/agents"))
		waitFor(t, ctx, "the agents page", `!!document.querySelector("#agentform")`)
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#a-name`), "Putri Lestari"), chromedp.SendKeys(chromedp.CSS(`#a-email`), "putri@acme.test"),
			chromedp.Click(chromedp.CSS(`#invite-agent`)))
		waitFor(t, ctx, "the invitation link", `!!document.querySelector("#invite-link")`)
		link := text(t, ctx, `document.querySelector("#invite-link").value`)
		if !strings.HasPrefix(link, e.URL+"/invite/") {
			t.Fatalf("link %q", link)
		}
		// A reload of the one-time view shows it no more.
		run(t, ctx, chromedp.Reload())
		waitFor(t, ctx, "the link gone on reload", `!document.querySelector("#invite-link") && !!document.querySelector("#invite-shown")`)

		ctx2 := tab(t, 1440, 900, acceptLanguage("id"))
		run(t, ctx2, chromedp.Navigate(link))
		waitFor(t, ctx2, "the invitation form in Indonesian", `!!document.querySelector("#password") && document.documentElement.lang === "id"`)
		run(t, ctx2, chromedp.SendKeys(chromedp.CSS(`#password`), "putri-pass-2026"), chromedp.SendKeys(chromedp.CSS(`#confirm`), "putri-pass-2026"),
			chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
		waitFor(t, ctx2, "the inbox, signed in", `location.pathname === "/" && !!document.querySelector("nav.views") && document.body.innerText.includes("Putri Lestari")`)

		// The admin's page of Putri no longer offers an invitation.
		run(t, ctx, chromedp.Navigate(e.URL+"/admin/agents"))
		waitFor(t, ctx, "Putri listed active", `[...document.querySelectorAll("#agents tr")].some(r => r.innerText.includes("putri@acme.test") && !r.querySelector(".badge.invited"))`)
	})
}

// TestInviteScreenshots saves the admin's invitation view and the
// invitation page of docs/ui (1440×900 and 360×780, light and dark) when
// TICKETD_UI_SCREENSHOTS is set.
func TestInviteScreenshots(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	a, _, _, err := e.Deps.Desk.InviteAgent(context.Background(), e.Workspace.ID, desk.Caller{AgentID: e.Admin.ID, Role: desk.RoleAdmin},
		desk.NewAgent{Name: "Putri Lestari", Email: "putri@acme.test", Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "ui")
	save := func(ctx context.Context, name string) {
		t.Helper()
		run(t, ctx, chromedp.Sleep(100*time.Millisecond))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
			run(t, ctx, chromedp.Navigate(e.URL+"/admin/agents/"+a.ID))
			waitFor(t, ctx, "the invitation", `!!document.querySelector("#invite-new")`)
			run(t, ctx, chromedp.Click(chromedp.CSS(`#invite-new`)))
			waitFor(t, ctx, "the link", `!!document.querySelector("#invite-link")`)
			link := text(t, ctx, `document.querySelector("#invite-link").value`)
			save(ctx, "invite-admin-"+size.name+"-"+theme+".png")
			ctx2 := tab(t, size.w, size.h, acts...)
			run(t, ctx2, chromedp.Navigate(link))
			waitFor(t, ctx2, "the invitation page", `!!document.querySelector("#password")`)
			save(ctx2, "invite-"+size.name+"-"+theme+".png")
		}
	}
}
