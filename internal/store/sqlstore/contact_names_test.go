package sqlstore_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// TestContactNames: the names-only read agrees with ContactsByID on what
// names a contact, keeps to its workspace, and skips unknown ids.
func TestContactNames(t *testing.T) {
	inWorkspace(t, func(t *testing.T, st desk.Store, d *desk.Service, ws *desk.Workspace) {
		ctx := context.Background()
		other, _, err := d.NewWorkspace(ctx, "globex", "UTC", "Admin", "admin@globex.test", "$argon2id$stub")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range []desk.NewContact{{Name: "Ana Pérez", Email: "ana@example.com"}, {Email: "only@example.com"},
			{Phone: "+6281234567890"}} {
			ct, err := d.CreateContact(ctx, ws.ID, c)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ct.ID)
		}
		stranger, err := d.CreateContact(ctx, other.ID, desk.NewContact{Name: "Not yours"})
		if err != nil {
			t.Fatal(err)
		}
		ask := append(ids, stranger.ID, "no-such-contact")
		got, err := st.(*sqlstore.Store).ContactNames(ctx, ws.ID, ask)
		if err != nil {
			t.Fatal(err)
		}
		full, err := st.ContactsByID(ctx, ws.ID, ask)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || len(full) != 3 {
			t.Fatalf("names of %d contacts, full %d; want 3", len(got), len(full))
		}
		for _, id := range ids {
			g, f := got[id], full[id]
			if g == nil || g.ID != f.ID || g.WorkspaceID != ws.ID || g.Number != f.Number || g.Name != f.Name ||
				g.Email != f.Email || g.Phone != f.Phone {
				t.Errorf("contact %s: names %+v, full %+v", id, g, f)
			}
		}
	})
}
