// Package postgres opens ticketd's scale-out store: PostgreSQL through pgx,
// shared by any number of stateless ticketd nodes. Routing decisions are
// serialized per workspace with transaction-scoped advisory locks and ticket
// writes with row locks, so nodes never disagree.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the ordered schema of the scale-out store.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrationFiles, "migrations")
	return sub
}

// migrateLockKey is the advisory lock that keeps nodes from migrating at once.
const migrateLockKey = 7_462_001

// Open connects to the database at url (postgres://…) and brings its schema
// up to date; log, when set, receives a line per applied migration.
func Open(ctx context.Context, url string, log *slog.Logger) (*sqlstore.Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("postgres: ping: %w", err)
	}
	if err := sqlstore.Migrate(ctx, db, Migrations(), lockMigrations, log); err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	fl := &sqlstore.Flavor{
		Name:      "postgres",
		ForUpdate: " FOR UPDATE",
		RunTx: func(ctx context.Context, fn func(*sql.Tx) error) error {
			return runTx(ctx, db, fn)
		},
		LockRouting: func(ctx context.Context, tx *sql.Tx, ws string) error {
			_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('routing:' || $1))`, ws)
			return err
		},
		IsUnique: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && pe.Code == "23505"
		},
		Close: func() error { pool.Close(); return nil },
	}
	return sqlstore.New(db, fl), nil
}

func lockMigrations(ctx context.Context, c *sql.Conn) (func(), error) {
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		return nil, err
	}
	return func() {
		_, _ = c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrateLockKey)
	}, nil
}

// runTx runs fn in a transaction, retrying on serialization failures and
// deadlocks, which PostgreSQL may raise under contention between nodes.
func runTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = runOnce(ctx, db, fn)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "40001" && pe.Code != "40P01") {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}

func runOnce(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}
