// Package sqlstore implements desk.Store once, in SQL that runs unchanged on
// SQLite and PostgreSQL ($N placeholders, ON CONFLICT, RETURNING). The few
// places where the two differ — locking, transaction running, error codes —
// come from a Flavor supplied by store/sqlite or store/postgres.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Flavor is what differs between backends.
type Flavor struct {
	Name string
	// ForUpdate is appended to a SELECT that must lock its rows.
	ForUpdate string
	// RunTx runs fn in one read-write transaction and returns once it is durable.
	RunTx func(ctx context.Context, fn func(*sql.Tx) error) error
	// LockRouting serializes routing decisions of one workspace.
	LockRouting func(ctx context.Context, tx *sql.Tx, ws string) error
	// Unique reports a unique-constraint violation and names the
	// constraint as the backend does (see unique.go).
	Unique func(error) (constraint string, ok bool)
	// Close releases backend resources beyond the read pool.
	Close func() error
	// BatchSearch: RunTx brings the search index up to date itself
	// (Store.SyncSearch) once for all the transactions it commits together,
	// instead of each transaction before its end.
	BatchSearch bool
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs every query; Store reads through the pool, tx through its transaction.
type conn struct {
	q  querier
	fl *Flavor
	// written holds, in a transaction, the ticket rows it inserted or
	// locked, so UpdateTicket writes only what changed (tickets.go).
	written map[string]*ticketRow
	// pend, in a transaction, holds the writes that wait for its next
	// statement (events.go); nil outside one.
	pend *pending
}

// Store is a desk.Store over database/sql.
type Store struct {
	conn
	db *sql.DB
}

var _ desk.Store = (*Store)(nil)

// New wraps db (the read pool) with the given flavor.
func New(db *sql.DB, fl *Flavor) *Store {
	return &Store{conn: conn{q: db, fl: fl}, db: db}
}

// DB returns the read pool, for backend-specific extensions (search, bulk load).
func (s *Store) DB() *sql.DB { return s.db }

// Backend names the flavor.
func (s *Store) Backend() string { return s.fl.Name }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the pools.
func (s *Store) Close() error {
	var err error
	if s.fl.Close != nil {
		err = s.fl.Close()
	}
	return errors.Join(err, s.db.Close())
}

// Update runs fn in one transaction.
func (s *Store) Update(ctx context.Context, fn func(desk.Tx) error) error {
	start := time.Now()
	err := s.fl.RunTx(ctx, func(stx *sql.Tx) error {
		t := &tx{conn: conn{fl: s.fl, pend: &pending{raw: stx}}, tx: stx}
		t.q = flushing{&t.conn}
		if err := fn(t); err != nil {
			if t.pend.err != nil {
				// The body may have read around a failed write: that
				// write's error is the cause.
				return t.pend.err
			}
			return err
		}
		if err := t.flush(ctx); err != nil {
			return err
		}
		if !s.fl.BatchSearch {
			if err := t.syncSearch(ctx); err != nil { // search_index.go
				return err
			}
		}
		// Last, so the workspace's event counter is held only from here
		// to the commit (events.go).
		return t.flushEvents(ctx)
	})
	storeMetrics.observe(s.fl.Name, start, err)
	return err
}

// tx is a desk.Tx.
type tx struct {
	conn
	tx *sql.Tx
	// routing holds the workspaces whose routing lock this transaction
	// has, so taking it again costs no round trip.
	routing map[string]bool
}

var _ desk.Tx = (*tx)(nil)

func (t *tx) LockRouting(ctx context.Context, ws string) error {
	if t.fl.LockRouting == nil || t.routing[ws] {
		return nil
	}
	if err := t.fl.LockRouting(ctx, t.tx, ws); err != nil {
		return fmt.Errorf("lock routing of %s: %w", ws, err)
	}
	if t.routing == nil {
		t.routing = map[string]bool{}
	}
	t.routing[ws] = true
	return nil
}

// nextNumber allocates the next per-workspace number of kind. The counters
// are no row a pending write touches, so it does not send them first.
func (c *conn) nextNumber(ctx context.Context, ws, kind string) (int64, error) {
	var n int64
	err := c.raw().QueryRowContext(ctx, `INSERT INTO counters (workspace_id, kind, value) VALUES ($1, $2, 1)
		ON CONFLICT (workspace_id, kind) DO UPDATE SET value = counters.value + 1
		RETURNING value`, ws, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("allocate %s number: %w", kind, err)
	}
	return n, nil
}

// mapErr turns driver errors into desk sentinels.
func (c *conn) mapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, desk.ErrNotFound)
	}
	if c.fl.Unique != nil {
		if constraint, ok := c.fl.Unique(err); ok {
			return fmt.Errorf("%s: %w", what, conflict(constraint))
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// affected turns "no row changed" into ErrNotFound.
func (c *conn) affected(res sql.Result, err error, what string) error {
	if err != nil {
		return c.mapErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, desk.ErrNotFound)
	}
	return nil
}
