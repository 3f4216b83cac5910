package desk_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/secretbox"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

func TestParseChannelSettings(t *testing.T) {
	for _, c := range []struct {
		name, in  string
		ch        desk.Channel
		field     string // "" = valid
		code      desk.Code
		wantInOut string // a fragment of the normalized settings
	}{
		{name: "empty email", ch: desk.ChannelEmail, in: `{}`, wantInOut: `"inbound":"smtp"`},
		{name: "imap defaults", ch: desk.ChannelEmail, in: `{"inbound":"imap","imap":{"host":"imap.x.test","username":"u","password":"p"}}`,
			wantInOut: `"folder":"INBOX","host":"imap.x.test","password":"p","poll_interval":60,"port":993,"tls":"tls"`},
		{name: "smtp starttls port", ch: desk.ChannelEmail, in: `{"smtp":{"host":"smtp.x.test"}}`, wantInOut: `"port":587,"tls":"starttls"`},
		{name: "smtp tls port", ch: desk.ChannelEmail, in: `{"smtp":{"host":"smtp.x.test","tls":"tls"}}`, wantInOut: `"port":465`},
		{name: "not object", ch: desk.ChannelEmail, in: `[1]`, field: "settings", code: desk.CodeType},
		{name: "junk", ch: desk.ChannelEmail, in: `{"a":`, field: "settings", code: desk.CodeType},
		{name: "unknown top", ch: desk.ChannelEmail, in: `{"pop3":{}}`, field: "settings.pop3", code: desk.CodeUnknown},
		{name: "unknown in smtp", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","folder":"x"}}`, field: "settings.smtp.folder", code: desk.CodeUnknown},
		{name: "inbound", ch: desk.ChannelEmail, in: `{"inbound":"pop3"}`, field: "settings.inbound", code: desk.CodeOneOf},
		{name: "imap needed", ch: desk.ChannelEmail, in: `{"inbound":"imap"}`, field: "settings.imap", code: desk.CodeRequired},
		{name: "imap not object", ch: desk.ChannelEmail, in: `{"imap":"x"}`, field: "settings.imap", code: desk.CodeType},
		{name: "host", ch: desk.ChannelEmail, in: `{"smtp":{"port":25}}`, field: "settings.smtp.host", code: desk.CodeRequired},
		{name: "host format", ch: desk.ChannelEmail, in: `{"smtp":{"host":"a b"}}`, field: "settings.smtp.host", code: desk.CodeFormat},
		{name: "port range", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","port":70000}}`, field: "settings.smtp.port", code: desk.CodeRange},
		{name: "port type", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","port":"25"}}`, field: "settings.smtp.port", code: desk.CodeType},
		{name: "tls", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","tls":"ssl"}}`, field: "settings.smtp.tls", code: desk.CodeOneOf},
		{name: "user without password", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","username":"u"}}`, field: "settings.smtp.password", code: desk.CodeRequired},
		{name: "imap user", ch: desk.ChannelEmail, in: `{"imap":{"host":"h"}}`, field: "settings.imap.username", code: desk.CodeRequired},
		{name: "poll range", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","poll_interval":1}}`, field: "settings.imap.poll_interval", code: desk.CodeRange},
		{name: "imap after default", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p"}}`, wantInOut: `"after":"keep"`},
		{name: "imap move", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","after":"move","move_to":"Done"}}`, wantInOut: `"after":"move","folder":"INBOX","host":"h","move_to":"Done"`},
		{name: "imap after", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","after":"delete"}}`, field: "settings.imap.after", code: desk.CodeOneOf},
		{name: "imap move needs folder", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","after":"move"}}`, field: "settings.imap.move_to", code: desk.CodeRequired},
		{name: "imap move to itself", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","after":"move","move_to":"inbox"}}`, field: "settings.imap.move_to", code: desk.CodeNotAllowed},
		{name: "imap sent", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","folder":"Sent"}}`, field: "settings.imap.folder", code: desk.CodeNotAllowed},
		{name: "imap sent items", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","folder":"sent items"}}`, field: "settings.imap.folder", code: desk.CodeNotAllowed},
		{name: "imap gmail sent", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","folder":"[Gmail]/Sent Mail"}}`, field: "settings.imap.folder", code: desk.CodeNotAllowed},
		{name: "imap inbox.sent", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","folder":"INBOX.Sent"}}`, field: "settings.imap.folder", code: desk.CodeNotAllowed},
		{name: "imap other folder", ch: desk.ChannelEmail, in: `{"imap":{"host":"h","username":"u","password":"p","folder":"Support/Consent"}}`, wantInOut: `"folder":"Support/Consent"`},
		{name: "password type", ch: desk.ChannelEmail, in: `{"smtp":{"host":"h","username":"u","password":1}}`, field: "settings.smtp.password", code: desk.CodeType},
		{name: "free form", ch: desk.ChannelTelegram, in: `{"bot":{"token":"t"},"x":[1]}`, wantInOut: `"token":"t"`},
		{name: "free form secret type", ch: desk.ChannelTelegram, in: `{"bot":{"token":5}}`, field: "settings.bot.token", code: desk.CodeType},
		{name: "free form not object", ch: desk.ChannelTelegram, in: `"x"`, field: "settings", code: desk.CodeType},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := desk.ParseChannelSettings(c.ch, json.RawMessage(c.in))
			if c.field == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				b, _ := json.Marshal(got)
				if !strings.Contains(string(b), c.wantInOut) {
					t.Fatalf("settings = %s, want %s in it", b, c.wantInOut)
				}
				return
			}
			fe, ok := desk.AsFieldError(err)
			if !ok || fe.Field != c.field || fe.Code != c.code || !errors.Is(err, desk.ErrInvalid) {
				t.Fatalf("err = %#v, want %s %s", err, c.field, c.code)
			}
		})
	}
}

func FuzzParseChannelSettings(f *testing.F) {
	for _, s := range []string{`{}`, `{"inbound":"imap","imap":{"host":"h","username":"u","password":"p","port":993}}`,
		`{"smtp":{"host":"h","tls":"none","port":25}}`, `[]`, `{"a":{"token":1}}`, `null`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, email bool) {
		ch := desk.ChannelTelegram
		if email {
			ch = desk.ChannelEmail
		}
		got, err := desk.ParseChannelSettings(ch, json.RawMessage(in))
		if err != nil {
			if _, ok := desk.AsFieldError(err); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// What was accepted and normalized is accepted again, unchanged.
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		again, err := desk.ParseChannelSettings(ch, b)
		if err != nil {
			t.Fatalf("normalized %s refused: %v", b, err)
		}
		if b2, _ := json.Marshal(again); string(b2) != string(b) {
			t.Fatalf("not stable: %s then %s", b, b2)
		}
	})
}

func TestChannelAccountSettings(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			d := desk.NewService(st)
			box, err := secretbox.New([]byte("0123456789abcdef-desk-test"))
			if err != nil {
				t.Fatal(err)
			}
			ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			g, err := d.CreateGroup(ctx, ws.ID, "Soporte", "")
			if err != nil {
				t.Fatal(err)
			}
			settings := json.RawMessage(`{"inbound":"imap","imap":{"host":"imap.acme.test","username":"help","password":"imap-pw-1"},
				"smtp":{"host":"smtp.acme.test","username":"help","password":"smtp-pw-1"}}`)
			in := desk.NewChannelAccount{Channel: desk.ChannelEmail, UID: "help@acme.test", GroupID: g.ID, Settings: settings}
			if _, err := d.CreateChannelAccount(ctx, ws.ID, in); !errors.Is(err, desk.ErrNoSealer) {
				t.Fatalf("without a server secret: %v, want ErrNoSealer", err)
			}
			d.Secrets = box
			for name, bad := range map[string]desk.NewChannelAccount{
				"group_id": {Channel: desk.ChannelEmail, UID: "a@acme.test", GroupID: "nope"},
				"uid":      {Channel: desk.ChannelEmail, UID: "not an address"},
			} {
				_, err := d.CreateChannelAccount(ctx, ws.ID, bad)
				if fe, ok := desk.AsFieldError(err); !ok || fe.Field != name {
					t.Errorf("%s: err = %v", name, err)
				}
			}
			a, err := d.CreateChannelAccount(ctx, ws.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			raw := rawSettings(t, st, a.ID)
			if strings.Contains(raw, "pw-1") || !strings.Contains(raw, secretbox.Prefix) {
				t.Fatalf("stored settings %s: secrets not sealed", raw)
			}
			if pub := string(desk.PublicSettings(a)); strings.Contains(pub, "password") || !strings.Contains(pub, "imap.acme.test") {
				t.Fatalf("public settings %s", pub)
			}
			// A patch that names no password keeps both; one given changes.
			a, err = d.UpdateChannelAccount(ctx, ws.ID, a.ID, desk.ChannelAccountPatch{Settings: json.RawMessage(
				`{"inbound":"imap","imap":{"host":"imap2.acme.test","username":"help"},"smtp":{"host":"smtp.acme.test","username":"help","password":"smtp-pw-2"}}`)})
			if err != nil {
				t.Fatal(err)
			}
			_, es, err := d.EmailAccount(ctx, ws.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if es.IMAP.Host != "imap2.acme.test" || es.IMAP.Password != "imap-pw-1" || es.SMTP.Password != "smtp-pw-2" || es.IMAP.Port != 993 {
				t.Fatalf("secrets after patch = %+v %+v", es.IMAP, es.SMTP)
			}
			// The sealed value is bound to its account.
			if strings.Contains(rawSettings(t, st, a.ID), "pw-2") {
				t.Fatal("patched secret stored in the clear")
			}

			// Receive on the account opens the ticket in its group; so does an
			// agent's ticket on it that names no group.
			out, err := d.Receive(ctx, ws.ID, desk.Inbound{AccountID: a.ID, Text: "hola",
				From: desk.Party{Identity: desk.Identity{ExternalID: "ana@cust.test"}, Email: "ana@cust.test"}})
			if err != nil {
				t.Fatal(err)
			}
			if !out.NewTicket || out.Ticket.GroupID != g.ID {
				t.Fatalf("received ticket group %q, want %q", out.Ticket.GroupID, g.ID)
			}
			tk, err := d.CreateTicket(ctx, ws.ID, desk.Actor{Kind: desk.ActorSystem}, desk.NewTicket{Subject: "x", Channel: desk.ChannelEmail, ChannelAccountID: a.ID})
			if err != nil {
				t.Fatal(err)
			}
			if tk.GroupID != g.ID {
				t.Fatalf("created ticket group %q, want %q", tk.GroupID, g.ID)
			}

			// Delete: in use → deactivated; unused → gone.
			if deact, err := d.DeleteChannelAccount(ctx, ws.ID, a.ID); err != nil || !deact {
				t.Fatalf("delete used = %v, %v", deact, err)
			}
			if got, err := st.ChannelAccount(ctx, ws.ID, a.ID); err != nil || got.Active {
				t.Fatalf("after delete: %+v, %v", got, err)
			}
			spare, err := d.CreateChannelAccount(ctx, ws.ID, desk.NewChannelAccount{Channel: desk.ChannelTelegram, Name: "bot",
				Settings: json.RawMessage(`{"token":"tg-secret"}`)})
			if err != nil {
				t.Fatal(err)
			}
			if deact, err := d.DeleteChannelAccount(ctx, ws.ID, spare.ID); err != nil || deact {
				t.Fatalf("delete unused = %v, %v", deact, err)
			}
			if _, err := st.ChannelAccount(ctx, ws.ID, spare.ID); !errors.Is(err, desk.ErrNotFound) {
				t.Fatalf("deleted account: %v", err)
			}
		})
	}
}

func rawSettings(t *testing.T, st desk.Store, id string) string {
	t.Helper()
	db := st.(interface{ DB() *sql.DB }).DB()
	var s string
	if err := db.QueryRow(`SELECT settings FROM channel_accounts WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
