package sqlite

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"modernc.org/sqlite"
)

// The driver parses a statement's SQL on every Exec and Query that was not
// prepared first, and parsing was the largest cost of a ticket creation
// (about 40 % of the writer's time, measured with pprof; docs/PERFORMANCE.md).
// The store's SQL is a small set of fixed strings, so each connection keeps
// its recently used statements prepared and runs them again with new
// arguments, which is what a prepared statement is for.

// stmtCacheSize bounds the prepared statements one connection keeps; the
// least recently used is finalized beyond it. The store issues a few dozen
// distinct statements; list queries with varying filters make the rest.
const stmtCacheSize = 128

// connector opens driver connections that cache their statements.
type connector struct {
	dsn string
	drv *sqlite.Driver
	// noCancel runs statements without watching their context: see conn.
	noCancel    bool
	onStatement func(string)
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	dc, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(interface {
		driver.Conn
		driver.ConnBeginTx
		driver.ConnPrepareContext
		driver.ExecerContext
		driver.QueryerContext
		driver.SessionResetter
		driver.Validator
		driver.Pinger
	})
	if !ok {
		dc.Close()
		return nil, errors.New("sqlite: driver connection lacks the context interfaces")
	}
	return &conn{inner: inner, noCancel: c.noCancel, onStatement: c.onStatement, byQuery: make(map[string]*list.Element), lru: list.New()}, nil
}

func (c *connector) Driver() driver.Driver { return c.drv }

// conn is a driver connection with a statement cache. database/sql never
// uses one connection from two goroutines at once, so it needs no lock.
type conn struct {
	inner interface {
		driver.Conn
		driver.ConnBeginTx
		driver.ConnPrepareContext
		driver.ExecerContext
		driver.QueryerContext
		driver.SessionResetter
		driver.Validator
		driver.Pinger
	}
	// noCancel: the writer runs each queued body to its end once started
	// (a body is a few statements), so its statements do not watch the
	// request's context. That saves the driver a goroutine per statement,
	// and one client hanging up never interrupts the connection its batch
	// shares. The writer still skips bodies whose context has ended, and
	// database/sql itself refuses a statement whose context has ended and
	// closes its rows, so a body whose client left fails at its next
	// statement and is rolled back: what noCancel spares is the driver's
	// interrupt of a statement already running.
	noCancel    bool
	onStatement func(string)             // Options.OnStatement
	byQuery     map[string]*list.Element // of *cached
	lru         *list.List               // front = most recently used
}

type cached struct {
	query string
	st    driver.Stmt
	busy  bool // its rows are open: a second use must not reset it
}

var (
	_ driver.ExecerContext  = (*conn)(nil)
	_ driver.QueryerContext = (*conn)(nil)
	_ driver.ConnBeginTx    = (*conn)(nil)
)

// cacheable reports whether query is worth keeping: one statement (a
// script, such as a migration, is run once and re-parsed by the driver
// anyway), of reasonable size.
func cacheable(query string) bool {
	q := strings.TrimRight(query, " \t\n;")
	return len(q) < 16<<10 && !strings.Contains(q, ";")
}

// stmt returns the cached statement for query, preparing it when missing;
// nil when query should run uncached.
func (c *conn) stmt(ctx context.Context, query string) (*cached, error) {
	if e, ok := c.byQuery[query]; ok {
		cs := e.Value.(*cached)
		if cs.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	if !cacheable(query) {
		return nil, nil
	}
	st, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cached{query: query, st: st}
	c.byQuery[query] = c.lru.PushFront(cs)
	for c.lru.Len() > stmtCacheSize {
		e := c.lru.Back()
		old := e.Value.(*cached)
		if old.busy {
			break // in use by open rows; evicted on a later call
		}
		c.lru.Remove(e)
		delete(c.byQuery, old.query)
		_ = old.st.Close()
	}
	return cs, nil
}

func (c *conn) ctx(ctx context.Context) context.Context {
	if c.noCancel {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.onStatement != nil {
		c.onStatement(query)
	}
	ctx = c.ctx(ctx)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.inner.ExecContext(ctx, query, args)
	}
	return cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.onStatement != nil {
		c.onStatement(query)
	}
	ctx = c.ctx(ctx)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.inner.QueryContext(ctx, query, args)
	}
	r, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &rows{Rows: r, cs: cs}, nil
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(ctx, query)
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.inner.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

func (c *conn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }
func (c *conn) IsValid() bool                          { return c.inner.IsValid() }
func (c *conn) Ping(ctx context.Context) error         { return c.inner.Ping(ctx) }

// Close finalizes the cached statements, then closes the connection.
func (c *conn) Close() error {
	var errs []error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cached).st.Close())
	}
	c.lru.Init()
	clear(c.byQuery)
	return errors.Join(append(errs, c.inner.Close())...)
}

// rows marks its statement free again when closed.
type rows struct {
	driver.Rows
	cs *cached
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

// The column-type methods database/sql's ColumnTypes asks for.

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}
