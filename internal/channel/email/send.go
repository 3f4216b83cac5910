package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/netguard"
)

// SendTimeout bounds one SMTP session (dial to QUIT) when Sender.Timeout
// is zero. The outbox cuts each send at half its lease as well.
const SendTimeout = 60 * time.Second

// Sender delivers outbox replies on e-mail accounts through the relay in
// the account's settings (`smtp`). It is the channel.Sender of
// desk.ChannelEmail.
type Sender struct {
	// Desk opens the account's settings with their secrets.
	Desk *desk.Service
	// Blobs holds attachments' contents; nil sends none (a reply with
	// attachments then fails for good rather than leave without them).
	Blobs files.Blobs
	// AllowPrivate lets it dial loopback and private relays
	// (--allow-private-hosts).
	AllowPrivate bool
	Timeout      time.Duration
	// Now is the clock of the Date header; nil is time.Now.
	Now func() time.Time

	pool relayPool
}

var _ channel.Sender = (*Sender)(nil)

// MessageID is the Message-ID (without <>) of desk message id sent from
// address from: derived, not random, so a resend after a crash carries
// the same id and the receiving side can drop the duplicate.
func MessageID(deskID, from string) string {
	if deskID == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		deskID = hex.EncodeToString(b[:])
	}
	return "ticketd." + deskID + "@" + domainOf(from)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "ticketd.localhost"
}

// Subject is the subject of a reply on ticket number: the token
// `[#number]` is what the inbound side matches a reply to its ticket by.
func Subject(ticketSubject string, number int64) string {
	s := strings.TrimSpace(ticketSubject)
	low := strings.ToLower(s)
	if !strings.HasPrefix(low, "re:") {
		s = "Re: " + s
	}
	tok := "[#" + strconv.FormatInt(number, 10) + "]"
	if number > 0 && !strings.Contains(s, tok) {
		s += " " + tok
	}
	return s
}

// subjectOf is m's subject: the one desk stored with it (an
// acknowledgement's, Meta["email"].subject) with the ticket token added,
// else Subject of the ticket's.
func subjectOf(m channel.Message) string {
	var em struct {
		Subject string `json:"subject"`
	}
	if raw := m.Meta["email"]; raw != nil && json.Unmarshal(raw, &em) == nil && strings.TrimSpace(em.Subject) != "" {
		s := strings.TrimSpace(em.Subject)
		if tok := "[#" + strconv.FormatInt(m.TicketNumber, 10) + "]"; m.TicketNumber > 0 && !strings.Contains(s, tok) {
			s += " " + tok
		}
		return s
	}
	return Subject(m.Subject, m.TicketNumber)
}

// Send builds m and hands it to the account's relay. It returns the
// Message-ID (without <>), which the outbox records as the message's
// provider id.
func (s *Sender) Send(ctx context.Context, account *desk.ChannelAccount, m channel.Message) (string, error) {
	// The outbox read the account for this send: its secrets are opened
	// from that copy, without reading it again.
	acct := account
	es, err := s.Desk.EmailSettingsOf(acct)
	if err != nil {
		return "", fmt.Errorf("%w: %v", desk.ErrInvalid, err)
	}
	if es.SMTP == nil || es.SMTP.Host == "" {
		return "", fmt.Errorf("%w: e-mail account %s has no smtp relay", desk.ErrInvalid, acct.UID)
	}
	if _, err := mail.ParseAddress(m.To.ExternalID); err != nil {
		return "", fmt.Errorf("%w: recipient %q: %v", desk.ErrInvalid, m.To.ExternalID, err)
	}
	raw, id, err := s.Build(ctx, acct, m)
	if err != nil {
		return "", err
	}
	if err := s.relay(ctx, es.SMTP, acct.UID, m.To.ExternalID, raw); err != nil {
		return "", err
	}
	return id, nil
}

// Build returns the MIME message of m as sent from acct, and its
// Message-ID (without <>).
func (s *Sender) Build(ctx context.Context, acct *desk.ChannelAccount, m channel.Message) ([]byte, string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id := MessageID(m.ID, acct.UID)
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", (&mail.Address{Name: oneLine(acct.Name), Address: acct.UID}).String())
	hdr("To", (&mail.Address{Name: oneLine(m.To.DisplayName), Address: m.To.ExternalID}).String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", oneLine(subjectOf(m))))
	hdr("Date", now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+id+">")
	if m.ReplyTo != "" {
		hdr("In-Reply-To", "<"+m.ReplyTo+">")
		refs := m.References
		if len(refs) == 0 {
			refs = []string{m.ReplyTo}
		}
		ids := make([]string, len(refs))
		for i, r := range refs {
			ids[i] = "<" + r + ">"
		}
		// One id per folded line keeps a long chain under the 998-octet
		// line limit.
		hdr("References", strings.Join(ids, "\r\n "))
	}
	if m.Auto {
		hdr("Auto-Submitted", "auto-replied")
	}
	hdr(LoopHeader, acct.ID)
	hdr("MIME-Version", "1.0")

	alt := func(w *multipart.Writer) error {
		h := m.HTML
		if h == "" {
			h = "<div>" + strings.ReplaceAll(html.EscapeString(m.Text), "\n", "<br>\r\n") + "</div>"
		}
		for _, p := range []struct{ ct, body string }{{"text/plain", m.Text}, {"text/html", h}} {
			pw, err := w.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.ct + "; charset=utf-8"},
				"Content-Transfer-Encoding": {"quoted-printable"},
			})
			if err != nil {
				return err
			}
			qp := quotedprintable.NewWriter(pw)
			if _, err := qp.Write([]byte(p.body)); err != nil {
				return err
			}
			if err := qp.Close(); err != nil {
				return err
			}
		}
		return w.Close()
	}
	if len(m.Attachments) == 0 {
		w := multipart.NewWriter(&b)
		hdr("Content-Type", "multipart/alternative; boundary="+w.Boundary())
		b.WriteString("\r\n")
		if err := alt(w); err != nil {
			return nil, "", err
		}
		return b.Bytes(), id, nil
	}
	mixed := multipart.NewWriter(&b)
	hdr("Content-Type", "multipart/mixed; boundary="+mixed.Boundary())
	b.WriteString("\r\n")
	var inner bytes.Buffer
	aw := multipart.NewWriter(&inner)
	if err := alt(aw); err != nil {
		return nil, "", err
	}
	pw, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=" + aw.Boundary()}})
	if err != nil {
		return nil, "", err
	}
	_, _ = pw.Write(inner.Bytes())
	for _, a := range m.Attachments {
		if err := s.attach(ctx, mixed, acct.WorkspaceID, a); err != nil {
			return nil, "", err
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), id, nil
}

// attach writes a as a base64 part; names go out RFC 2231-encoded when not
// ASCII (mime.FormatMediaType does that).
func (s *Sender) attach(ctx context.Context, w *multipart.Writer, ws string, a desk.Attachment) error {
	if s.Blobs == nil || strings.Contains(a.Path, "://") {
		return fmt.Errorf("%w: attachment %s cannot be read for e-mail", desk.ErrInvalid, a.FileName)
	}
	blob, err := s.Blobs.Open(ctx, ws, a.Path)
	if err != nil {
		if errors.Is(err, files.ErrNotFound) {
			return fmt.Errorf("%w: attachment %s: %v", desk.ErrInvalid, a.FileName, err)
		}
		return err
	}
	defer blob.Close()
	ct := a.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	name := oneLine(a.FileName)
	if name == "" {
		name = "attachment"
	}
	mt, _, _ := mime.ParseMediaType(ct)
	pw, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(mt, map[string]string{"name": name})},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	enc := base64.NewEncoder(base64.StdEncoding, &lineWriter{w: pw})
	if _, err := io.Copy(enc, blob); err != nil {
		return fmt.Errorf("attachment %s: %w", a.FileName, err)
	}
	return enc.Close()
}

// lineWriter breaks base64 into 76-character lines (RFC 2045).
type lineWriter struct {
	w   io.Writer
	col int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
		p, l.col = p[k:], l.col+k
		if l.col == 76 {
			if _, err := l.w.Write([]byte("\r\n")); err != nil {
				return 0, err
			}
			l.col = 0
		}
	}
	return n, nil
}

// oneLine keeps a header value on its line: a CR or LF in a name or a
// subject would start a header of the sender's choosing.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// relay sends raw from → to through srv, on a connection kept from an
// earlier message to the same relay and credentials when one is idle
// (relaypool.go), else a new one. SMTP 5xx answers are permanent
// (wrapping desk.ErrInvalid, with the server's words); 4xx and network
// errors are temporary.
func (s *Sender) relay(ctx context.Context, srv *desk.MailServer, from, to string, raw []byte) (err error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = SendTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stage := "dial"
	defer func() {
		if err != nil {
			err = classify(stage, srv, err)
		}
	}()
	rs, err := s.pool.get(ctx, srv)
	if err != nil {
		return err
	}
	if rs == nil {
		if rs, err = s.open(ctx, srv, &stage); err != nil {
			return err
		}
	}
	// The deadline bounds each read and write; closing on ctx ends a
	// session stuck elsewhere (shutdown, the outbox's cut).
	deadline, _ := ctx.Deadline()
	_ = rs.conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = rs.conn.Close() })
	done := false
	defer func() {
		// Back to the pool only after a clean transaction on a connection
		// ctx did not close; anything else is closed.
		if stop() && done {
			s.pool.put(rs)
		} else {
			rs.close()
		}
	}()
	c := rs.c
	stage = "MAIL FROM"
	if err := c.Mail(from); err != nil {
		return err
	}
	stage = "RCPT TO"
	if err := c.Rcpt(to); err != nil {
		return err
	}
	stage = "DATA"
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	rs.uses++
	done = true
	return nil
}

// open dials srv and gets a session ready for MAIL FROM: TLS, EHLO,
// STARTTLS, AUTH as configured. *stage names the step under way.
func (s *Sender) open(ctx context.Context, srv *desk.MailServer, stage *string) (_ *relaySession, err error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = SendTimeout
	}
	conn, err := netguard.Dialer(s.AllowPrivate, timeout).DialContext(ctx, "tcp", net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = conn.Close()
		}
	}()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	tcfg := &tls.Config{ServerName: srv.Host, MinVersion: tls.VersionTLS12}
	if srv.TLS == "tls" {
		*stage = "tls"
		tc := tls.Client(conn, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		conn = tc
	}
	*stage = "greeting"
	c, err := smtp.NewClient(conn, srv.Host)
	if err != nil {
		return nil, err
	}
	if err := c.Hello("localhost"); err != nil {
		return nil, err
	}
	if srv.TLS == "starttls" {
		*stage = "starttls"
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return nil, fmt.Errorf("%w: relay does not offer STARTTLS", desk.ErrInvalid)
		}
		if err := c.StartTLS(tcfg); err != nil {
			return nil, err
		}
	}
	if srv.Username != "" {
		*stage = "auth"
		if err := authOffered(c, srv); err != nil {
			return nil, fmt.Errorf("%w: %w", desk.ErrInvalid, err)
		}
		if err := c.Auth(smtp.PlainAuth("", srv.Username, srv.Password, srv.Host)); err != nil {
			var te *textproto.Error
			if !errors.As(err, &te) && !isNet(err) {
				// net/smtp refusing PLAIN in the clear: configuration,
				// not weather.
				return nil, fmt.Errorf("%w: %v", desk.ErrInvalid, err)
			}
			return nil, err
		}
	}
	return &relaySession{key: relayKey(srv), conn: conn, c: c}, nil
}

// ErrNoAuth: a username is configured but the relay offers no AUTH at
// this point of the session. Permanent: a send wraps it in desk.ErrInvalid
// too — retrying cannot make the relay offer it, the settings must change. Without this check net/smtp sends AUTH anyway and
// reports whatever the server answers (a bare `250 ok` from some), which
// tells the admin nothing.
var ErrNoAuth = errors.New("relay does not offer AUTH")

// ErrNoPlain: the relay offers AUTH, but not PLAIN, the one mechanism our
// client uses (net/smtp). Permanent like ErrNoAuth.
var ErrNoPlain = errors.New("relay does not offer AUTH PLAIN")

// authOffered checks, after EHLO (and STARTTLS), that c's server offers
// AUTH PLAIN, and says what to change when it does not.
func authOffered(c *smtp.Client, srv *desk.MailServer) error {
	ok, mechs := c.Extension("AUTH")
	if !ok {
		hint := "remove the username if the relay takes mail without authentication"
		if srv.TLS == "none" {
			hint = "try tls: starttls — relays offer AUTH only over TLS"
		}
		return fmt.Errorf("%w (%s)", ErrNoAuth, hint)
	}
	for _, m := range strings.Fields(strings.ToUpper(mechs)) {
		if m == "PLAIN" {
			return nil
		}
	}
	return fmt.Errorf("%w (it offers %s)", ErrNoPlain, strings.TrimSpace(mechs))
}

func isNet(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF)
}

func classify(stage string, srv *desk.MailServer, err error) error {
	msg := scrub(err.Error(), srv.Password)
	var te *textproto.Error
	switch {
	case errors.Is(err, desk.ErrInvalid):
		return fmt.Errorf("smtp %s %s: %w", srv.Host, stage, err) // our own words: no secret
	case errors.Is(err, netguard.ErrPrivate):
		return fmt.Errorf("%w: smtp %s: %s", desk.ErrInvalid, srv.Host, msg)
	case errors.As(err, &te) && te.Code >= 500:
		return fmt.Errorf("%w: smtp %s %s: %s", desk.ErrInvalid, srv.Host, stage, msg)
	}
	return fmt.Errorf("smtp %s %s: %s", srv.Host, stage, msg)
}
