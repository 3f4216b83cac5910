package desk_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// rerun runs each transaction body twice, as PostgreSQL's store does after
// a deadlock or a serialization failure: the first attempt rolls back.
type rerun struct {
	desk.Store
	on bool
}

var errRolledBack = errors.New("first attempt rolled back")

func (r *rerun) Update(ctx context.Context, fn func(desk.Tx) error) error {
	if r.on {
		err := r.Store.Update(ctx, func(tx desk.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errRolledBack
		})
		if !errors.Is(err, errRolledBack) {
			return err
		}
	}
	return r.Store.Update(ctx, fn)
}

// A create run again after a failed attempt must store what one attempt
// stores: the second run starts from the ticket as prepared, not as the
// first attempt left it (routed, assigned, due times set).
func TestCreateTicketRetriedBodyStartsAfresh(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := &rerun{Store: b.Open(t)}
			d := desk.NewService(st)
			routing.New(d)
			// Two identical workspaces: one create runs once, the other twice.
			setup := func(name string) string {
				ws, _, err := d.NewWorkspace(ctx, name, "UTC", "Admin", "admin@"+name+".test", "x")
				if err != nil {
					t.Fatal(err)
				}
				a, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Ana", Email: "ana@" + name + ".test", Role: desk.RoleAgent, Capacity: 5})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.SetPresence(ctx, ws.ID, a.ID, desk.PresenceOnline, desk.System); err != nil {
					t.Fatal(err)
				}
				return ws.ID
			}
			ws1, ws2 := setup("one"), setup("two")
			in := desk.NewTicket{Subject: "hola", Channel: desk.ChannelEmail, Tags: []string{"vip"},
				Message: &desk.NewMessage{Text: "no llegó mi pedido"}}
			once, err := d.CreateTicket(ctx, ws1, desk.System, in)
			if err != nil {
				t.Fatal(err)
			}
			st.on = true
			twice, err := d.CreateTicket(ctx, ws2, desk.System, in)
			st.on = false
			if err != nil {
				t.Fatal(err)
			}
			if twice.Status != desk.StatusAssigned || twice.StatusReason != once.StatusReason || twice.AssigneeID == "" ||
				!slices.Equal(twice.Tags, once.Tags) || twice.Number != once.Number || twice.Description != once.Description {
				t.Fatalf("retried create differs:\n once  %+v\n twice %+v", once, twice)
			}
			kinds := func(ws, id string) []string { // agent ids differ between workspaces: "A"
				es, err := st.Events(ctx, ws, id)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, e := range es {
					to := e.To
					if to == once.AssigneeID || to == twice.AssigneeID {
						to = "A"
					}
					out = append(out, e.Type+":"+e.From+">"+to)
				}
				return out
			}
			if k1, k2 := kinds(ws1, once.ID), kinds(ws2, twice.ID); !slices.Equal(k1, k2) {
				t.Fatalf("events of a retried create differ:\n once  %v\n twice %v", k1, k2)
			}
			stored, err := st.Ticket(ctx, ws2, twice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Status != twice.Status || stored.AssigneeID != twice.AssigneeID {
				t.Fatalf("stored %s/%s, returned %s/%s", stored.Status, stored.AssigneeID, twice.Status, twice.AssigneeID)
			}
		})
	}
}
