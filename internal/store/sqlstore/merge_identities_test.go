package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// TestMigrationMergesDuplicateIdentities upgrades a database whose contacts
// share identities (as any door could write before 0015) and checks each
// group became its oldest contact, with everything the others had.
func TestMigrationMergesDuplicateIdentities(t *testing.T) {
	for _, b := range oldDBs() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db, reopen := b.open(t)
			defer db.Close()
			if err := sqlstore.Migrate(ctx, db, before(t, b.schema, 15), nil, nil); err != nil {
				t.Fatal(err)
			}
			// w1: c1 (oldest) and c2 share whatsapp/111; c2 and c3 share
			// telegram/222, so all three are one customer. c5 shares
			// nothing. w2's c4 holds whatsapp/111 too, in another workspace.
			for _, q := range []string{
				`INSERT INTO workspaces (id, number, name, created_at) VALUES ('w1', 1, 'one', 0), ('w2', 2, 'two', 0)`,
				`INSERT INTO contacts (id, workspace_id, number, name, email, phone, custom_fields, created_at, updated_at) VALUES
					('c1', 'w1', 1, '', '', '56911111111', '[{"key":"a","value":1}]', 1000, 1000),
					('c2', 'w1', 2, 'Carla', 'carla@example.test', '', '[{"key":"a","value":2},{"key":"b","value":3}]', 2000, 2000),
					('c3', 'w1', 3, 'Carla P', 'other@example.test', '', '[]', 3000, 3000),
					('c5', 'w1', 4, 'Diego', '', '', '[]', 4000, 4000),
					('c4', 'w2', 1, 'Eva', '', '', '[]', 500, 500)`,
				`INSERT INTO contact_identities (workspace_id, contact_id, position, channel, external_id, display_name) VALUES
					('w1', 'c1', 0, 'whatsapp', '111', ''),
					('w1', 'c2', 0, 'whatsapp', '111', 'Carla'),
					('w1', 'c2', 1, 'telegram', '222', 'carla_t'),
					('w1', 'c3', 0, 'telegram', '222', ''),
					('w1', 'c3', 1, 'email', 'other@example.test', ''),
					('w1', 'c5', 0, 'whatsapp', '999', ''),
					('w2', 'c4', 0, 'whatsapp', '111', '')`,
				`INSERT INTO contact_profiles (contact_id, workspace_id, qq, updated_at) VALUES ('c2', 'w1', '12345', 0), ('c3', 'w1', '', 0)`,
				`INSERT INTO tickets (id, workspace_id, number, status, channel, contact_id, created_at, updated_at) VALUES
					('t1', 'w1', 1, 'open', 'whatsapp', 'c2', 0, 0),
					('t2', 'w1', 2, 'closed', 'telegram', 'c3', 0, 0),
					('t3', 'w1', 3, 'open', 'whatsapp', 'c1', 0, 0),
					('t4', 'w1', 4, 'open', 'whatsapp', 'c5', 0, 0)`,
				`INSERT INTO messages (id, workspace_id, number, ticket_id, direction, public, author_kind, author_id, created_at) VALUES
					('m1', 'w1', 1, 't1', 'in', TRUE, 'contact', 'c2', 0),
					('m2', 'w1', 2, 't2', 'in', TRUE, 'contact', 'c3', 0)`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			var logs bytes.Buffer
			if err := sqlstore.Migrate(ctx, db, b.schema, nil, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
				t.Fatal(err)
			}

			st := reopen()
			cs, err := st.Contacts(ctx, "w1", desk.ContactFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, []string{"c1", "c5"}) {
				t.Fatalf("contacts of w1 = %v, want c1 and c5", ids)
			}
			c1 := cs[0]
			// c1 keeps its own values and fills what it lacked, from c2
			// first (the older of the merged).
			if c1.Name != "Carla" || c1.Email != "carla@example.test" || c1.Phone != "56911111111" {
				t.Errorf("c1 = %+v", c1)
			}
			if got, _ := json.Marshal(c1.CustomFields); string(got) != `[{"key":"a","value":1},{"key":"b","value":3}]` {
				t.Errorf("c1 fields = %s", got)
			}
			var idents []string
			for _, i := range c1.Identities {
				idents = append(idents, string(i.Channel)+"/"+i.ExternalID+"/"+i.DisplayName)
			}
			if want := []string{"whatsapp/111/", "telegram/222/carla_t", "email/other@example.test/"}; !slices.Equal(idents, want) {
				t.Errorf("c1 identities = %v, want %v", idents, want)
			}
			// The merged profile value, moved on by migration 0018 into
			// the owning door's meta.
			if c, err := st.Contact(ctx, "w1", "c1"); err != nil || string(c.Meta["bangwo8"]["qq"]) != `"12345"` {
				t.Errorf("c1 meta = %+v, %v", c.Meta, err)
			}
			for _, id := range []string{"t1", "t2", "t3"} {
				if tk, err := st.Ticket(ctx, "w1", id); err != nil || tk.ContactID != "c1" {
					t.Errorf("ticket %s: %+v, %v; want contact c1", id, tk, err)
				}
			}
			if tk, err := st.Ticket(ctx, "w1", "t4"); err != nil || tk.ContactID != "c5" {
				t.Errorf("ticket t4 moved: %+v, %v", tk, err)
			}
			for _, id := range []string{"m1", "m2"} {
				if m, err := st.Message(ctx, "w1", id); err != nil || m.Author.ID != "c1" {
					t.Errorf("message %s: %+v, %v; want author c1", id, m, err)
				}
			}
			// Another workspace's holder of the same identity is untouched.
			if c4, err := st.Contact(ctx, "w2", "c4"); err != nil || len(c4.Identities) != 1 {
				t.Errorf("c4 = %+v, %v", c4, err)
			}

			// What was merged is there for an admin to read, and in the log.
			ms, err := st.ContactMerges(ctx, "w1")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.ContactID+">"+m.IntoID+":"+strconv.FormatInt(m.Tickets, 10)+":"+m.ContactName)
			}
			if want := []string{"c2>c1:1:Carla", "c3>c1:1:Carla P"}; !slices.Equal(got, want) {
				t.Errorf("merges = %v, want %v", got, want)
			}
			if len(ms) == 2 && (len(ms[1].Identities) != 1 || ms[1].Identities[0].ExternalID != "222" || ms[0].ContactNumber != 2 || ms[0].IntoNumber != 1) {
				t.Errorf("merge records = %+v", ms)
			}
			if n := strings.Count(logs.String(), "merged duplicate contact"); n != 2 {
				t.Errorf("%d merge log lines, want 2:\n%s", n, logs.String())
			}
			if other, err := st.ContactMerges(ctx, "w2"); err != nil || len(other) != 0 {
				t.Errorf("merges of w2 = %+v, %v", other, err)
			}

			// From now on the index holds: no second contact takes whatsapp/111.
			if _, err := db.ExecContext(ctx, `INSERT INTO contact_identities (workspace_id, contact_id, position, channel, external_id)
				VALUES ('w1', 'c5', 1, 'whatsapp', '111')`); err == nil {
				t.Errorf("a second contact took whatsapp/111 after the migration")
			}
		})
	}
}
