package email_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/outbox/outboxtest"
	"github.com/ticketd/ticketd/internal/secretbox"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// relay is a real SMTP server (go-smtp on 127.0.0.1) that takes PLAIN auth
// for one user and keeps what it is given. fail, when set, answers the
// n-th RCPT or DATA (counted over the server's life) instead.
type relay struct {
	user, pass string
	port       int

	mu    sync.Mutex
	got   [][]byte
	rcpt  []string
	from  []string
	datas int
	fail  func(stage string, n int) error
	mechs []string // offered AUTH mechanisms; nil: PLAIN
	// sessions counts connections; idle, when set, is the server's read
	// timeout (it drops connections idle longer).
	sessions int
	idle     time.Duration
}

func (r *relay) NewSession(*smtp.Conn) (smtp.Session, error) {
	r.mu.Lock()
	r.sessions++
	r.mu.Unlock()
	return &relaySession{r: r}, nil
}

type relaySession struct {
	r      *relay
	from   string
	to     []string
	authOK bool
}

func (s *relaySession) AuthMechanisms() []string {
	if s.r.mechs != nil {
		return s.r.mechs
	}
	return []string{sasl.Plain}
}
func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.r.user || pass != s.r.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		s.authOK = true
		return nil
	}), nil
}
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if s.r.user != "" && !s.authOK {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	s.from = from
	return nil
}
func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.r.check("RCPT", false); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}
func (s *relaySession) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	if err := s.r.check("DATA", true); err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.got = append(s.r.got, b)
	s.r.from = append(s.r.from, s.from)
	s.r.rcpt = append(s.r.rcpt, s.to...)
	return nil
}
func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }

func (r *relay) check(stage string, count bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if count {
		r.datas++
	}
	if r.fail == nil {
		return nil
	}
	return r.fail(stage, r.datas)
}

func (r *relay) mails(t testing.TB) []*email.Mail {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*email.Mail, len(r.got))
	for i, b := range r.got {
		m, err := email.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = m
	}
	return out
}

func (r *relay) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.got) }

func startRelay(t testing.TB, user, pass string) *relay {
	t.Helper()
	return startRelayWith(t, &relay{user: user, pass: pass}, true)
}

// startRelayWith serves r; without insecureAuth, go-smtp offers AUTH only
// after STARTTLS, which it has no certificate for: no AUTH at all.
func startRelayWith(t testing.TB, r *relay, insecureAuth bool) *relay {
	t.Helper()
	srv := smtp.NewServer(r)
	srv.Domain, srv.AllowInsecureAuth = "relay.test", insecureAuth
	// Long enough that a stall of a loaded machine never makes the relay
	// drop a connection a test means to reuse; a test of the drop sets
	// r.idle.
	srv.ReadTimeout, srv.WriteTimeout = 2*time.Minute, 2*time.Minute
	if r.idle > 0 {
		srv.ReadTimeout = r.idle
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	r.port = ln.Addr().(*net.TCPAddr).Port
	return r
}

// env: a workspace with an agent, an e-mail account whose relay is r, and a
// ticket a customer opened by mail.
type env struct {
	*outboxtest.Env
	snd *email.Sender
	r   *relay
}

func newEnv(t testing.TB, st desk.Store) *env {
	t.Helper()
	r := startRelay(t, "help@acme.test", "relay-Secret-1")
	box, err := secretbox.New([]byte("a test secret of 32 characters!!"))
	if err != nil {
		t.Fatal(err)
	}
	var snd *email.Sender
	settings, _ := json.Marshal(map[string]any{"inbound": "smtp", "smtp": map[string]any{
		"host": "127.0.0.1", "port": r.port, "tls": "none", "username": "help@acme.test", "password": "relay-Secret-1"}})
	base := outboxtest.New(t, st, outboxtest.Options{
		Start:   time.Now().UTC().Truncate(time.Millisecond),
		Prepare: func(d *desk.Service) { d.Secrets = box },
		Senders: func(d *desk.Service) map[desk.Channel]channel.Sender {
			snd = &email.Sender{Desk: d, AllowPrivate: true, Timeout: 10 * time.Second}
			return map[desk.Channel]channel.Sender{desk.ChannelEmail: snd}
		},
		Account: desk.NewChannelAccount{Channel: desk.ChannelEmail, Name: "Soporte Acmé", UID: "help@acme.test", Settings: settings},
		Inbound: desk.Inbound{ProviderID: "c1@customer.test", Subject: "Impresora en llamas", Text: "ayuda",
			From: desk.Party{Identity: desk.Identity{ExternalID: "rosa@customer.test", DisplayName: "Rosa Núñez"}, Email: "rosa@customer.test"}},
	})
	return &env{Env: base, snd: snd, r: r}
}

func (e *env) worker() *outbox.Worker {
	return &outbox.Worker{Desk: e.Desk, Senders: e.Registry, Now: e.Clock.Now, Backoff: time.Minute, MaxAge: time.Hour,
		Lease: 20 * time.Second}
}

func (e *env) round(t testing.TB, w *outbox.Worker) {
	t.Helper()
	if _, err := w.Round(e.Ctx); err != nil {
		t.Fatal(err)
	}
}

func each(t *testing.T, f func(t *testing.T, st desk.Store)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

func TestSendReplyThreaded(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		w := e.worker()
		r1 := e.Reply(t, "Hola Rosa,\nya vamos.")
		e.round(t, w)
		mails := e.r.mails(t)
		if len(mails) != 1 {
			t.Fatalf("relay got %d mails, want 1", len(mails))
		}
		m := mails[0]
		id1 := "ticketd." + r1.ID + "@acme.test"
		tok := fmt.Sprintf("[#%d]", e.Ticket.Number)
		if m.From.Address != "help@acme.test" || m.From.Name != "Soporte Acmé" ||
			len(m.To) != 1 || m.To[0].Address != "rosa@customer.test" ||
			m.Subject != "Re: Impresora en llamas "+tok || m.MessageID != id1 ||
			!slices.Equal(m.InReplyTo, []string{"c1@customer.test"}) || !slices.Equal(m.References, []string{"c1@customer.test"}) ||
			m.Loop != e.Account.ID || m.Auto != "" {
			t.Fatalf("mail = from %+v to %+v subject %q id %q in-reply-to %v refs %v loop %q auto %q",
				m.From, m.To, m.Subject, m.MessageID, m.InReplyTo, m.References, m.Loop, m.Auto)
		}
		if m.Text != "Hola Rosa,\nya vamos." || !strings.Contains(m.HTML, "Hola Rosa,") {
			t.Fatalf("parts: text %q html %q", m.Text, m.HTML)
		}
		if e.r.from[0] != "help@acme.test" || e.r.rcpt[0] != "rosa@customer.test" {
			t.Fatalf("envelope %v → %v", e.r.from, e.r.rcpt)
		}
		if d := e.Delivery(t, r1.ID); d.Status != desk.DeliverySent || d.ProviderID != id1 || d.Attempts != 1 {
			t.Fatalf("delivery = %+v", d)
		}
		// The customer's answer finds our reply by its Message-ID.
		if got, err := e.Store.MessageByProvider(e.Ctx, e.WS, e.Account.ID, id1); err != nil || got.ID != r1.ID {
			t.Fatalf("MessageByProvider(%s) = %v, %v", id1, got, err)
		}
		if _, err := e.Desk.Receive(e.Ctx, e.WS, desk.Inbound{AccountID: e.Account.ID, ProviderID: "c2@customer.test",
			TicketID: e.Ticket.ID, Text: "sigue <ardiendo>",
			From: desk.Party{Identity: desk.Identity{ExternalID: "rosa@customer.test"}}}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Second)
		e.Reply(t, "¿Probó <apagarla> & encenderla?")
		e.round(t, w)
		m = e.r.mails(t)[1]
		if !slices.Equal(m.InReplyTo, []string{"c2@customer.test"}) ||
			!slices.Equal(m.References, []string{"c1@customer.test", id1, "c2@customer.test"}) {
			t.Fatalf("second reply threads to %v refs %v", m.InReplyTo, m.References)
		}
		if m.Text != "¿Probó <apagarla> & encenderla?" || !strings.Contains(m.HTML, "&lt;apagarla&gt; &amp;") {
			t.Fatalf("escaped parts: text %q html %q", m.Text, m.HTML)
		}
	})
}

func TestSendTemporaryThenSent(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		e.r.fail = func(stage string, n int) error {
			if stage == "DATA" && n == 1 {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			}
			return nil
		}
		w := e.worker()
		r := e.Reply(t, "hola")
		e.round(t, w)
		if d := e.Delivery(t, r.ID); d.Status != desk.DeliveryQueued || d.Attempts != 1 || !strings.Contains(d.LastError, "451") {
			t.Fatalf("after a 451: %+v", d)
		}
		e.Clock.Add(2 * time.Minute)
		e.round(t, w)
		if d := e.Delivery(t, r.ID); d.Status != desk.DeliverySent || d.Attempts != 2 || e.r.count() != 1 {
			t.Fatalf("after the retry: %+v, relay has %d", d, e.r.count())
		}
	})
}

func TestSendPermanentFailure(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		e.r.fail = func(stage string, _ int) error {
			if stage == "RCPT" {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox rosa unknown"}
			}
			return nil
		}
		w := e.worker()
		r := e.Reply(t, "hola")
		e.round(t, w)
		d := e.Delivery(t, r.ID)
		if d.Status != desk.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.LastError, "550") ||
			!strings.Contains(d.LastError, "mailbox rosa unknown") {
			t.Fatalf("after a 550: %+v", d)
		}
		if strings.Contains(d.LastError, "relay-Secret-1") {
			t.Fatal("password in the error")
		}
	})
}

// A resend of one desk message (a crash between send and settle) carries
// the same Message-ID, so the far side can drop it.
func TestResendSameMessageID(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	to := desk.Identity{Channel: desk.ChannelEmail, ExternalID: "rosa@customer.test"}
	m := channel.Message{ID: "65f000000000000000000001", To: to, Subject: "x", Text: "y", TicketNumber: 7}
	var ids []string
	for range 2 {
		id, err := e.snd.Send(e.Ctx, e.Account, m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	got := e.r.mails(t)
	if len(got) != 2 || ids[0] != ids[1] || got[0].MessageID != ids[0] || got[1].MessageID != ids[0] {
		t.Fatalf("ids %v, arrived %q %q", ids, got[0].MessageID, got[1].MessageID)
	}
}

// Wrong credentials are the relay's 535: permanent, and the password is
// not in the error.
func TestSendAuthRefused(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	e.r.pass = "another"
	to := desk.Identity{Channel: desk.ChannelEmail, ExternalID: "rosa@customer.test"}
	_, err := e.snd.Send(e.Ctx, e.Account, channel.Message{ID: "65f000000000000000000002", To: to, Text: "y"})
	if !errors.Is(err, desk.ErrInvalid) || strings.Contains(err.Error(), "relay-Secret-1") {
		t.Fatalf("err = %v", err)
	}
	// A closed port is weather: temporary.
	e.r.port = 1
	settings, _ := json.Marshal(map[string]any{"smtp": map[string]any{"host": "127.0.0.1", "port": 1, "tls": "none"}})
	a2, err := e.Desk.CreateChannelAccount(e.Ctx, e.WS, desk.NewChannelAccount{Channel: desk.ChannelEmail, UID: "b@acme.test", Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.snd.Send(e.Ctx, a2, channel.Message{ID: "65f000000000000000000003", To: to, Text: "y"}); err == nil || errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("connection refused: %v, want a temporary error", err)
	}
	// Without --allow-private-hosts a loopback relay is refused for good.
	strict := &email.Sender{Desk: e.Desk}
	if _, err := strict.Send(e.Ctx, e.Account, channel.Message{ID: "65f000000000000000000004", To: to, Text: "y"}); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("private relay: %v, want permanent", err)
	}
}

type memBlobs map[string][]byte

func (b memBlobs) Put(context.Context, string, string, io.Reader, int64) (int64, error) {
	return 0, errors.New("read only")
}
func (b memBlobs) Open(_ context.Context, _, key string) (files.Blob, error) {
	v, ok := b[key]
	if !ok {
		return nil, files.ErrNotFound
	}
	return memBlob{bytes.NewReader(v)}, nil
}
func (b memBlobs) Delete(context.Context, string, string) error { return nil }

type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

func TestBuildAttachmentsAndEncoding(t *testing.T) {
	pdf := bytes.Repeat([]byte("%PDF-1.4 \x00\xff binary "), 40)
	s := &email.Sender{Blobs: memBlobs{"ws/ab/1": pdf}}
	acct := &desk.ChannelAccount{ID: "acct1", WorkspaceID: "ws", UID: "help@acme.test", Name: "Señor Soporte"}
	raw, id, err := s.Build(context.Background(), acct, channel.Message{ID: "m1", Subject: "Cañería rota — urgente",
		To: desk.Identity{ExternalID: "jose@customer.test", DisplayName: "José"}, Text: "adjunto", HTML: "<p>adjunto</p>",
		Attachments:  []desk.Attachment{{FileName: "factura año 2026.pdf", ContentType: "application/pdf", Path: "ws/ab/1"}},
		TicketNumber: 42, ReplyTo: "c@x", Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 || strings.ContainsFunc(line, func(r rune) bool { return r > 127 }) {
			t.Fatalf("line not 7-bit or too long: %q", line)
		}
	}
	m, err := email.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if id != "ticketd.m1@acme.test" || m.Subject != "Re: Cañería rota — urgente [#42]" || m.From.Name != "Señor Soporte" ||
		m.To[0].Name != "José" || !strings.HasPrefix(m.Auto, "Auto-Submitted") || m.Text != "adjunto" || m.HTML != "<p>adjunto</p>" {
		t.Fatalf("parsed: id %q subject %q from %+v to %+v auto %q text %q html %q", id, m.Subject, m.From, m.To, m.Auto, m.Text, m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "factura año 2026.pdf" || !bytes.Equal(m.Attachments[0].Data, pdf) {
		t.Fatalf("attachments: %+v", m.Attachments)
	}
	if !strings.Contains(string(raw), "filename*=utf-8''factura%20a%C3%B1o%202026.pdf") {
		t.Fatalf("filename not RFC 2231-encoded:\n%s", raw)
	}
	// An attachment whose bytes are gone never will be: permanent.
	_, _, err = s.Build(context.Background(), acct, channel.Message{ID: "m2", Attachments: []desk.Attachment{{FileName: "x", Path: "ws/zz"}}})
	if !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("missing blob: %v", err)
	}
}

// 200 queued replies all arrive (at least once) when the worker sending
// them stops mid-way and another takes over once the first's leases ran
// out: the stand-in for a node killed between send and settle.
func TestWorkerStoppedMidwayAllArrive(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		const n = 200
		ids := map[string]bool{}
		for i := range n {
			ids["ticketd."+e.Reply(t, fmt.Sprintf("reply %d", i)).ID+"@acme.test"] = true
		}
		ctx, stop := context.WithCancel(e.Ctx)
		w1 := e.worker()
		done := make(chan error, 1)
		go func() { done <- w1.Run(ctx) }()
		for e.r.count() < n/4 {
			time.Sleep(time.Millisecond)
		}
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := e.r.count(); got >= n {
			t.Fatalf("first worker sent all %d before it stopped; the test proves nothing", got)
		}
		t.Logf("first worker: %d of %d arrived", e.r.count(), n)
		w2 := e.worker()
		w2.Now = func() time.Time { return e.Clock.Now().Add(w1.Lease + time.Second) } // its leases ran out
		ctx2, stop2 := context.WithCancel(e.Ctx)
		defer stop2()
		go func() { _ = w2.Run(ctx2) }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			seen := map[string]bool{}
			for _, m := range e.r.mails(t) {
				seen[m.MessageID] = true
			}
			if len(seen) == n {
				for id := range ids {
					if !seen[id] {
						t.Fatalf("%s never arrived", id)
					}
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d distinct messages arrived", len(seen), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("arrived %d mails for %d replies", e.r.count(), n)
	})
}

// BenchmarkOutboxSMTP drains b.N queued replies through the outbox worker
// to a local SMTP relay (go-smtp, PLAIN auth, one connection per message).
func BenchmarkOutboxSMTP(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			e := newEnv(b, be.Open(b))
			for i := range b.N {
				e.Reply(b, fmt.Sprintf("reply %d", i))
			}
			w := e.worker()
			w.Lease = 2 * time.Minute
			b.ResetTimer()
			start := time.Now()
			for e.r.count() < b.N {
				if _, err := w.Round(e.Ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

// Relay connections are kept between messages: a batch of replies uses at
// most one connection per send in flight, the next batch reuses them (RSET
// first); after Close (QUIT to each) the next sends dial again.
func TestSendReusesConnections(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		w := e.worker()
		sessions := func() int { e.r.mu.Lock(); defer e.r.mu.Unlock(); return e.r.sessions }
		var ids []string
		for i := range 20 {
			ids = append(ids, e.Reply(t, fmt.Sprintf("uno %d", i)).ID)
		}
		e.round(t, w)
		first := sessions()
		if e.r.count() != 20 || first > 8 {
			t.Fatalf("first batch: %d mails over %d connections, want 20 over at most 8", e.r.count(), first)
		}
		// One at a time: each finds an idle connection (concurrent sends
		// beyond the idle ones would dial).
		for i := range 5 {
			ids = append(ids, e.Reply(t, fmt.Sprintf("dos %d", i)).ID)
			e.round(t, w)
		}
		if e.r.count() != 25 || sessions() != first {
			t.Fatalf("second batch: %d mails, %d connections (was %d): not reused", e.r.count(), sessions(), first)
		}
		e.snd.Close()
		ids = append(ids, e.Reply(t, "tres").ID)
		e.round(t, w)
		if e.r.count() != 26 || sessions() != first+1 {
			t.Fatalf("after close: %d mails, %d connections", e.r.count(), sessions())
		}
		for _, id := range ids {
			if d := e.Delivery(t, id); d.Status != desk.DeliverySent || d.Attempts != 1 {
				t.Fatalf("delivery %s = %+v", id, d)
			}
		}
	})
}

// A relay that closed an idle connection itself (its timeout) costs a
// failed RSET and a fresh dial, not a failed attempt.
func TestSendRelayDroppedIdle(t *testing.T) {
	each(t, func(t *testing.T, st desk.Store) {
		e := newEnv(t, st)
		w := e.worker()
		r := startRelayWith(t, &relay{user: "help@acme.test", pass: "relay-Secret-1", idle: time.Second}, true)
		settings, _ := json.Marshal(map[string]any{"inbound": "smtp", "smtp": map[string]any{
			"host": "127.0.0.1", "port": r.port, "tls": "none", "username": "help@acme.test", "password": "relay-Secret-1"}})
		if _, err := e.Desk.UpdateChannelAccount(e.Ctx, e.WS, e.Account.ID, desk.ChannelAccountPatch{Settings: settings}); err != nil {
			t.Fatal(err)
		}
		a := e.Reply(t, "antes")
		e.round(t, w)
		time.Sleep(1600 * time.Millisecond) // the relay drops the idle connection
		b := e.Reply(t, "después")
		e.round(t, w)
		r.mu.Lock()
		n, got := r.sessions, len(r.got)
		r.mu.Unlock()
		if got != 2 || n != 2 {
			t.Fatalf("relay got %d mails over %d connections, want 2 over 2", got, n)
		}
		for _, id := range []string{a.ID, b.ID} {
			if d := e.Delivery(t, id); d.Status != desk.DeliverySent || d.Attempts != 1 {
				t.Fatalf("delivery %s = %+v", id, d)
			}
		}
	})
}
