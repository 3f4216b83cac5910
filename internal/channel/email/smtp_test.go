package email_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

const inbox = "support@acme.test"

// mailEnv is a real store and desk (servertest) with an e-mail account and
// the SMTP listener on a loopback port.
type mailEnv struct {
	*servertest.Env
	acct *desk.ChannelAccount
	addr string
}

func newMailEnv(t testing.TB, st desk.Store, maxBytes int64, configure ...func(*email.Server)) *mailEnv {
	t.Helper()
	e := servertest.New(t, st)
	acct, err := e.Deps.Desk.CreateChannelAccount(context.Background(), e.Workspace.ID,
		desk.NewChannelAccount{Channel: desk.ChannelEmail, Name: "Support", UID: "Support@Acme.test"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &email.Server{Ingester: &email.Ingester{Desk: e.Deps.Desk, Files: e.Deps.Files, Log: log}, Log: log, MaxBytes: maxBytes}
	for _, f := range configure {
		f(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &mailEnv{Env: e, acct: acct, addr: ln.Addr().String()}
}

// send delivers raw over SMTP with Go's client.
func (m *mailEnv) send(from, to, raw string) error {
	return smtp.SendMail(m.addr, nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func (m *mailEnv) mustSend(t testing.TB, from, raw string) {
	t.Helper()
	if err := m.send(from, inbox, raw); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func msg(from, subject, id string, headers ...string) string {
	h := strings.Join(headers, "\n")
	if h != "" {
		h += "\n"
	}
	return fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n%sContent-Type: text/plain; charset=utf-8\n\nHello, my order %s is late.\n\nOn Sun, someone wrote:\n> old text\n",
		from, inbox, subject, id, h, id)
}

func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func (m *mailEnv) tickets(t testing.TB) []desk.Ticket {
	t.Helper()
	ts, err := m.Store.Tickets(context.Background(), m.Workspace.ID, desk.TicketFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (m *mailEnv) messages(t testing.TB, ticketID string) []desk.Message {
	t.Helper()
	ms, err := m.Store.Messages(context.Background(), m.Workspace.ID, ticketID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (m *mailEnv) only(t testing.TB) desk.Ticket {
	t.Helper()
	ts := m.tickets(t)
	if len(ts) != 1 {
		t.Fatalf("want 1 ticket, have %d", len(ts))
	}
	return ts[0]
}

func TestSMTPInbound(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		m := newMailEnv(t, open(t), 0)

		t.Run("new mail opens a routed ticket with its contact", func(t *testing.T) {
			m.mustSend(t, "ana@cust.test", msg(`"Ana Díaz" <Ana@Cust.test>`, "Order late", "a1@cust.test"))
			tk := m.only(t)
			if tk.Subject != "Order late" || tk.Channel != desk.ChannelEmail || tk.ChannelAccountID != m.acct.ID || tk.Origin != desk.OriginCustomer {
				t.Fatalf("ticket %+v", tk)
			}
			c, err := m.Store.Contact(ctx, m.Workspace.ID, tk.ContactID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != "Ana Díaz" || c.Email != "ana@cust.test" || len(c.Identities) != 1 || c.Identities[0].ExternalID != "ana@cust.test" {
				t.Fatalf("contact %+v", c)
			}
			ms := m.messages(t, tk.ID)
			if len(ms) != 1 || ms[0].Text != "Hello, my order a1@cust.test is late." || ms[0].ProviderID != "a1@cust.test" || ms[0].Direction != desk.DirectionIn {
				t.Fatalf("messages %+v", ms)
			}
		})
		first := m.only(t)

		t.Run("reply with In-Reply-To threads into the same ticket", func(t *testing.T) {
			// Solved first: the reply must find it by the header, not as
			// the contact's active ticket.
			solve(t, m, first.ID)
			m.mustSend(t, "ana@cust.test", msg("ana@cust.test", "Re: something else", "a2@cust.test", "In-Reply-To: <a1@cust.test>"))
			tk := m.only(t)
			if tk.Status != desk.StatusOpen {
				t.Fatalf("status %s, want reopened", tk.Status)
			}
			if n := len(m.messages(t, first.ID)); n != 2 {
				t.Fatalf("%d messages", n)
			}
		})

		t.Run("subject token from the contact threads", func(t *testing.T) {
			solve(t, m, first.ID)
			m.mustSend(t, "ana@cust.test", msg("ana@cust.test", fmt.Sprintf("More [#%d]", first.Number), "a3@cust.test"))
			if n := len(m.tickets(t)); n != 1 {
				t.Fatalf("%d tickets", n)
			}
			if n := len(m.messages(t, first.ID)); n != 3 {
				t.Fatalf("%d messages", n)
			}
		})

		t.Run("subject token from a stranger opens a new ticket", func(t *testing.T) {
			m.mustSend(t, "eve@evil.test", msg("eve@evil.test", fmt.Sprintf("Re: [#%d]", first.Number), "e1@evil.test"))
			if n := len(m.tickets(t)); n != 2 {
				t.Fatalf("%d tickets, want 2", n)
			}
			if n := len(m.messages(t, first.ID)); n != 3 {
				t.Fatalf("stranger's mail joined the ticket: %d messages", n)
			}
		})

		t.Run("subject token from one of the ticket's CCs threads", func(t *testing.T) {
			if _, err := m.Deps.Desk.UpdateTicket(ctx, m.Workspace.ID, first.ID, desk.Actor{Kind: desk.ActorAgent, ID: m.Admin.ID},
				desk.TicketPatch{CC: &desk.CC{Emails: []string{"Carla@Cust.test"}}}); err != nil {
				t.Fatal(err)
			}
			m.mustSend(t, "carla@cust.test", msg("carla@cust.test", fmt.Sprintf("Re: [#%d] from the CC", first.Number), "c1@cust.test"))
			if n := len(m.tickets(t)); n != 2 {
				t.Fatalf("%d tickets, want still 2", n)
			}
			if n := len(m.messages(t, first.ID)); n != 4 {
				t.Fatalf("the CC's mail did not join the ticket: %d messages", n)
			}
		})

		t.Run("duplicate delivery stores one message", func(t *testing.T) {
			raw := msg("bob@cust.test", "Twice", "b1@cust.test")
			m.mustSend(t, "bob@cust.test", raw)
			m.mustSend(t, "bob@cust.test", raw)
			var found int
			for _, tk := range m.tickets(t) {
				for _, x := range m.messages(t, tk.ID) {
					if x.ProviderID == "b1@cust.test" {
						found++
					}
				}
			}
			if found != 1 {
				t.Fatalf("%d copies", found)
			}
		})

		t.Run("unknown recipient is refused at RCPT", func(t *testing.T) {
			err := m.send("x@cust.test", "nobody@acme.test", msg("x@cust.test", "Hi", "x1@cust.test"))
			if smtpCode(err) != 550 || !strings.Contains(err.Error(), "5.1.1") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("auto-reply to a solved ticket does not reopen it", func(t *testing.T) {
			solve(t, m, first.ID)
			m.mustSend(t, "ana@cust.test", msg("ana@cust.test", "Automatic reply: out of office", "oof1@cust.test",
				"In-Reply-To: <a1@cust.test>", "Auto-Submitted: auto-replied"))
			tk, err := m.Store.Ticket(ctx, m.Workspace.ID, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != desk.StatusSolved {
				t.Fatalf("status %s, want solved", tk.Status)
			}
			if n := len(m.messages(t, first.ID)); n != 5 { // 3 of Ana's, the CC's, the auto-reply
				t.Fatalf("%d messages, want the auto-reply stored", n)
			}
		})

		t.Run("our loop header is dropped", func(t *testing.T) {
			before := len(m.tickets(t))
			m.mustSend(t, "loop@cust.test", msg("loop@cust.test", "Loop", "l1@cust.test", email.LoopHeader+": acme"))
			if n := len(m.tickets(t)); n != before {
				t.Fatalf("loop opened a ticket")
			}
			if _, err := m.Store.MessageByProvider(ctx, m.Workspace.ID, m.acct.ID, "l1@cust.test"); !errors.Is(err, desk.ErrNotFound) {
				t.Fatalf("loop mail stored: %v", err)
			}
		})

		t.Run("a mailbox of another workspace gets its own ticket; an inactive one refuses", func(t *testing.T) {
			ws2, _, _ := m.NewWorkspace("other", "UTC")
			if _, err := m.Deps.Desk.CreateChannelAccount(ctx, ws2.ID,
				desk.NewChannelAccount{Channel: desk.ChannelEmail, UID: "help@other.test"}); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deps.Desk.CreateChannelAccount(ctx, ws2.ID,
				desk.NewChannelAccount{Channel: desk.ChannelEmail, UID: "old@other.test", Inactive: true}); err != nil {
				t.Fatal(err)
			}
			if err := m.send("ana@cust.test", "HELP@other.test", msg("ana@cust.test", "Other", "o1@cust.test")); err != nil {
				t.Fatal(err)
			}
			ts, err := m.Store.Tickets(ctx, ws2.ID, desk.TicketFilter{Limit: 10})
			if err != nil || len(ts) != 1 || ts[0].Subject != "Other" {
				t.Fatalf("other workspace tickets %+v %v", ts, err)
			}
			if err := m.send("ana@cust.test", "old@other.test", msg("ana@cust.test", "Old", "o2@cust.test")); smtpCode(err) != 550 {
				t.Fatalf("inactive mailbox: %v", err)
			}
		})

		t.Run("attachments are uploaded and linked", func(t *testing.T) {
			raw := "From: att@cust.test\nTo: " + inbox + "\nSubject: Photo\nMessage-ID: <att1@cust.test>\nMIME-Version: 1.0\n" +
				"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n--b\n" +
				"Content-Type: text/plain; name=\"notes.txt\"\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nline one\n--b--\n"
			m.mustSend(t, "att@cust.test", raw)
			x, err := m.Store.MessageByProvider(ctx, m.Workspace.ID, m.acct.ID, "att1@cust.test")
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Attachments) != 1 || x.Attachments[0].FileName != "notes.txt" {
				t.Fatalf("attachments %+v", x.Attachments)
			}
		})
	})
}

func solve(t testing.TB, m *mailEnv, id string) {
	t.Helper()
	st := desk.StatusSolved
	if _, err := m.Deps.Desk.UpdateTicket(context.Background(), m.Workspace.ID, id,
		desk.Actor{Kind: desk.ActorAgent, ID: m.Admin.ID}, desk.TicketPatch{Status: &st}); err != nil {
		t.Fatalf("solve: %v", err)
	}
}

// TestSMTPStartTLS: with a certificate the listener offers STARTTLS and a
// mail sent over it is stored.
func TestSMTPStartTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	m := newMailEnv(t, storetest.OpenSQLite(t), 0, func(s *email.Server) {
		s.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}}
	})
	c, err := smtp.Dial(m.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	if err := c.StartTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TLSConnectionState(); !ok {
		t.Fatal("not encrypted after STARTTLS")
	}
	if err := sendOn(c, "tls@cust.test", strings.ReplaceAll(msg("tls@cust.test", "Over TLS", "tls1@cust.test"), "\n", "\r\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Store.MessageByProvider(context.Background(), m.Workspace.ID, m.acct.ID, "tls1@cust.test"); err != nil {
		t.Fatalf("not stored: %v", err)
	}
}

func TestSMTPOversized(t *testing.T) {
	m := newMailEnv(t, storetest.OpenSQLite(t), 4<<10)
	err := m.send("big@cust.test", inbox, msg("big@cust.test", "Big", "big1@cust.test")+strings.Repeat("x", 8<<10)+"\n")
	if smtpCode(err) != 552 || !strings.Contains(err.Error(), "5.3.4") {
		t.Fatalf("got %v", err)
	}
	if n := len(m.tickets(t)); n != 0 {
		t.Fatalf("%d tickets", n)
	}
}

// TestSMTPCorpus sends every file of the shared mail corpus through the
// listener: each is stored or clearly refused, never a crash; bounces
// open no ticket.
func TestSMTPCorpus(t *testing.T) {
	dir := corpus(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		m := newMailEnv(t, open(t), 0)
		ctx := context.Background()
		for _, de := range entries {
			if !strings.HasSuffix(de.Name(), ".eml") {
				continue
			}
			raw, err := os.ReadFile(filepath.Join(dir, de.Name()))
			if err != nil {
				t.Fatal(err)
			}
			parsed, perr := email.Parse(raw)
			before := len(m.tickets(t))
			err = smtp.SendMail(m.addr, nil, "corpus@cust.test", []string{inbox}, crlf(raw))
			switch {
			case err == nil:
			case smtpCode(err) >= 500 && smtpCode(err) < 600:
				t.Logf("%s: refused: %v", de.Name(), err)
				continue
			default:
				t.Errorf("%s: %v", de.Name(), err)
				continue
			}
			if perr != nil {
				t.Errorf("%s: accepted but does not parse: %v", de.Name(), perr)
				continue
			}
			after := len(m.tickets(t))
			switch {
			case parsed.Bounce != nil || parsed.Loop != "":
				if after != before {
					t.Errorf("%s: bounce/loop opened a ticket", de.Name())
				}
			case parsed.MessageID != "":
				if _, err := m.Store.MessageByProvider(ctx, m.Workspace.ID, m.acct.ID, truncID(parsed.MessageID)); err != nil {
					t.Errorf("%s: not stored: %v", de.Name(), err)
				}
			}
		}
	})
}

func truncID(s string) string {
	if len(s) > 512 {
		return s[:512]
	}
	return s
}

// crlf gives every line a CRLF ending, as an MTA sends it.
func crlf(raw []byte) []byte {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

// corpus finds ../shared/mail-corpus beside the module root, or skips.
func corpus(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Skip("no go.mod above the test: cannot find ../shared/mail-corpus")
		}
		dir = filepath.Dir(dir)
	}
	c := filepath.Join(dir, "..", "shared", "mail-corpus")
	if _, err := os.Stat(c); err != nil {
		t.Skipf("mail corpus absent (%s): the corpus-over-SMTP check needs the shared folder beside the repository", c)
	}
	return c
}

// TestSMTPAuth: a listener that demands AUTH (a forwarding target) refuses
// MAIL before it (530), a wrong password (535), and stores the mail of the
// right login; one that does not demand it never advertises AUTH.
func TestSMTPAuth(t *testing.T) {
	m := newMailEnv(t, storetest.OpenSQLite(t), 0, func(s *email.Server) {
		s.Auth = &email.ListenerAuth{Username: "forwarder", Password: "s3cret-pass", AllowInsecure: true}
	})
	raw := strings.ReplaceAll(msg("auth@cust.test", "Forwarded", "auth1@cust.test"), "\n", "\r\n")
	// net/smtp sends PLAIN in the clear only to 127.0.0.1/localhost: as here.
	host, _, _ := net.SplitHostPort(m.addr)
	for _, c := range []struct {
		name string
		auth smtp.Auth
		code int
	}{
		{"no AUTH", nil, 530},
		{"wrong password", smtp.PlainAuth("", "forwarder", "guess", host), 535},
		{"wrong user", smtp.PlainAuth("", "someone", "s3cret-pass", host), 535},
		{"another identity", smtp.PlainAuth("admin", "forwarder", "s3cret-pass", host), 535},
	} {
		err := smtp.SendMail(m.addr, c.auth, "auth@cust.test", []string{inbox}, []byte(raw))
		if smtpCode(err) != c.code {
			t.Errorf("%s: got %v, want %d", c.name, err, c.code)
		}
	}
	if n := len(m.tickets(t)); n != 0 {
		t.Fatalf("%d tickets before a good login", n)
	}
	if err := smtp.SendMail(m.addr, smtp.PlainAuth("", "forwarder", "s3cret-pass", host), "auth@cust.test", []string{inbox}, []byte(raw)); err != nil {
		t.Fatalf("good login: %v", err)
	}
	if _, err := m.Store.MessageByProvider(context.Background(), m.Workspace.ID, m.acct.ID, "auth1@cust.test"); err != nil {
		t.Fatalf("not stored: %v", err)
	}

	open := newMailEnv(t, storetest.OpenSQLite(t), 0)
	c, err := smtp.Dial(open.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("test"); err != nil {
		t.Fatal(err)
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		t.Fatalf("an MX without credentials advertises AUTH %q", mechs)
	}
}

// TestSMTPAuthNeedsTLS: credentials without TLS are refused at start, not
// sent in the clear, unless insecure AUTH is allowed explicitly.
func TestSMTPAuthNeedsTLS(t *testing.T) {
	for _, a := range []*email.ListenerAuth{{Username: "u", Password: "p"}, {Username: "u", AllowInsecure: true}} {
		srv := &email.Server{Ingester: &email.Ingester{}, Auth: a}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Serve(ln); err == nil {
			t.Errorf("%+v: served", a)
		}
		ln.Close()
	}
}

// TestSMTPWithSwaks delivers with swaks, a real SMTP client nobody on the
// team wrote (its own pipelining, dot-stuffing and quirks), plainly and
// over STARTTLS with AUTH, as a forwarder would.
func TestSMTPWithSwaks(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		t.Skip("swaks not installed (apt-get install swaks; .ci/run installs it)")
	}
	m := newMailEnv(t, storetest.OpenSQLite(t), 0, func(s *email.Server) {
		s.Auth = &email.ListenerAuth{Username: "fwd", Password: "pw-123456", AllowInsecure: true}
	})
	host, port, _ := net.SplitHostPort(m.addr)
	// A whole message of our own (swaks would add its own Message-Id), with
	// a line starting with a dot that the client must stuff and we unstuff.
	raw := "From: Swaks User <swaks@cust.test>\r\nTo: " + inbox + "\r\nSubject: Pedido por swaks\r\n" +
		"Message-ID: <swaks1@cust.test>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nHola,\r\n.leading dot line stays\r\nmi pedido no llegó.\r\n"
	file := filepath.Join(t.TempDir(), "mail.eml")
	if err := os.WriteFile(file, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(swaks, "--server", host, "--port", port, "--to", inbox, "--from", "swaks@cust.test",
		"--auth", "PLAIN", "--auth-user", "fwd", "--auth-password", "pw-123456",
		"--data", file, "--hide-all").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	msg, err := m.Store.MessageByProvider(context.Background(), m.Workspace.ID, m.acct.ID, "swaks1@cust.test")
	if err != nil {
		t.Fatalf("not stored: %v", err)
	}
	if !strings.Contains(msg.Text, "\n.leading dot line stays") || strings.Contains(msg.Text, "..leading") || !strings.Contains(msg.Text, "no llegó") {
		t.Fatalf("text %q", msg.Text)
	}
	tk := m.only(t)
	if tk.Subject != "Pedido por swaks" {
		t.Fatalf("subject %q", tk.Subject)
	}
	// Without the login swaks is refused at MAIL (530) and nothing is stored.
	if err := os.WriteFile(strings.Replace(file, "mail.eml", "mail2.eml", 1), []byte(strings.Replace(raw, "swaks1@", "swaks2@", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(swaks, "--server", host, "--port", port, "--to", inbox, "--from", "swaks@cust.test",
		"--data", strings.Replace(file, "mail.eml", "mail2.eml", 1), "--hide-all").CombinedOutput()
	if err == nil {
		t.Fatalf("swaks without AUTH was accepted: %s", out)
	}
	if _, err := m.Store.MessageByProvider(context.Background(), m.Workspace.ID, m.acct.ID, "swaks2@cust.test"); err == nil {
		t.Fatal("a mail without AUTH was stored")
	}
}
