package oneview_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/oneview"
	"github.com/ticketd/ticketd/internal/live"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

var ctx = context.Background()

// wait bounds how long a test waits for a stream event that must come.
const wait = 10 * time.Second

func bearer(tok string) string { return "Authorization: bearer " + tok }

// decodeExact decodes a JSON body keeping numbers as written, so a test
// can tell 1572499999 from 1572499999.0.
func decodeExact(t *testing.T, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, b)
	}
}

// checkShape asserts obj has exactly the keys of want, each of the JSON
// type named ("string", "int", "object", "array").
func checkShape(t *testing.T, what string, obj map[string]any, want map[string]string) {
	t.Helper()
	for k, typ := range want {
		v, ok := obj[k]
		if !ok {
			t.Errorf("%s lacks %q", what, k)
			continue
		}
		okType := false
		switch typ {
		case "string":
			_, okType = v.(string)
		case "int":
			n, isNum := v.(json.Number)
			_, err := n.Int64()
			okType = isNum && err == nil
		case "object":
			_, okType = v.(map[string]any)
		case "array":
			_, okType = v.([]any)
		}
		if !okType {
			t.Errorf("%s.%s = %#v, want a JSON %s", what, k, v, typ)
		}
	}
	for k := range obj {
		if _, ok := want[k]; !ok {
			t.Errorf("%s has unexpected field %q", what, k)
		}
	}
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	n, err := v.(json.Number).Int64()
	if err != nil {
		t.Fatalf("%v is not an integer", v)
	}
	return n
}

var ticketShape = map[string]string{"id": "string", "ticketStatus": "string", "assignedTime": "int", "createdAt": "int",
	"queue": "string", "channel": "string", "content": "object", "metadata": "object", "statusReason": "string",
	"priority": "int", "customer": "object"}
var metadataShape = map[string]string{"ccr": "string", "agentJwt": "string", "roomId": "string", "roomName": "string",
	"roomSubscriptionToken": "string", "orderId": "string", "agentAccesses": "array"}
var customerShape = map[string]string{"id": "string", "firstName": "string", "lastName": "string"}
var agentInfoShape = map[string]string{"id": "string", "name": "string", "lastLoginTime": "int", "updatedAt": "int", "agentTimeInStatus": "int"}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestAgentTicketsFields(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ws := e.Workspace.ID
		g, err := e.Deps.Desk.CreateGroup(ctx, ws, "english", "")
		if err != nil {
			t.Fatal(err)
		}
		ag, tok := e.Agent(desk.NewAgent{Name: "somename", Email: "ana@acme.test", GroupIDs: []string{g.ID},
			Meta: oneview.AccessesMeta([]string{"chat:write", "order:read"})})
		c, err := e.Deps.Desk.CreateContact(ctx, ws, desk.NewContact{FirstName: "hugo", LastName: "dan",
			ExternalID: "989899854090030232934sdfdsdf32dd4sdfdsddffdummycustomerid2"})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "Where is my order?",
			Message: &desk.NewMessage{Text: "It has been an hour"}, Channel: desk.ChannelWebchat, ContactID: c.ID,
			GroupID: g.ID, Priority: desk.PriorityUrgent, AssigneeID: ag.ID,
			Meta: map[string]map[string]json.RawMessage{"oneview": {"ccr": raw(`"delivery - wrong address"`), "orderId": raw(`"sdw-srr"`)}}})
		if err != nil {
			t.Fatal(err)
		}
		tk, _ = e.Store.Ticket(ctx, ws, tk.ID)

		res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		if res.Status != 200 || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET tickets: %d %q %s", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		if !bytes.HasPrefix(res.Body, []byte("[{")) {
			t.Fatalf("want a bare JSON array: %.80s", res.Body)
		}
		var list []map[string]any
		decodeExact(t, res.Body, &list)
		if len(list) != 1 {
			t.Fatalf("%d tickets, want 1", len(list))
		}
		got := list[0]
		checkShape(t, "ticket", got, ticketShape)
		md := got["metadata"].(map[string]any)
		checkShape(t, "metadata", md, metadataShape)
		cu := got["customer"].(map[string]any)
		checkShape(t, "customer", cu, customerShape)

		want := map[string]any{"id": tk.ID, "ticketStatus": "ASSIGNED", "queue": "english", "channel": "chat",
			"statusReason": tk.StatusReason}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if tk.StatusReason == "" {
			t.Error("the ticket has no status reason to render")
		}
		if n := num(t, got["assignedTime"]); n != tk.AssignedAt.Unix() || n < 1_000_000_000 || n > 10_000_000_000 {
			t.Errorf("assignedTime = %d, want epoch seconds %d", n, tk.AssignedAt.Unix())
		}
		if n := num(t, got["createdAt"]); n != tk.CreatedAt.Unix() {
			t.Errorf("createdAt = %d, want %d", n, tk.CreatedAt.Unix())
		}
		if n := num(t, got["priority"]); n != 1 {
			t.Errorf("priority = %d, want 1 (urgent)", n)
		}
		content := got["content"].(map[string]any)
		if content["subject"] != "Where is my order?" || content["lastMessage"] != "It has been an hour" {
			t.Errorf("content = %v", content)
		}
		if msgs := content["messages"].([]any); len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "customer" {
			t.Errorf("content.messages = %v", content["messages"])
		}
		if md["ccr"] != "delivery - wrong address" || md["orderId"] != "sdw-srr" || md["roomId"] != tk.ID ||
			md["roomName"] != "Where is my order?" {
			t.Errorf("metadata = %v", md)
		}
		if acc := md["agentAccesses"].([]any); len(acc) != 2 || acc[0] != "chat:write" || acc[1] != "order:read" {
			t.Errorf("agentAccesses = %v", acc)
		}
		if jwt := md["agentJwt"].(string); strings.Count(jwt, ".") != 2 {
			t.Errorf("agentJwt %q is not a JWT", jwt)
		}
		if md["roomSubscriptionToken"] == "" {
			t.Error("no roomSubscriptionToken")
		}
		if cu["id"] != "989899854090030232934sdfdsdf32dd4sdfdsddffdummycustomerid2" || cu["firstName"] != "hugo" || cu["lastName"] != "dan" {
			t.Errorf("customer = %v", cu)
		}

		// The same list for the same reader twice: tokens are stable.
		again := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		var list2 []map[string]any
		decodeExact(t, again.Body, &list2)
		if list2[0]["metadata"].(map[string]any)["roomSubscriptionToken"] != md["roomSubscriptionToken"] {
			t.Error("roomSubscriptionToken changes between reads")
		}
	})
}

func TestAgentTicketsSelectionAndOrder(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ws := e.Workspace.ID
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		other, _ := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})

		empty := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		if empty.Status != 200 || string(empty.Body) != "[]" {
			t.Fatalf("no tickets: %d %s, want []", empty.Status, empty.Body)
		}

		create := func(subject string, in desk.NewTicket) *desk.Ticket {
			t.Helper()
			in.Subject = subject
			tk, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, in)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		late := create("urgent, assigned last", desk.NewTicket{Priority: desk.PriorityUrgent, NoRoute: true})
		normal := create("normal", desk.NewTicket{Priority: desk.PriorityNormal, AssigneeID: ag.ID})
		urgent := create("urgent", desk.NewTicket{Priority: desk.PriorityUrgent, AssigneeID: ag.ID})
		ranked := create("low but ranked 1", desk.NewTicket{Priority: desk.PriorityLow, PriorityRank: 1, AssigneeID: ag.ID})
		unset := create("no priority", desk.NewTicket{AssigneeID: ag.ID, Channel: desk.ChannelEmail})
		escalated := create("escalated", desk.NewTicket{Priority: desk.PriorityHigh, AssigneeID: ag.ID})
		closed := create("closed", desk.NewTicket{Priority: desk.PriorityUrgent, AssigneeID: ag.ID})
		solved := create("solved", desk.NewTicket{Priority: desk.PriorityUrgent, AssigneeID: ag.ID})
		create("someone else's", desk.NewTicket{Priority: desk.PriorityUrgent, AssigneeID: other.ID})
		create("waiting", desk.NewTicket{Priority: desk.PriorityUrgent, NoRoute: true})
		if _, err := e.Deps.Desk.Close(ctx, ws, closed.ID, desk.System, desk.StatusClosed, "done"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deps.Desk.Close(ctx, ws, solved.ID, desk.System, desk.StatusSolved, "done"); err != nil {
			t.Fatal(err)
		}
		me := ag.ID
		time.Sleep(5 * time.Millisecond) // a later assignment instant than the tickets above
		if _, err := e.Deps.Desk.UpdateTicket(ctx, ws, late.ID, desk.System, desk.TicketPatch{AssigneeID: &me}); err != nil {
			t.Fatal(err)
		}
		// Escalation is a flag canonical keeps beside the status (spec A15).
		if err := e.Store.Update(ctx, func(tx desk.Tx) error {
			tk, err := tx.LockTicket(ctx, ws, escalated.ID)
			if err != nil {
				return err
			}
			tk.Escalated = true
			return tx.UpdateTicket(ctx, tk)
		}); err != nil {
			t.Fatal(err)
		}

		res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		var list []map[string]any
		decodeExact(t, res.Body, &list)
		var ids []string
		for _, x := range list {
			ids = append(ids, x["id"].(string))
		}
		want := []string{urgent.ID, ranked.ID, late.ID, escalated.ID, normal.ID, unset.ID}
		if strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Fatalf("order = %v\nwant    %v", ids, want)
		}
		prios := []int64{1, 1, 1, 2, 3, 5}
		for i, x := range list {
			if p := num(t, x["priority"]); p != prios[i] {
				t.Errorf("ticket %d priority = %d, want %d", i, p, prios[i])
			}
		}
		if list[3]["ticketStatus"] != "ESCALATED" || list[0]["ticketStatus"] != "ASSIGNED" {
			t.Errorf("statuses = %v, %v", list[3]["ticketStatus"], list[0]["ticketStatus"])
		}
		if list[5]["channel"] != "email" || list[5]["queue"] != "" {
			t.Errorf("email ticket without group: channel %v queue %q", list[5]["channel"], list[5]["queue"])
		}
		if cu := list[5]["customer"].(map[string]any); cu["id"] != "" || cu["firstName"] != "" {
			t.Errorf("ticket without contact: customer = %v", cu)
		}
		if md := list[5]["metadata"].(map[string]any); md["roomName"] != "no priority" || len(md["agentAccesses"].([]any)) != 0 {
			t.Errorf("metadata = %v", md)
		}
	})
}

func TestOnlineOffline(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ws := e.Workspace.ID
		ag, tok := e.Agent(desk.NewAgent{Name: "somename", Email: "ana@acme.test"})
		sup, supTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		path := "/chat-ticket/v1/" + ag.ID

		before := time.Now().Unix()
		res := e.Do("PUT", path+"/online", nil, bearer(tok))
		after := time.Now().Unix()
		if res.Status != 200 {
			t.Fatalf("online: %d %s", res.Status, res.Body)
		}
		var info map[string]any
		decodeExact(t, res.Body, &info)
		checkShape(t, "AgentInfo", info, agentInfoShape)
		if info["id"] != ag.ID || info["name"] != "somename" {
			t.Errorf("AgentInfo = %v", info)
		}
		login, updated := num(t, info["lastLoginTime"]), num(t, info["updatedAt"])
		if login < before || login > after || updated < before || updated > after {
			t.Errorf("lastLoginTime %d, updatedAt %d: want now (%d..%d) in epoch seconds", login, updated, before, after)
		}
		if d := num(t, info["agentTimeInStatus"]); d < 0 || d > 1 {
			t.Errorf("agentTimeInStatus = %d just after the change", d)
		}
		if a, _ := e.Store.Agent(ctx, ws, ag.ID); a.Presence != desk.PresenceOnline {
			t.Fatalf("presence = %s after /online", a.Presence)
		}

		// 90 s later (moved back in the store rather than waited for),
		// going online again changes nothing and reports the time in status.
		changed := time.Now().Add(-90 * time.Second).Truncate(time.Millisecond)
		if err := e.Store.Update(ctx, func(tx desk.Tx) error {
			a, err := tx.Agent(ctx, ws, ag.ID)
			if err != nil {
				return err
			}
			a.PresenceChangedAt = changed
			return tx.UpdateAgent(ctx, a)
		}); err != nil {
			t.Fatal(err)
		}
		res = e.Do("PUT", path+"/online", nil, bearer(tok))
		decodeExact(t, res.Body, &info)
		if res.Status != 200 || num(t, info["updatedAt"]) != changed.Unix() {
			t.Fatalf("idempotent online: %d, updatedAt %v, want unchanged %d", res.Status, info["updatedAt"], changed.Unix())
		}
		if d := num(t, info["agentTimeInStatus"]); d < 90 || d > 92 {
			t.Errorf("agentTimeInStatus = %d, want 90", d)
		}
		if num(t, info["lastLoginTime"]) != login {
			t.Errorf("lastLoginTime moved on an idempotent online")
		}

		// A supervisor switches the agent offline.
		res = e.Do("PUT", path+"/offline", nil, bearer(supTok))
		decodeExact(t, res.Body, &info)
		if res.Status != 200 || num(t, info["updatedAt"]) < before || num(t, info["agentTimeInStatus"]) > 1 {
			t.Fatalf("offline by supervisor: %d %v", res.Status, info)
		}
		if num(t, info["lastLoginTime"]) != login {
			t.Errorf("going offline changed lastLoginTime")
		}
		if a, _ := e.Store.Agent(ctx, ws, ag.ID); a.Presence != desk.PresenceOffline {
			t.Fatalf("presence = %s after /offline", a.Presence)
		}
		// An admin may too; the supervisor may act on itself.
		if res := e.Do("PUT", path+"/online", nil, bearer(e.AdminToken)); res.Status != 200 {
			t.Fatalf("online by admin: %d %s", res.Status, res.Body)
		}
		if res := e.Do("PUT", "/chat-ticket/v1/"+sup.ID+"/online", nil, "Authorization: BEARER "+supTok); res.Status != 200 {
			t.Fatalf("supervisor online: %d %s", res.Status, res.Body)
		}
		// A body is ignored.
		if res := e.Do("PUT", path+"/offline", `{"anything": true}`, bearer(tok)); res.Status != 200 {
			t.Fatalf("offline with a body: %d %s", res.Status, res.Body)
		}
	})
}

// TestOnlineDrainsQueue: an agent going online receives the waiting
// tickets of its group at once (the routing engine drains in the same
// transaction); offline stops new work but keeps what the agent has.
func TestOnlineDrainsQueue(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		if e.Deps.Desk.Router == nil {
			t.Fatal("no routing engine installed on the desk")
		}
		ws := e.Workspace.ID
		g, err := e.Deps.Desk.CreateGroup(ctx, ws, "english", "")
		if err != nil {
			t.Fatal(err)
		}
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", GroupIDs: []string{g.ID}})
		newTicket := func(subject string) string {
			res := e.Do("POST", "/api/v1/tickets", map[string]any{"subject": subject, "group_id": g.ID, "message": "hi"},
				servertest.Bearer(e.AdminToken))
			if res.Status != 201 {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
			m := res.Map(t)
			if m["assignee_id"] != nil {
				t.Fatalf("ticket %q was assigned (%v) with nobody online", subject, m["assignee_id"])
			}
			return m["id"].(string)
		}
		list := func() []string {
			res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
			var l []map[string]any
			decodeExact(t, res.Body, &l)
			var ids []string
			for _, x := range l {
				ids = append(ids, x["id"].(string))
			}
			return ids
		}
		waiting := newTicket("waiting for someone")
		if ids := list(); len(ids) != 0 {
			t.Fatalf("offline agent holds %v", ids)
		}
		if res := e.Do("PUT", "/chat-ticket/v1/"+ag.ID+"/online", nil, bearer(tok)); res.Status != 200 {
			t.Fatalf("online: %d %s", res.Status, res.Body)
		}
		if ids := list(); len(ids) != 1 || ids[0] != waiting {
			t.Fatalf("after /online the agent holds %v, want the waiting ticket %s at once", ids, waiting)
		}
		if res := e.Do("PUT", "/chat-ticket/v1/"+ag.ID+"/offline", nil, bearer(tok)); res.Status != 200 {
			t.Fatalf("offline: %d %s", res.Status, res.Body)
		}
		newTicket("arrives while the agent is offline")
		if ids := list(); len(ids) != 1 || ids[0] != waiting {
			t.Fatalf("after /offline the agent holds %v, want only its earlier ticket", ids)
		}
	})
}

func TestErrors(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		bo, boTok := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		_, supTok := e.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
		_, _, globexTok := e.NewWorkspace("globex", "UTC")
		const (
			e400 = `{"errorCode":400,"errorMessage":"bad request"}`
			e401 = `{"errorCode":401,"errorMessage":"not authorize"}`
			e403 = `{"errorCode":403,"errorMessage":"forbidden"}`
			e404 = `{"errorCode":404,"errorMessage":"not found"}`
		)
		unknown := "0123456789abcdef01234567"
		for _, rt := range []struct{ method, suffix string }{{"GET", "tickets"}, {"PUT", "online"}, {"PUT", "offline"}} {
			p := func(id string) string { return "/chat-ticket/v1/" + id + "/" + rt.suffix }
			tests := []struct {
				name   string
				path   string
				header string
				status int
				body   string
			}{
				{"no authorization", p(ag.ID), "", 401, e401},
				{"basic scheme", p(ag.ID), "Authorization: Basic YW5hQGFjbWUudGVzdDpzZWNyZXQtcGFzcw==", 401, e401},
				{"unknown token", p(ag.ID), bearer("tkd_nope"), 401, e401},
				{"scheme without token", p(ag.ID), "Authorization: bearer", 401, e401},
				{"agent on a uuid agent id", p("f4b8f8e5-365a-4ed1-a122-0f4ba1afef44"), bearer(tok), 403, e403},
				{"supervisor on a uuid agent id", p("f4b8f8e5-365a-4ed1-a122-0f4ba1afef44"), bearer(supTok), 404, e404},
				{"number agent id", p("7"), bearer(tok), 400, e400},
				{"blank agent id", p("%20"), bearer(supTok), 400, e400},
				{"not an id", p("ana"), bearer(supTok), 400, e400},
				{"bad id before auth is 401", p("x"), "", 401, e401},
				{"agent on another agent", p(bo.ID), bearer(tok), 403, e403},
				{"agent on an unknown agent", p(unknown), bearer(tok), 403, e403},
				{"supervisor on an unknown agent", p(unknown), bearer(supTok), 404, e404},
				{"admin of another workspace", p(ag.ID), bearer(globexTok), 404, e404},
			}
			for _, tt := range tests {
				t.Run(rt.suffix+"/"+tt.name, func(t *testing.T) {
					var hs []string
					if tt.header != "" {
						hs = append(hs, tt.header)
					}
					res := e.Do(rt.method, tt.path, nil, hs...)
					if res.Status != tt.status || string(res.Body) != tt.body || res.Header.Get("Content-Type") != "application/json" {
						t.Fatalf("%d %q %s\nwant %d %s", res.Status, res.Header.Get("Content-Type"), res.Body, tt.status, tt.body)
					}
				})
			}
		}
		// Refused requests changed nothing.
		for _, id := range []string{ag.ID, bo.ID} {
			if a, _ := e.Store.Agent(ctx, e.Workspace.ID, id); a.Presence != desk.PresenceOffline {
				t.Fatalf("agent %s went %s through a refused request", a.Name, a.Presence)
			}
		}
		_ = boTok

		res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/online", nil, bearer(tok))
		if res.Status != 405 || res.Header.Get("Allow") != "PUT" || string(res.Body) != `{"errorCode":405,"errorMessage":"method not allowed"}` {
			t.Errorf("GET on a PUT route: %d allow %q %s", res.Status, res.Header.Get("Allow"), res.Body)
		}
		res = e.Do("DELETE", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		if res.Status != 405 || res.Header.Get("Allow") != "GET" {
			t.Errorf("DELETE on tickets: %d allow %q %s", res.Status, res.Header.Get("Allow"), res.Body)
		}
		for _, path := range []string{"/chat-ticket/v1/nope", "/chat-ticket/", "/chat-ticket/v2/" + ag.ID + "/tickets", "/cs-chat-ticket/v1/nope"} {
			if res := e.Do("GET", path, nil, bearer(tok)); res.Status != 404 || string(res.Body) != e404 {
				t.Errorf("GET %s: %d %s", path, res.Status, res.Body)
			}
		}
		if res := e.Do("GET", "/cs-chat-ticket/v1/info", nil); res.Status != 401 || string(res.Body) != e401 {
			t.Errorf("successor info without a token: %d %s", res.Status, res.Body)
		}
	})
}

// TestUnknownAgentNotFound: a well-formed agent id that names nobody — the
// blueprint's own UUID example included — is the blueprint's 404, on every
// {agentID} route, and the refused PUTs change nobody's presence.
func TestUnknownAgentNotFound(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		const e404 = `{"errorCode":404,"errorMessage":"not found"}`
		ag, _ := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		for _, id := range []string{"f4b8f8e5-365a-4ed1-a122-0f4ba1afef44", "F4B8F8E5-365A-4ED1-A122-0F4BA1AFEF44",
			"0123456789abcdef01234567"} {
			for _, rt := range []struct{ method, suffix string }{{"GET", "tickets"}, {"PUT", "online"}, {"PUT", "offline"}} {
				res := e.Do(rt.method, "/chat-ticket/v1/"+id+"/"+rt.suffix, nil, bearer(e.AdminToken))
				if res.Status != 404 || string(res.Body) != e404 || res.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s %s of %s: %d %q %s, want 404 %s", rt.method, rt.suffix, id, res.Status,
						res.Header.Get("Content-Type"), res.Body, e404)
				}
			}
		}
		for _, a := range []*desk.Agent{e.Admin, ag} {
			if got, _ := e.Store.Agent(ctx, e.Workspace.ID, a.ID); got.Presence != a.Presence || !got.PresenceChangedAt.Equal(a.PresenceChangedAt) {
				t.Errorf("agent %s went %s through a refused request", got.Name, got.Presence)
			}
		}
		// The agent itself, asked for by the same admin, is still found.
		if res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(e.AdminToken)); res.Status != 200 {
			t.Errorf("known agent: %d %s", res.Status, res.Body)
		}
	})
}

// TestInternalError: a store that is gone answers 503 in the blueprint's
// Error shape (the server's guard, internal/server/doors.go).
func TestInternalError(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		if res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok)); res.Status != 200 {
			t.Fatalf("warm-up: %d %s", res.Status, res.Body) // caches the token, so auth outlives the store
		}
		if err := e.Store.Close(); err != nil {
			t.Fatal(err)
		}
		for _, rt := range []struct{ method, path string }{{"GET", "tickets"}, {"PUT", "online"}} {
			res := e.Do(rt.method, "/chat-ticket/v1/"+ag.ID+"/"+rt.path, nil, bearer(tok))
			if res.Status != 503 || string(res.Body) != `{"errorCode":503,"errorMessage":"service unavailable"}` || res.Header.Get("Retry-After") == "" {
				t.Errorf("%s %s on a closed store: %d %s (Retry-After %q)", rt.method, rt.path, res.Status, res.Body, res.Header.Get("Retry-After"))
			}
		}
	})
}

func TestSuccessorFamily(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ag, tok := e.Agent(desk.NewAgent{Name: "somename", Email: "ana@acme.test"})
		tk, err := e.Deps.Desk.CreateTicket(ctx, e.Workspace.ID, desk.System, desk.NewTicket{Subject: "s", AssigneeID: ag.ID})
		if err != nil {
			t.Fatal(err)
		}
		shape := map[string]string{"status": "string"}
		for k, v := range agentInfoShape {
			shape[k] = v
		}
		var info map[string]any
		res := e.Do("GET", "/cs-chat-ticket/v1/info", nil, bearer(tok))
		decodeExact(t, res.Body, &info)
		checkShape(t, "AgentStatusInfo", info, shape)
		if res.Status != 200 || info["id"] != ag.ID || info["status"] != "OFFLINE" {
			t.Fatalf("info: %d %v", res.Status, info)
		}
		res = e.Do("PUT", "/cs-chat-ticket/v1/online", nil, bearer(tok))
		decodeExact(t, res.Body, &info)
		if res.Status != 200 || info["status"] != "ONLINE" {
			t.Fatalf("online: %d %v", res.Status, info)
		}
		res = e.Do("PUT", "/cs-chat-ticket/v1/offline", nil, bearer(tok))
		decodeExact(t, res.Body, &info)
		if res.Status != 200 || info["status"] != "OFFLINE" {
			t.Fatalf("offline: %d %v", res.Status, info)
		}
		res = e.Do("GET", "/cs-chat-ticket/v1/tickets", nil, bearer(tok))
		var list []map[string]any
		decodeExact(t, res.Body, &list)
		if res.Status != 200 || len(list) != 1 || list[0]["id"] != tk.ID {
			t.Fatalf("tickets: %d %s", res.Status, res.Body)
		}
	})
}

// TestRoomSubscription: the roomSubscriptionToken of a listed ticket opens
// that ticket's live stream, where a message posted through the native API
// and a status change arrive; it opens no other ticket's stream.
func TestRoomSubscription(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ws := e.Workspace.ID
		ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
		one, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "one", AssigneeID: ag.ID})
		if err != nil {
			t.Fatal(err)
		}
		two, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "two", AssigneeID: ag.ID})
		if err != nil {
			t.Fatal(err)
		}
		res := e.Do("GET", "/chat-ticket/v1/"+ag.ID+"/tickets", nil, bearer(tok))
		var list []Ticket
		if err := json.Unmarshal(res.Body, &list); err != nil || len(list) != 2 {
			t.Fatalf("list: %v %s", err, res.Body)
		}
		meta := map[string]Metadata{}
		for _, x := range list {
			meta[x.ID] = x.Metadata
		}
		room := meta[one.ID]

		s := openStream(t, e.URL+"/live/v1/tickets/"+room.RoomID+"?token="+room.RoomSubscriptionToken)
		if res := e.Do("POST", "/api/v1/tickets/"+one.ID+"/messages", map[string]any{"text": "on my way"}, servertest.Bearer(tok)); res.Status != 201 {
			t.Fatalf("post message: %d %s", res.Status, res.Body)
		}
		ev := s.next(t)
		var m live.MessageEvent
		if err := json.Unmarshal([]byte(ev.Data), &m); err != nil || ev.Name != "message" || m.Text != "on my way" || m.TicketID != one.ID {
			t.Fatalf("first event = %+v", ev)
		}
		// The agent's first reply opened the assigned ticket.
		ev = s.next(t)
		var st live.StatusEvent
		if err := json.Unmarshal([]byte(ev.Data), &st); err != nil || ev.Name != "status" || st.From != desk.StatusAssigned || st.To != desk.StatusOpen {
			t.Fatalf("second event = %+v", ev)
		}
		if res := e.Do("PATCH", "/api/v1/tickets/"+one.ID, map[string]any{"status": "solved"}, servertest.Bearer(tok)); res.Status != 200 {
			t.Fatalf("solve: %d %s", res.Status, res.Body)
		}
		ev = s.next(t)
		if err := json.Unmarshal([]byte(ev.Data), &st); err != nil || ev.Name != "status" || st.To != desk.StatusSolved {
			t.Fatalf("solve event = %+v", ev)
		}

		// The agentJwt joins the same room.
		j := openStream(t, e.URL+"/live/v1/tickets/"+one.ID+"?token="+room.AgentJWT)
		if res := e.Do("POST", "/api/v1/tickets/"+one.ID+"/messages", map[string]any{"text": "note", "public": false}, servertest.Bearer(tok)); res.Status != 201 {
			t.Fatalf("post note: %d", res.Status)
		}
		if ev := j.next(t); ev.Name != "message" || !strings.Contains(ev.Data, `"text":"note"`) {
			t.Fatalf("agentJwt stream got %+v", ev)
		}

		// One ticket's token never opens another's stream.
		for _, tok := range []string{room.RoomSubscriptionToken, room.AgentJWT} {
			res, err := http.Get(e.URL + "/live/v1/tickets/" + two.ID + "?token=" + tok)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 403 {
				t.Fatalf("ticket one's token on ticket two: %d, want 403", res.StatusCode)
			}
		}
	})
}

// Ticket and Metadata mirror the wire types for decoding in tests.
type Ticket struct {
	ID       string   `json:"id"`
	Metadata Metadata `json:"metadata"`
}

type Metadata struct {
	RoomID                string `json:"roomId"`
	RoomSubscriptionToken string `json:"roomSubscriptionToken"`
	AgentJWT              string `json:"agentJwt"`
}

type stream struct{ events chan live.Event }

func openStream(t *testing.T, url string) *stream {
	t.Helper()
	c, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(c, "GET", url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		cancel()
		t.Fatalf("stream: %d %s", res.StatusCode, b)
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	s := &stream{events: make(chan live.Event, 100)}
	go func() {
		defer close(s.events)
		er := live.NewEventReader(res.Body)
		for {
			ev, err := er.Next()
			if err != nil {
				return
			}
			s.events <- ev
		}
	}()
	return s
}

func (s *stream) next(t *testing.T) live.Event {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(wait):
		t.Fatal("no event within the deadline")
	}
	return live.Event{}
}

// BenchmarkAgentTickets measures GET /chat-ticket/v1/{agentID}/tickets over
// real HTTP on SQLite for an agent holding 10 tickets of 3 messages each.
func BenchmarkAgentTickets(b *testing.B) {
	e := servertest.New(b, storetest.OpenSQLite(b))
	ws := e.Workspace.ID
	g, err := e.Deps.Desk.CreateGroup(ctx, ws, "english", "")
	if err != nil {
		b.Fatal(err)
	}
	ag, tok := e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", GroupIDs: []string{g.ID}})
	c, err := e.Deps.Desk.CreateContact(ctx, ws, desk.NewContact{FirstName: "hugo", LastName: "dan"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		tk, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "order " + string(rune('a'+i)),
			Message: &desk.NewMessage{Text: "where is it?"}, ContactID: c.ID, GroupID: g.ID, AssigneeID: ag.ID})
		if err != nil {
			b.Fatal(err)
		}
		for _, text := range []string{"checking", "on its way"} {
			if _, _, err := e.Deps.Desk.AddMessage(ctx, ws, tk.ID, desk.NewMessage{Text: text, Author: desk.Actor{Kind: desk.ActorAgent, ID: ag.ID}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	req, _ := http.NewRequest("GET", e.URL+"/chat-ticket/v1/"+ag.ID+"/tickets", nil)
	req.Header.Set("Authorization", "bearer "+tok)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := http.DefaultClient.Do(req.Clone(ctx))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}
