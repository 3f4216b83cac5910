package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func cacheDB(t *testing.T, noCancel bool) *sql.DB {
	t.Helper()
	drv, err := registeredDriver()
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(&connector{dsn: dsn(filepath.Join(t.TempDir(), "c.db"), false), drv: drv, noCancel: noCancel})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE other (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// cacheLen is how many statements the pool's one connection holds.
func cacheLen(t *testing.T, db *sql.DB) int {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := -1
	_ = c.Raw(func(dc any) error { n = dc.(*conn).lru.Len(); return nil })
	return n
}

func TestStmtCacheReusesAndBounds(t *testing.T) {
	db := cacheDB(t, true)
	for i := 0; i < 50; i++ {
		if _, err := db.Exec(`INSERT INTO kv (k, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := cacheLen(t, db); n != 1 {
		t.Fatalf("one statement run 50 times: cache holds %d", n)
	}
	// More distinct statements than the cache holds: all still answer right,
	// and the cache stays bounded.
	for i := 0; i < stmtCacheSize+40; i++ {
		var v string
		if err := db.QueryRow(fmt.Sprintf(`SELECT v FROM kv WHERE k = $1 AND %d = %d`, i, i), i%50).Scan(&v); err != nil || v != fmt.Sprint("v", i%50) {
			t.Fatalf("query %d: %q %v", i, v, err)
		}
	}
	if n := cacheLen(t, db); n != stmtCacheSize {
		t.Fatalf("cache holds %d statements, bound is %d", n, stmtCacheSize)
	}
}

func TestStmtCacheErrorsDoNotPoison(t *testing.T) {
	db := cacheDB(t, true)
	ins := `INSERT INTO kv (k, v) VALUES ($1, $2)`
	if _, err := db.Exec(ins, 1, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ins, 1, "dup"); err == nil {
		t.Fatal("duplicate key accepted")
	}
	if _, err := db.Exec(ins, 2, "b"); err != nil {
		t.Fatalf("statement unusable after an error: %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM kv`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows = %d, %v", n, err)
	}
}

// A statement whose rows are still open is not reset by a second use of
// the same SQL: the second use runs uncached.
func TestStmtCacheBusyStatement(t *testing.T) {
	db := cacheDB(t, true)
	for i := 1; i <= 5; i++ {
		if _, err := db.Exec(`INSERT INTO kv (k, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	q := `SELECT k FROM kv WHERE k >= $1 ORDER BY k`
	outer, err := tx.Query(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var k int
		if err := outer.Scan(&k); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.Query(q, k)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%d", k, n))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[1:5 2:4 3:3 4:2 5:1]" {
		t.Fatalf("nested use of one statement: %v", got)
	}
	// Free again after its rows closed: reused from the cache.
	rows, err := tx.Query(q, 4)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if n != 2 {
		t.Fatalf("after close: %d rows", n)
	}
}

func TestStmtCacheSkipsScripts(t *testing.T) {
	db := cacheDB(t, true)
	before := cacheLen(t, db)
	if _, err := db.Exec(`INSERT INTO other VALUES (1); INSERT INTO other VALUES (2);`); err != nil {
		t.Fatal(err)
	}
	if n := cacheLen(t, db); n != before {
		t.Fatalf("a script was cached: %d → %d", before, n)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM other`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("script ran %d inserts, %v", n, err)
	}
}

// Readers keep honouring their context; the writer's statements do not
// watch it (the writer skips bodies whose context ended before they ran).
func TestStmtCacheContext(t *testing.T) {
	slow := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT COUNT(*) FROM c`
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var n int
	err := cacheDB(t, false).QueryRowContext(ctx, slow).Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) && (err == nil || err.Error() != "interrupted (9)") {
		t.Fatalf("reader ran past its deadline: n=%d err=%v", n, err)
	}

	// The same kind of statement on the writer's connection runs to its
	// end though its context has ended. It is asked of the connection
	// itself: database/sql checks the context before it hands a statement
	// to the driver and closes the rows of an ended one, so a test through
	// it with a short deadline raced the clock (a loaded machine let the
	// deadline pass before the statement started) and tested database/sql,
	// not the connection. An already-ended context asks the same without a
	// clock; a reader's connection refuses it, which shows the test can fail.
	short := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT COUNT(*) FROM c`
	ended, end := context.WithCancel(context.Background())
	end()
	if n, err := rawCount(t, cacheDB(t, false), ended, short); !errors.Is(err, context.Canceled) {
		t.Fatalf("reader statement with an ended context: n=%d err=%v", n, err)
	}
	if n, err := rawCount(t, cacheDB(t, true), ended, short); err != nil || n != 300000 {
		t.Fatalf("writer statement: n=%d err=%v", n, err)
	}
}

// rawCount runs query, one integer column, on the pool's one driver
// connection with ctx, past database/sql's own context checks.
func rawCount(t *testing.T, db *sql.DB, ctx context.Context, query string) (int64, error) {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int64
	err = c.Raw(func(dc any) error {
		rs, err := dc.(*conn).QueryContext(ctx, query, nil)
		if err != nil {
			return err
		}
		defer rs.Close()
		v := make([]driver.Value, 1)
		if err := rs.Next(v); err != nil {
			return err
		}
		n, _ = v[0].(int64)
		return nil
	})
	return n, err
}
