package dolphins_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// events reads a ticket's event log as stored.
func (f *fx) events(id string) []desk.Event {
	f.t.Helper()
	evs, err := f.e.Store.Events(f.ctx, f.ws.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return evs
}

// TestUpdateWithGroupIsOneTransaction: an Update Ticket body that moves the
// ticket to another group and carries a value the desk refuses answers 400
// and leaves the ticket as it was — group, owner, fields, events — through
// each of the three update routes (E10, E11 by root or message document,
// E12). The same body with good values moves and patches together.
func TestUpdateWithGroupIsOneTransaction(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		if _, err := e.Deps.Desk.PutFieldDef(f.ctx, f.ws.ID, desk.FieldDef{Scope: "ticket", Key: "amount", Type: "number"}); err != nil {
			t.Fatal(err)
		}
		f.online(f.agent, f.agent2)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if tk.AssigneeID != f.agent.ID {
			t.Fatalf("the ticket went to %q", tk.AssigneeID)
		}
		msgs, err := e.Store.Messages(f.ctx, f.ws.ID, tk.ID, desk.MessageFilter{})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("messages: %v %v", msgs, err)
		}
		before, evsBefore := f.reload(tk.ID), f.events(tk.ID)

		g2 := `"group": "` + f.group2.ID + `"`
		for _, c := range []struct{ name, path, body string }{
			{"E10 unknown field", "/graph/tickets/update/" + tn(tk), `{` + g2 + `, "customFields": {"nope": 1}}`},
			{"E10 field of the wrong type", "/graph/tickets/update/" + tn(tk), `{` + g2 + `, "customFields": {"amount": "lots"}}`},
			{"E10 subject too long", "/graph/tickets/update/" + tn(tk), `{` + g2 + `, "subject": "` + strings.Repeat("x", desk.MaxSubject+1) + `"}`},
			{"E11 root document", "/graph/tickets/update/id/" + tk.ID, `{` + g2 + `, "customFields": {"nope": 1}}`},
			{"E11 message document", "/graph/tickets/update/id/" + msgs[0].ID, `{` + g2 + `, "customFields": {"amount": "lots"}}`},
			{"E12", "/graph/tickets/update", `{"ticketNumber": "` + tn(tk) + `", ` + g2 + `, "customFields": {"nope": 1}}`},
		} {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				f.failed(f.do("PUT", c.path, c.body, f.tAgent), 400)
				f.unchanged(before)
				if evs := f.events(tk.ID); !reflect.DeepEqual(evs, evsBefore) {
					t.Fatalf("a refused update recorded %d events after the %d before", len(evs)-len(evsBefore), len(evsBefore))
				}
			})
		}
		f.t = t
		if n, err := e.Store.CountTickets(f.ctx, f.ws.ID, desk.TicketFilter{AssigneeID: f.agent2.ID}); err != nil || n != 0 {
			t.Fatalf("refused updates gave %d tickets to the other group's agent (%v)", n, err)
		}

		// Good values: moved, routed and patched together.
		d := obj(t, f.ok(f.do("PUT", "/graph/tickets/update/"+tn(tk), `{`+g2+`, "customFields": {"amount": 5}, "subject": "pindah"}`, f.tAgent)).Data)
		if d["group"] != f.group2.ID || d["assignedAgent"] != f.agent2.ID || d["subject"] != "pindah" || d["transfered"] != true {
			t.Fatalf("after the update: group %v agent %v subject %v transfered %v", d["group"], d["assignedAgent"], d["subject"], d["transfered"])
		}
		got := f.reload(tk.ID)
		if v, ok := got.CustomFields.Get("amount"); got.GroupID != f.group2.ID || got.AssigneeID != f.agent2.ID || !ok || string(v.Value) != "5" {
			t.Fatalf("stored: group %q owner %q amount %s", got.GroupID, got.AssigneeID, v.Value)
		}
		var moved bool
		for _, ev := range f.events(tk.ID)[len(evsBefore):] {
			if ev.Type == desk.EventTransferred {
				moved = ev.From == f.group.ID && ev.To == f.group2.ID && ev.Actor.ID == f.agent.ID && strings.Contains(ev.Reason, "via 3Dolphins API")
			}
		}
		if !moved {
			t.Errorf("no transfer event from %s to %s by the agent: %+v", f.group.ID, f.group2.ID, f.events(tk.ID)[len(evsBefore):])
		}
	})
}
