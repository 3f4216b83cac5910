// Package sqlite opens ticketd's embedded store: one SQLite file in WAL mode,
// read through a pool of connections and written through a single
// connection that group-commits queued transactions (each in its own
// savepoint) and answers none of them before the commit is on disk.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the ordered schema of the embedded store.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrationFiles, "migrations")
	return sub
}

// Options tune the store; the zero value is the durable default.
type Options struct {
	// MaxBatch caps how many queued transactions share one commit.
	MaxBatch int
	// ReadConns is the size of the read pool (default 2×GOMAXPROCS, min 4).
	ReadConns int
	// Log, when set, receives a line per applied migration.
	Log *slog.Logger
	// OnStatement, when set, is called with the SQL of every statement
	// either pool runs (tests count what a page costs with it). It is
	// called from many goroutines at once.
	OnStatement func(query string)
}

func dsn(path string, readOnly bool) string {
	v := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)",
		"temp_store(MEMORY)"} {
		v.Add("_pragma", p)
	}
	// Page caches are most of the server's memory (each connection has its
	// own, outside the Go heap). The writer keeps 32 MB for the indexes it
	// updates; readers 8 MB each, the OS page cache holding the rest of the
	// file: serving 1,000,000 tickets, RSS fell from 280-350 MB to 160 MB
	// with the same read throughput (docs/PERFORMANCE.md).
	if readOnly {
		v.Add("_pragma", "query_only(1)")
		v.Add("_pragma", "cache_size(-8000)")
	} else {
		v.Add("_pragma", "cache_size(-32000)")
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

// Open opens (creating when missing) the SQLite file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, opt Options) (*sqlstore.Store, error) {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 512
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	drv, err := registeredDriver()
	if err != nil {
		return nil, err
	}
	// Both pools keep their statements prepared (stmtcache.go).
	wdb := sql.OpenDB(&connector{dsn: dsn(path, false), drv: drv, noCancel: true, onStatement: opt.OnStatement})
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	if err := sqlstore.Migrate(ctx, wdb, Migrations(), nil, opt.Log); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	rdb := sql.OpenDB(&connector{dsn: dsn(path, true), drv: drv, onStatement: opt.OnStatement})
	rdb.SetMaxOpenConns(opt.ReadConns)
	rdb.SetMaxIdleConns(opt.ReadConns)
	rdb.SetConnMaxIdleTime(0)
	w := newWriter(wdb, opt.MaxBatch)
	fl := &sqlstore.Flavor{
		Name:        "sqlite",
		RunTx:       w.run,
		Unique:      unique,
		Close:       w.close,
		BatchSearch: true,
	}
	st := sqlstore.New(rdb, fl)
	w.beforeCommit = st.SyncSearch // set before any write is queued
	return st, nil
}

// registeredDriver is the driver registered as "sqlite", which carries any
// functions registered with the package-level sqlite.Register* calls.
func registeredDriver() (*sqlite.Driver, error) {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, fmt.Errorf("sqlite driver: %w", err)
	}
	defer db.Close()
	drv, ok := db.Driver().(*sqlite.Driver)
	if !ok {
		return nil, fmt.Errorf("sqlite driver is a %T", db.Driver())
	}
	return drv, nil
}

// unique reports a unique (or primary key) violation and names it as
// SQLite does: "table.column, table.column".
func unique(err error) (string, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) && e.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && e.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return "", false
	}
	msg := err.Error()
	i := strings.Index(msg, "UNIQUE constraint failed: ")
	if i < 0 {
		return "", false
	}
	msg = msg[i+len("UNIQUE constraint failed: "):]
	if j := strings.LastIndex(msg, " ("); j >= 0 { // the driver's " (2067)"
		msg = msg[:j]
	}
	return msg, true
}
