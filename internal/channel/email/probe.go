package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/netguard"
)

// ProbeTimeout bounds each server's whole check (dial, TLS, greeting,
// AUTH): an admin waits on it in a request.
const ProbeTimeout = 15 * time.Second

// ProbeResult is what one server's check found, in wire-neutral words.
type ProbeResult struct {
	// Status: ok, failed, refused (a private target, not allowed), or
	// not_configured (the settings name no such server).
	Status string `json:"status"`
	Host   string `json:"host,omitempty"`
	Port   int    `json:"port,omitempty"`
	// Connected: TCP (and, with tls, the handshake) succeeded.
	Connected bool `json:"connected"`
	// TLS is the protection the session ended with: none, tls or starttls.
	TLS string `json:"tls,omitempty"`
	// Auth: ok, failed, or skipped (no username configured).
	Auth string `json:"auth,omitempty"`
	// Stage names the step that failed: dial, tls, greeting, starttls, auth.
	Stage string `json:"stage,omitempty"`
	// Error is the network's or server's own words for the failure, for
	// the admin to read; never a secret.
	Error string `json:"error,omitempty"`
	// Reason is a stable code for a failure the settings can fix, for a
	// client to act on without reading Error: auth_not_offered (a username
	// is set, the server offers no AUTH), auth_no_plain (it offers AUTH,
	// not PLAIN).
	Reason string `json:"reason,omitempty"`
}

// Prober checks an e-mail account's servers.
type Prober struct {
	// AllowPrivate lets it dial loopback and private addresses
	// (--allow-private-hosts).
	AllowPrivate bool
}

// Probe checks the IMAP and SMTP servers es names, one after the other.
func (p Prober) Probe(ctx context.Context, es *desk.EmailSettings) (imap, smtpRes ProbeResult) {
	imap, smtpRes = ProbeResult{Status: "not_configured"}, ProbeResult{Status: "not_configured"}
	if es.IMAP != nil {
		imap = p.probe(ctx, es.IMAP, p.imap)
	}
	if es.SMTP != nil {
		smtpRes = p.probe(ctx, es.SMTP, p.smtp)
	}
	return imap, smtpRes
}

func (p Prober) probe(ctx context.Context, s *desk.MailServer, run func(context.Context, net.Conn, *desk.MailServer, *ProbeResult) error) ProbeResult {
	r := ProbeResult{Host: s.Host, Port: s.Port, TLS: "none", Auth: "skipped"}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	conn, err := netguard.Dialer(p.AllowPrivate, ProbeTimeout).DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	if err != nil {
		r.Status, r.Stage, r.Error = "failed", "dial", err.Error()
		if errors.Is(err, netguard.ErrPrivate) {
			r.Status = "refused"
		}
		return r
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if s.TLS == "tls" {
		tc := tls.Client(conn, &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			r.Status, r.Stage, r.Error = "failed", "tls", err.Error()
			return r
		}
		conn, r.TLS = tc, "tls"
	}
	r.Connected = true
	if err := run(ctx, conn, s, &r); err != nil {
		r.Status, r.Error = "failed", scrub(err.Error(), s.Password)
		if r.Stage == "auth" {
			r.Auth = "failed"
		}
		switch {
		case errors.Is(err, ErrNoAuth):
			r.Reason = "auth_not_offered"
		case errors.Is(err, ErrNoPlain):
			r.Reason = "auth_no_plain"
		}
		return r
	}
	r.Status = "ok"
	return r
}

// scrub keeps a password out of a server's echo of it.
func scrub(msg, secret string) string {
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "********")
	}
	return msg
}

func (p Prober) smtp(_ context.Context, conn net.Conn, s *desk.MailServer, r *ProbeResult) error {
	r.Stage = "greeting"
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("ticketd.localhost"); err != nil {
		return err
	}
	if s.TLS == "starttls" {
		r.Stage = "starttls"
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("server does not offer STARTTLS")
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
		r.TLS = "starttls"
	}
	if s.Username != "" {
		r.Stage = "auth"
		if err := authOffered(c, s); err != nil {
			return err
		}
		// net/smtp's PLAIN refuses to send credentials in the clear except
		// to localhost: a "none" server elsewhere fails here, by design.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return err
		}
		r.Auth = "ok"
	}
	r.Stage = ""
	_ = c.Quit()
	return nil
}

func (p Prober) imap(ctx context.Context, conn net.Conn, s *desk.MailServer, r *ProbeResult) error {
	r.Stage = "greeting"
	tp := textproto.NewConn(conn)
	line, err := tp.ReadLine()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "* OK") && !strings.HasPrefix(line, "* PREAUTH") {
		return fmt.Errorf("unexpected greeting %q", clip(line))
	}
	if s.TLS == "starttls" {
		r.Stage = "starttls"
		if _, err := imapCmd(tp, "a1", "STARTTLS"); err != nil {
			return err
		}
		tc := tls.Client(conn, &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		tp, r.TLS = textproto.NewConn(tc), "starttls"
	}
	if s.Username != "" {
		r.Stage = "auth"
		u, err1 := imapQuote(s.Username)
		pw, err2 := imapQuote(s.Password)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if _, err := imapCmd(tp, "a2", "LOGIN "+u+" "+pw); err != nil {
			return err
		}
		r.Auth = "ok"
	}
	r.Stage = ""
	_, _ = imapCmd(tp, "a3", "LOGOUT")
	return nil
}

// imapCmd sends one tagged command and reads to its tagged answer, which
// must be OK.
func imapCmd(tp *textproto.Conn, tag, cmd string) (string, error) {
	if err := tp.PrintfLine("%s %s", tag, cmd); err != nil {
		return "", err
	}
	for range 100 {
		line, err := tp.ReadLine()
		if err != nil {
			return "", err
		}
		if rest, ok := strings.CutPrefix(line, tag+" "); ok {
			if strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return rest, nil
			}
			return "", fmt.Errorf("server answered %q", clip(rest))
		}
	}
	return "", errors.New("no tagged answer")
}

// imapQuote makes an IMAP quoted string; CR and LF cannot be quoted.
func imapQuote(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", errors.New("credentials contain a line break")
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
