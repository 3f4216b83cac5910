package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

var htmlLang = regexp.MustCompile(`<html lang="([^"]+)">`)

func langOfPage(t *testing.T, p *page) string {
	t.Helper()
	m := htmlLang.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no <html lang> (%d): %.300s", p.Status, p.Body)
	}
	return m[1]
}

func TestPreferencesLanguageAndZone(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		tk := newTicket(t, e, "Pedido 7781", "Hola", desk.ChannelEmail, "Luis Pérez")
		c := newClient(t, e.URL)
		c.login(ana.Email, servertest.Password)
		tok := c.csrf()

		// The page, linked from the header, in the browser's language until
		// a language is stored.
		p := c.get("/", "Accept-Language: id")
		if !strings.Contains(p.Body, `href="/settings/profile"`) || langOfPage(t, p) != "id" {
			t.Fatalf("inbox: lang %s, link to preferences: %v", langOfPage(t, p), strings.Contains(p.Body, `href="/settings/profile"`))
		}
		if p := c.get("/settings/profile"); p.Status != http.StatusOK || !strings.Contains(p.Body, `id="prefsform"`) {
			t.Fatalf("preferences page: %d", p.Status)
		}

		// CSRF required: without the token nothing changes.
		if p := c.post("/settings/profile", url.Values{"language": {"es"}, "time_zone": {"Asia/Jakarta"}}); p.Status != http.StatusForbidden {
			t.Fatalf("without csrf: %d", p.Status)
		}
		if p := c.post("/settings/profile", url.Values{"language": {"es"}, "csrf": {"forged"}}); p.Status != http.StatusForbidden {
			t.Fatalf("forged csrf: %d", p.Status)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "" || a.TimeZone != "" {
			t.Fatalf("a refused form changed the agent: %q %q", a.Language, a.TimeZone)
		}

		// Bad values: 422, the error beside the field, the pick kept.
		p = c.post("/settings/profile", url.Values{"language": {"fr"}, "time_zone": {""}, "csrf": {tok}}, "Accept-Language: en")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="p-lang-err"`) {
			t.Fatalf("unknown language: %d", p.Status)
		}
		p = c.post("/settings/profile", url.Values{"language": {"es"}, "time_zone": {"Mars/Olympus"}, "csrf": {tok}}, "Accept-Language: en")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="p-tz-err"`) ||
			!strings.Contains(p.Body, `<option value="Mars/Olympus" selected>`) {
			t.Fatalf("unknown zone: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "" || a.TimeZone != "" {
			t.Fatalf("a refused form changed the agent: %q %q", a.Language, a.TimeZone)
		}

		// Stored: the next page is in Spanish whatever the browser asks,
		// with times in the agent's zone.
		sh, _ := time.LoadLocation("Asia/Shanghai")
		jkt, _ := time.LoadLocation("Asia/Jakarta")
		before := c.get("/tickets/"+strconv.FormatInt(tk.Number, 10), "Accept-Language: en")
		if want := tk.CreatedAt.In(sh).Format("2006-01-02 15:04 MST"); !strings.Contains(before.Body, ">"+want+"</time>") {
			t.Fatalf("ticket time not in the workspace's zone (%s)", want)
		}
		p = c.post("/settings/profile", url.Values{"language": {"es"}, "time_zone": {"Asia/Jakarta"}, "csrf": {tok}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/settings/profile?saved=prefs" {
			t.Fatalf("save: %d %s", p.Status, p.Header.Get("Location"))
		}
		p = c.get("/tickets/"+strconv.FormatInt(tk.Number, 10), "Accept-Language: en")
		if langOfPage(t, p) != "es" {
			t.Fatalf("after storing es the page is %s", langOfPage(t, p))
		}
		if want := tk.CreatedAt.In(jkt).Format("2006-01-02 15:04 MST"); !strings.Contains(p.Body, ">"+want+"</time>") {
			t.Fatalf("ticket time not in the agent's zone (%s)", want)
		}
		// The agent's language beats this browser's cookie and the
		// workspace's default.
		lang := "id"
		if _, err := e.Deps.Desk.UpdateWorkspace(ctx, e.Workspace.ID, desk.WorkspacePatch{Language: &lang}); err != nil {
			t.Fatal(err)
		}
		if p := c.get("/", "Cookie: tkd_lang=zh-Hans"); langOfPage(t, p) != "es" {
			t.Errorf("stored es lost to cookie or workspace: %s", langOfPage(t, p))
		}
		// Over the API the same values are read.
		r := e.Do("GET", "/api/v1/agents/"+ana.ID, nil, servertest.Bearer(e.AdminToken))
		if !strings.Contains(string(r.Body), `"language":"es"`) || !strings.Contains(string(r.Body), `"time_zone":"Asia/Jakarta"`) {
			t.Errorf("API reads %s", r.Body)
		}

		// The switcher, used by a signed-in agent, stores on the agent.
		p = c.post("/language", url.Values{"lang": {"zh-Hans"}, "next": {"/"}, "csrf": {tok}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("switcher: %d", p.Status)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "zh-Hans" {
			t.Errorf("switcher did not store: %q", a.Language)
		}
		other := newClient(t, e.URL) // another browser, no cookie
		other.login(ana.Email, servertest.Password)
		if p := other.get("/", "Accept-Language: en"); langOfPage(t, p) != "zh-Hans" {
			t.Errorf("another browser after the switcher: %s", langOfPage(t, p))
		}
		// Without the session's token the switcher only sets this browser's
		// cookie.
		c.post("/language", url.Values{"lang": {"en"}, "next": {"/"}})
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, ana.ID); a.Language != "zh-Hans" {
			t.Errorf("switcher without csrf stored %q", a.Language)
		}

		// Back to the workspace's: its default language (id) and zone.
		c.post("/settings/profile", url.Values{"language": {""}, "time_zone": {""}, "csrf": {tok}})
		p = c.get("/tickets/"+strconv.FormatInt(tk.Number, 10), "Cookie: tkd_lang=")
		if langOfPage(t, p) != "id" {
			t.Errorf("cleared language: %s", langOfPage(t, p))
		}
		if want := tk.CreatedAt.In(sh).Format("2006-01-02 15:04 MST"); !strings.Contains(p.Body, ">"+want+"</time>") {
			t.Errorf("cleared zone: time not in the workspace's (%s)", want)
		}
	})
}

func TestPreferencesPassword(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		c := newClient(t, e.URL)
		c.login(ana.Email, servertest.Password)
		elsewhere := newClient(t, e.URL)
		elsewhere.login(ana.Email, servertest.Password)
		tok := c.csrf()
		if p := c.post("/settings/password", url.Values{"current_password": {servertest.Password}, "password": {"n3w-pass"}, "password_again": {"n3w-pass"}}); p.Status != http.StatusForbidden {
			t.Fatalf("without csrf: %d", p.Status)
		}
		p := c.post("/settings/password", url.Values{"current_password": {"wrong"}, "password": {"n3w-pass"}, "password_again": {"n3w-pass"}, "csrf": {tok}})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, html.EscapeString(web.T("en", "prefs.wrong_password"))) || strings.Contains(p.Body, "n3w-pass") {
			t.Fatalf("wrong current password: %d", p.Status)
		}
		p = c.post("/settings/password", url.Values{"current_password": {servertest.Password}, "password": {"n3w-pass"}, "password_again": {"other"}, "csrf": {tok}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="pw-again-err"`) {
			t.Fatalf("mismatch: %d", p.Status)
		}
		p = c.post("/settings/password", url.Values{"current_password": {servertest.Password}, "password": {"n3w-pass"}, "password_again": {"n3w-pass"}, "csrf": {tok}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/settings/profile?saved=password" {
			t.Fatalf("change: %d %s", p.Status, p.Header.Get("Location"))
		}
		// This browser goes on; the other session ended; the new password
		// signs in.
		if p := c.get("/settings/profile?saved=password"); p.Status != http.StatusOK || !strings.Contains(p.Body, html.EscapeString(web.T("en", "prefs.password_saved"))) {
			t.Fatalf("this browser after the change: %d", p.Status)
		}
		if p := elsewhere.get("/"); p.Status != http.StatusSeeOther {
			t.Errorf("the other session still works: %d", p.Status)
		}
		newClient(t, e.URL).login(ana.Email, "n3w-pass")
	})
}

func TestAdminHolidays(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		if p := c.get("/admin/sla"); !strings.Contains(p.Body, `id="holidaysform"`) {
			t.Fatal("no holidays form on the SLA page")
		}
		typed := "2026-12-25 Christmas\n2026-13-01 Bad day\n"
		if p := c.post("/admin/sla/holidays", url.Values{"holidays": {typed}}); p.Status != http.StatusForbidden {
			t.Fatalf("without csrf: %d", p.Status)
		}
		p := c.post("/admin/sla/holidays", url.Values{"holidays": {typed}, "csrf": {tok}}, "Accept-Language: es")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="s-holidays-err"`) ||
			!strings.Contains(p.Body, html.EscapeString("2026-13-01 Bad day")) || !strings.Contains(p.Body, ">"+html.EscapeString(typed)+"</textarea>") {
			t.Fatalf("bad line: %d %s", p.Status, p.Body)
		}
		if ws, _ := e.Store.Workspace(context.Background(), e.Workspace.ID); len(ws.Settings.Holidays) != 0 {
			t.Fatalf("a refused form stored %v", ws.Settings.Holidays)
		}
		p = c.post("/admin/sla/holidays", url.Values{"holidays": {"2026-12-25 Christmas\r\n\r\n2026-01-01 New Year\r\n"}, "csrf": {tok}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", p.Status, p.Body)
		}
		if p := c.get("/admin/sla"); !strings.Contains(p.Body, ">2026-01-01 New Year\n2026-12-25 Christmas\n</textarea>") {
			t.Errorf("saved holidays not shown sorted: %s", p.Body)
		}
		r := e.Do("GET", "/api/v1/sla/holidays", nil, servertest.Bearer(e.AdminToken))
		if !strings.Contains(string(r.Body), `{"date":"2026-01-01","name":"New Year"}`) {
			t.Errorf("API reads %s", r.Body)
		}
	})
}

// TestBrowserPreferencesLanguage: an agent picks Spanish on the
// Preferences page and the desk answers in Spanish.
func TestBrowserPreferencesLanguage(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, ana.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`header.top a.me`)))
		waitFor(t, ctx, "the preferences page", `location.pathname === "/settings/profile" && !!document.querySelector("#p-lang")`)
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#p-lang`), "es"), chromedp.Click(chromedp.CSS(`#prefsform button[type="submit"]`)))
		waitFor(t, ctx, "the page in Spanish", `document.documentElement.lang === "es" && document.querySelector("#prefs-title").innerText === `+jsString(web.T("es", "prefs.title")))
		if got := text(t, ctx, `document.querySelector(".notice").innerText`); got != web.T("es", "prefs.saved") {
			t.Errorf("saved notice %q", got)
		}
		run(t, ctx, chromedp.Navigate(e.URL+"/"))
		waitFor(t, ctx, "the inbox in Spanish", `document.documentElement.lang === "es" && document.querySelector("nav.views").innerText.includes(`+jsString(web.T("es", "prefs.title"))+`)`)
	})
}

// TestPrefsScreenshots saves the Preferences page and the SLA page's
// holidays (a refused line shown) in docs/ui when TICKETD_UI_SCREENSHOTS
// is set.
func TestPrefsScreenshots(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	seedDesk(t, e)
	dir := filepath.Join("..", "..", "docs", "ui")
	shot := func(ctx context.Context, name string) {
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
			run(t, ctx, chromedp.Navigate(e.URL+"/settings/profile"))
			waitFor(t, ctx, "the preferences", `!!document.querySelector("#prefsform")`)
			shot(ctx, fmt.Sprintf("prefs-%s-%s.png", size.name, theme))
			if size.name == "desktop" {
				run(t, ctx, chromedp.Navigate(e.URL+"/admin/sla"))
				waitFor(t, ctx, "the holidays form", `!!document.querySelector("#s-holidays")`)
				run(t, ctx, chromedp.SetValue(chromedp.CSS(`#s-holidays`), "2026-12-24 Nochebuena\n2026-12-25 Navidad\n2026-12-32 Fin de año"),
					chromedp.Click(chromedp.CSS(`#holidaysform button[type="submit"]`)))
				waitFor(t, ctx, "the refused line", `!!document.querySelector("#s-holidays-err")`)
				run(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(`#holidaysform`)))
				shot(ctx, fmt.Sprintf("holidays-%s-%s.png", size.name, theme))
			}
		}
	}
}
