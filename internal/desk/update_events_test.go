package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Every field a patch changes appends one event with from and to, and a
// patch that changes nothing appends none.
func TestPatchRecordsEveryChange(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s := desk.NewService(b.Open(t))
			ws, admin, err := s.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "")
			if err != nil {
				t.Fatal(err)
			}
			c1, err := s.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana", Email: "ana@x.test"})
			if err != nil {
				t.Fatal(err)
			}
			c2, err := s.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Bo", Email: "bo@x.test"})
			if err != nil {
				t.Fatal(err)
			}
			tk, err := s.CreateTicket(ctx, ws.ID, desk.System, desk.NewTicket{Subject: "s", ContactID: c1.ID,
				Priority: desk.PriorityNormal, NoRoute: true,
				CustomFields: desk.Fields{{Key: "order", Value: json.RawMessage(`"A1"`)}}})
			if err != nil {
				t.Fatal(err)
			}
			actor := desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}
			log := func() []string {
				evs, err := s.Store.Events(ctx, ws.ID, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, e := range evs {
					if e.Type == desk.EventFieldChanged {
						out = append(out, fmt.Sprintf("%s %s→%s", e.Reason, e.From, e.To))
					}
				}
				return out
			}
			before := len(log())

			flag, typ, rank, tmpl := true, desk.TypeIncident, 3, int64(7)
			p := desk.TicketPatch{
				Flagged: &flag, Type: &typ, PriorityRank: &rank, TemplateID: &tmpl,
				ContactID: &c2.ID, CC: &desk.CC{Emails: []string{"boss@x.test"}},
				CustomFields: desk.Fields{
					{Key: "order", Value: json.RawMessage(`"A1"`)}, // same value: no event
					{Key: "order2", Value: json.RawMessage(`{ "n": 1 }`)},
					{Key: "paid", Value: json.RawMessage(`1`), Extras: map[string]json.RawMessage{"pay_status": json.RawMessage(`2`)}},
				},
				Meta: map[string]map[string]json.RawMessage{
					"door1": {"b": json.RawMessage(`[1, 2]`), "a": json.RawMessage(`"x"`)},
					"door2": {"k": json.RawMessage(`true`)},
				},
			}
			if _, err := s.UpdateTicket(ctx, ws.ID, tk.ID, actor, p); err != nil {
				t.Fatal(err)
			}
			want := []string{
				"priority_rank 0→3",
				"flagged false→true",
				"type →incident",
				"contact " + c1.ID + "→" + c2.ID,
				`cc →{"emails":["boss@x.test"]}`,
				"template_id 0→7",
				`custom_fields.order2 →{"n":1}`,
				`custom_fields.paid →{"value":1,"extras":{"pay_status":2}}`,
				`meta.door1.a →"x"`,
				"meta.door1.b →[1,2]",
				"meta.door2.k →true",
			}
			if got := log()[before:]; !slices.Equal(got, want) {
				t.Fatalf("field events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			// The same patch again, spelled differently where JSON allows:
			// nothing changes, nothing is recorded.
			p.CustomFields[1].Value = json.RawMessage(`{"n":1}`)
			p.Meta["door1"]["b"] = json.RawMessage(`[1,2]`)
			if _, err := s.UpdateTicket(ctx, ws.ID, tk.ID, actor, p); err != nil {
				t.Fatal(err)
			}
			if got := log()[before+len(want):]; len(got) != 0 {
				t.Fatalf("a patch that changes nothing recorded %q", got)
			}

			// A new priority resets an explicit rank: both are recorded.
			high := desk.PriorityHigh
			if _, err := s.UpdateTicket(ctx, ws.ID, tk.ID, actor, desk.TicketPatch{Priority: &high}); err != nil {
				t.Fatal(err)
			}
			if got := log()[before+len(want):]; !slices.Equal(got, []string{"priority_rank 3→0"}) {
				t.Fatalf("rank reset recorded as %q", got)
			}
		})
	}
}
