package dolphins_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func TestHistory(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		d := e.Deps.Desk
		f.online(f.agent)
		apps, err := d.CreateContact(f.ctx, f.ws.ID, desk.NewContact{FirstName: "APPS", Email: "apps@mail.com", Phone: "6287718111097",
			Identities: []desk.Identity{
				{Channel: desk.ChannelWebchat, ExternalID: "6287718111097-APPS", ScreenName: "apps@mail.com", DisplayName: "APPS"},
				{Channel: desk.ChannelTelegram, ExternalID: "951759877", ScreenName: "afeeeh", DisplayName: "APPS"},
			}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := d.CreateChannelAccount(f.ctx, f.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWebchat, Name: "Other Web", UID: "OtherBot"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(-time.Hour)
		step := 0
		tick := func() { step++; f.clock.Freeze(start.Add(time.Duration(step) * time.Minute)) }
		say := func(tk *desk.Ticket, who desk.Actor, text string) {
			t.Helper()
			tick()
			if _, _, err := d.AddMessage(f.ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: text, Author: who}); err != nil {
				t.Fatal(err)
			}
		}
		customer := desk.Actor{Kind: desk.ActorContact, ID: apps.ID}
		tick()
		a := f.ticket(desk.NewTicket{ContactID: apps.ID, GroupID: f.group.ID, Message: &desk.NewMessage{Text: "a1"}})
		say(a, desk.Actor{Kind: desk.ActorAgent, ID: f.agent.ID}, "a2")
		tick()
		b := f.ticket(desk.NewTicket{ContactID: apps.ID, Channel: desk.ChannelWebchat, ChannelAccountID: other.ID, Message: &desk.NewMessage{Text: "b1"}})
		say(b, desk.Actor{Kind: desk.ActorBot, ID: f.bot.ID}, "b2")
		tick()
		c := f.ticket(desk.NewTicket{ContactID: apps.ID, Channel: desk.ChannelTelegram, Message: &desk.NewMessage{Text: "c1"}})
		say(a, customer, "a3") // an older ticket gets the newest message
		f.clock.Thaw()
		_ = c

		texts := func(env env) []string {
			var out []string
			for _, doc := range docs(t, env.Data) {
				if doc["parent"].(json.Number).String() != "0" {
					t.Errorf("history returned a root document: %v", doc["id"])
				}
				out = append(out, str(t, doc, "message"))
			}
			return out
		}
		check := func(path string, more bool, want ...string) env {
			t.Helper()
			env := f.ok(f.do("GET", path, nil, f.tAgent))
			got := texts(env)
			if len(got) != len(want) || env.HasMore != more || env.TotalResults != len(want) {
				t.Errorf("%s = %v (more %v, total %d), want %v (more %v)", path, got, env.HasMore, env.TotalResults, want, more)
				return env
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s = %v, want %v", path, got, want)
					break
				}
			}
			return env
		}
		const sid = "6287718111097-APPS"
		env := check("/graph/tickets/conversations/webchat/"+sid+"/history?count=3", true, "a3", "b2", "b1")
		if env.NextIndex != 3 {
			t.Errorf("nextIndex %d", env.NextIndex)
		}
		check("/graph/tickets/conversations/webchat/"+sid+"/history?count=3&sort=asc", true, "b1", "b2", "a3")
		check("/graph/tickets/conversations/webchat/"+sid, false, "a3", "b2", "b1", "a2", "a1")
		check("/graph/tickets/conversations/WEBCHAT/"+sid+"?count=2", true, "a3", "b2")
		check("/graph/tickets/conversations/webchat/Savannabreeze/"+sid, false, "a3", "a2", "a1")
		check("/graph/tickets/conversations/webchat/OtherBot/"+sid, false, "b2", "b1")
		check("/graph/tickets/conversations/webchat/NoSuchKey/"+sid, false)
		check("/graph/tickets/conversations/channelId/"+other.ID+"/"+sid, false, "b2", "b1")
		check("/graph/tickets/conversations/channelId/ffffffffffffffffffffffff/"+sid, false)
		check("/graph/tickets/conversations/telegram/951759877", false, "c1")
		check("/graph/tickets/conversations/telegrambot/951759877/history", false, "c1")
		check("/graph/tickets/conversations/webchat/nobody", false)
		check("/graph/tickets/conversations/webchat/"+sid+"/history?count=100", false, "a3", "b2", "b1", "a2", "a1")

		// Answers name who wrote them and how fast.
		all := docs(t, f.ok(f.do("GET", "/graph/tickets/conversations/webchat/OtherBot/"+sid, nil, f.tAgent)).Data)
		if all[0]["replyAgent"] != "Bot" || all[0]["botId"] != f.bot.ID || all[0]["answer"] != true || i64(t, all[0]["responseTime"]) != 60 {
			t.Errorf("bot answer: replyAgent %v botId %v answer %v responseTime %v", all[0]["replyAgent"], all[0]["botId"], all[0]["answer"], all[0]["responseTime"])
		}
		if all[1]["incoming"] != true || all[1]["accountId"] != sid || all[1]["ticketNumber"] != tn(b) {
			t.Errorf("customer message: %v", all[1])
		}

		for _, p := range []string{"/graph/tickets/conversations/webchat/" + sid + "?count=0",
			"/graph/tickets/conversations/webchat/" + sid + "/history?count=101",
			"/graph/tickets/conversations/pigeon/" + sid, "/graph/tickets/conversations/webchat/" + sid + "?sort=up",
			"/graph/tickets/conversations/channelId/" + other.ID + "/" + sid + "?count=x"} {
			f.failed(f.do("GET", p, nil, f.tAgent), 400)
		}
		f.failed(f.do("GET", "/graph/tickets/conversations/webchat/"+sid, nil, ""), 401)
	})
}

func TestQueue(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		ct2, err := e.Deps.Desk.CreateContact(f.ctx, f.ws.ID, desk.NewContact{Name: "Wati",
			Identities: []desk.Identity{{Channel: desk.ChannelWhatsApp, ExternalID: "6281122334455"}}})
		if err != nil {
			t.Fatal(err)
		}
		queue := func(account string) int {
			t.Helper()
			return num(t, f.ok(f.do("GET", "/graph/tickets/queue/"+account, nil, f.tBot)).Data)
		}
		// Nobody of billing is online: both tickets wait, oldest first.
		f.ticket(desk.NewTicket{ContactID: ct2.ID, Channel: desk.ChannelWhatsApp, GroupID: f.group2.ID})
		f.ticket(desk.NewTicket{GroupID: f.group2.ID})
		if got := queue("6281122334455"); got != 1 {
			t.Errorf("first waiting ticket at %d", got)
		}
		if got := queue("6287718110987-MINDA"); got != 2 {
			t.Errorf("second waiting ticket at %d", got)
		}
		if got := queue("unknown-account"); got != 0 {
			t.Errorf("unknown account at %d", got)
		}
		// Once an agent comes online the queue drains.
		f.online(f.agent2)
		if got := queue("6287718110987-MINDA"); got != 0 {
			t.Errorf("after the drain the ticket is at %d", got)
		}
	})
}

func TestReport(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		t1 := f.ticket(desk.NewTicket{GroupID: f.group.ID, Tags: []string{"vip"}})
		t2 := f.ticket(desk.NewTicket{Channel: desk.ChannelEmail, GroupID: f.group2.ID, Tags: []string{"billing"}})
		t3 := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		loc, _ := time.LoadLocation("Asia/Shanghai")
		today := time.Now().In(loc).Format("2006-01-02")
		yesterday := time.Now().In(loc).AddDate(0, 0, -1).Format("2006-01-02")
		nums := func(env env) []string {
			var out []string
			for _, d := range docs(t, env.Data) {
				out = append(out, str(t, d, "ticketNumber"))
			}
			return out
		}
		for _, c := range []struct {
			name  string
			query string
			body  string
			want  []*desk.Ticket
			total int
		}{
			{"everything", "", `{}`, []*desk.Ticket{t3, t2, t1}, 3},
			{"empty body", "", ``, []*desk.Ticket{t3, t2, t1}, 3},
			{"channel type", "", `{"channelTypeFilters": ["email"]}`, []*desk.Ticket{t2}, 1},
			{"tags, any of", "", `{"ticketTagFilters": ["vip", "billing"]}`, []*desk.Ticket{t2, t1}, 2},
			{"one tag", "", `{"ticketTagFilters": ["vip"]}`, []*desk.Ticket{t1}, 1},
			{"agent", "", `{"agentFilters": ["` + f.agent.ID + `"]}`, []*desk.Ticket{t3, t1}, 2},
			{"customer and channel account", "", `{"customerFilters": ["` + f.ct.ID + `", "x"], "channelFilters": ["` + f.acct.ID + `"]}`, []*desk.Ticket{t3, t1}, 2},
			{"today", "", `{"startDateFilter": "` + today + `", "endDateFilter": "` + today + `"}`, []*desk.Ticket{t3, t2, t1}, 3},
			{"yesterday", "", `{"startDateFilter": "` + yesterday + `", "endDateFilter": "` + yesterday + `"}`, nil, 0},
			{"ticket number", "", `{"ticketNumber": "` + tn(t2) + `"}`, []*desk.Ticket{t2}, 1},
			{"paged", "?startIndex=1&count=1", `{}`, []*desk.Ticket{t2}, 3},
		} {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				env := f.ok(f.do("POST", "/graph/report/conversations"+c.query, c.body, f.tSup))
				got := nums(env)
				if env.TotalResults != c.total || len(got) != len(c.want) {
					t.Fatalf("got %v (total %d), want %d of %d", got, env.TotalResults, len(c.want), c.total)
				}
				for i, w := range c.want {
					if got[i] != tn(w) {
						t.Fatalf("got %v, want %v at %d", got, tn(w), i)
					}
				}
			})
		}
		f.t = t
		d := docs(t, f.ok(f.do("POST", "/graph/report/conversations", `{"ticketNumber": `+tn(t1)+`}`, f.tSup)).Data)[0]
		assertTypes(t, "report document", d, map[string]string{"cleanedMessage": "string", "customerName": "string", "bccList": "array",
			"bccListFormatted": "string", "firstAssignedDate": "int", "collection": "string"})
		for _, c := range []struct{ query, body string }{
			{"", `{"startDateFilter": "2020/01/01"}`},
			{"", `{"startDateFilter": "` + today + `", "endDateFilter": "` + yesterday + `"}`},
			{"", `{"channelTypeFilters": ["pigeon"]}`},
			{"", `{"ticketNumber": "abc"}`},
			{"", `{"agentFilters": "x"}`},
			{"?startIndex=x", `{}`},
			{"?startIndex=-1", `{}`},
		} {
			f.failed(f.do("POST", "/graph/report/conversations"+c.query, c.body, f.tSup), 400)
		}
	})
}

func TestTransformButtonMessage(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		res := f.do("POST", "/graph/tickets/transformButtonMessage", `{"message": "Pilih menu:", "channelType": "telegram",
			"severity": "Medium", "buttons": ["Cek saldo", {"title": "Transfer", "payload": "TRF"}, {"payload": "CS"}],}`, f.tBot)
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		d := decode(t, res.Body)
		assertKeys(t, "transformed message", d, []string{"message", "cleanedMessage", "channelType", "severity", "internalCallRecipient",
			"selected", "unreadMessages", "statusStyle", "prettyDate", "friendlyName", "ccList", "overReplySla", "prettyDateTimeline",
			"severityStyle", "slaStyle", "attachmentExist", "conferenceParticipantObject", "callParticipantObject", "callVariableObject",
			"displayConferenceParticipant", "emailRecipient", "ccListFormatted", "slaStatusText"})
		for k, want := range map[string]any{"message": "Pilih menu:\n1. Cek saldo\n2. Transfer\n3. CS", "severity": "Medium",
			"severityStyle": "severity-medium", "slaStyle": "ticket-ongoing-sla", "slaStatusText": "Ongoing", "statusStyle": "",
			"channelType": "telegram", "prettyDate": "", "friendlyName": ""} {
			if d[k] != want {
				t.Errorf("%s = %q, want %q", k, d[k], want)
			}
		}
		for _, body := range []string{`{}`, `{"buttons": [5]}`, `{"buttons": [{"color": "red"}]}`, `{"message": "x", "severity": "huge"}`,
			`{"message": "x", "channelType": "pigeon"}`, `nope`} {
			f.failed(f.do("POST", "/graph/tickets/transformButtonMessage", body, f.tBot), 400)
		}
		f.failed(f.do("POST", "/graph/tickets/transformButtonMessage", `{"message": "x"}`, ""), 401)
	})
}
