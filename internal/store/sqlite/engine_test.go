package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The connections' recursive mutex is the no-op; every other kind is
// SQLite's own and still excludes.
func TestConnMutexIsNoOpOthersExclude(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	rec := sqlite3.Xsqlite3_mutex_alloc(tls, sqlite3.SQLITE_MUTEX_RECURSIVE)
	if rec != uintptr(unsafe.Pointer(connMutex)) {
		t.Fatalf("recursive mutex is %#x, want the no-op %#x", rec, uintptr(unsafe.Pointer(connMutex)))
	}
	sqlite3.Xsqlite3_mutex_enter(tls, rec) // must return at once, twice
	sqlite3.Xsqlite3_mutex_enter(tls, rec)
	sqlite3.Xsqlite3_mutex_leave(tls, rec)
	sqlite3.Xsqlite3_mutex_leave(tls, rec)
	sqlite3.Xsqlite3_mutex_free(tls, rec)

	fast := sqlite3.Xsqlite3_mutex_alloc(tls, sqlite3.SQLITE_MUTEX_FAST)
	if fast == 0 || fast == rec {
		t.Fatalf("fast mutex is %#x", fast)
	}
	defer sqlite3.Xsqlite3_mutex_free(tls, fast)
	// Held by one thread, another cannot take it.
	sqlite3.Xsqlite3_mutex_enter(tls, fast)
	tried := make(chan int32)
	go func() {
		other := libc.NewTLS()
		defer other.Close()
		rc := sqlite3.Xsqlite3_mutex_try(other, fast)
		if rc == sqlite3.SQLITE_OK {
			sqlite3.Xsqlite3_mutex_leave(other, fast)
		}
		tried <- rc
	}()
	if rc := <-tried; rc != sqlite3.SQLITE_BUSY {
		t.Errorf("try on a held fast mutex from another thread: code %d, want SQLITE_BUSY", rc)
	}
	sqlite3.Xsqlite3_mutex_leave(tls, fast)

	// And it excludes: no two threads are ever inside at once.
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tls := libc.NewTLS()
			defer tls.Close()
			for range 2000 {
				sqlite3.Xsqlite3_mutex_enter(tls, fast)
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				runtime.Gosched()
				inside.Add(-1)
				sqlite3.Xsqlite3_mutex_leave(tls, fast)
			}
		}()
	}
	wg.Wait()
	if n := overlaps.Load(); n != 0 {
		t.Errorf("threads were inside the fast mutex together %d times", n)
	}
}

// Many goroutines on one file through the pools, readers and the writer
// at once, each read checked: what the connection mutex used to guard
// (nothing, as database/sql hands a connection to one goroutine at a time)
// still holds without it.
func TestConcurrentConnectionsWithoutConnMutex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	drv, err := registeredDriver()
	if err != nil {
		t.Fatal(err)
	}
	w := sql.OpenDB(&connector{dsn: dsn(path, false), drv: drv})
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.ExecContext(ctx, `CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	r := sql.OpenDB(&connector{dsn: dsn(path, true), drv: drv})
	defer r.Close()
	r.SetMaxOpenConns(8)

	const writers, readers, rounds = 2, 8, 300
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range rounds {
				k := i*rounds + j
				if _, err := w.ExecContext(ctx, `INSERT INTO kv (k, v, n) VALUES (?, ?, ?)`, k, fmt.Sprintf("value %d", k), k*3); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				rows, err := r.QueryContext(ctx, `SELECT k, v, n FROM kv ORDER BY k DESC LIMIT 20`)
				if err != nil {
					errs <- err
					return
				}
				for rows.Next() {
					var k, n int
					var v string
					if err := rows.Scan(&k, &v, &n); err != nil {
						errs <- err
						return
					}
					if v != fmt.Sprintf("value %d", k) || n != k*3 {
						errs <- fmt.Errorf("row %d read as %q, %d", k, v, n)
						return
					}
				}
				if err := rows.Close(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var count int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM kv`).Scan(&count); err != nil || count != writers*rounds {
		t.Fatalf("count %d, %v; want %d", count, err, writers*rounds)
	}
}

// A connection has lookasideSlots of lookaside memory, not SQLite's
// default 40: statements that hold more than the default's slots at once
// get them.
func TestLookasideSlots(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	name, err := libc.CString(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer libc.Xfree(tls, name)
	pdb := onHeap[uintptr]()
	if rc := sqlite3.Xsqlite3_open_v2(tls, name, uintptr(unsafe.Pointer(pdb)), sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_CREATE|sqlite3.SQLITE_OPEN_FULLMUTEX, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("open: code %d", rc)
	}
	db := *pdb
	defer sqlite3.Xsqlite3_close(tls, db)
	if m := sqlite3.Xsqlite3_db_mutex(tls, db); m != uintptr(unsafe.Pointer(connMutex)) {
		t.Errorf("a FULLMUTEX connection's mutex is %#x, want the no-op", m)
	}
	// Prepared statements keep their lookaside slots until finalized.
	pstmt := onHeap[uintptr]()
	var stmts []uintptr
	defer func() {
		for _, s := range stmts {
			sqlite3.Xsqlite3_finalize(tls, s)
		}
	}()
	for i := range 200 {
		sql, err := libc.CString(fmt.Sprintf("SELECT %d, 'x', 2.5 WHERE 1 = %d", i, i))
		if err != nil {
			t.Fatal(err)
		}
		rc := sqlite3.Xsqlite3_prepare_v2(tls, db, sql, -1, uintptr(unsafe.Pointer(pstmt)), 0)
		libc.Xfree(tls, sql)
		if rc != sqlite3.SQLITE_OK {
			t.Fatalf("prepare: code %d", rc)
		}
		stmts = append(stmts, *pstmt)
	}
	cur, hi := onHeap[int32](), onHeap[int32]()
	if rc := sqlite3.Xsqlite3_db_status(tls, db, sqlite3.SQLITE_DBSTATUS_LOOKASIDE_USED, uintptr(unsafe.Pointer(cur)), uintptr(unsafe.Pointer(hi)), 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("db_status: code %d", rc)
	}
	// SQLite's default, 40 slots of 1,200 bytes, makes 123 slots of its
	// two sizes: all in use here. Ours make over 1,700.
	if used := *cur; used <= 123 {
		t.Errorf("lookaside slots in use with 200 statements prepared: %d, want more than the default's 123", used)
	}
}

// onHeap allocates an out-parameter for SQLite on the Go heap, which does
// not move: a new(T) that does not escape could live on the goroutine's
// stack, which moves when it grows inside SQLite's calls and leaves the
// address SQLite writes to stale.
//
//go:noinline
func onHeap[T any]() *T { return new(T) }
