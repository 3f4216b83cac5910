// Package server assembles ticketd's HTTP surface: the native API, every
// dialect, health, metrics and profiling, behind shared middleware
// (recovery, metrics, timeouts), and runs it with graceful shutdown.
package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/postgres"
)

// Deps are what the routes serve.
type Deps struct {
	Desk *desk.Service
	// Routing is the routing engine, installed as Desk.Router.
	Routing *routing.Engine
	Auth    *auth.Service
	Log     *slog.Logger
	// Pprof mounts /debug/pprof (admin token required).
	Pprof bool
	// Files keeps uploaded files: in the database on PostgreSQL, in a
	// folder on SQLite (FileStore).
	Files *files.Store
	// Secret signs live-stream credentials (room tokens, agent JWTs); every
	// node behind one load balancer needs the same. Empty: random per start.
	Secret []byte
	// DolphinsTokenTTL is the lifetime of tokens from the 3Dolphins door's
	// POST /graph/auth (0: its default, 24 h).
	DolphinsTokenTTL time.Duration
	// Mounts are where the dialects answer; zero means DefaultMounts.
	Mounts Mounts
	// AllowPrivateHosts lets outbound checks dial loopback and private
	// addresses (--allow-private-hosts; tests and single-host set-ups).
	AllowPrivateHosts bool
	// PublicURL is where agents reach the desk (--public-url); https://
	// makes its session cookies Secure.
	PublicURL string
}

// NewDeps assembles the services every door shares over one store: the
// desk, its routing engine and the authenticator.
func NewDeps(st desk.Store, log *slog.Logger) Deps {
	d := desk.NewService(st)
	a := auth.NewService(d)
	a.Log = log
	return Deps{Desk: d, Routing: routing.New(d), Auth: a, Log: log, Files: FileStore(st, "ticketd-data")}
}

// FileStore keeps uploads where every node serving st can read them: in
// the database when it is PostgreSQL (nodes share nothing else), in dataDir
// when it is SQLite (one node, zero set-up).
func FileStore(st desk.Store, dataDir string) *files.Store {
	if pg, ok := st.(interface{ DB() *sql.DB }); ok && st.Backend() == "postgres" {
		return &files.Store{Blobs: postgres.NewBlobs(pg.DB())}
	}
	return &files.Store{Blobs: files.Dir(dataDir)}
}

// Run serves h on ln until ctx ends, then drains in-flight requests for up
// to grace before returning.
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      0, // streams (SSE) stay open; handlers bound their own work
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", slog.Duration("grace", grace))
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
