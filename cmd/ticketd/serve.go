package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/outbox"
	"github.com/ticketd/ticketd/internal/secretbox"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

func serve(ctx context.Context, args []string) error {
	fs := newFlags("serve")
	addr := fs.String("addr", env("addr", "127.0.0.1:8080"), "listen address (env TICKETD_ADDR)")
	db := dbFlag(fs)
	dataDir := fs.String("data", env("data", "ticketd-data"), "folder for uploaded files (env TICKETD_DATA)")
	logLevel := fs.String("log-level", env("log_level", "info"), "debug, info, warn or error (env TICKETD_LOG_LEVEL)")
	grace := fs.Duration("shutdown-grace", envDuration("shutdown_grace", 15*time.Second), "how long shutdown waits for in-flight requests")
	pprof := fs.Bool("pprof", envBool("pprof", false), "serve /debug/pprof to admin tokens (env TICKETD_PPROF)")
	dolphinsTTL := fs.Duration("dolphins-token-ttl", envDuration("dolphins_token_ttl", 24*time.Hour),
		"lifetime of tokens from the 3Dolphins door's POST /graph/auth (env TICKETD_DOLPHINS_TOKEN_TTL)")
	secret := fs.String("secret", env("secret", ""), "signs live-stream room tokens and seals channel-account secrets; every node needs the same one, and changing or losing it loses the stored channel secrets "+
		"(env TICKETD_SECRET; default: a random secret kept in the data folder)")
	outboxMaxAge := fs.Duration("outbox-max-age", envDuration("outbox_max_age", outbox.DefaultMaxAge),
		"how long a reply that fails temporarily is retried before it is failed (env TICKETD_OUTBOX_MAX_AGE)")
	outboxLease := fs.Duration("outbox-lease", envDuration("outbox_lease", outbox.DefaultLease),
		"how long a node's claim on an outbox row lasts before another node may send it (env TICKETD_OUTBOX_LEASE)")
	allowPrivate := fs.Bool("allow-private-hosts", envBool("allow_private_hosts", false),
		"let outbound connections (a channel account's test, SMTP relays) dial loopback and private addresses (env TICKETD_ALLOW_PRIVATE_HOSTS)")
	smtpAddr := fs.String("smtp-addr", env("smtp_addr", ""),
		"listen address of the SMTP listener that turns mail to e-mail channel accounts into tickets; empty: off (env TICKETD_SMTP_ADDR)")
	smtpMax := fs.Int64("smtp-max-bytes", envInt64("smtp_max_bytes", email.DefaultMaxBytes),
		"largest mail the SMTP listener takes; larger is answered 552 (env TICKETD_SMTP_MAX_BYTES)")
	smtpAuthUser := fs.String("smtp-auth-username", env("smtp_auth_username", ""),
		"demand AUTH PLAIN with this username before MAIL (a forwarding target only the team's forwarder may deliver to); with --smtp-auth-password (env TICKETD_SMTP_AUTH_USERNAME)")
	smtpAuthPass := fs.String("smtp-auth-password", env("smtp_auth_password", ""),
		"the password of --smtp-auth-username; prefer the env TICKETD_SMTP_AUTH_PASSWORD (a flag shows in ps)")
	smtpInsecureAuth := fs.Bool("smtp-allow-insecure-auth", envBool("smtp_allow_insecure_auth", false),
		"offer AUTH without STARTTLS (a forwarder on the same host or a private link; env TICKETD_SMTP_ALLOW_INSECURE_AUTH)")
	smtpInFlight := fs.Int64("smtp-max-inflight", envInt64("smtp_max_inflight", email.DefaultMaxInFlight),
		"mails the SMTP listener reads and stores at once; each is held in memory up to --smtp-max-bytes, more lets the store commit bigger groups (env TICKETD_SMTP_MAX_INFLIGHT)")
	smtpCert := fs.String("smtp-tls-cert", env("smtp_tls_cert", ""),
		"PEM certificate (chain) the SMTP listener offers with STARTTLS; with --smtp-tls-key (env TICKETD_SMTP_TLS_CERT)")
	smtpKey := fs.String("smtp-tls-key", env("smtp_tls_key", ""), "PEM private key of --smtp-tls-cert (env TICKETD_SMTP_TLS_KEY)")
	imapPoll := fs.Bool("imap-poll", envBool("imap_poll", true),
		"poll the IMAP mailboxes of e-mail channel accounts whose settings say inbound imap; every node may, a lease keeps one per mailbox (env TICKETD_IMAP_POLL)")
	publicURL := fs.String("public-url", env("public_url", ""),
		"where agents reach ticketd, e.g. https://desk.example.com; an https:// URL marks the desk's session cookies Secure behind a TLS proxy (env TICKETD_PUBLIC_URL)")
	mounts := mountFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := mounts.Validate(); err != nil {
		return err
	}
	log := newLogger(*logLevel)
	tuneGC()
	key, err := loadSecret(*secret, *dataDir)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	deps := server.NewDeps(st, log)
	deps.Pprof, deps.Files = *pprof, server.FileStore(st, *dataDir)
	deps.DolphinsTokenTTL = *dolphinsTTL
	deps.Secret = key
	// The same secret seals channel accounts' passwords and tokens; a
	// derived key keeps the two uses apart (internal/secretbox).
	if deps.Desk.Secrets, err = secretbox.New(key); err != nil {
		return err
	}
	deps.AllowPrivateHosts = *allowPrivate
	deps.Mounts = *mounts
	deps.PublicURL = *publicURL
	h := server.Handler(deps, server.NewMetrics(sqlstore.Collectors()...))
	// E-mail replies leave through each account's SMTP relay; the worker
	// also sends rows another node (or version) queued.
	mailer := &email.Sender{Desk: deps.Desk, Blobs: deps.Files.Blobs, AllowPrivate: *allowPrivate}
	senders := channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelEmail: mailer})
	deps.Desk.Outbox = senders
	ob := &outbox.Worker{Desk: deps.Desk, Senders: senders, Log: log, MaxAge: *outboxMaxAge, Lease: *outboxLease}
	obCtx, stopOutbox := context.WithCancel(context.WithoutCancel(ctx))
	obDone := make(chan error, 1)
	go func() { obDone <- ob.Run(obCtx) }()
	// Stopped after the HTTP server has drained, before the store closes.
	defer func() { stopOutbox(); <-obDone; mailer.Close() }() // then QUIT the idle relay connections
	if *imapPoll {
		// Like the outbox worker: stopped after the HTTP drain, before the
		// store closes; a poll in flight ends at its next read or write.
		run := &email.IMAPRunner{Log: log, Poller: &email.MailboxPoller{
			Ingester: &email.Ingester{Desk: deps.Desk, Files: deps.Files, Log: log}, Log: log, AllowPrivate: *allowPrivate}}
		imapCtx, stopIMAP := context.WithCancel(context.WithoutCancel(ctx))
		imapDone := make(chan error, 1)
		go func() { imapDone <- run.Run(imapCtx) }()
		defer func() { stopIMAP(); <-imapDone }()
	}
	if *smtpAddr != "" {
		stop, err := startSMTP(*smtpAddr, *smtpMax, int(*smtpInFlight), listenerAuth(*smtpAuthUser, *smtpAuthPass, *smtpInsecureAuth), *smtpCert, *smtpKey, deps, log, *grace)
		if err != nil {
			return err
		}
		// Stopped after the HTTP drain and before the store closes: a
		// mail in DATA finishes its Receive or gets no 250.
		defer stop()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("ticketd serving", slog.String("addr", ln.Addr().String()), slog.String("store", st.Backend()),
		slog.String("version", version()))
	return server.Run(ctx, ln, h, *grace, log)
}

// startSMTP starts the inbound SMTP listener (docs/email.md "Inbound over
// SMTP") and returns its stop.
func startSMTP(addr string, maxBytes int64, inFlight int, auth *email.ListenerAuth, certFile, keyFile string, deps server.Deps, log *slog.Logger, grace time.Duration) (func(), error) {
	srv := &email.Server{Ingester: &email.Ingester{Desk: deps.Desk, Files: deps.Files, Log: log}, Log: log, MaxBytes: maxBytes, MaxInFlight: inFlight, Auth: auth}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("smtp tls: %w", err)
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if err := srv.Check(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smtp listen: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("ticketd SMTP listening", slog.String("addr", ln.Addr().String()), slog.Int64("max_bytes", maxBytes),
		slog.Bool("starttls", srv.TLS != nil), slog.Bool("auth", auth != nil))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	}, nil
}

// mountFlags adds a flag per dialect mount (DESIGN.md §1: configurable).
func mountFlags(fs *flag.FlagSet) *server.Mounts {
	m := server.DefaultMounts()
	for _, f := range []struct {
		name, what string
		into       *string
	}{
		{"mount-postcenter", "PostCenter v2", &m.PostCenter},
		{"mount-bangwo8", "Bangwo8 v1", &m.Bangwo8},
		{"mount-oneview", "pd-oneview chat-ticket (empty: off)", &m.OneView},
		{"mount-oneview-cs", "pd-oneview cs-chat-ticket (empty: off)", &m.OneViewCS},
		{"mount-dolphins", "3Dolphins graph tickets", &m.Dolphins},
	} {
		name := strings.ReplaceAll(f.name, "-", "_")
		fs.StringVar(f.into, f.name, env(name, *f.into), fmt.Sprintf("where %s answers (env TICKETD_%s)", f.what, strings.ToUpper(name)))
	}
	return &m
}

// loadSecret returns the configured secret, or one kept in dataDir/secret
// (created on first start) so room tokens outlive restarts.
func loadSecret(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 16 {
			return nil, errors.New("--secret must be at least 16 characters")
		}
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	key := []byte(hex.EncodeToString(b))
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return key, nil
}

// tuneGC sets the collector to run at 400 % heap growth instead of 100 %
// unless GOGC is set. ticketd's live heap is small (tens of MB; SQLite's
// page caches live outside it), so the default spent a fifth of a ticket
// list's CPU collecting; at 400 the heap stays well under the RSS budget
// (docs/PERFORMANCE.md).
//
// Unless GOMEMLIMIT is set, the Go heap also gets a soft limit of 192 MiB,
// so that the growth allowance does not turn into resident memory when many
// large answers are in flight at once (32 clients reading 300-ticket
// pd-oneview lists took the RSS to 361 MB without it): the collector runs
// sooner near the limit. The live heap serving 1,000,000 tickets is tens
// of MB; SQLite's page caches (~100 MB) are outside the Go heap.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}

func envInt64(name string, def int64) int64 {
	if n, err := strconv.ParseInt(env(name, ""), 10, 64); err == nil {
		return n
	}
	return def
}

// listenerAuth is the SMTP listener's AUTH demand: none without a username
// or a password (an MX), else both must be given.
func listenerAuth(user, pass string, insecure bool) *email.ListenerAuth {
	if user == "" && pass == "" {
		return nil
	}
	return &email.ListenerAuth{Username: user, Password: pass, AllowInsecure: insecure}
}
