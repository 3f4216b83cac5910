package bangwo8_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// The custUser contact is made in the ticket's transaction: a create the
// desk refuses (here an agent at capacity) leaves no contact behind.
func TestCreateRefusedLeavesNoContact(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		full, _ := e.Agent(desk.NewAgent{Name: "满员", Email: "full@acme.test", Capacity: 1})
		e.create(t, fmt.Sprintf(`{"subject": "first", "ticketReply": {"replyMsg": "x"}, "servicerUserId": %d}`, full.Number))
		res := e.do("POST", "/tickets.json", fmt.Sprintf(`{"subject": "s", "ticketReply": {"replyMsg": "x"},
			"custUser": {"mobilephone": "13911110000", "name": "新客户"}, "servicerUserId": %d}`, full.Number))
		if res.Status != 409 {
			t.Fatalf("create for an agent at capacity: status %d, want 409: %s", res.Status, res.Body)
		}
		if cs, err := e.Store.Contacts(ctx, e.Workspace.ID, desk.ContactFilter{Phone: "13911110000"}); err != nil || len(cs) != 0 {
			t.Fatalf("refused create left %d contacts (%v)", len(cs), err)
		}
		// The same create without the refusal makes the contact, and the
		// first message is the contact's.
		n := e.create(t, `{"subject": "s", "ticketReply": {"replyMsg": "x"}, "custUser": {"mobilephone": "13911110000", "name": "新客户", "qq": "601100987"}}`)
		cs, err := e.Store.Contacts(ctx, e.Workspace.ID, desk.ContactFilter{Phone: "13911110000"})
		if err != nil || len(cs) != 1 || cs[0].Name != "新客户" {
			t.Fatalf("contacts = %+v (%v)", cs, err)
		}
		tk, err := e.Store.TicketByNumber(ctx, e.Workspace.ID, n)
		if err != nil || tk.ContactID != cs[0].ID {
			t.Fatalf("ticket contact = %v (%v), want %s", tk, err, cs[0].ID)
		}
		msgs, err := e.Store.Messages(ctx, e.Workspace.ID, tk.ID, desk.MessageFilter{})
		if err != nil || len(msgs) != 1 || msgs[0].Author != (desk.Actor{Kind: desk.ActorContact, ID: cs[0].ID}) || msgs[0].AuthorName != "新客户" {
			t.Fatalf("first message = %+v (%v)", msgs, err)
		}
		prof, err := e.Store.ContactProfile(ctx, e.Workspace.ID, cs[0].ID)
		if err != nil || prof.QQ != "601100987" {
			t.Fatalf("profile = %+v (%v)", prof, err)
		}
	})
}

// Creates racing with the same new mobile number share one contact (on
// PostgreSQL each would otherwise look, find none and create its own).
func TestCreateRacingSameMobileOneContact(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		const rounds, racers = 5, 8
		for r := range rounds {
			phone := fmt.Sprintf("1370000%04d", r)
			var wg sync.WaitGroup
			statuses := make([]int, racers)
			for i := range racers {
				wg.Go(func() {
					res := e.do("POST", "/tickets.json", fmt.Sprintf(`{"subject": "race %d", "ticketReply": {"replyMsg": "x"},
						"custUser": {"mobilephone": %q, "name": "竞"}}`, i, phone))
					statuses[i] = res.Status
				})
			}
			wg.Wait()
			for i, s := range statuses {
				if s != 200 {
					t.Fatalf("round %d racer %d: status %d", r, i, s)
				}
			}
			cs, err := e.Store.Contacts(ctx, e.Workspace.ID, desk.ContactFilter{Phone: phone})
			if err != nil || len(cs) != 1 {
				t.Fatalf("round %d: %d contacts with %s (%v), want 1", r, len(cs), phone, err)
			}
			n, err := e.Store.CountTickets(ctx, e.Workspace.ID, desk.TicketFilter{ContactID: cs[0].ID})
			if err != nil || n != racers {
				t.Fatalf("round %d: the contact has %d tickets (%v), want %d", r, n, err, racers)
			}
		}
	})
}
