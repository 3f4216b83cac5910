package api_test

import (
	"database/sql"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/channel/email/imaptest"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/secretbox"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// smtpBackend is a real SMTP server (go-smtp) that takes PLAIN auth for
// one user and any mail.
type smtpBackend struct{ user, pass string }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b}, nil }

type smtpSession struct{ b smtpBackend }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.b.user || pass != s.b.pass {
			return errors.New("invalid credentials")
		}
		return nil
	}), nil
}
func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

func startSMTP(t *testing.T, user, pass string) (host string, port int) {
	t.Helper()
	srv := smtp.NewServer(smtpBackend{user, pass})
	srv.Domain, srv.AllowInsecureAuth = "mail.test", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	a := ln.Addr().(*net.TCPAddr)
	return "127.0.0.1", a.Port
}

// startIMAP is a real IMAP server (Dovecot, imaptest) with one user.
func startIMAP(t *testing.T, user, pass string) int {
	t.Helper()
	return imaptest.Start(t, user, pass).Port
}

func TestChannelAccountsAPI(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		e := servertest.NewWith(t, st, func(d *server.Deps) { d.AllowPrivateHosts = true })
		admin := servertest.Bearer(e.AdminToken)
		_, agentTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test", Role: desk.RoleAgent})
		agent := servertest.Bearer(agentTok)
		host, smtpPort := startSMTP(t, "help@acme.test", "smtp-Secret-1")
		imapPort := startIMAP(t, "help@acme.test", "imap-Secret-1")
		g := e.Do("POST", "/api/v1/groups", map[string]any{"name": "Soporte"}, admin).Map(t)

		noSecrets := func(what string, body []byte) {
			t.Helper()
			if s := string(body); strings.Contains(s, "Secret-") || strings.Contains(s, "password") || strings.Contains(s, secretbox.Prefix) {
				t.Errorf("%s shows a secret: %s", what, s)
			}
		}
		settings := map[string]any{"inbound": "imap",
			"imap": map[string]any{"host": host, "port": imapPort, "tls": "none", "username": "help@acme.test", "password": "imap-Secret-1"},
			"smtp": map[string]any{"host": host, "port": smtpPort, "tls": "none", "username": "help@acme.test", "password": "smtp-Secret-1"}}
		body := map[string]any{"channel": "email", "name": "Help", "uid": "help@acme.test", "group_id": g["id"], "settings": settings}

		// Agents may not write.
		if r := e.Do("POST", "/api/v1/channel-accounts", body, agent); r.Status != 403 || r.Map(t)["error"].(map[string]any)["code"] != "forbidden" {
			t.Fatalf("agent POST = %d %s", r.Status, r.Body)
		}
		r := e.Do("POST", "/api/v1/channel-accounts", body, admin)
		if r.Status != 201 {
			t.Fatalf("POST = %d %s", r.Status, r.Body)
		}
		noSecrets("POST", r.Body)
		acct := r.Map(t)
		id := acct["id"].(string)
		if acct["group_id"] != g["id"] || acct["settings"].(map[string]any)["imap"].(map[string]any)["folder"] != "INBOX" {
			t.Fatalf("created %s", r.Body)
		}
		var raw string
		if err := st.(interface{ DB() *sql.DB }).DB().QueryRow(`SELECT settings FROM channel_accounts WHERE id = $1`, id).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, "Secret-1") || strings.Count(raw, secretbox.Prefix) != 2 {
			t.Fatalf("stored settings not sealed: %s", raw)
		}
		for _, who := range []string{admin, agent} {
			for _, path := range []string{"/api/v1/channel-accounts", "/api/v1/channel-accounts/" + id} {
				if r := e.Do("GET", path, nil, who); r.Status != 200 || !strings.Contains(string(r.Body), id) {
					t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
				} else {
					noSecrets("GET "+path, r.Body)
				}
			}
		}
		for _, c := range []struct{ method, path string }{{"PATCH", "/api/v1/channel-accounts/" + id}, {"DELETE", "/api/v1/channel-accounts/" + id},
			{"POST", "/api/v1/channel-accounts/" + id + "/test"}} {
			if r := e.Do(c.method, c.path, map[string]any{}, agent); r.Status != 403 {
				t.Errorf("agent %s %s = %d %s", c.method, c.path, r.Status, r.Body)
			}
		}

		// PATCH without passwords keeps them: the test logs in with them.
		patched := map[string]any{"inbound": "imap",
			"imap": map[string]any{"host": host, "port": imapPort, "tls": "none", "username": "help@acme.test"},
			"smtp": map[string]any{"host": host, "port": smtpPort, "tls": "none", "username": "help@acme.test"}}
		r = e.Do("PATCH", "/api/v1/channel-accounts/"+id, map[string]any{"name": "Help desk", "settings": patched}, admin)
		if r.Status != 200 || r.Map(t)["name"] != "Help desk" {
			t.Fatalf("PATCH = %d %s", r.Status, r.Body)
		}
		noSecrets("PATCH", r.Body)
		r = e.Do("POST", "/api/v1/channel-accounts/"+id+"/test", nil, admin)
		noSecrets("test", r.Body)
		res := r.Map(t)
		for _, side := range []string{"imap", "smtp"} {
			got := res[side].(map[string]any)
			if r.Status != 200 || got["status"] != "ok" || got["auth"] != "ok" || got["connected"] != true {
				t.Errorf("test %s = %d %v", side, r.Status, got)
			}
		}
		// A wrong password fails at auth, and says so.
		settings["smtp"].(map[string]any)["password"] = "wrong-Secret-2"
		settings["imap"].(map[string]any)["password"] = "wrong-Secret-2"
		if r := e.Do("PATCH", "/api/v1/channel-accounts/"+id, map[string]any{"settings": settings}, admin); r.Status != 200 {
			t.Fatalf("PATCH = %d %s", r.Status, r.Body)
		}
		r = e.Do("POST", "/api/v1/channel-accounts/"+id+"/test", nil, admin)
		noSecrets("failed test", r.Body)
		res = r.Map(t)
		for _, side := range []string{"imap", "smtp"} {
			if got := res[side].(map[string]any); got["status"] != "failed" || got["stage"] != "auth" || got["auth"] != "failed" {
				t.Errorf("test %s with a wrong password = %v", side, got)
			}
		}

		// Validation is typed, with the field at fault.
		for _, c := range []struct {
			body        map[string]any
			field, rule string
		}{
			{map[string]any{"channel": "email", "uid": "not an address"}, "uid", "format"},
			{map[string]any{"channel": "email", "uid": "a@acme.test", "settings": map[string]any{"smtp": map[string]any{"host": "h", "port": 0}}}, "settings.smtp.port", "range"},
			{map[string]any{"channel": "email", "uid": "a@acme.test", "settings": map[string]any{"imap": map[string]any{"host": "h", "pop": 1}}}, "settings.imap.pop", "unknown"},
			{map[string]any{"channel": "email", "uid": "a@acme.test", "settings": []int{1}}, "settings", "type"},
			{map[string]any{"channel": "email", "uid": "a@acme.test", "group_id": "nope"}, "group_id", "not_found_ref"},
			{map[string]any{"channel": "telegram", "name": "bot", "settings": map[string]any{"token": 5}}, "settings.token", "type"},
		} {
			r := e.Do("POST", "/api/v1/channel-accounts", c.body, admin)
			er, _ := r.Map(t)["error"].(map[string]any)
			if r.Status != 422 || er["field"] != c.field || er["rule"] != c.rule {
				t.Errorf("POST %v = %d %s, want 422 %s %s", c.body, r.Status, r.Body, c.field, c.rule)
			}
		}

		// Other channels: free-form settings, secrets hidden all the same.
		r = e.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "telegram", "name": "bot",
			"settings": map[string]any{"token": "tg-Secret-3", "webhook": map[string]any{"secret": "wh-Secret-4", "path": "/tg"}}}, admin)
		if r.Status != 201 || !strings.Contains(string(r.Body), `"/tg"`) {
			t.Fatalf("telegram POST = %d %s", r.Status, r.Body)
		}
		noSecrets("telegram POST", r.Body)
		tg := r.Map(t)["id"].(string)
		if r := e.Do("POST", "/api/v1/channel-accounts/"+tg+"/test", nil, admin); r.Status != 422 {
			t.Errorf("test of a telegram account = %d %s", r.Status, r.Body)
		}

		// Delete: unused goes; used (a ticket on it) is deactivated.
		if r := e.Do("DELETE", "/api/v1/channel-accounts/"+tg, nil, admin); r.Status != 204 {
			t.Fatalf("DELETE = %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/channel-accounts/"+tg, nil, admin); r.Status != 404 {
			t.Fatalf("GET deleted = %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/tickets", map[string]any{"subject": "x", "channel": "email", "channel_account_id": id}, admin); r.Status != 201 {
			t.Fatalf("ticket = %d %s", r.Status, r.Body)
		} else if r.Map(t)["group_id"] != g["id"] {
			t.Errorf("ticket on the account not in its group: %s", r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/channel-accounts/"+id, nil, admin); r.Status != 204 {
			t.Fatalf("DELETE used = %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/api/v1/channel-accounts/"+id, nil, admin); r.Status != 200 || r.Map(t)["active"] != false {
			t.Fatalf("GET deactivated = %d %s", r.Status, r.Body)
		}

		// Without --allow-private-hosts the same servers are refused.
		strict := servertest.New(t, open(t))
		r = strict.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "uid": "help@acme.test", "settings": settings}, servertest.Bearer(strict.AdminToken))
		if r.Status != 201 {
			t.Fatalf("POST = %d %s", r.Status, r.Body)
		}
		r = strict.Do("POST", "/api/v1/channel-accounts/"+r.Map(t)["id"].(string)+"/test", nil, servertest.Bearer(strict.AdminToken))
		res = r.Map(t)
		for _, side := range []string{"imap", "smtp"} {
			if got := res[side].(map[string]any); got["status"] != "refused" || got["connected"] != false {
				t.Errorf("test %s without the private-host flag = %v", side, got)
			}
		}
	})
}
