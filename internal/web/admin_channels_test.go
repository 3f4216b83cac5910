package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func channelForm(tok string, kv ...string) url.Values {
	f := url.Values{"csrf": {tok}, "name": {"Support"}, "uid": {"support@acme.test"}, "active": {"1"}, "inbound": {"imap"},
		"imap_host": {"imap.acme.test"}, "imap_port": {"993"}, "imap_tls": {"tls"}, "imap_username": {"support"},
		"imap_password": {"imap-secret-pw"}, "imap_folder": {"INBOX"}, "imap_poll_interval": {"120"}, "imap_after": {"seen"},
		"smtp_host": {"smtp.acme.test"}, "smtp_port": {"587"}, "smtp_tls": {"starttls"}, "smtp_username": {"relay"},
		"smtp_password": {"smtp-secret-pw"}, "ack_enabled": {"1"}, "ack_subject": {"Got it: {{ticket.subject}}"}, "ack_text": {"We will answer soon."}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

func accounts(t *testing.T, e *servertest.Env) []desk.ChannelAccount {
	t.Helper()
	as, err := e.Store.ChannelAccounts(context.Background(), e.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func TestAdminChannels(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		if p := c.get("/admin/channels"); p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/admin/channels" aria-current="page"`) {
			t.Fatalf("channels page: %d %s", p.Status, p.Body)
		}

		// Bad values: the error beside its field, what was typed kept,
		// nothing stored.
		for _, bad := range []struct{ key, val, errID string }{
			{"imap_port", "99999", "ch-imap_port-err"},
			{"smtp_tls", "bogus", "ch-smtp_tls-err"},
			{"imap_poll_interval", "often", "ch-imap_poll_interval-err"},
		} {
			p := c.post("/admin/channels", channelForm(tok, bad.key, bad.val))
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="`+bad.errID+`"`) ||
				!strings.Contains(p.Body, `value="imap.acme.test"`) || !strings.Contains(p.Body, `value="support@acme.test"`) {
				t.Errorf("%s=%s: %d, want 422 beside the field: %s", bad.key, bad.val, p.Status, p.Body)
			}
			if bad.key != "smtp_tls" && !strings.Contains(p.Body, `value="`+bad.val+`"`) {
				t.Errorf("%s=%s: the typed value is not kept", bad.key, bad.val)
			}
			if strings.Contains(p.Body, "secret-pw") {
				t.Errorf("%s: a password is written back into the page", bad.key)
			}
		}
		if as := accounts(t, e); len(as) != 0 {
			t.Fatalf("refused forms stored %d accounts", len(as))
		}

		// Created: readable over the API, passwords sealed at rest and
		// never in any page.
		p := c.post("/admin/channels", channelForm(tok, "group", g.ID))
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", p.Status, p.Body)
		}
		as := accounts(t, e)
		if len(as) != 1 {
			t.Fatalf("%d accounts", len(as))
		}
		a := as[0]
		if a.Channel != desk.ChannelEmail || a.UID != "support@acme.test" || a.GroupID != g.ID || !a.Active {
			t.Fatalf("stored %+v", a)
		}
		if strings.Contains(string(a.Settings), "secret-pw") {
			t.Fatalf("a password is stored in the clear: %s", a.Settings)
		}
		_, es, err := e.Deps.Desk.EmailAccount(ctx, e.Workspace.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if es.IMAP.Password != "imap-secret-pw" || es.SMTP.Password != "smtp-secret-pw" || es.IMAP.Port != 993 || es.IMAP.After != "seen" ||
			es.IMAP.PollInterval != 120 || es.SMTP.TLS != "starttls" || es.AutoAck == nil || !es.AutoAck.Enabled {
			t.Fatalf("settings: %+v imap %+v smtp %+v", es, es.IMAP, es.SMTP)
		}
		r := e.Do("GET", "/api/v1/channel-accounts/"+a.ID, nil, servertest.Bearer(e.AdminToken))
		var got struct {
			UID      string          `json:"uid"`
			Settings json.RawMessage `json:"settings"`
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &got) != nil || got.UID != "support@acme.test" ||
			!strings.Contains(string(got.Settings), `"imap.acme.test"`) || strings.Contains(string(r.Body), "password") {
			t.Fatalf("API: %d %s", r.Status, r.Body)
		}
		list := c.get("/admin/channels")
		edit := c.get("/admin/channels/" + a.ID)
		for _, pg := range []*page{list, edit} {
			if strings.Contains(pg.Body, "secret-pw") {
				t.Fatal("a password is rendered")
			}
		}
		if !strings.Contains(list.Body, "support@acme.test") || !strings.Contains(list.Body, "Billing") {
			t.Errorf("list: %s", list.Body)
		}
		if !strings.Contains(edit.Body, `value="imap.acme.test"`) || !strings.Contains(edit.Body, `name="imap_password" type="password" autocomplete="new-password" value=""`) {
			t.Errorf("edit page: %s", edit.Body)
		}

		// Saving with empty passwords keeps the stored ones.
		p = c.post("/admin/channels/"+a.ID, channelForm(tok, "name", "Support desk", "imap_password", "", "smtp_password", "", "imap_port", "1993"))
		if p.Status != http.StatusSeeOther {
			t.Fatalf("update: %d %s", p.Status, p.Body)
		}
		_, es, err = e.Deps.Desk.EmailAccount(ctx, e.Workspace.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if es.IMAP.Password != "imap-secret-pw" || es.SMTP.Password != "smtp-secret-pw" || es.IMAP.Port != 1993 {
			t.Fatalf("after update: imap %+v smtp %+v", es.IMAP, es.SMTP)
		}
		// A bad value on edit: beside the field, nothing changed.
		p = c.post("/admin/channels/"+a.ID, channelForm(tok, "imap_port", "99999", "imap_password", ""))
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="ch-imap_port-err"`) || !strings.Contains(p.Body, `value="99999"`) {
			t.Fatalf("bad edit: %d %s", p.Status, p.Body)
		}

		// Test connection: the prober's per-server result (the hosts do
		// not resolve, so IMAP fails at a named stage).
		p = c.post("/admin/channels/"+a.ID+"/test", url.Values{"csrf": {tok}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `id="probe"`) || !strings.Contains(p.Body, `data-server="imap"`) ||
			!strings.Contains(p.Body, `imap.acme.test:1993</td>`) || strings.Count(p.Body, `<code>failed</code>`) != 2 || !strings.Contains(p.Body, `<td>dial</td>`) {
			t.Fatalf("test: %d %s", p.Status, p.Body)
		}

		// Agents: 403; the admin without CSRF: 403; nothing changes.
		ana, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent})
		before := accounts(t, e)[0]
		posts := map[string]url.Values{
			"/admin/channels":                     channelForm(""),
			"/admin/channels/" + a.ID:             channelForm("", "name", "Hijacked"),
			"/admin/channels/" + a.ID + "/delete": {},
			"/admin/channels/" + a.ID + "/test":   {},
		}
		ac := newClient(t, e.URL)
		ac.login(ana.Email, servertest.Password)
		atok := ac.csrf()
		for _, path := range []string{"/admin/channels", "/admin/channels/" + a.ID} {
			if p := ac.get(path); p.Status != http.StatusForbidden {
				t.Errorf("agent GET %s: %d", path, p.Status)
			}
		}
		for path, f := range posts {
			f.Set("csrf", atok)
			if p := ac.post(path, f); p.Status != http.StatusForbidden {
				t.Errorf("agent POST %s: %d", path, p.Status)
			}
			f.Del("csrf")
			if p := c.post(path, f); p.Status != http.StatusForbidden {
				t.Errorf("admin POST %s without csrf: %d", path, p.Status)
			}
		}
		after := accounts(t, e)
		if len(after) != 1 || after[0].Name != before.Name || string(after[0].Settings) != string(before.Settings) {
			t.Fatalf("refused posts changed the accounts: %+v", after)
		}

		// Delete (no ticket uses it: gone).
		if p := c.post("/admin/channels/"+a.ID+"/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", p.Status, p.Body)
		}
		if as := accounts(t, e); len(as) != 0 {
			t.Fatalf("after delete: %d accounts", len(as))
		}
	})
}

func TestAdminChannelsScreenshots(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	seedDesk(t, e)
	_, err := e.Deps.Desk.CreateChannelAccount(context.Background(), e.Workspace.ID, desk.NewChannelAccount{Channel: desk.ChannelEmail,
		Name: "Support", UID: "support@acme.test", Settings: json.RawMessage(`{"inbound":"imap","imap":{"host":"imap.acme.test","username":"support","password":"pw"}}`)})
	if err != nil {
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
			run(t, ctx, chromedp.Navigate(e.URL+"/admin/channels"))
			waitFor(t, ctx, "the accounts", `document.querySelectorAll("#channels tbody tr").length == 1`)
			run(t, ctx, chromedp.Sleep(100*time.Millisecond))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("admin-channels-%s-%s.png", size.name, theme)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
