package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// migrationsBefore is the migrations of all numbered below v.
func migrationsBefore(t *testing.T, all fs.FS, v int) fs.FS {
	t.Helper()
	names, err := fs.Glob(all, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil || n >= v {
			continue
		}
		b, err := fs.ReadFile(all, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: b}
	}
	return out
}

// Rows as a store before migration 0018 held them: vendor values in columns
// of their own, and a ticket whose meta already holds other doors' values.
var before0018 = []string{
	`INSERT INTO workspaces (id, number, name, created_at) VALUES ('w1', 1, 'acme', 1)`,
	`INSERT INTO agents (id, workspace_id, number, name, role, accesses, created_at, updated_at)
		VALUES ('a1', 'w1', 1, 'Ana', 'agent', '["chat:write","order:read"]', 1, 1),
		       ('a2', 'w1', 2, 'Bo', 'agent', '[]', 1, 1)`,
	`INSERT INTO contacts (id, workspace_id, number, created_at, updated_at) VALUES ('c1', 'w1', 1, 1, 1), ('c2', 'w1', 2, 1, 1)`,
	`INSERT INTO contact_profiles (contact_id, workspace_id, fixed_phone, qq, updated_at)
		VALUES ('c1', 'w1', '010-63701717', '601100987', 1), ('c2', 'w1', '', '', 1)`,
	`INSERT INTO tickets (id, workspace_id, number, status, channel, closure_type, source_code, meta, created_at, updated_at) VALUES
		('t1', 'w1', 1, 'closed', 'email', 'Spam', 9, 'null', 1, 1),
		('t2', 'w1', 2, 'closed', 'webchat', 'Unresolved', 0,
		 '{"oneview":{"content":{"z":1, "a":[1.0,2e0,"\u00e9"]}},"3dolphins":{"remark":"r"}}', 1, 1),
		('t3', 'w1', 3, 'open', 'webchat', '', 0, '{"postcenter":{"campaign_id":"c"}}', 1, 1)`,
}

// TestMigration0018MovesVendorColumns: existing rows keep their values,
// each in the meta of the door that owns it, and every other meta value
// keeps its text (a door may re-emit it verbatim).
func TestMigration0018MovesVendorColumns(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			var raw *sql.DB
			var all fs.FS
			// raw is the database before 0018; open opens the store on it,
			// which applies the rest.
			var open func() (*sqlstore.Store, error)
			switch name {
			case "sqlite":
				path := filepath.Join(t.TempDir(), "old.db")
				db, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					t.Fatal(err)
				}
				raw, all = db, sqlite.Migrations()
				open = func() (*sqlstore.Store, error) { return sqlite.Open(ctx, path, sqlite.Options{}) }
			case "postgres":
				u := storetest.FreshSchemaURL(t)
				db, err := sql.Open("pgx", u)
				if err != nil {
					t.Fatal(err)
				}
				raw, all = db, postgres.Migrations()
				open = func() (*sqlstore.Store, error) { return postgres.Open(ctx, u, nil) }
			}
			if err := sqlstore.Migrate(ctx, raw, migrationsBefore(t, all, 18), nil, nil); err != nil {
				t.Fatal(err)
			}
			for _, q := range before0018 {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			raw.Close()
			st, err := open()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })

			meta := func(m map[string]map[string]json.RawMessage, door, k string) string {
				var b bytes.Buffer
				if v, ok := m[door][k]; ok && json.Compact(&b, v) != nil {
					t.Fatalf("%s.%s is not JSON: %s", door, k, v)
				}
				return b.String()
			}
			for _, c := range []struct {
				id, door, key, want string
			}{
				{"t1", "3dolphins", "closureType", `"Spam"`},
				{"t1", "bangwo8", "ticketSource", `9`},
				{"t2", "3dolphins", "closureType", `"Unresolved"`},
				{"t2", "3dolphins", "remark", `"r"`},
				{"t2", "oneview", "content", `{"z":1,"a":[1.0,2e0,"\u00e9"]}`},
				{"t2", "bangwo8", "ticketSource", ``},
				{"t3", "postcenter", "campaign_id", `"c"`},
				{"t3", "3dolphins", "closureType", ``},
			} {
				tk, err := st.Ticket(ctx, "w1", c.id)
				if err != nil {
					t.Fatal(err)
				}
				if got := meta(tk.Meta, c.door, c.key); got != c.want {
					t.Errorf("ticket %s meta %s.%s = %s, want %s", c.id, c.door, c.key, got, c.want)
				}
			}
			a1, err := st.Agent(ctx, "w1", "a1")
			if err != nil {
				t.Fatal(err)
			}
			if got := meta(a1.Meta, "oneview", "agentAccesses"); got != `["chat:write","order:read"]` {
				t.Errorf("agent a1 agentAccesses = %s", got)
			}
			if a2, err := st.Agent(ctx, "w1", "a2"); err != nil || len(a2.Meta) != 0 {
				t.Errorf("agent a2 meta = %v, %v; want none", a2.Meta, err)
			}
			c1, err := st.Contact(ctx, "w1", "c1")
			if err != nil {
				t.Fatal(err)
			}
			if got := meta(c1.Meta, "bangwo8", "qq"); got != `"601100987"` {
				t.Errorf("contact c1 qq = %s", got)
			}
			if p, err := st.ContactProfile(ctx, "w1", "c1"); err != nil || p.FixedPhone != "010-63701717" {
				t.Errorf("contact c1 profile = %+v, %v", p, err)
			}
			if c2, err := st.Contact(ctx, "w1", "c2"); err != nil || len(c2.Meta) != 0 {
				t.Errorf("contact c2 meta = %v, %v; want none", c2.Meta, err)
			}
			// The migrated rows take writes in the new shape.
			a1.Meta["oneview"]["agentAccesses"] = json.RawMessage(`["chat:read"]`)
			if err := st.Update(ctx, func(tx desk.Tx) error { return tx.UpdateAgent(ctx, a1) }); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Agent(ctx, "w1", "a1"); err != nil || meta(got.Meta, "oneview", "agentAccesses") != `["chat:read"]` {
				t.Errorf("agent a1 after update = %+v, %v", got, err)
			}
		})
	}
}
