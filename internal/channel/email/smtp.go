package email

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/net/netutil"

	"github.com/ticketd/ticketd/internal/desk"
)

// SMTP listener defaults.
const (
	DefaultMaxBytes       = 25 << 20 // what most providers send at most
	DefaultMaxConns       = 100
	DefaultMaxRecipients  = 50
	DefaultMaxInFlight    = 32 // mails read and stored at once
	DefaultSMTPTimeout    = 60 * time.Second
	defaultIngestDeadline = 2 * time.Minute
)

// Server receives mail for the e-mail channel accounts of every workspace
// over SMTP. As an MX it takes mail only for our own addresses, without
// AUTH, as any MX does; as a forwarding target it may demand AUTH (Auth
// set), so that only the team's own forwarder can deliver. STARTTLS when
// TLS is set.
type Server struct {
	Ingester *Ingester
	Log      *slog.Logger
	Domain   string // the name in the greeting; default "ticketd"
	MaxBytes int64  // answered 552 5.3.4 beyond; default DefaultMaxBytes
	MaxConns int    // connections served at once; more wait in the backlog
	// MaxInFlight bounds the mails held in memory at once (each up to
	// MaxBytes, and its parse a few times that): other sessions wait
	// before DATA is read, their bytes in the kernel's buffers.
	MaxInFlight int
	Timeout     time.Duration
	// TLS, when set, offers STARTTLS (opportunistic: plaintext is still
	// accepted, as senders' servers fall back to it anyway).
	TLS *tls.Config
	// Auth, when set, makes AUTH PLAIN with these credentials required
	// before MAIL FROM; it is offered only after STARTTLS unless
	// Auth.AllowInsecure (a forwarder on the same host or a private link).
	Auth *ListenerAuth

	srv      *smtp.Server
	inFlight chan struct{}
}

// Serve answers SMTP on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	if s.MaxBytes <= 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.MaxConns <= 0 {
		s.MaxConns = DefaultMaxConns
	}
	if s.MaxInFlight <= 0 {
		s.MaxInFlight = DefaultMaxInFlight
	}
	s.inFlight = make(chan struct{}, s.MaxInFlight)
	if s.Timeout <= 0 {
		s.Timeout = DefaultSMTPTimeout
	}
	if s.Domain == "" {
		s.Domain = "ticketd"
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, remote: c.Conn().RemoteAddr().String()}, nil
	}))
	srv.Domain = s.Domain
	srv.MaxMessageBytes = s.MaxBytes
	srv.MaxRecipients = DefaultMaxRecipients
	// Real mail breaks RFC 5321's 1000-byte lines (HTML on one line); the
	// size limit bounds memory, so the line limit only stops runaways.
	srv.MaxLineLength = 1 << 20
	srv.ReadTimeout, srv.WriteTimeout = s.Timeout, s.Timeout
	srv.ErrorLog = logAdapter{s.log()}
	srv.TLSConfig = s.TLS
	if err := s.Check(); err != nil {
		return err
	}
	if s.Auth != nil {
		srv.AllowInsecureAuth = s.Auth.AllowInsecure
	}
	s.srv = srv
	return srv.Serve(netutil.LimitListener(ln, s.MaxConns))
}

// Check reports a configuration Serve would refuse, so that a command can
// fail at start instead of in the listener's goroutine.
func (s *Server) Check() error {
	if s.Auth == nil {
		return nil
	}
	if s.Auth.Username == "" || s.Auth.Password == "" {
		return errors.New("smtp listener: AUTH needs both a username and a password")
	}
	if s.TLS == nil && !s.Auth.AllowInsecure {
		return errors.New("smtp listener: AUTH without STARTTLS would send the password in the clear; configure TLS or allow insecure AUTH")
	}
	return nil
}

// Shutdown stops accepting and waits for sessions to end (a mail in DATA
// finishes its Receive) until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// Close closes the listener and every connection now.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

func (s *Server) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// ListenerAuth is the one login a forwarder uses to deliver to the listener.
type ListenerAuth struct {
	Username, Password string
	// AllowInsecure offers AUTH without TLS.
	AllowInsecure bool
}

// errAuthRequired is go-smtp's 530 with the enhanced code RFC 4954 names.
var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

type session struct {
	s        *Server
	remote   string
	from     string
	accounts []desk.ChannelAccount
	authed   bool
}

// AuthMechanisms offers PLAIN only when the listener demands AUTH: an MX
// that advertises AUTH invites password guessing for nothing.
func (ss *session) AuthMechanisms() []string {
	if ss.s.Auth == nil {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks PLAIN credentials in constant time; a failure is logged with
// the peer so that guessing shows in the logs.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.s.Auth == nil || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		a := ss.s.Auth
		okUser := subtle.ConstantTimeCompare([]byte(username), []byte(a.Username)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(password), []byte(a.Password)) == 1
		if !okUser || !okPass || (identity != "" && identity != username) {
			ss.s.log().Warn("smtp: AUTH failed", slog.String("remote", ss.remote))
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Reset()        { ss.from, ss.accounts = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.Auth != nil && !ss.authed {
		return errAuthRequired
	}
	ss.from = from // "" is the null sender of bounces: allowed
	return nil
}

var errNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}

// Rcpt accepts only addresses that are an active e-mail account of some
// workspace: refusing at RCPT keeps us from being a relay and makes the
// sending server, not us, tell the sender about a typo.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	addr, err := mail.ParseAddress(to)
	if err != nil {
		addr = &mail.Address{Address: strings.Trim(to, "<> ")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.Timeout)
	defer cancel()
	accts, err := ss.s.Ingester.Accounts(ctx, addr.Address)
	if err != nil {
		ss.s.log().Error("smtp: look up recipient", slog.String("rcpt", addr.Address), slog.Any("err", err))
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	if len(accts) == 0 {
		return errNoMailbox
	}
	for _, a := range accts {
		if !ss.has(a.ID) {
			ss.accounts = append(ss.accounts, a)
		}
	}
	return nil
}

func (ss *session) has(id string) bool {
	for _, a := range ss.accounts {
		if a.ID == id {
			return true
		}
	}
	return false
}

// Data reads the mail and stores it on every accepted recipient's account
// before answering: the 250 means the message is durable, so a sender
// never deletes a mail we have not committed.
func (ss *session) Data(r io.Reader) error {
	ss.s.inFlight <- struct{}{}
	defer func() { <-ss.s.inFlight }()
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // go-smtp's ErrDataTooLarge is answered 552 5.3.4
	}
	ctx, cancel := context.WithTimeout(context.Background(), defaultIngestDeadline)
	defer cancel()
	log := ss.s.log().With(slog.String("remote", ss.remote), slog.String("mail_from", ss.from))
	for i := range ss.accounts {
		a := &ss.accounts[i]
		res, err := ss.s.Ingester.Ingest(ctx, a, raw)
		if err != nil {
			return refusal(log, a, err)
		}
		if res.Threaded != nil {
			log.Debug("smtp: stored", slog.String("account", a.ID), slog.Int64("ticket", res.Threaded.Ticket.Number),
				slog.Bool("duplicate", res.Threaded.Duplicate))
		}
	}
	return nil
}

// refusal answers a failed ingest: permanent (5xx) when the mail can never
// be stored, else temporary (4xx) so the sending server retries. When one
// of several accounts failed, the others keep their message; the retry
// finds them by Message-ID and stores only what is missing.
func refusal(log *slog.Logger, a *desk.ChannelAccount, err error) error {
	if errors.Is(err, ErrNotMail) {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Not a mail message"}
	}
	if fe, ok := desk.AsFieldError(err); ok && errors.Is(err, desk.ErrInvalid) {
		log.Info("smtp: refused", slog.String("account", a.ID), slog.String("field", fe.Field), slog.String("code", string(fe.Code)))
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message: "Message refused: " + desk.Text(fe.Code, fe.Field, fe.Params)}
	}
	log.Error("smtp: ingest failed", slog.String("account", a.ID), slog.Any("err", err))
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
}

// logAdapter sends go-smtp's connection errors to slog.
type logAdapter struct{ l *slog.Logger }

func (a logAdapter) Printf(format string, v ...any) { a.l.Warn("smtp: " + fmt.Sprintf(format, v...)) }
func (a logAdapter) Println(v ...any)               { a.l.Warn("smtp: " + strings.TrimSpace(fmt.Sprintln(v...))) }
