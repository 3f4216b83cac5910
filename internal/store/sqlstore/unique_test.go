package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// madeByTicketd are the unique constraints over values ticketd makes itself
// (ids, per-workspace numbers, event seqs, counters, hashes, upload tokens): a client
// cannot choose them, so they need no words of their own.
var madeByTicketd = []string{"_pkey", ".id", "_number_key", ".number", "counters", "tokens_hash_key", "tokens.hash",
	"attachments_workspace_id_token_key", "attachments.workspace_id, attachments.token", "schema_migrations",
	"sla_policies", "agent_loads", "search_dirty", "contact_profiles", "created_hours", "ticket_counts", "ticket_docs", "ticket_texts", "ticket_fts",
	"events_seq", "events.workspace_id, events.seq", "attachment_blobs", "attachment_chunks",
	"imap_mailboxes", "web_sessions", "directory_versions", "agent_invitations", "web_flashes"}

// TestUniqueConstraintsMapped reads every unique constraint from each
// database's catalog: each one a client can break must be in uniqueRules,
// so that breaking it answers in the project's words with the field named.
func TestUniqueConstraintsMapped(t *testing.T) {
	mapped := sqlstore.UniqueRuleNames()
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t).(*sqlstore.Store)
			// Unique constraints and primary keys are unique indexes of
			// the same name (pg_indexes is not read: it renders every
			// index, and other tests drop their schemas meanwhile).
			q := `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				WHERE i.indisunique AND c.relnamespace = current_schema()::regnamespace`
			if be.Name == "sqlite" {
				q = `SELECT group_concat(m.name || '.' || ii.name, ', ') FROM sqlite_master m, pragma_index_list(m.name) il,
					pragma_index_info(il.name) ii WHERE m.type = 'table' AND il."unique" = 1 GROUP BY m.name, il.name`
			}
			rows, err := st.DB().QueryContext(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
		next:
			for rows.Next() {
				var name string
				if err := rows.Scan(&name); err != nil {
					t.Fatal(err)
				}
				n++
				if mapped[name] {
					continue
				}
				for _, m := range madeByTicketd {
					if strings.Contains(name, m) {
						continue next
					}
				}
				t.Errorf("unique constraint %q is neither in uniqueRules nor over values ticketd makes", name)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n < 10 {
				t.Fatalf("only %d unique constraints read from the catalog", n)
			}
		})
	}
}

// TestUniqueConflictsNamed breaks the constraints a client can reach and
// checks the error: a conflict, the field named, the project's words and
// none of the driver's.
func TestUniqueConflictsNamed(t *testing.T) {
	ctx := context.Background()
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			svc := desk.NewService(st)
			ws, _, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "hash")
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Li", Email: "li@acme.test"})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name, field, words string
				do                 func() error
			}{
				{"agent email", "email", "an agent with this email already exists", func() error {
					_, err := svc.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Li 2", Email: "LI@acme.test"})
					return err
				}},
				{"admin email", "email", "an agent with this email already exists", func() error {
					_, err := svc.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Admin 2", Email: "admin@acme.test"})
					return err
				}},
			} {
				err := c.do()
				var fe *desk.FieldError
				if !errors.Is(err, desk.ErrConflict) || !errors.As(err, &fe) || fe.Field != c.field || fe.Text() != c.words {
					t.Errorf("%s: err = %v, want a conflict on %q saying %q", c.name, err, c.field, c.words)
					continue
				}
				for _, driver := range []string{"constraint", "UNIQUE", "23505", "agents.", "duplicate key"} {
					if strings.Contains(err.Error(), driver) {
						t.Errorf("%s: error carries the driver's words: %v", c.name, err)
					}
				}
			}
		})
	}
}
