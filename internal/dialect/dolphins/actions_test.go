package dolphins_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/dolphins"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// unchanged fails when a ticket differs from before (bad input must
// change nothing stored).
func (f *fx) unchanged(before *desk.Ticket) {
	f.t.Helper()
	after := f.reload(before.ID)
	if !reflect.DeepEqual(before, after) {
		f.t.Fatalf("ticket changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

func (f *fx) messages(tk *desk.Ticket) int {
	f.t.Helper()
	ms, err := f.e.Store.Messages(context.Background(), f.ws.ID, tk.ID, desk.MessageFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(ms)
}

func TestSendMessage(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})

		// Bad requests change nothing.
		before := f.reload(tk.ID)
		for _, c := range []struct {
			name string
			body any
			tok  string
			code int
		}{
			{"no ticketNumber", map[string]string{"message": "x"}, f.tAgent, 400},
			{"no message", map[string]string{"ticketNumber": tn(tk)}, f.tAgent, 400},
			{"bad channelType", map[string]string{"ticketNumber": tn(tk), "message": "x", "channelType": "pigeon"}, f.tAgent, 400},
			{"malformed", `{"ticketNumber": `, f.tAgent, 400},
			{"unknown ticket", map[string]string{"ticketNumber": "424242", "message": "x"}, f.tAgent, 404},
			{"not the owner", map[string]string{"ticketNumber": tn(tk), "message": "x"}, f.tAg2, 403},
			{"as another agent", map[string]string{"ticketNumber": tn(tk), "message": "x", "replyAgent": f.sup.ID}, f.tAgent, 403},
			{"as an unknown agent", map[string]string{"ticketNumber": tn(tk), "message": "x", "replyAgent": "ffffffffffffffffffffffff"}, f.tSup, 400},
			{"as Bot, by an agent", map[string]string{"ticketNumber": tn(tk), "message": "x", "replyAgent": "Bot"}, f.tAgent, 403},
		} {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				f.failed(f.do("POST", "/graph/tickets/sendMessage", c.body, c.tok), c.code)
			})
		}
		f.t = t
		f.unchanged(before)
		if n := f.messages(tk); n != 1 {
			t.Fatalf("%d messages after refused sends", n)
		}

		// The owner's first answer opens the ticket; data is [root].
		env := f.ok(f.do("POST", "/graph/tickets/sendMessage",
			`{"ticketNumber": "`+tn(tk)+`", "channelType": "webchat", "replyAgent": "`+f.agent.ID+`", "message": "Baik, kami bantu",}`, f.tAgent))
		d := docs(t, env.Data)
		if len(d) != 1 || d[0]["status"] != "Open" || d[0]["lastMessage"] != "Baik, kami bantu" || kind(d[0]["responseTime"]) != "int" ||
			kind(d[0]["openDate"]) != "int" || d[0]["unreadMessages"].(interface{ String() string }).String() != "0" {
			t.Fatalf("after sendMessage: %v", env.Data)
		}
		if got := f.reload(tk.ID); got.Status != desk.StatusOpen || got.FirstAgentResponseAt.IsZero() {
			t.Fatalf("stored ticket: %s, first agent response %v", got.Status, got.FirstAgentResponseAt)
		}

		// A supervisor may answer for the agent; a bot answers as "Bot".
		f.ok(f.do("POST", "/graph/tickets/sendMessage", map[string]string{"ticketNumber": tn(tk), "message": "dari supervisor", "replyAgent": f.agent.ID}, f.tSup))
		f.ok(f.do("POST", "/graph/tickets/sendMessage", `{"ticketNumber": `+tn(tk)+`, "message": "dari bot", "replyAgent": "Bot"}`, f.tSup))
		all := docs(t, f.ok(f.do("GET", "/graph/tickets/conversations/"+tn(tk), nil, f.tAgent)).Data)
		if len(all) != 5 {
			t.Fatalf("%d documents", len(all))
		}
		if all[3]["replyAgent"] != f.agent.ID || all[4]["replyAgent"] != "Bot" || all[4]["agentName"] != nil {
			t.Fatalf("replyAgent: %v, %v (agentName %v)", all[3]["replyAgent"], all[4]["replyAgent"], all[4]["agentName"])
		}
		// Every answer counts its response time from the customer's message.
		if i64(t, all[2]["responseTime"]) < 0 || kind(all[2]["responseTimeAgent"]) != "int" {
			t.Fatalf("answer response time: %v", all[2])
		}
	})
}

func TestUpdate(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})

		// Bad bodies: 400, and nothing changes.
		before := f.reload(tk.ID)
		for _, body := range []string{
			`{"severity": "Huge"}`, `{"priority": "yes"}`, `{"status": "Flying"}`, `{"ticketTags": "vip"}`,
			`{"customFields": [1]}`, `{"group": "ffffffffffffffffffffffff"}`, `{"remark": 5}`, `{"subject": "ok", "ccList": "a@b"}`,
			`{"notified": "yes"}`, `not json`, ``, `[]`, `{"subject": "x"} trailing`,
		} {
			f.failed(f.do("PUT", "/graph/tickets/update/"+tn(tk), body, f.tAgent), 400)
		}
		f.unchanged(before)
		f.failed(f.do("PUT", "/graph/tickets/update/424242", `{"subject": "x"}`, f.tAgent), 404)
		f.failed(f.do("PUT", "/graph/tickets/update/"+tn(tk), `{"subject": "x"}`, f.tAg2), 403)
		f.unchanged(before)

		// E10: a patch of every writable kind.
		env := f.ok(f.do("PUT", "/graph/tickets/update/"+tn(tk), `{
			"subject": "Tanggapan Email Nasabah", "severity": "high", "priority": true,
			"ticketTags": ["default", "Fitur – Live Chat"], "remark": "\n\nCAS-19-AW3702",
			"customFields": {"online_date": 1598935244130, "offline_date": 1598935154417, "online_duration": 34},
			"ccList": ["cc@acme.test", "dd@acme.test"], "bcc_list": ["b@acme.test"], "document": ["KTP"],
			"correlationId": "6287718110987-MINDA", "greetingStatus": true, "status": "Pending",
			"id": "ignored", "statusStyle": "ignored",
		}`, f.tAgent))
		d := obj(t, env.Data)
		for k, want := range map[string]any{"partial": true, "subject": "Tanggapan Email Nasabah", "severity": "High",
			"severityStyle": "severity-high", "priority": true, "remark": "\n\nCAS-19-AW3702", "status": "Pending",
			"statusStyle": "ticket-pending", "ccListFormatted": "cc@acme.test,dd@acme.test", "bccListFormatted": "b@acme.test",
			"correlationId": "6287718110987-MINDA", "greetingStatus": true, "subjectChanged": true, "id": tk.ID, "modifiedBy": f.agent.ID} {
			if d[k] != want {
				t.Errorf("%s = %v, want %v", k, d[k], want)
			}
		}
		if tags := d["ticketTags"].([]any); len(tags) != 1 || tags[0] != "Fitur – Live Chat" {
			t.Errorf("ticketTags = %v", tags)
		}
		if doc := d["document"].([]any); len(doc) != 1 || doc[0] != "KTP" {
			t.Errorf("document = %v", doc)
		}
		cf := obj(t, d["customFields"])
		if i64(t, cf["online_date"]) != 1598935244130 || i64(t, d["onlineDate"]) != 1598935244130 || i64(t, d["onlineDuration"]) != 34 {
			t.Errorf("customFields / presence: %v, %v, %v", cf, d["onlineDate"], d["onlineDuration"])
		}
		if kind(d["pendingDate"]) != "int" || kind(d["pendingDateText"]) != "string" {
			t.Errorf("pendingDate missing: %v", d["pendingDate"])
		}
		// The native API sees the same ticket.
		n := e.Do("GET", "/api/v1/tickets/"+tk.ID, nil, servertest.Bearer(e.AdminToken)).Map(t)
		if n["status"] != "pending" || n["priority"] != "high" || n["flagged"] != true || n["subject"] != "Tanggapan Email Nasabah" {
			t.Errorf("native view: status %v priority %v flagged %v", n["status"], n["priority"], n["flagged"])
		}

		// Assigned needs someone to be assigned to; Unassigned puts it back.
		f.ok(f.do("PUT", "/graph/tickets/update/"+tn(tk), `{"status": "Open"}`, f.tAgent))
		if st := f.reload(tk.ID).Status; st != desk.StatusOpen {
			t.Fatalf("status %s", st)
		}

		// E11 by a message document id: the ticket is patched, the message
		// document answered.
		ms, _ := e.Store.Messages(context.Background(), f.ws.ID, tk.ID, desk.MessageFilter{})
		env = f.ok(f.do("PUT", "/graph/tickets/update/id/"+ms[0].ID, `{"remark": "by doc id", "markRead": true}`, f.tAgent))
		d = obj(t, env.Data)
		if d["id"] != ms[0].ID || d["partial"] != true || d["parent"].(interface{ String() string }).String() != "0" {
			t.Fatalf("E11 message document: %v", d)
		}
		root := obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk), nil, f.tAgent)).Data)
		if root["remark"] != "by doc id" || root["markRead"] != true {
			t.Fatalf("E11 did not patch the ticket: remark %v markRead %v", root["remark"], root["markRead"])
		}
		// …by the root document id, and by ticket number as a fallback.
		if d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/id/"+tk.ID, `{"remark": "root"}`, f.tAgent)).Data); d["remark"] != "root" || d["parent"].(interface{ String() string }).String() != "1" {
			t.Fatalf("E11 root: %v", d["remark"])
		}
		if d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/id/"+tn(tk), `{"remark": "number"}`, f.tAgent)).Data); d["remark"] != "number" {
			t.Fatalf("E11 number: %v", d["remark"])
		}
		f.failed(f.do("PUT", "/graph/tickets/update/id/ffffffffffffffffffffffff", `{"remark": "x"}`, f.tAgent), 404)

		// E12: ticket number in the body (string or number), replyAgent acts.
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update",
			`{"ticketNumber": "`+tn(tk)+`", "channelType": "webchat", "replyAgent": "`+f.agent.ID+`", "remark": "e12",}`, f.tSup)).Data)
		if d["remark"] != "e12" || d["modifiedBy"] != f.agent.ID || d["partial"] != true {
			t.Fatalf("E12: remark %v modifiedBy %v", d["remark"], d["modifiedBy"])
		}
		f.ok(f.do("PUT", "/graph/tickets/update", `{"ticketNumber": `+tn(tk)+`, "severity": "Urgent"}`, f.tAgent))
		if p := f.reload(tk.ID).Priority; p != desk.PriorityUrgent {
			t.Fatalf("E12 numeric ticketNumber: priority %s", p)
		}
		before = f.reload(tk.ID)
		f.failed(f.do("PUT", "/graph/tickets/update", `{"remark": "x"}`, f.tAgent), 400)
		f.failed(f.do("PUT", "/graph/tickets/update", `{"ticketNumber": "`+tn(tk)+`", "replyAgent": "`+f.sup.ID+`", "remark": "x"}`, f.tAgent), 403)
		f.unchanged(before)

		// A group in the patch is a transfer through the routing engine.
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/"+tn(tk), `{"group": "`+f.group2.ID+`"}`, f.tAgent)).Data)
		if d["group"] != f.group2.ID || d["toGroup"] != f.group2.ID || d["fromGroup"] != f.group.ID || d["status"] != "Unassigned" || d["transfered"] != true {
			t.Fatalf("patch transfer: group %v to %v from %v status %v", d["group"], d["toGroup"], d["fromGroup"], d["status"])
		}

		// Closing through the patch keeps the closure type as written.
		tk2 := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/"+tn(tk2), `{"status": "Closed", "closureType": "Unresolved"}`, f.tAgent)).Data)
		if d["status"] != "Closed" || d["closureType"] != "Unresolved" || d["closedBy"] != f.agent.ID {
			t.Fatalf("patch close: %v %v %v", d["status"], d["closureType"], d["closedBy"])
		}
		if got := f.reload(tk2.ID); got.Status != desk.StatusClosed || dolphins.WrittenClosureType(got) != "Unresolved" {
			t.Fatalf("stored: %s %q", got.Status, dolphins.WrittenClosureType(got))
		}
	})
}

func TestRoutingActions(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})

		// Bad requests.
		before := f.reload(tk.ID)
		for _, c := range []struct {
			path string
			body any
			tok  string
			code int
		}{
			{"/reassign", map[string]any{"teamMember": map[string]string{"id": f.agent2.ID}}, f.tSup, 400},
			{"/reassign", map[string]any{"ticketNumber": tn(tk)}, f.tSup, 400},
			{"/reassign", map[string]any{"ticketNumber": tn(tk), "teamMember": map[string]string{"id": "ffffffffffffffffffffffff"}}, f.tSup, 400},
			{"/reassign", map[string]any{"ticketNumber": "424242", "teamMember": map[string]string{"id": f.agent2.ID}}, f.tSup, 404},
			{"/reassign", map[string]any{"ticketNumber": tn(tk), "teamMember": map[string]string{"id": f.agent2.ID}}, f.tAg2, 403},
			{"/transfer", map[string]any{"ticketNumber": tn(tk)}, f.tAgent, 400},
			{"/transfer", map[string]any{"ticketNumber": tn(tk), "group": "ffffffffffffffffffffffff"}, f.tAgent, 400},
			{"/escalate", map[string]any{"ticketNumber": tn(tk), "supervisorId": "ffffffffffffffffffffffff"}, f.tAgent, 400},
			{"/escalate", map[string]any{"ticketNumber": tn(tk), "supervisorId": f.sup.ID}, f.tAg2, 403},
			{"/transferToAgent", map[string]any{"ticketNumber": tn(tk), "group": "nope"}, f.tAgent, 400},
			{"/close", map[string]any{"ticketNumber": tn(tk), "closedBy": f.sup.ID}, f.tAgent, 403},
			{"/close", map[string]any{"ticketNumber": tn(tk)}, f.tAg2, 403},
			{"/close", `{"ticketNumber": `, f.tAgent, 400},
			{"/close", nil, f.tAgent, 400},
		} {
			f.failed(f.do("PUT", "/graph/tickets/update"+c.path, c.body, c.tok), c.code)
		}
		f.unchanged(before)

		// E13 reassign to a named team member.
		d := obj(t, f.ok(f.do("PUT", "/graph/tickets/update/reassign", map[string]any{"ticketNumber": tn(tk), "teamMember": map[string]string{"id": f.agent2.ID}}, f.tSup)).Data)
		for k, want := range map[string]any{"status": "Assigned", "assignedAgent": f.agent2.ID, "agentName": "Budi Agent", "reassigned": true, "reassignedText": "true"} {
			if d[k] != want {
				t.Errorf("reassign %s = %v, want %v", k, d[k], want)
			}
		}

		// E14 transfer to a group with an online agent: routed there.
		f.online(f.agent2)
		tk2 := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if tk2.AssigneeID != f.agent.ID {
			t.Fatalf("ticket 2 went to %s", tk2.AssigneeID)
		}
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transfer", map[string]any{"ticketNumber": tn(tk2), "group": f.group2.ID}, f.tAgent)).Data)
		for k, want := range map[string]any{"group": f.group2.ID, "toGroup": f.group2.ID, "fromGroup": f.group.ID, "transfered": true,
			"transferedText": "true", "transferedFrom": f.agent.ID, "transferedTo": f.agent2.ID, "assignedAgent": f.agent2.ID, "status": "Assigned"} {
			if d[k] != want {
				t.Errorf("transfer %s = %v, want %v", k, d[k], want)
			}
		}
		if kind(d["transferedDate"]) != "int" || kind(d["transferInterval"]) != "int" || kind(d["transferedDateText"]) != "string" {
			t.Errorf("transfer dates: %v %v", d["transferedDate"], d["transferInterval"])
		}
		// …and to a team member directly.
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transfer", map[string]any{"ticketNumber": tn(tk2), "teamMember": map[string]string{"id": f.agent.ID}}, f.tAg2)).Data)
		if d["assignedAgent"] != f.agent.ID {
			t.Errorf("transfer to member: %v", d["assignedAgent"])
		}

		// E15 escalate: to the named supervisor, then by default to the group's.
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/escalate", `{"ticketNumber": "`+tn(tk2)+`", "supervisorId": "`+f.sup.ID+`"}`, f.tAgent)).Data)
		for k, want := range map[string]any{"escalated": true, "escalatedFrom": f.agent.ID, "escalatedTo": f.sup.ID, "assignedAgent": f.sup.ID, "status": "Assigned"} {
			if d[k] != want {
				t.Errorf("escalate %s = %v, want %v", k, d[k], want)
			}
		}
		if kind(d["escalatedDate"]) != "int" {
			t.Errorf("escalatedDate = %v", d["escalatedDate"])
		}
		tk3 := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/escalate", map[string]any{"ticketNumber": tn(tk3)}, f.tAgent)).Data)
		if d["escalatedTo"] != f.sup.ID || d["escalated"] != true {
			t.Errorf("escalate to the group's supervisor: %v", d["escalatedTo"])
		}

		// E16 bot → agent hand-over.
		tk4 := f.ticket(desk.NewTicket{GroupID: f.group.ID, AssigneeID: f.bot.ID})
		d = obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk4), nil, f.tBot)).Data)
		if d["assignedAgent"] != "Bot" || d["botId"] != f.bot.ID {
			t.Fatalf("bot-owned ticket: assignedAgent %v botId %v", d["assignedAgent"], d["botId"])
		}
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk4)}, f.tBot)).Data)
		for k, want := range map[string]any{"transferedFrom": "Bot", "reassigned": true, "reassignedText": "true", "transfered": false, "transferedText": "false", "group": f.group.ID} {
			if d[k] != want {
				t.Errorf("transferToAgent %s = %v, want %v", k, d[k], want)
			}
		}
		if d["assignedAgent"] != f.agent.ID || d["status"] != "Assigned" {
			t.Errorf("hand-over routed to %v (%v), want the online agent of the group", d["assignedAgent"], d["status"])
		}

		// E17 close by the bot, by an agent with a closure type, for "Bot".
		tk5 := f.ticket(desk.NewTicket{GroupID: f.group.ID, AssigneeID: f.bot.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/close", map[string]any{"ticketNumber": tn(tk5)}, f.tBot)).Data)
		for k, want := range map[string]any{"status": "Closed", "statusStyle": "ticket-closed", "closureType": "Resolved", "closedBy": "Bot",
			"withinSla": true, "slaStatusText": "Within SLA", "slaStyle": "ticket-within-sla"} {
			if d[k] != want {
				t.Errorf("close by bot %s = %v, want %v", k, d[k], want)
			}
		}
		if kind(d["closedDate"]) != "int" || kind(d["closeInterval"]) != "int" || kind(d["closedDateText"]) != "string" {
			t.Errorf("close dates: %v %v %v", d["closedDate"], d["closeInterval"], d["closedDateText"])
		}
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/close", map[string]any{"ticketNumber": tn(tk), "closureType": "Unresolved"}, f.tAg2)).Data)
		if d["closureType"] != "Unresolved" || d["closedBy"] != f.agent2.ID {
			t.Errorf("close by agent: %v %v", d["closureType"], d["closedBy"])
		}
		if got := f.reload(tk.ID); got.Status != desk.StatusClosed || dolphins.WrittenClosureType(got) != "Unresolved" || got.ClosedBy.ID != f.agent2.ID {
			t.Errorf("stored close: %s %q %v", got.Status, dolphins.WrittenClosureType(got), got.ClosedBy)
		}
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/close", map[string]any{"ticketNumber": tn(tk3), "closedBy": "Bot"}, f.tSup)).Data)
		if d["closedBy"] != "Bot" {
			t.Errorf("close for Bot: %v", d["closedBy"])
		}

		// Routing actions refuse closed tickets.
		before = f.reload(tk5.ID)
		f.failed(f.do("PUT", "/graph/tickets/update/reassign", map[string]any{"ticketNumber": tn(tk5), "teamMember": map[string]string{"id": f.agent.ID}}, f.tSup), 409)
		f.failed(f.do("PUT", "/graph/tickets/update/escalate", map[string]any{"ticketNumber": tn(tk5)}, f.tSup), 409)
		f.unchanged(before)
	})
}

// TestCapacity: a named reassignment never puts an agent over capacity.
func TestCapacity(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		full, _ := e.Agent(desk.NewAgent{Name: "Full Agent", Email: "full@acme.test", Capacity: 1, GroupIDs: []string{f.group.ID}})
		f.online(full)
		f.ticket(desk.NewTicket{GroupID: f.group.ID}) // takes full's only slot
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if tk.AssigneeID != "" {
			t.Fatalf("second ticket assigned to %s past capacity", tk.AssigneeID)
		}
		before := f.reload(tk.ID)
		env := f.failed(f.do("PUT", "/graph/tickets/update/reassign", map[string]any{"ticketNumber": tn(tk), "teamMember": map[string]string{"id": full.ID}}, f.tSup), 409)
		if env.Message == "" {
			t.Fatal("no message")
		}
		f.unchanged(before)
	})
}
