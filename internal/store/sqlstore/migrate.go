package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrate applies, in order and one transaction each, every NNNN_name.sql
// file of migrations that the database has not seen yet, and records it in
// schema_migrations. A line "-- migrate:go NAME" in a file runs the Go step
// NAME (goSteps) at that point, in the same transaction: for data changes
// SQL alone cannot make on both backends, before the schema that needs
// them. lock, when set, runs first on the same connection to
// keep concurrent nodes from migrating at once. log, when set, gets a line per
// applied migration.
func Migrate(ctx context.Context, db *sql.DB, migrations fs.FS, lock func(context.Context, *sql.Conn) (unlock func(), err error), log *slog.Logger) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if lock != nil {
		unlock, err := lock(ctx, conn)
		if err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer unlock()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create version table: %w", err)
	}
	names, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
		if err != nil {
			return fmt.Errorf("migrate: %s: name must start with a number: %w", name, err)
		}
		var seen int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, v).Scan(&seen); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if seen > 0 {
			continue
		}
		body, err := fs.ReadFile(migrations, name)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := apply(ctx, tx, string(body), log); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate: apply %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			v, name, time.Now().UnixMilli()); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate: record %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate: commit %s: %w", name, err)
		}
		if log != nil {
			log.Info("applied migration", slog.String("name", name))
		}
	}
	return nil
}

// goStepMark starts a line that names a Go step of a migration.
const goStepMark = "-- migrate:go "

// goSteps are the Go steps migrations may name. A step gets the
// migration's transaction and a logger (never nil).
var goSteps = map[string]func(ctx context.Context, tx *sql.Tx, log *slog.Logger) error{
	"merge_duplicate_identities": mergeDuplicateIdentities,
}

// apply runs one migration's body: its SQL, split at the Go steps it names.
func apply(ctx context.Context, tx *sql.Tx, body string, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	parts, err := splitSteps(body)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if p.step == "" {
			if _, err := tx.ExecContext(ctx, p.sql); err != nil {
				return err
			}
			continue
		}
		step, ok := goSteps[p.step]
		if !ok {
			return fmt.Errorf("no Go step %q", p.step)
		}
		if err := step(ctx, tx, log); err != nil {
			return fmt.Errorf("step %s: %w", p.step, err)
		}
	}
	return nil
}

// migrationPart is SQL to run, or the name of a Go step.
type migrationPart struct{ sql, step string }

// splitSteps cuts a migration at its "-- migrate:go NAME" lines, dropping
// SQL parts that are only blank. A mark that does not start a line, or
// names no step, is an error: a typo must not pass as a comment.
func splitSteps(body string) ([]migrationPart, error) {
	var out []migrationPart
	add := func(sql string) {
		if strings.TrimSpace(sql) != "" {
			out = append(out, migrationPart{sql: sql})
		}
	}
	for {
		i := strings.Index(body, strings.TrimSpace(goStepMark))
		if i < 0 {
			add(body)
			return out, nil
		}
		if i > 0 && body[i-1] != '\n' || !strings.HasPrefix(body[i:], goStepMark) {
			return nil, fmt.Errorf("%q must start a line and name a step", goStepMark)
		}
		add(body[:i])
		name, rest, _ := strings.Cut(body[i+len(goStepMark):], "\n")
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%q must name one step, not %q", goStepMark, name)
		}
		out = append(out, migrationPart{step: name})
		body = rest
	}
}
