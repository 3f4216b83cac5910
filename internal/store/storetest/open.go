// Package storetest is the conformance suite every desk.Store must pass, and
// the helpers that open real stores for tests: a fresh SQLite file always,
// and a fresh PostgreSQL schema when TICKETD_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
)

// Opener opens a fresh, empty store for one test.
type Opener func(t testing.TB) desk.Store

// Backend is a named Opener.
type Backend struct {
	Name string
	Open Opener
}

// Backends lists the stores a test should run on: SQLite always, PostgreSQL
// when TICKETD_TEST_POSTGRES is set.
func Backends() []Backend {
	return []Backend{{"sqlite", OpenSQLite}, {"postgres", OpenPostgres}}
}

// OpenSQLite opens a store on a new SQLite file in the test's temp folder.
func OpenSQLite(t testing.TB) desk.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ticketd.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// PostgresURL returns the server URL tests use, or skips the test with a
// clear message when none is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TICKETD_TEST_POSTGRES")
	if u == "" {
		t.Skip("PostgreSQL tests skipped: set TICKETD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	return u
}

// FreshSchemaURL creates an empty schema on the test server and returns a
// URL whose connections use it; the schema is dropped when the test ends.
func FreshSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TICKETD_TEST_POSTGRES: %v", err)
	}
	defer c.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TICKETD_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens a store on a fresh schema of the test server.
func OpenPostgres(t testing.TB) desk.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), FreshSchemaURL(t), nil)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
