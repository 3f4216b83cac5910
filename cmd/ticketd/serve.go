package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

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
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(*logLevel)
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	deps := server.NewDeps(st, log)
	deps.Pprof, deps.DataDir = *pprof, *dataDir
	deps.DolphinsTokenTTL = *dolphinsTTL
	h := server.Handler(deps, server.NewMetrics(sqlstore.Collectors()...))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("ticketd serving", slog.String("addr", ln.Addr().String()), slog.String("store", st.Backend()),
		slog.String("version", version()))
	return server.Run(ctx, ln, h, *grace, log)
}
