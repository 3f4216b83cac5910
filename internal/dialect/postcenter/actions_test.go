package postcenter_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

const okBody = `{"status":200,"message":"Ok"}`

// nativeTicket reads a ticket back through the native API.
func (e *env) nativeTicket(id string) map[string]any {
	e.t.Helper()
	res := e.send("GET", "/api/v1/tickets/"+id, nil, servertest.Bearer(e.AdminToken))
	if res.Status != 200 {
		e.t.Fatalf("native GET %s: %s", id, res)
	}
	return decode[map[string]any](e.t, res)
}

func (e *env) nativeEvents(id string) []map[string]any {
	e.t.Helper()
	res := e.send("GET", "/api/v1/tickets/"+id+"/events", nil, servertest.Bearer(e.AdminToken))
	if res.Status != 200 {
		e.t.Fatalf("native events %s: %s", id, res)
	}
	return decode[struct {
		Events []map[string]any `json:"events"`
	}](e.t, res).Events
}

func TestClose(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		f.clock.setAt("2019-06-02T09:00:00.250")
		// The vendor ignores any body; so do we, in both slash forms.
		res := f.ok(f.pc("POST", "/postcenter/v2/ticket/"+f.fb.ID+"/close", `{"reason":"whatever"}`))
		if string(res.Body) != okBody {
			t.Fatalf("close = %s", res.Body)
		}
		n := f.nativeTicket(f.fb.ID)
		if n["status"] != "closed" || n["closed_reason"] != "manual" {
			t.Errorf("native after close: status %v, closed_reason %v", n["status"], n["closed_reason"])
		}
		detail := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+f.fb.ID+"/", nil)))
		if detail["is_closed"] != true || detail["updated_time"] != "2019-06-02T09:00:00.250" {
			t.Errorf("detail after close: %v", detail)
		}
		// Closing again is Ok and changes nothing.
		before := snapshot(t, se, f.ws)
		f.clock.setAt("2019-06-03T09:00:00.000")
		if res := f.ok(f.pc("POST", "/postcenter/v2/ticket/"+f.fb.ID+"/close/", nil)); string(res.Body) != okBody {
			t.Fatalf("second close = %s", res.Body)
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("closing a closed ticket changed it:\n%s\n%s", before, after)
		}
		ids := decode[struct {
			Tickets []string `json:"tickets"`
		}](t, f.ok(f.pc("GET", "/postcenter/v2/tickets/state/closed", nil))).Tickets
		if len(ids) != 2 || ids[0] != f.fb.ID {
			t.Errorf("closed = %v", ids)
		}
	})
}

// TestRouting exercises reassign and get_possible_agent through the real
// routing engine.
func TestRouting(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ctx, d := context.Background(), se.Deps.Desk
		possible := func(id string) string {
			t.Helper()
			return string(f.ok(f.pc("GET", "/postcenter/v2/ticket/"+id+"/get_possible_agent/", nil)).Body)
		}
		// Nobody is online.
		if got := possible(f.fb.ID); got != `{"status":200,"assignation":{"cm":null,"reason":"No agent available"}}` {
			t.Errorf("possible agent, nobody online = %s", got)
		}
		// Both come online; the waiting Facebook ticket drains to
		// Francisco, as Sofía works Twitter only.
		for _, a := range []*desk.Agent{f.francisco, f.sofia} {
			if _, err := d.SetPresence(ctx, f.ws, a.ID, desk.PresenceOnline, desk.System); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.nativeTicket(f.fb.ID)["assignee_id"]; got != f.francisco.ID {
			t.Fatalf("fb drained to %v", got)
		}
		// The tweet is Francisco's: Sofía would take it.
		before := snapshot(t, se, f.ws)
		want := `{"status":200,"assignation":{"cm":` + strconv.FormatInt(f.sofia.Number, 10) + `,"reason":"Assign Because Workload"}}`
		if got := possible(f.tweet.ID); got != want {
			t.Errorf("possible agent for the tweet = %s, want %s", got, want)
		}
		// Nobody but Francisco may take the Facebook ticket.
		if got := possible(f.fb.ID); got != `{"status":200,"assignation":{"cm":null,"reason":"No agent available"}}` {
			t.Errorf("possible agent for fb = %s", got)
		}
		if got := possible(f.email.ID); got != `{"status":200,"assignation":{"cm":null,"reason":"No agent available"}}` {
			t.Errorf("possible agent for a closed ticket = %s", got)
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("get_possible_agent changed stored data:\n%s\n%s", before, after)
		}

		// Reassign the tweet: it goes to Sofía.
		if res := f.ok(f.pc("POST", "/postcenter/v2/ticket/"+f.tweet.ID+"/reassign/", nil)); string(res.Body) != okBody {
			t.Fatalf("reassign = %s", res.Body)
		}
		n := f.nativeTicket(f.tweet.ID)
		if n["assignee_id"] != f.sofia.ID || n["status"] != "assigned" {
			t.Errorf("after reassign: assignee %v, status %v", n["assignee_id"], n["status"])
		}
		detail := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+f.tweet.ID, nil)))
		if cm := detail["current_assignment"].(map[string]any); cm["cmid"] != float64(f.sofia.Number) || cm["name"] != "Sofía Reyes" {
			t.Errorf("current_assignment after reassign = %v", cm)
		}
		// Reassign the Facebook ticket: nobody else may take it, so it
		// waits in the queue, and the answer is still Ok.
		if res := f.ok(f.pc("POST", "/postcenter/v2/ticket/"+f.fb.ID+"/reassign", nil)); string(res.Body) != okBody {
			t.Fatalf("reassign with nobody free = %s", res.Body)
		}
		n = f.nativeTicket(f.fb.ID)
		if n["assignee_id"] != nil || n["status"] != "unassigned" {
			t.Errorf("after reassign with nobody free: assignee %v, status %v", n["assignee_id"], n["status"])
		}
		detail = decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+f.fb.ID, nil)))
		if detail["current_assignment"] != nil {
			t.Errorf("current_assignment of a queued ticket = %v", detail["current_assignment"])
		}
		var sawReassign bool
		for _, ev := range f.nativeEvents(f.tweet.ID) {
			if ev["type"] == desk.EventReassigned && ev["to"] == f.sofia.ID {
				sawReassign = true
			}
		}
		if !sawReassign {
			t.Errorf("no reassigned event: %v", f.nativeEvents(f.tweet.ID))
		}
	})
}

// TestCrossDoor creates tickets through the native API, acts on them
// through PostCenter and reads them back through the native API.
func TestCrossDoor(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		f.clock.setAt("2020-03-01T10:00:00.000")
		bearer := servertest.Bearer(se.AdminToken)
		create := func(body map[string]any) map[string]any {
			t.Helper()
			res := f.send("POST", "/api/v1/tickets", body, bearer)
			if res.Status != 201 {
				t.Fatalf("native create: %s", res)
			}
			return decode[map[string]any](t, res)
		}
		native := create(map[string]any{"subject": "Factura duplicada", "channel": "email", "contact_id": f.jhon.ID,
			"message": "Me cobraron dos veces", "assignee_id": f.francisco.ID})
		id := native["id"].(string)
		f.names[id] = "ticket:native"

		// PostCenter sees it as the vendor would show it.
		f.golden("cross_detail", f.ok(f.pc("GET", "/postcenter/v2/ticket/"+id+"/", nil)).Body)
		byNumber := decode[map[string]any](t, f.ok(f.pc("POST", "/postcenter/v2/ticket/"+strconv.FormatInt(int64(native["number"].(float64)), 10)+"/by_agent_id/", nil)))
		if byNumber["ticket_id"] != id {
			t.Errorf("by_agent_id = %v, want %s", byNumber, id)
		}

		// Reassign through PostCenter: Francisco is offline and Sofía works
		// Twitter only, so the email goes back to the queue.
		f.clock.setAt("2020-03-01T10:05:00.000")
		f.ok(f.pc("POST", "/postcenter/v2/ticket/"+id+"/reassign/", nil))
		back := f.nativeTicket(id)
		if back["assignee_id"] != nil || back["status"] != "unassigned" {
			t.Errorf("native after PostCenter reassign: %v %v", back["assignee_id"], back["status"])
		}
		// Sofía may now take email too: she comes online and gets it.
		if err := se.Deps.Routing.SetAssignableAccounts(context.Background(), f.ws, f.sofia.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := se.Deps.Desk.SetPresence(context.Background(), f.ws, f.sofia.ID, desk.PresenceOnline, desk.System); err != nil {
			t.Fatal(err)
		}
		if got := f.nativeTicket(id)["assignee_id"]; got != f.sofia.ID {
			t.Fatalf("drained to %v", got)
		}

		// Close through PostCenter; the native API reads it closed.
		f.clock.setAt("2020-03-01T11:00:00.000")
		f.ok(f.pc("POST", "/postcenter/v2/ticket/"+id+"/close/", nil))
		back = f.nativeTicket(id)
		if back["status"] != "closed" || back["closed_reason"] != "manual" || back["closed_at"] != "2020-03-01T11:00:00.000Z" {
			t.Errorf("native after PostCenter close: %v %v %v", back["status"], back["closed_reason"], back["closed_at"])
		}
		var closedBy any
		for _, ev := range f.nativeEvents(id) {
			if ev["type"] == desk.EventStatusChanged && ev["to"] == "closed" {
				closedBy = ev["actor"]
			}
		}
		if a, _ := closedBy.(map[string]any); a["id"] != se.Admin.ID {
			t.Errorf("closed by %v, want the key's owner %s", closedBy, se.Admin.ID)
		}
		f.golden("cross_detail_closed", f.ok(f.pc("GET", "/postcenter/v2/ticket/"+id+"/", nil)).Body)
		page := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/tickets/paginated/email/?from=01-03-2020&to=02-03-2020", nil)))
		items := page["tickets"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["status"] != "Cerrado" || items[0].(map[string]any)["id"] != id {
			t.Errorf("paginated email after close = %v", page)
		}

		// Metadata written through PostCenter reads back natively.
		if _, err := se.Deps.Desk.PutFieldDef(context.Background(), f.ws, desk.FieldDef{Key: "MOTIVO", Scope: "ticket", Label: "Motivo", Type: "select",
			Options: []desk.FieldOption{{ID: "1", Key: "RECLAMO", Value: "Reclamo"}}}); err != nil {
			t.Fatal(err)
		}
		f.ok(f.pc("PUT", "/postcenter/v2/metadata/ticket/"+id+"/", map[string]any{"MOTIVO": "RECLAMO"}))
		if cf := f.nativeTicket(id)["custom_fields"].(map[string]any); cf["MOTIVO"] != "RECLAMO" {
			t.Errorf("native custom_fields = %v", cf)
		}
	})
}

func TestMetadata(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ctx, d := context.Background(), se.Deps.Desk
		for _, def := range []desk.FieldDef{
			{Key: "COMENTARIO_USUARIO", Scope: "ticket", Label: "Comentario", Type: "text"},
			{Key: "MOTIVO", Scope: "ticket", Label: "Motivo", Type: "select", Options: []desk.FieldOption{
				{ID: "1", Key: "RECLAMO", Value: "Reclamo"}, {ID: "2", Key: "CONSULTA", Value: "Consulta"}}},
			{Key: "URGENTE", Scope: "ticket", Label: "¿Urgente?", Type: "boolean"},
			{Key: "CANALES", Scope: "ticket", Label: "Canales", Type: "checkbox", Options: []desk.FieldOption{
				{ID: "c1", Value: "Web"}, {ID: "c2", Value: "Tienda"}}},
			{Key: "SEGMENTO", Scope: "contact", Label: "Segmento", Type: "radiobutton", Required: true, Options: []desk.FieldOption{
				{ID: "s1", Key: "VIP", Value: "VIP"}, {ID: "s2", Key: "REGULAR", Value: "Regular"}}},
			{Key: "NOTAS", Scope: "contact", Label: "Notas", Type: "textarea"},
		} {
			if _, err := d.PutFieldDef(ctx, f.ws, def); err != nil {
				t.Fatal(err)
			}
		}
		f.golden("metadata_tickets", f.ok(f.pc("GET", "/postcenter/v2/metadata/tickets/", nil)).Body)
		f.golden("metadata_clients", f.ok(f.pc("GET", "/postcenter/v2/metadata/clients", nil)).Body)

		put := "/postcenter/v2/metadata/ticket/" + f.tweet.ID + "/"
		res := f.ok(f.pc("PUT", put, map[string]any{"COMENTARIO_USUARIO": "llamar en la tarde", "MOTIVO": "RECLAMO",
			"URGENTE": "true", "CANALES": []string{"c1", "c2"}}))
		if string(res.Body) != okBody {
			t.Fatalf("put = %s", res.Body)
		}
		tk, err := se.Store.Ticket(ctx, f.ws, f.tweet.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"COMENTARIO_USUARIO": `"llamar en la tarde"`, "MOTIVO": `"RECLAMO"`, "URGENTE": `true`, "CANALES": `["c1","c2"]`}
		for k, v := range want {
			if got, ok := tk.CustomFields.Get(k); !ok || string(got.Value) != v {
				t.Errorf("ticket field %s = %s, want %s", k, got.Value, v)
			}
		}
		// A bad value, or one unknown key among good ones, changes nothing.
		before := snapshot(t, se, f.ws)
		for body, msg := range map[string]string{
			`{"MOTIVO":"OTRO"}`:                     `"OTRO" is not an option of custom field "MOTIVO"`,
			`{"URGENTE":"quizás"}`:                  `Custom field "URGENTE" wants true or false`,
			`{"COMENTARIO_USUARIO":"x","NOPE":"y"}`: "Unknown integration_key: NOPE",
		} {
			res := f.pc("PUT", put, body)
			if wantBody := `{"status":400,"message":` + jsonString(msg) + `}`; res.Status != 400 || string(res.Body) != wantBody {
				t.Errorf("PUT %s = %s, want 400 %s", body, res, wantBody)
			}
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("refused metadata changed stored data:\n%s\n%s", before, after)
		}
		// An empty object is Ok and writes nothing.
		if res := f.ok(f.pc("PUT", put, `{}`)); string(res.Body) != okBody {
			t.Errorf("empty put = %s", res.Body)
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("empty metadata changed stored data")
		}

		// Customer metadata.
		client := "/postcenter/v2/metadata/client/" + f.carlos.ID
		if res := f.ok(f.pc("PUT", client, map[string]any{"SEGMENTO": "VIP", "NOTAS": "prefiere WhatsApp"})); string(res.Body) != okBody {
			t.Fatalf("client put = %s", res.Body)
		}
		res = f.send("GET", "/api/v1/contacts/"+f.carlos.ID, nil, servertest.Bearer(se.AdminToken))
		var c struct {
			CustomFields map[string]json.RawMessage `json:"custom_fields"`
		}
		if err := json.Unmarshal(res.Body, &c); err != nil || string(c.CustomFields["SEGMENTO"]) != `"VIP"` || string(c.CustomFields["NOTAS"]) != `"prefiere WhatsApp"` {
			t.Errorf("native contact after metadata: %s", res.Body)
		}
		before = snapshot(t, se, f.ws)
		for body, msg := range map[string]string{
			`{"SEGMENTO":null}`:    `Custom field "SEGMENTO" is required`,
			`{"SEGMENTO":"OTRO"}`:  `"OTRO" is not an option of custom field "SEGMENTO"`,
			`{"MOTIVO":"RECLAMO"}`: "Unknown integration_key: MOTIVO", // a ticket field
		} {
			res := f.pc("PUT", client+"/", body)
			if wantBody := `{"status":400,"message":` + jsonString(msg) + `}`; res.Status != 400 || string(res.Body) != wantBody {
				t.Errorf("PUT client %s = %s, want 400 %s", body, res, wantBody)
			}
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("refused client metadata changed stored data:\n%s\n%s", before, after)
		}
	})
}
