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

// housekeepLockKey keeps housekeeping to one node at a time.
const housekeepLockKey = 7_462_002

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
	hk, stopHousekeeping := context.WithCancel(context.Background())
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
		Unique: func(err error) (string, bool) {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" {
				return pe.ConstraintName, true
			}
			return "", false
		},
		Close: func() error { stopHousekeeping(); pool.Close(); return nil },
	}
	go housekeep(hk, db, housekeepEvery, log)
	return sqlstore.New(db, fl), nil
}

// housekeepEvery is how often a node vacuums the queue tables.
const housekeepEvery = time.Minute

// housekeep vacuums the hot tables (see hotTables) every interval until
// ctx ends. Writes read them whole, so their dead rows cost every write
// once autovacuum is off (as on this project's machines) or behind: after
// a bulk load, search_dirty's million dead rows cost each write 350 ms and
// agent_loads' 210,000 cost each routing decision 74 ms. One node at a
// time does it, under an advisory lock.
func housekeep(ctx context.Context, db *sql.DB, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := VacuumQueues(ctx, db)
		if err == nil && tick%analyzeEvery == 0 {
			err = RefreshStats(ctx, db)
		}
		if err == nil && tick%sweepEvery == 0 {
			_, err = SweepBlobs(ctx, db, unfinishedUploadAge)
		}
		if err != nil && ctx.Err() == nil && log != nil {
			log.Warn("postgres housekeeping", slog.Any("err", err))
		}
	}
}

// sweepEvery is how many housekeeping rounds pass between sweeps of
// unfinished uploads, and unfinishedUploadAge how old their chunks must be:
// far older than any upload still in flight.
const (
	sweepEvery          = 60
	unfinishedUploadAge = 24 * time.Hour
)

// analyzeEvery is how many housekeeping rounds pass between statistics
// refreshes when autovacuum is off.
const analyzeEvery = 10

// RefreshStats refreshes the planner's statistics of statTables
// when the server's autovacuum (which would) is off: stale statistics on a
// growing ticket_docs turn a search's plan from a walk into a fetch of
// every match.
func RefreshStats(ctx context.Context, db *sql.DB) error {
	var on string
	if err := db.QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&on); err != nil || on == "on" {
		return err
	}
	for _, t := range statTables {
		if _, err := db.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}

// VacuumQueues vacuums the hot tables unless another node is doing it.
func VacuumQueues(ctx context.Context, db *sql.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	var got bool
	if err := c.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, housekeepLockKey).Scan(&got); err != nil || !got {
		return err
	}
	defer func() { _, _ = c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, housekeepLockKey) }()
	for _, table := range hotTables {
		if _, err := c.ExecContext(ctx, `VACUUM (ANALYZE) `+table); err != nil {
			return fmt.Errorf("vacuum %s: %w", table, err)
		}
	}
	return nil
}

// hotTables are small tables rewritten by nearly every write: the search
// queue, the routing counters (agent_loads: every decision reads it
// whole), the number counters and the ticket counts. Dead versions pile up
// in them fastest: after a 1,000,000-ticket bulk load agent_loads held 29
// live rows in 145 MB, and a routing decision read all of it (74 ms).
var hotTables = []string{"search_dirty", "agent_loads", "counters", "ticket_counts"}

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
