package routing_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestMigrationBackfillsLoads upgrades a database that has agents and
// tickets from before migration 0002 and checks agent_loads starts exact.
func TestMigrationBackfillsLoads(t *testing.T) {
	backends := []struct {
		name   string
		open   func(t *testing.T) *sql.DB
		schema fs.FS
	}{
		{"sqlite", func(t *testing.T) *sql.DB {
			db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "old.db")+"?_pragma=foreign_keys(1)")
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			return db
		}, sqlite.Migrations()},
		{"postgres", func(t *testing.T) *sql.DB {
			db, err := sql.Open("pgx", storetest.FreshSchemaURL(t))
			if err != nil {
				t.Fatal(err)
			}
			return db
		}, postgres.Migrations()},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			core, err := fs.ReadFile(b.schema, "0001_core.sql")
			if err != nil {
				t.Fatal(err)
			}
			if err := sqlstore.Migrate(ctx, db, fstest.MapFS{"0001_core.sql": {Data: core}}, nil, nil); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO workspaces (id, number, name, created_at) VALUES ('w1', 1, 'old', 0)`,
				`INSERT INTO agents (id, workspace_id, number, name, role, presence, capacity, created_at, updated_at)
					VALUES ('a1', 'w1', 1, 'Ana', 'agent', 'online', 3, 0, 0), ('a2', 'w1', 2, 'Bob', 'agent', 'offline', 0, 0, 0)`,
				`INSERT INTO tickets (id, workspace_id, number, status, channel, assignee_id, assigned_at, created_at, updated_at) VALUES
					('t1', 'w1', 1, 'open', 'email', 'a1', 1000, 0, 0),
					('t2', 'w1', 2, 'pending', 'email', 'a1', 2000, 0, 0),
					('t3', 'w1', 3, 'closed', 'email', 'a1', 5000, 0, 0),
					('t4', 'w1', 4, 'unassigned', 'email', NULL, NULL, 0, 0)`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := sqlstore.Migrate(ctx, db, b.schema, nil, nil); err != nil {
				t.Fatal(err)
			}
			want := map[string][3]int64{"a1": {2, 5000, 1}, "a2": {0, 0, 0}}
			for id, w := range want {
				var active, last, avail int64
				err := db.QueryRowContext(ctx, `SELECT active, last_assigned_at, available FROM agent_loads WHERE agent_id = $1`, id).
					Scan(&active, &last, &avail)
				if err != nil || active != w[0] || last != w[1] || avail != w[2] {
					t.Errorf("agent %s: active %d last %d available %d (%v), want %v", id, active, last, avail, err, w)
				}
			}
			// From here on the triggers keep it: closing t1 frees one slot.
			if _, err := db.ExecContext(ctx, `UPDATE tickets SET status = 'closed' WHERE id = 't1'`); err != nil {
				t.Fatal(err)
			}
			var active int64
			if err := db.QueryRowContext(ctx, `SELECT active FROM agent_loads WHERE agent_id = 'a1'`).Scan(&active); err != nil || active != 1 {
				t.Errorf("after closing: active %d (%v), want 1", active, err)
			}
		})
	}
}
