package dolphins_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// rootKeys are the keys of the root document of an assigned, not yet
// answered ticket with a contact, channel account and group.
var rootKeys = []string{"id", "owner", "createdDate", "createdBy", "modifiedDate", "modifiedBy", "accountId", "accountName",
	"accountScreen", "answer", "incoming", "ticketAnswer", "assignedAgent", "assignedDate", "assignedDateText", "assignDuration",
	"firstAssignedDate", "greetingStatus", "channel", "channelKey", "channelName", "channelType", "contactId", "contact",
	"correlationId", "createdDateText", "document", "errorShown", "escalated", "group", "supervisor", "message", "cleanedMessage",
	"lastMessage", "messageId", "transactionId", "subject", "subjectChanged", "remark", "mention", "post", "notified",
	"redistribute", "guest", "markRead", "online", "parent", "ticketNumber", "status", "timelineStatus", "severity", "priority",
	"ticketTags", "reassigned", "reassignedText", "transfered", "transferedText", "unassignedDate", "unassignedDateText",
	"unassignDuration", "overReplySla", "slaStyle", "slaStatusText", "agentName", "agentAvatar", "friendlyName", "friendlyId",
	"customerName", "ccList", "ccListFormatted", "bccList", "bccListFormatted", "emailRecipient", "statusStyle", "severityStyle",
	"prettyDate", "prettyDateTimeline", "dateTimeline", "unreadMessages", "attachmentExist", "internalCallRecipient", "selected",
	"displayConferenceParticipant", "ignoreMaxAssignment", "callVariable", "conferenceParticipant",
	"conferenceParticipantObject", "callParticipantObject", "callVariableObject", "collection"}

var rootTypes = map[string]string{"id": "string", "owner": "string", "createdDate": "int", "createdBy": "string",
	"modifiedDate": "int", "modifiedBy": "string", "accountId": "string", "accountName": "string", "accountScreen": "string",
	"answer": "bool", "incoming": "bool", "ticketAnswer": "bool", "assignedAgent": "string", "assignedDate": "int",
	"assignedDateText": "string", "assignDuration": "int", "firstAssignedDate": "int", "greetingStatus": "bool",
	"channel": "string", "channelKey": "string", "channelName": "string", "channelType": "string", "contactId": "string",
	"contact": "object", "correlationId": "string", "createdDateText": "string", "document": "array", "errorShown": "bool",
	"escalated": "bool", "group": "string", "supervisor": "string", "message": "string", "cleanedMessage": "string",
	"lastMessage": "string", "messageId": "string", "transactionId": "string", "subject": "string", "subjectChanged": "bool",
	"remark": "string", "mention": "bool", "post": "bool", "notified": "bool", "redistribute": "bool", "guest": "bool",
	"markRead": "bool", "online": "bool", "parent": "int", "ticketNumber": "string", "status": "string",
	"timelineStatus": "string", "severity": "string", "priority": "bool", "ticketTags": "array", "reassigned": "bool",
	"reassignedText": "string", "transfered": "bool", "transferedText": "string", "unassignedDate": "int",
	"unassignedDateText": "string", "unassignDuration": "int", "overReplySla": "bool", "slaStyle": "string",
	"slaStatusText": "string", "agentName": "string", "agentAvatar": "string", "friendlyName": "string", "friendlyId": "string",
	"customerName": "string", "ccList": "array", "ccListFormatted": "string", "bccList": "array", "bccListFormatted": "string",
	"emailRecipient": "string", "statusStyle": "string", "severityStyle": "string", "prettyDate": "string",
	"prettyDateTimeline": "string", "dateTimeline": "int", "unreadMessages": "int", "attachmentExist": "bool",
	"internalCallRecipient": "bool", "selected": "bool", "displayConferenceParticipant": "bool", "ignoreMaxAssignment": "bool",
	"callVariable": "array", "conferenceParticipant": "array", "conferenceParticipantObject": "array",
	"callParticipantObject": "array", "callVariableObject": "array", "collection": "string"}

var contactKeys = []string{"id", "spell", "owner", "createdDate", "createdBy", "modifiedDate", "modifiedBy", "ageMax", "ageMin",
	"contactEmail", "contactEmailString", "contactFirstName", "maxFollower", "phoneTypes", "phones", "phonesString",
	"socialsString", "username", "socialAccounts", "additionalFieldsObject", "additionalFieldValueAsMap", "additionalField",
	"availableTouchpoints", "contactPhoneFormatted", "haveAnySocialAccounts", "liveChatAccount", "rating", "contactAccountIds",
	"contactTouchpoints", "prettyCreatedDate", "socialIdWebchat", "socialNameWebchat", "socialScreenNameWebchat"}

// messageKeys are the keys of a customer's message document; answers add
// answerKeys.
var messageKeys = []string{"id", "owner", "createdDate", "createdBy", "modifiedDate", "modifiedBy", "accountId", "accountName",
	"accountScreen", "answer", "incoming", "ticketAnswer", "channel", "channelKey", "channelName", "channelType", "contactId",
	"createdDateText", "errorShown", "message", "cleanedMessage", "messageId", "transactionId", "subject", "mention", "post",
	"markRead", "parent", "ticketNumber", "severity", "overReplySla", "slaStyle", "slaStatusText", "friendlyName", "friendlyId",
	"customerName", "ccList", "ccListFormatted", "emailRecipient", "statusStyle", "severityStyle", "prettyDate",
	"prettyDateTimeline", "dateTimeline", "unreadMessages", "attachmentExist", "internalCallRecipient", "selected",
	"displayConferenceParticipant", "ignoreMaxAssignment", "callVariable", "conferenceParticipant",
	"conferenceParticipantObject", "callParticipantObject", "callVariableObject"}

var answerKeys = []string{"replyAgent", "responseTime", "responseTimeAgent", "agentName", "agentAvatar"}

func TestDocuments(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID, Tags: []string{"vip"}, Priority: desk.PriorityNormal})
		if tk.AssigneeID != f.agent.ID {
			t.Fatalf("ticket not routed to the online agent: %+v", tk)
		}

		// E2: the root document as an object, with exact keys and types.
		env := f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk), nil, f.tAgent))
		if env.HasMore || env.NextIndex != 0 || env.PrevIndex != 0 || env.TotalResults != 0 {
			t.Fatalf("single-object paging fields: %+v", env)
		}
		root := obj(t, env.Data)
		assertKeys(t, "root document", root, rootKeys)
		assertTypes(t, "root document", root, rootTypes)
		for k, want := range map[string]any{"id": tk.ID, "ticketNumber": tn(tk), "status": "Assigned", "timelineStatus": "Assigned",
			"statusStyle": "ticket-assigned", "severity": "Medium", "severityStyle": "severity-medium", "assignedAgent": f.agent.ID,
			"agentName": "Ani Agent", "agentAvatar": "https://img.test/ani.png", "group": f.group.ID, "supervisor": f.sup.ID,
			"accountId": "6287718110987-MINDA", "accountName": "MINDA", "accountScreen": "mindagur93@gmail.com",
			"channel": f.acct.ID, "channelKey": "Savannabreeze", "channelName": "Savanna Web", "channelType": "webchat",
			"contactId": f.ct.ID, "subject": "Sambungkan ke CS", "message": "halo, saya butuh bantuan",
			"lastMessage": "halo, saya butuh bantuan", "incoming": true, "answer": false, "parent": "1", "owner": f.ws.ID,
			"slaStyle": "ticket-ongoing-sla", "slaStatusText": "Ongoing", "reassignedText": "false", "transferedText": "false",
			"collection": "master_ticket", "friendlyName": "MINDA", "escalated": false, "priority": false} {
			got := root[k]
			if kind(got) == "int" {
				got = got.(interface{ String() string }).String()
			}
			if got != want {
				t.Errorf("%s = %v, want %v", k, got, want)
			}
		}
		if tags := root["ticketTags"].([]any); len(tags) != 1 || tags[0] != "vip" {
			t.Errorf("ticketTags = %v", tags)
		}
		if i64(t, root["unreadMessages"]) != 1 {
			t.Errorf("unreadMessages = %v, want 1 (the customer's message, not answered)", root["unreadMessages"])
		}
		ct := obj(t, root["contact"])
		assertKeys(t, "contact", ct, contactKeys)
		for k, want := range map[string][]string{
			"spell":                   {"MINDA", "mindagur93@gmail.com", "6287718110987", "MINDA", "6287718110987-MINDA"},
			"socialIdWebchat":         {"6287718110987-MINDA"},
			"socialNameWebchat":       {"MINDA"},
			"socialScreenNameWebchat": {"mindagur93@gmail.com"},
			"contactAccountIds":       {"6287718110987-MINDA", "mindagur93@gmail.com", "6287718110987"},
			"socialAccounts":          {"images/channel/ic_webchat.png", "images/channel/ic_email.png", "images/contact/ic_phone_red.png"},
			"availableTouchpoints":    {"images/channel/ic_email.png"},
			"phones":                  {"6287718110987"},
			"phoneTypes":              {"Mobile"},
			"contactEmail":            {"mindagur93@gmail.com"},
		} {
			got, _ := ct[k].([]any)
			if len(got) != len(want) {
				t.Errorf("contact %s = %v, want %v", k, ct[k], want)
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("contact %s = %v, want %v", k, ct[k], want)
				}
			}
		}
		for k, want := range map[string]any{"socialsString": "mindagur93@gmail.com,mindagur93@gmail.com", "liveChatAccount": true,
			"haveAnySocialAccounts": true, "contactFirstName": "MINDA", "prettyCreatedDate": "moments ago", "id": f.ct.ID} {
			if ct[k] != want {
				t.Errorf("contact %s = %v, want %v", k, ct[k], want)
			}
		}
		tps := ct["contactTouchpoints"].([]any)
		if len(tps) != 2 {
			t.Fatalf("contactTouchpoints = %v", tps)
		}
		assertKeys(t, "touchpoint", obj(t, tps[0]), []string{"id", "displayName", "screenName", "profilePicture", "channelType", "channelTypeIcon", "contactId"})
		if tp := obj(t, tps[1]); tp["channelType"] != "email" || tp["screenName"] != "mindagur93@gmail.com" || tp["profilePicture"] != nil {
			t.Errorf("e-mail touchpoint = %v", tp)
		}

		// E9: root then messages, oldest first; answers carry replyAgent.
		f.ok(f.do("POST", "/graph/tickets/sendMessage", map[string]string{"ticketNumber": tn(tk), "message": "Baik, kami bantu"}, f.tAgent))
		env = f.ok(f.do("GET", "/graph/tickets/conversations/"+tn(tk), nil, f.tAgent))
		all := docs(t, env.Data)
		if len(all) != 3 || env.TotalResults != 3 {
			t.Fatalf("conversation has %d docs (total %d)", len(all), env.TotalResults)
		}
		if all[0]["parent"].(interface{ String() string }).String() != "1" {
			t.Fatalf("first document is not the root: %v", all[0]["parent"])
		}
		assertKeys(t, "customer message", all[1], messageKeys)
		assertKeys(t, "answer", all[2], append(append([]string{}, messageKeys...), answerKeys...))
		if all[1]["incoming"] != true || all[1]["answer"] != false || all[1]["statusStyle"] != "" {
			t.Errorf("customer message: %v", all[1])
		}
		if all[2]["answer"] != true || all[2]["ticketAnswer"] != true || all[2]["replyAgent"] != f.agent.ID ||
			all[2]["accountName"] != f.acct.ID || all[2]["friendlyName"] != "Savanna Web" || all[2]["message"] != "Baik, kami bantu" {
			t.Errorf("answer: %v", all[2])
		}
		// E9 pages too.
		env = f.ok(f.do("GET", "/graph/tickets/conversations/"+tn(tk)+"?start=1&count=1", nil, f.tAgent))
		if d := docs(t, env.Data); len(d) != 1 || d[0]["id"] != all[1]["id"] || !env.HasMore || env.NextIndex != 2 || env.TotalResults != 3 {
			t.Fatalf("conversation page: %+v", env)
		}
		env = f.ok(f.do("GET", "/graph/tickets/conversations/999999", nil, f.tAgent))
		if len(docs(t, env.Data)) != 0 || env.TotalResults != 0 {
			t.Fatalf("unknown ticket conversation: %+v", env)
		}
	})
}

func TestPaging(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		var nums []string
		for range 5 {
			nums = append(nums, tn(f.ticket(desk.NewTicket{})))
		}
		cases := []struct {
			query                string
			n, next, prev, total int
			more                 bool
			first                string
		}{
			{"", 5, 0, 0, 5, false, nums[4]},
			{"?start=0&count=2", 2, 2, 0, 5, true, nums[4]},
			{"?start=2&count=2", 2, 4, 0, 5, true, nums[2]},
			{"?start=4&count=2", 1, 0, 2, 5, false, nums[0]},
			{"?start=3&count=1", 1, 4, 2, 5, true, nums[1]},
			{"?start=9&count=2", 0, 0, 7, 5, false, ""},
			{"?count=100", 5, 0, 0, 5, false, nums[4]},
			{"?sort=asc&count=1", 1, 1, 0, 5, true, nums[0]},
			{"?sort=DESC&start=1&count=1", 1, 2, 0, 5, true, nums[3]},
		}
		for _, c := range cases {
			env := f.ok(f.do("GET", "/graph/tickets"+c.query, nil, f.tAgent))
			d := docs(t, env.Data)
			if len(d) != c.n || env.NextIndex != c.next || env.PrevIndex != c.prev || env.TotalResults != c.total || env.HasMore != c.more {
				t.Errorf("%s: len %d next %d prev %d total %d more %v", c.query, len(d), env.NextIndex, env.PrevIndex, env.TotalResults, env.HasMore)
			}
			if c.first != "" && len(d) > 0 && d[0]["ticketNumber"] != c.first {
				t.Errorf("%s: first ticket %v, want %s", c.query, d[0]["ticketNumber"], c.first)
			}
		}
		for _, q := range []string{"?start=abc", "?count=x", "?count=0", "?count=101", "?start=-1", "?count=1.5", "?start=", "?sort=up",
			"?status=Flying", "?channelType=pigeon"} {
			env := f.failed(f.do("GET", "/graph/tickets"+q, nil, f.tAgent), 400)
			if env.Message == "" {
				t.Errorf("%s: no message", q)
			}
		}
		// The same parameters on the other list endpoints.
		for _, p := range []string{"/graph/tickets/closed", "/graph/tickets/assignment", "/graph/tickets/priority",
			"/graph/tickets/conversations/" + nums[0], "/graph/tickets/data/all/status/Unassigned"} {
			f.failed(f.do("GET", p+"?count=abc", nil, f.tAgent), 400)
		}
	})
}

func TestLists(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		ctx := context.Background()
		f.online(f.agent)
		mine := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		flagged := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if _, err := e.Deps.Desk.UpdateTicket(ctx, f.ws.ID, flagged.ID, desk.System, desk.TicketPatch{Flagged: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		waiting := f.ticket(desk.NewTicket{GroupID: f.group2.ID}) // nobody online in billing
		email := f.ticket(desk.NewTicket{Channel: desk.ChannelEmail, GroupID: f.group2.ID})
		closed := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if _, err := e.Deps.Desk.Close(ctx, f.ws.ID, closed.ID, desk.System, desk.StatusClosed, ""); err != nil {
			t.Fatal(err)
		}
		numbers := func(env env) []string {
			var out []string
			for _, d := range docs(t, env.Data) {
				out = append(out, str(t, d, "ticketNumber"))
			}
			return out
		}
		same := func(what string, got []string, want ...*desk.Ticket) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s = %v, want %d tickets", what, got, len(want))
				return
			}
			for i, w := range want {
				if got[i] != tn(w) {
					t.Errorf("%s = %v, want %v", what, got, tn(w))
				}
			}
		}

		// E5 filters.
		same("status=unassigned", numbers(f.ok(f.do("GET", "/graph/tickets?status=unassigned", nil, f.tAgent))), email, waiting)
		same("status=ASSIGNED", numbers(f.ok(f.do("GET", "/graph/tickets?status=ASSIGNED", nil, f.tAgent))), flagged, mine)
		same("status=Closed", numbers(f.ok(f.do("GET", "/graph/tickets?status=Closed", nil, f.tAgent))), closed)
		same("channelType=email", numbers(f.ok(f.do("GET", "/graph/tickets?channelType=email", nil, f.tAgent))), email)

		// E1: by number (any status), "closed", unknown.
		env := f.ok(f.do("GET", "/graph/tickets/"+tn(waiting), nil, f.tAgent))
		same("E1 by number", numbers(env), waiting)
		if env.TotalResults != 1 {
			t.Errorf("E1 total = %d", env.TotalResults)
		}
		same("E1 closed", numbers(f.ok(f.do("GET", "/graph/tickets/closed", nil, f.tAgent))), closed)
		for _, n := range []string{"424242", "not-a-number"} {
			env = f.ok(f.do("GET", "/graph/tickets/"+n, nil, f.tAgent))
			if len(docs(t, env.Data)) != 0 || env.TotalResults != 0 {
				t.Errorf("E1 %s: %+v", n, env)
			}
		}
		// E2: unknown → 404.
		f.failed(f.do("GET", "/graph/tickets/data/424242", nil, f.tAgent), 404)
		f.failed(f.do("GET", "/graph/tickets/data/abc", nil, f.tAgent), 404)
		// The root id works as a ticket number too.
		if d := obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+mine.ID, nil, f.tAgent)).Data); d["ticketNumber"] != tn(mine) {
			t.Errorf("E2 by root id: %v", d["ticketNumber"])
		}

		// E7: the caller's tickets, by status, today, sorted.
		same("assignment", numbers(f.ok(f.do("GET", "/graph/tickets/assignment", nil, f.tAgent))), closed, flagged, mine)
		same("assignment asc", numbers(f.ok(f.do("GET", "/graph/tickets/assignment?sort=asc&isToday=true", nil, f.tAgent))), mine, flagged, closed)
		same("assignment open", numbers(f.ok(f.do("GET", "/graph/tickets/assignment?status=Assigned", nil, f.tAgent))), flagged, mine)
		same("assignment pending", numbers(f.ok(f.do("GET", "/graph/tickets/assignment?status=pending", nil, f.tAgent))))
		same("assignment of another agent", numbers(f.ok(f.do("GET", "/graph/tickets/assignment", nil, f.tAg2))))
		f.clock.Shift(48 * time.Hour)
		same("assignment isToday two days later", numbers(f.ok(f.do("GET", "/graph/tickets/assignment?isToday=true", nil, f.nAgent))))
		same("assignment two days later", numbers(f.ok(f.do("GET", "/graph/tickets/assignment?status=assigned", nil, f.nAgent))), flagged, mine)
		f.clock.Shift(0)
		f.failed(f.do("GET", "/graph/tickets/assignment?isToday=maybe", nil, f.tAgent), 400)

		// E8: the caller's flagged tickets.
		env = f.ok(f.do("GET", "/graph/tickets/priority", nil, f.tAgent))
		same("priority", numbers(env), flagged)
		if d := docs(t, env.Data); d[0]["priority"] != true {
			t.Errorf("priority flag = %v", d[0]["priority"])
		}

		// E3: by field, on every ticket and within one.
		same("E3 status", numbers(f.ok(f.do("GET", "/graph/tickets/data/all/status/unassigned", nil, f.tAgent))), email, waiting)
		same("E3 group", numbers(f.ok(f.do("GET", "/graph/tickets/data/*/group/"+f.group2.ID, nil, f.tAgent))), email, waiting)
		same("E3 severity (in memory)", numbers(f.ok(f.do("GET", "/graph/tickets/data/all/severity/not%20set?count=2", nil, f.tAgent))), closed, email)
		env = f.ok(f.do("GET", "/graph/tickets/data/all/severity/NOT%20SET?count=2", nil, f.tAgent))
		if env.TotalResults != 5 || !env.HasMore || env.NextIndex != 2 {
			t.Errorf("E3 severity paging: %+v", env)
		}
		env = f.ok(f.do("GET", "/graph/tickets/data/"+tn(mine)+"/message/HALO,%20SAYA%20BUTUH%20BANTUAN", nil, f.tAgent))
		if d := docs(t, env.Data); len(d) != 2 || env.TotalResults != 2 {
			t.Errorf("E3 within a ticket: root and message documents expected, got %d", len(d))
		}
		env = f.ok(f.do("GET", "/graph/tickets/data/"+tn(mine)+"/parent/0", nil, f.tAgent))
		if d := docs(t, env.Data); len(d) != 1 || d[0]["message"] != "halo, saya butuh bantuan" {
			t.Errorf("E3 parent=0: %v", env.Data)
		}
		f.failed(f.do("GET", "/graph/tickets/data/all/nosuchfield/x", nil, f.tAgent), 400)

		// E4: filter query, snake_case keys, any-of lists.
		env = f.ok(f.do("POST", "/graph/tickets/data/all?start=0&count=10", `{"channel_type": "email"}`, f.tAgent))
		same("E4 channel_type", numbers(env), email)
		env = f.ok(f.do("POST", "/graph/tickets/data/all", `{"status": ["Assigned", "Closed"], "group": "`+f.group.ID+`",}`, f.tAgent))
		same("E4 any-of", numbers(env), closed, flagged, mine)
		env = f.ok(f.do("POST", "/graph/tickets/data/"+tn(mine), `{"answer": false, "parent": 0}`, f.tAgent))
		if d := docs(t, env.Data); len(d) != 1 || d[0]["parent"].(interface{ String() string }).String() != "0" {
			t.Errorf("E4 in a ticket: %v", env.Data)
		}
		env = f.ok(f.do("POST", "/graph/tickets/data/all", nil, f.tAgent))
		if env.TotalResults != 5 {
			t.Errorf("E4 without filter: total %d", env.TotalResults)
		}
		for _, body := range []string{`{"bogus": 1}`, `[1]`, `{"status": {"a": 1}}`, `{"status": "x"`, `{"a":1} {"b":2}`} {
			f.failed(f.do("POST", "/graph/tickets/data/all", body, f.tAgent), 400)
		}
		env = f.ok(f.do("POST", "/graph/tickets/data/424242", `{"status": "Open"}`, f.tAgent))
		if len(docs(t, env.Data)) != 0 {
			t.Errorf("E4 unknown ticket: %v", env.Data)
		}
	})
}

func ptr[T any](v T) *T { return &v }
