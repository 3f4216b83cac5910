package desk_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestMergeContactsFillsProfileAndMeta: the survivor keeps its own profile
// fields and door values and takes those it lacks from the merged contact.
func TestMergeContactsFillsProfileAndMeta(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			d := desk.NewService(st)
			ws, admin, err := d.NewWorkspace(ctx, "acme", "", "A", "a@x.io", "h")
			if err != nil {
				t.Fatal(err)
			}
			meta := func(k, v string) map[string]map[string]json.RawMessage {
				return map[string]map[string]json.RawMessage{"door": {k: json.RawMessage(`"` + v + `"`)}}
			}
			into, _ := d.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana", Meta: meta("handle", "ana")})
			from, _ := d.CreateContact(ctx, ws.ID, desk.NewContact{Name: "A", Meta: map[string]map[string]json.RawMessage{
				"door": {"handle": json.RawMessage(`"other"`), "im_id": json.RawMessage(`"123"`)}}})
			err = st.Update(ctx, func(tx desk.Tx) error {
				if err := tx.PutContactProfile(ctx, &desk.ContactProfile{WorkspaceID: ws.ID, ContactID: into.ID, Position: "CEO"}); err != nil {
					return err
				}
				return tx.PutContactProfile(ctx, &desk.ContactProfile{WorkspaceID: ws.ID, ContactID: from.ID, Position: "intern", Note: "calls at 9"})
			})
			if err != nil {
				t.Fatal(err)
			}
			caller := desk.Caller{AgentID: admin.ID, Role: desk.RoleAdmin}
			if _, _, err := d.MergeContacts(ctx, ws.ID, desk.Caller{AgentID: "x", Role: desk.RoleAgent}, desk.System, into.ID, from.ID); err == nil {
				t.Fatal("an agent merged contacts")
			}
			got, n, err := d.MergeContacts(ctx, ws.ID, caller, desk.System, into.ID, from.ID)
			if err != nil || n != 0 {
				t.Fatalf("MergeContacts = %d, %v", n, err)
			}
			if string(got.Meta["door"]["handle"]) != `"ana"` || string(got.Meta["door"]["im_id"]) != `"123"` {
				t.Errorf("meta %s", got.Meta)
			}
			p, err := st.ContactProfile(ctx, ws.ID, into.ID)
			if err != nil || p.Position != "CEO" || p.Note != "calls at 9" {
				t.Errorf("profile %+v, %v", p, err)
			}
			if p, _ := st.ContactProfile(ctx, ws.ID, from.ID); p.Note != "" {
				t.Errorf("the merged contact's profile stayed: %+v", p)
			}
		})
	}
}
