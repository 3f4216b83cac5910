package sqlstore_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// oldDB is one backend's database opened raw, for migration tests that
// build an older schema (before), seed rows in its shape, then migrate and
// reopen it as a store.
type oldDB struct {
	name   string
	schema fs.FS
	// open gives the raw database and a func that opens it as a store
	// (migrating it to the newest schema), closed when t ends.
	open func(t *testing.T) (db *sql.DB, reopen func() desk.Store)
}

// oldDBs are both backends (PostgreSQL on a fresh schema, skipped when
// TICKETD_TEST_POSTGRES is unset, as storetest does).
func oldDBs() []oldDB {
	return []oldDB{
		{"sqlite", sqlite.Migrations(), func(t *testing.T) (*sql.DB, func() desk.Store) {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			return db, func() desk.Store {
				st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
		}},
		{"postgres", postgres.Migrations(), func(t *testing.T) (*sql.DB, func() desk.Store) {
			url := storetest.FreshSchemaURL(t)
			db, err := sql.Open("pgx", url)
			if err != nil {
				t.Fatal(err)
			}
			return db, func() desk.Store {
				st, err := postgres.Open(context.Background(), url, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
		}},
	}
}

// before returns the migrations of schema numbered below v.
func before(t *testing.T, schema fs.FS, v int) fs.FS {
	names, err := fs.Glob(schema, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, n := range names {
		if k, _ := strconv.Atoi(strings.SplitN(n, "_", 2)[0]); k < v {
			b, err := fs.ReadFile(schema, n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	return out
}
