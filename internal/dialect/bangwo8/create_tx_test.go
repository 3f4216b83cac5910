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
		if qq := string(cs[0].Meta["bangwo8"]["qq"]); qq != `"601100987"` {
			t.Fatalf("contact's qq in this door's meta = %s, want \"601100987\"", qq)
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

// The files of attachment custom fields are bound in the create's
// transaction: a create whose files cannot be bound (one already the
// reply's, or one named by two fields) answers 400 and leaves no ticket,
// no contact and the files free; a good create stores the ticket and its
// files together.
func TestCreateFieldFilesOneTransaction(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		ws := e.Workspace.ID
		e.fieldDefs(t)
		if res := e.Do("PUT", "/api/v1/fields/ticket/field_5", `{"type": "attachment", "label": "附件二"}`, servertest.Bearer(e.AdminToken)); res.Status != 200 {
			t.Fatalf("define field_5: %d %s", res.Status, res.Body)
		}
		reply := e.upload(t, "/attachments.json?fileName=reply.txt", []byte("reply"))["token"].(string)
		f1 := e.upload(t, "/attachments.json?fileName=a.png", png)["token"].(string)
		f2 := e.upload(t, "/attachments.json?fileName=b.txt", []byte("b"))["token"].(string)
		free := func(what string) {
			t.Helper()
			if n, err := e.Store.CountTickets(ctx, ws, desk.TicketFilter{}); err != nil || n != 0 {
				t.Fatalf("%s: %d tickets stored (%v), want none", what, n, err)
			}
			if cs, err := e.Store.Contacts(ctx, ws, desk.ContactFilter{Phone: "13922223333"}); err != nil || len(cs) != 0 {
				t.Fatalf("%s: %d contacts stored (%v), want none", what, len(cs), err)
			}
			for _, tok := range []string{reply, f1, f2} {
				a, err := e.Store.AttachmentByToken(ctx, ws, tok)
				if err != nil || a.TicketID != "" || a.MessageID != "" || a.FieldKey != "" {
					t.Fatalf("%s: file %s = %+v (%v), want it free", what, tok, a, err)
				}
			}
		}
		const head = `"subject": "附件", "ticketTemplateId": 5, "custUser": {"mobilephone": "13922223333", "name": "李四"}`
		for _, c := range []struct{ name, body string }{
			{"the reply's file in a field", fmt.Sprintf(`{"ticket": {%s, "ticketReply": {"replyMsg": "x", "attachments": [%q]},
				"custom_fields": [{"key": "field_4", "value": "%s,%s"}]}}`, head, reply, f1, reply)},
			{"one file in two fields", fmt.Sprintf(`{"ticket": {%s, "ticketReply": {"replyMsg": "x"},
				"custom_fields": [{"key": "field_4", "value": %q}, {"key": "field_5", "value": "%s,%s"}]}}`, head, f1, f2, f1)},
		} {
			res := e.do("POST", "/tickets.json", c.body)
			if m := want(t, res, 400); m["errcode"] != "100400" {
				t.Fatalf("%s: %s", c.name, res.Body)
			}
			free(c.name)
		}

		n := e.create(t, fmt.Sprintf(`{"ticket": {%s, "ticketReply": {"replyMsg": "x", "attachments": [%q]},
			"custom_fields": [{"key": "field_4", "value": "%s,%s"}]}}`, head, reply, f1, f2))
		tk := e.ticket(t, n)
		for _, tok := range []string{f1, f2} {
			a, err := e.Store.AttachmentByToken(ctx, ws, tok)
			if err != nil || a.TicketID != tk.ID || a.FieldKey != "field_4" || a.MessageID != "" {
				t.Errorf("field file %s = %+v (%v), want it on field_4 of ticket %d", tok, a, err, n)
			}
		}
		if ms := e.messages(t, n); len(ms) != 1 || len(ms[0].Attachments) != 1 || ms[0].Attachments[0].Token != reply {
			t.Errorf("first message = %+v", ms)
		}
	})
}
