package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

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

// imap checks the way the poller connects (imap.go): greeting, STARTTLS,
// LOGIN, then the folder — that it exists (SELECT) and is not the server's
// \Sent folder.
func (p Prober) imap(ctx context.Context, conn net.Conn, s *desk.MailServer, r *ProbeResult) error {
	r.Stage = "greeting"
	if s.TLS == "starttls" {
		r.Stage = "starttls"
	}
	mode := *s
	if mode.TLS == "tls" {
		mode.TLS = "none" // probe did the handshake already
	}
	c, err := newIMAPClient(ctx, conn, &mode)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.TLS == "starttls" {
		r.TLS = "starttls"
	}
	if s.Username != "" {
		r.Stage = "auth"
		if err := c.Login(s.Username, s.Password).Wait(); err != nil {
			return err
		}
		r.Auth = "ok"
	}
	r.Stage = "folder"
	folder := s.Folder
	if folder == "" {
		folder = "INBOX"
	}
	if err := checkFolder(c, folder); err != nil {
		return err
	}
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return fmt.Errorf("select %q: %w", folder, err)
	}
	r.Stage = ""
	_ = c.Logout().Wait()
	return nil
}
