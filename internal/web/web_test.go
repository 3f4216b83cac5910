package web_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

func TestSignIn(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		c := newClient(t, e.URL)
		if p := c.get("/"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/login?next=%2F" {
			t.Fatalf("GET / without a session: %d %q", p.Status, p.Header.Get("Location"))
		}
		p := c.get("/login")
		if p.Status != 200 || !strings.Contains(p.Body, `name="email"`) || !strings.Contains(p.Body, `name="password"`) {
			t.Fatalf("login page: %d %s", p.Status, p.Body)
		}
		if n := strings.Count(p.Body, `type="submit"`); n != 1 {
			t.Errorf("login page has %d submit buttons, want 1", n)
		}
		if p := c.post("/login", url.Values{"email": {e.Admin.Email}, "password": {"wrong"}}); p.Status != http.StatusUnauthorized ||
			!strings.Contains(p.Body, "Wrong email or password") || !strings.Contains(p.Body, `value="`+e.Admin.Email+`"`) {
			t.Fatalf("wrong password: %d %s", p.Status, p.Body)
		}
		res := c.post("/login", url.Values{"email": {e.Admin.Email}, "password": {servertest.Password}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("login: %d %s", res.Status, res.Body)
		}
		ck := res.Header.Get("Set-Cookie")
		for _, want := range []string{web.CookieName + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("cookie %q lacks %s", ck, want)
			}
		}
		if strings.Contains(ck, "Secure") {
			t.Errorf("cookie over plain HTTP without an https public URL is Secure: %q", ck)
		}
		// Only the id's hash is stored.
		id := strings.TrimPrefix(strings.SplitN(ck, ";", 2)[0], web.CookieName+"=")
		if len(id) != 43 {
			t.Errorf("session id %q: want 256 bits in base64url", id)
		}
		h := sha256.Sum256([]byte(id))
		sr := e.Store.(desk.SessionReader)
		s, err := sr.SessionByHash(context.Background(), h[:])
		if err != nil || s.AgentID != e.Admin.ID {
			t.Fatalf("session by hash: %v %+v", err, s)
		}
		if _, err := sr.SessionByHash(context.Background(), []byte(id)); err == nil {
			t.Error("the raw session id finds a session: ids must be stored hashed")
		}
		if p := c.get("/"); p.Status != 200 || !strings.Contains(p.Body, `<html lang="en">`) || !strings.Contains(p.Body, "Mine") {
			t.Fatalf("inbox after login: %d %s", p.Status, p.Body)
		}
		// next= brings the agent back, but never off-site.
		c2 := newClient(t, e.URL)
		if p := c2.post("/login", url.Values{"email": {e.Admin.Email}, "password": {servertest.Password}, "next": {"//evil.test/x"}}); p.Header.Get("Location") != "/" {
			t.Errorf("off-site next: redirected to %q", p.Header.Get("Location"))
		}
	})
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	for _, b := range []struct {
		url    string
		secure bool
	}{{"https://desk.example.com", true}, {"http://desk.example.com", false}} {
		e := servertest.NewWith(t, servertestSQLite(t), func(d *server.Deps) { d.PublicURL = b.url })
		c := newClient(t, e.URL)
		res := c.post("/login", url.Values{"email": {e.Admin.Email}, "password": {servertest.Password}})
		if got := strings.Contains(res.Header.Get("Set-Cookie"), "Secure"); got != b.secure {
			t.Errorf("public URL %s: Secure %v, want %v (%q)", b.url, got, b.secure, res.Header.Get("Set-Cookie"))
		}
	}
}

func TestCSRF(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tk := newTicket(t, e, "Pedido 7781 no llegó", "Hola, mi pedido no llegó.", desk.ChannelEmail, "Ana López")
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		for name, form := range map[string]url.Values{
			"no token":    {"text": {"hola"}, "mode": {"reply"}},
			"wrong token": {"text": {"hola"}, "mode": {"reply"}, "csrf": {tok + "x"}},
		} {
			if p := c.post(path+"/messages", form); p.Status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, p.Status)
			}
		}
		for _, action := range []string{"/properties", "/status", "/routing"} {
			if p := c.post(path+action, url.Values{"status": {"solved"}, "kind": {"escalate"}}); p.Status != http.StatusForbidden {
				t.Errorf("%s without a token: %d, want 403", action, p.Status)
			}
		}
		if p := c.post("/presence", url.Values{"presence": {"away"}}); p.Status != http.StatusForbidden {
			t.Errorf("presence without a token: %d", p.Status)
		}
		if p := c.post("/logout", url.Values{}); p.Status != http.StatusForbidden {
			t.Errorf("logout without a token: %d", p.Status)
		}
		// Another session's token is no good either.
		c2 := newClient(t, e.URL)
		c2.login(e.Admin.Email, servertest.Password)
		if p := c.post(path+"/messages", url.Values{"text": {"hola"}, "csrf": {c2.csrf()}}); p.Status != http.StatusForbidden {
			t.Errorf("another session's token: %d", p.Status)
		}
		got, _ := e.Store.Ticket(context.Background(), e.Workspace.ID, tk.ID)
		if n := len(messages(t, e, tk)); n != 1 || got.Status.Terminal() || got.Escalated {
			t.Fatalf("refused requests changed the ticket: %d messages, %+v", n, got)
		}
		// The header works for script; the message is readable over the API at once.
		if p := c.post(path+"/messages", url.Values{"text": {"Lo revisamos ahora."}, "mode": {"reply"}}, "X-CSRF-Token: "+tok); p.Status != http.StatusSeeOther {
			t.Fatalf("reply with the header token: %d %s", p.Status, p.Body)
		}
		r := e.Do("GET", "/api/v1/tickets/"+tk.ID+"/messages", nil, "Authorization: Bearer "+e.AdminToken)
		if !strings.Contains(string(r.Body), "Lo revisamos ahora.") {
			t.Fatalf("reply not readable over the API: %s", r.Body)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		c := newClient(t, e.URL)
		for i := 0; i < web.MaxFailures; i++ {
			if p := c.post("/login", url.Values{"email": {e.Admin.Email}, "password": {"nope"}}); p.Status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, p.Status)
			}
		}
		p := c.post("/login", url.Values{"email": {e.Admin.Email}, "password": {servertest.Password}})
		if p.Status != http.StatusTooManyRequests {
			t.Fatalf("after %d failures the right password got %d, want 429", web.MaxFailures, p.Status)
		}
		if ra, err := strconv.Atoi(p.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
			t.Errorf("Retry-After %q", p.Header.Get("Retry-After"))
		}
		if p.Header.Get("Set-Cookie") != "" {
			t.Error("a throttled login set a cookie")
		}
		// Per address: other accounts from the same address are throttled too.
		if p := c.post("/login", url.Values{"email": {"someone-else@acme.test"}, "password": {"x"}}); p.Status != http.StatusTooManyRequests {
			t.Errorf("another account from the throttled address: %d", p.Status)
		}
	})
}

func TestLogoutAndDeactivation(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ag, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		c := newClient(t, e.URL)
		c.login(ag.Email, servertest.Password)
		// Another node over the same database knows the session.
		n2 := newClient(t, e.Node(t, e.Store).URL)
		n2.c.Jar = c.c.Jar
		u, _ := url.Parse(e.URL)
		u2, _ := url.Parse(n2.base)
		n2.c.Jar.SetCookies(u2, c.c.Jar.Cookies(u))
		if p := n2.get("/"); p.Status != 200 {
			t.Fatalf("session on a second node: %d", p.Status)
		}
		if _, err := e.Deps.Auth.Deactivate(context.Background(), e.Workspace.ID, ag.ID, desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID}); err != nil {
			t.Fatal(err)
		}
		if p := c.get("/"); p.Status != http.StatusSeeOther {
			t.Fatalf("deactivated agent's session still works: %d", p.Status)
		}
		// A new password ends the agent's sessions.
		c = newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		hash, _ := e.Deps.Auth.Hasher.Hash("a new secret")
		if _, err := e.Deps.Auth.UpdateAgent(context.Background(), e.Workspace.ID, e.Admin.ID, desk.AgentPatch{PasswordHash: &hash}); err != nil {
			t.Fatal(err)
		}
		if p := c.get("/"); p.Status != http.StatusSeeOther {
			t.Fatalf("session survived a password change: %d", p.Status)
		}
		old, _ := e.Deps.Auth.Hasher.Hash(servertest.Password)
		if _, err := e.Deps.Auth.UpdateAgent(context.Background(), e.Workspace.ID, e.Admin.ID, desk.AgentPatch{PasswordHash: &old}); err != nil {
			t.Fatal(err)
		}
		// Logout ends the session in the store.
		c = newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		kept := c.c.Jar.Cookies(u)
		if p := c.post("/logout", url.Values{"csrf": {c.csrf()}}); p.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", p.Status)
		}
		if len(kept) == 0 {
			t.Fatal("no cookie to keep")
		}
		c.c.Jar.SetCookies(u, kept) // a copy of the cookie kept from before is dead too
		if p := c.get("/"); p.Status != http.StatusSeeOther {
			t.Fatalf("after logout: %d", p.Status)
		}
	})
}

func TestHeadersAndAssets(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	c := newClient(t, e.URL)
	p := c.get("/login")
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if p.Header.Get(k) != v {
			t.Errorf("%s: %q", k, p.Header.Get(k))
		}
	}
	if strings.Contains(p.Body, "<script>") || regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(p.Body) {
		t.Error("inline script on the page")
	}
	urls := regexp.MustCompile(`/assets/[a-z]+\.[0-9a-f]{10}\.(?:css|js)`).FindAllString(p.Body, -1)
	if len(urls) != 2 {
		t.Fatalf("asset URLs %v", urls)
	}
	for _, u := range urls {
		a := c.get(u, "Accept-Encoding: gzip")
		if a.Status != 200 || a.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || a.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d %v", u, a.Status, a.Header)
		}
	}
	if a := c.get("/assets/app.0000000000.css"); a.Status != 404 {
		t.Errorf("unknown asset: %d", a.Status)
	}
	c.login(e.Admin.Email, servertest.Password)
	if p := c.get("/", "Accept-Encoding: gzip"); p.Header.Get("Content-Encoding") != "gzip" || p.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("inbox: not gzipped or no CSP: %v", p.Header)
	}
}

// TestForms: bad input shows its error beside the field and keeps what was
// typed; a refused action changes nothing.
func TestForms(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tk := newTicket(t, e, "Refund for order 5521", "I was charged twice.", desk.ChannelWhatsApp, "Wei Zhang")
		full, _ := e.Agent(desk.NewAgent{Name: "Full Agent", Email: "full@acme.test", Role: desk.RoleAgent, Capacity: 1})
		newTicketFor(t, e, full)
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		p := c.post(path+"/messages", url.Values{"csrf": {tok}, "text": {"   "}, "mode": {"note"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="text-error"`) || !strings.Contains(p.Body, `value="note" checked`) {
			t.Fatalf("empty reply: %d %s", p.Status, p.Body)
		}
		long := strings.Repeat("x", 60)
		p = c.post(path+"/routing", url.Values{"csrf": {tok}, "kind": {"assign"}, "agent_id": {full.ID}})
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "has 1 of 1 tickets open") {
			t.Fatalf("assign over capacity: %d %s", p.Status, p.Body)
		}
		got, _ := e.Store.Ticket(context.Background(), e.Workspace.ID, tk.ID)
		if got.AssigneeID == full.ID {
			t.Fatal("a refused assignment assigned")
		}
		// In Spanish, from the agent's language.
		p = c.post(path+"/properties", url.Values{"csrf": {tok}, "status": {"bogus"}, "tags": {long}}, "Accept-Language: es-MX,es;q=0.9")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `<html lang="es">`) || !strings.Contains(p.Body, long) {
			t.Fatalf("bad status: %d %s", p.Status, p.Body)
		}
		if !strings.Contains(p.Body, "no vale para Estado") {
			t.Errorf("error not in Spanish beside the field: %s", p.Body)
		}
		if got2, _ := e.Store.Ticket(context.Background(), e.Workspace.ID, tk.ID); fmt.Sprint(got2.Tags) != fmt.Sprint(got.Tags) {
			t.Errorf("refused patch changed tags: %v", got2.Tags)
		}
	})
}

func newTicketFor(t testing.TB, e *servertest.Env, a *desk.Agent) {
	t.Helper()
	tk := newTicket(t, e, "Filler", "x", desk.ChannelEmail, "Filler Person "+a.ID[:6])
	if _, err := e.Deps.Desk.UpdateTicket(context.Background(), e.Workspace.ID, tk.ID, desk.System, desk.TicketPatch{AssigneeID: &a.ID}); err != nil {
		t.Fatal(err)
	}
}

func TestHostileHTMLIsSanitized(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	tk := hostileTicket(t, e)
	c := newClient(t, e.URL)
	c.login(e.Admin.Email, servertest.Password)
	// The second view comes from the cache of sanitized bodies.
	for view := 1; view <= 2; view++ {
		p := c.get("/tickets/" + strconv.FormatInt(tk.Number, 10))
		if p.Status != 200 {
			t.Fatalf("view %d: %d %s", view, p.Status, p.Body)
		}
		for _, bad := range []string{"onerror", "<script>window", "javascript:", "onload"} {
			if strings.Contains(p.Body, bad) {
				t.Errorf("view %d: page carries %q", view, bad)
			}
		}
		if !strings.Contains(p.Body, "Quarterly invoice attached") {
			t.Errorf("view %d: the sanitized body lost its text", view)
		}
	}
}

// hostile is an e-mail body that tries every common way to run script.
const hostile = `<p>Quarterly invoice attached</p><img src=x onerror="document.title='pwned';window.__pwned=1">` +
	`<script>window.__pwned=1</script><a href="javascript:window.__pwned=1">click</a>` +
	`<svg onload="window.__pwned=1"></svg><iframe src="javascript:window.__pwned=1"></iframe>` +
	`<body onload="window.__pwned=1"><div style="background:url(javascript:window.__pwned=1)">x</div>`

func hostileTicket(t testing.TB, e *servertest.Env) *desk.Ticket {
	t.Helper()
	tk := newTicket(t, e, "Invoice", "see html", desk.ChannelEmail, "Mallory Evil")
	_, _, err := e.Deps.Desk.AddMessage(context.Background(), e.Workspace.ID, tk.ID, desk.NewMessage{Text: "Quarterly invoice attached",
		HTML: hostile, Author: desk.Actor{Kind: desk.ActorContact, ID: tk.ContactID}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestSessionExpiry: idle expiry slides with use (written at most once a
// minute), the absolute one does not.
func TestSessionExpiry(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		d := e.Deps.Desk
		real := d.Now
		t.Cleanup(func() { d.Now = real })
		start := real()
		at := func(after time.Duration) { d.Now = func() time.Time { return start.Add(after) } }
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		// Used every 11 hours, the session lives on past 12 hours of age...
		for h := 11; h <= 6*24; h += 11 {
			at(time.Duration(h) * time.Hour)
			if p := c.get("/"); p.Status != 200 {
				t.Fatalf("used at %dh: %d", h, p.Status)
			}
		}
		// ...but not past its absolute end.
		at(web.AbsoluteTimeout + time.Minute)
		if p := c.get("/"); p.Status != http.StatusSeeOther {
			t.Fatalf("past the absolute lifetime: %d", p.Status)
		}
		// Idle for 12 hours, a session ends.
		at(0)
		c2 := newClient(t, e.URL)
		c2.login(e.Admin.Email, servertest.Password)
		at(web.IdleTimeout + time.Minute)
		if p := c2.get("/"); p.Status != http.StatusSeeOther {
			t.Fatalf("idle for 12h: %d", p.Status)
		}
	})
}
