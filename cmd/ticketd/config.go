package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
)

// env returns TICKETD_<NAME> or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("TICKETD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

func envBool(name string, def bool) bool {
	if b, err := strconv.ParseBool(env(name, "")); err == nil {
		return b
	}
	return def
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ticketd "+name, flag.ContinueOnError)
	return fs
}

// dbFlag adds the --db flag every command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("db", "ticketd.db"), "SQLite file path, or a postgres:// URL (env TICKETD_DB)")
}

// openStore opens the store db names: a postgres:// URL or a SQLite path.
func openStore(ctx context.Context, db string, log *slog.Logger) (desk.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db, log)
	}
	if db == "" {
		return nil, fmt.Errorf("--db is empty")
	}
	return sqlite.Open(ctx, db, sqlite.Options{Log: log})
}

// newLogger returns the logger of the given level and makes it slog's
// default, so that code logging through slog's package functions (the
// handlers' error paths) honours --log-level too.
func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
	slog.SetDefault(log)
	return log
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
