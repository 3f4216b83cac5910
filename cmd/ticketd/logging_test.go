package main

import (
	"context"
	"log/slog"
	"testing"
)

// TestLogLevelReachesHandlers: the --log-level logger is slog's default,
// which handlers log through (api's fail, dialect encoders).
func TestLogLevelReachesHandlers(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	ctx := context.Background()
	for _, c := range []struct {
		level      string
		info, warn bool
	}{{"warn", false, true}, {"error", false, false}, {"debug", true, true}} {
		log := newLogger(c.level)
		if slog.Default().Handler() != log.Handler() {
			t.Fatalf("--log-level %s: the default logger is not the configured one", c.level)
		}
		if got := slog.Default().Enabled(ctx, slog.LevelInfo); got != c.info {
			t.Errorf("--log-level %s: default logs info = %v", c.level, got)
		}
		if got := slog.Default().Enabled(ctx, slog.LevelWarn); got != c.warn {
			t.Errorf("--log-level %s: default logs warn = %v", c.level, got)
		}
	}
}
