package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// postFiles sends the composer as the browser does: multipart, with files.
func (c *client) postFiles(path string, fields url.Values, files map[string][]byte) *page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			c.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Encoding", "identity")
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func TestSearchBox(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		refund := newTicket(t, e, "Refund for order 5521", "I was charged twice.", desk.ChannelEmail, "Wei Zhang")
		newTicket(t, e, "Password reset", "Cannot log in.", desk.ChannelEmail, "Ana Ruiz")
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)

		p := c.get("/?q=" + url.QueryEscape("refund (status:open"))
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad query: %d", p.Status)
		}
		// The query stays in the box, the marker sits on the "(" (character 8).
		for _, want := range []string{`value="refund (status:open"`, `refund <mark>(</mark>status:open`, "character 8", `aria-invalid="true"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("parse error page lacks %q: %s", want, p.Body)
			}
		}
		p = c.get("/?q=" + url.QueryEscape("refund OR"))
		if !strings.Contains(p.Body, `refund OR<mark> </mark>`) && !strings.Contains(p.Body, `refund <mark>O</mark>R`) {
			t.Errorf("error at the end not marked: %s", p.Body)
		}

		p = c.get("/?q=refund")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/tickets/`+strconv.FormatInt(refund.Number, 10)+`"`) || strings.Contains(p.Body, "Password reset") {
			t.Fatalf("search results: %d %s", p.Status, p.Body)
		}
	})
}

// TestSearchPages: search results page by keyset cursor, each ticket once.
func TestSearchPages(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	for i := 0; i < 30; i++ {
		newTicket(t, e, "Parcel "+strconv.Itoa(i), "where is it", desk.ChannelEmail, "Person "+strconv.Itoa(i))
	}
	c := newClient(t, e.URL)
	c.login(e.Admin.Email, servertest.Password)
	seen := map[string]bool{}
	next := "/?q=parcel"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		p := c.get(next)
		for _, m := range rowRe.FindAllStringSubmatch(p.Body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		next = ""
		if m := nextRe.FindStringSubmatch(p.Body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 30 {
		t.Fatalf("saw %d tickets over the pages, want 30", len(seen))
	}
}

func TestBulkAction(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		agent, _ := e.Agent(desk.NewAgent{Name: "Rina Agent", Email: "rina@acme.test", Role: desk.RoleAgent, Capacity: 10})
		other, _ := e.Agent(desk.NewAgent{Name: "Omar Other", Email: "omar@acme.test", Role: desk.RoleAgent, Capacity: 10})
		free := newTicket(t, e, "Free ticket", "x", desk.ChannelEmail, "Free Person")
		taken := newTicket(t, e, "Omar's ticket", "x", desk.ChannelEmail, "Taken Person")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, taken.ID, desk.System, desk.TicketPatch{AssigneeID: &other.ID}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(agent.Email, servertest.Password)
		tok := c.csrf()
		p := c.post("/bulk", url.Values{"csrf": {tok}, "back": {"/?view=open"}, "id": {free.ID, taken.ID}, "priority": {"urgent"}, "add_tags": {"vip"}})
		if p.Status != http.StatusOK {
			t.Fatalf("bulk: %d %s", p.Status, p.Body)
		}
		for _, want := range []string{"1 changed, 1 not changed", "Omar&#39;s ticket", web403(), `aria-current="page"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("bulk results lack %q: %s", want, p.Body)
			}
		}
		f, _ := e.Store.Ticket(ctx, e.Workspace.ID, free.ID)
		tk, _ := e.Store.Ticket(ctx, e.Workspace.ID, taken.ID)
		if f.Priority != desk.PriorityUrgent || len(f.Tags) != 1 || tk.Priority == desk.PriorityUrgent || len(tk.Tags) != 0 {
			t.Fatalf("after bulk: free %s %v, taken %s %v", f.Priority, f.Tags, tk.Priority, tk.Tags)
		}
		// In the agent's language.
		p = c.post("/bulk", url.Values{"csrf": {tok}, "back": {"/?view=open"}, "id": {taken.ID}, "status": {"solved"}}, "Accept-Language: es")
		if !strings.Contains(p.Body, "0 cambiados, 1 sin cambiar") {
			t.Errorf("bulk results not in Spanish: %s", p.Body)
		}
		// Nothing selected: refused as a whole, the choices kept.
		p = c.post("/bulk", url.Values{"csrf": {tok}, "back": {"/?view=open"}, "priority": {"high"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `<option value="high" selected>`) {
			t.Errorf("empty bulk: %d %s", p.Status, p.Body)
		}
		// Without the token: 403, nothing changes.
		if p := c.post("/bulk", url.Values{"id": {free.ID}, "priority": {"low"}}); p.Status != http.StatusForbidden {
			t.Errorf("bulk without csrf: %d", p.Status)
		}
	})
}

var nextRe = regexp.MustCompile(`href="(/\?[^"]*after=[^"]*)" rel="next"`)

func web403() string { return "belongs to another agent" }

func TestComposerTools(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		tk := newTicket(t, e, "Refund for order 5521", "I was charged twice.", desk.ChannelEmail, "Wei Zhang")
		sr, err := e.Deps.Desk.CreateSavedReply(ctx, e.Workspace.ID, desk.Caller{AgentID: e.Admin.ID, Role: e.Admin.Role}, desk.NewSavedReply{Name: "Greeting",
			Text: "Hello {{contact.name}}, about #{{ticket.number}}:", Shortcut: "hi", Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		want := "Hello Wei Zhang, about #" + strconv.FormatInt(tk.Number, 10) + ":"
		if p := c.get(path + "/replies/" + sr.ID); p.Status != http.StatusOK || p.Body != want {
			t.Fatalf("render: %d %q", p.Status, p.Body)
		}
		// Without script: insert appends to the draft, sends nothing.
		p := c.postFiles(path+"/insert-reply", url.Values{"csrf": {tok}, "text": {"My draft"}, "mode": {"reply"}, "reply_id": {sr.ID}}, nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, ">My draft\n"+want+"</textarea>") {
			t.Fatalf("insert: %d %s", p.Status, p.Body)
		}
		if n := len(messages(t, e, tk)); n != 1 {
			t.Fatalf("insert sent a message: %d", n)
		}

		// Files arrive on the message and download.
		p = c.postFiles(path+"/messages", url.Values{"csrf": {tok}, "text": {"Here is the label."}, "mode": {"reply"}},
			map[string][]byte{"label.txt": []byte("RETURN LABEL 5521")})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("reply with a file: %d %s", p.Status, p.Body)
		}
		ms := messages(t, e, tk)
		last := ms[len(ms)-1]
		if len(last.Attachments) != 1 || last.Attachments[0].FileName != "label.txt" {
			t.Fatalf("attachments on the reply: %+v", last.Attachments)
		}
		dl := c.get(path + "/attachments/" + last.Attachments[0].ID)
		if dl.Status != http.StatusOK || dl.Body != "RETURN LABEL 5521" || !strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q %v", dl.Status, dl.Body, dl.Header)
		}
		// A file alone is a message too.
		if p := c.postFiles(path+"/messages", url.Values{"csrf": {tok}, "text": {""}, "mode": {"note"}}, map[string][]byte{"a.txt": []byte("a")}); p.Status != http.StatusSeeOther {
			t.Fatalf("file without text: %d %s", p.Status, p.Body)
		}
	})
}

func TestUploadTooLarge(t *testing.T) {
	e := servertest.NewWith(t, servertestSQLite(t), func(d *server.Deps) { d.Files.MaxSize = 1000 })
	tk := newTicket(t, e, "Big file", "x", desk.ChannelEmail, "Big Person")
	c := newClient(t, e.URL)
	c.login(e.Admin.Email, servertest.Password)
	tok := c.csrf()
	path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
	p := c.postFiles(path+"/messages", url.Values{"csrf": {tok}, "text": {"Keep this draft"}, "mode": {"reply"}},
		map[string][]byte{"big.bin": bytes.Repeat([]byte("x"), 5000)})
	if p.Status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Body, `id="files-error"`) || !strings.Contains(p.Body, "big.bin is larger than") ||
		!strings.Contains(p.Body, ">Keep this draft</textarea>") {
		t.Fatalf("too large: %d %s", p.Status, p.Body)
	}
	// A body past the form's limit is a 413 too, not a CSRF refusal.
	p = c.postFiles(path+"/messages", url.Values{"csrf": {tok}, "text": {"x"}, "mode": {"reply"}},
		map[string][]byte{"huge.bin": bytes.Repeat([]byte("x"), 2<<20)})
	if p.Status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Body, "too large together") {
		t.Fatalf("body past the limit: %d %s", p.Status, p.Body)
	}
	if n := len(messages(t, e, tk)); n != 1 {
		t.Fatalf("a refused upload sent a message: %d", n)
	}
}

func TestCustomFields(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		ws := e.Workspace.ID
		for _, d := range []desk.FieldDef{
			{Key: "amount", Scope: "ticket", Label: "Order amount", Type: "number"},
			{Key: "plan", Scope: "ticket", Label: "Plan", Type: "select", Options: []desk.FieldOption{{ID: "p1", Value: "Basic"}, {ID: "p2", Value: "Pro"}}},
			{Key: "vip", Scope: "ticket", Label: "VIP", Type: "boolean"},
			{Key: "due", Scope: "ticket", Label: "Promised by", Type: "datetime"},
			{Key: "note", Scope: "ticket", Label: "Note", Type: "textarea"},
			{Key: "extras", Scope: "ticket", Label: "Extras", Type: "checkbox", Options: []desk.FieldOption{{ID: "e1", Value: "Gift wrap"}, {ID: "e2", Value: "Express"}}},
		} {
			if _, err := e.Deps.Desk.PutFieldDef(ctx, ws, d); err != nil {
				t.Fatal(err)
			}
		}
		tk := newTicket(t, e, "Fields", "x", desk.ChannelEmail, "Field Person")
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		p := c.get(path)
		for _, want := range []string{`name="cf.amount"`, `<option value="p2">Pro</option>`, `type="checkbox" id="cf-vip"`, `type="datetime-local"`, `name="cf.extras" value="e2"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("side panel lacks %q", want)
			}
		}
		p = c.post(path+"/fields", url.Values{"csrf": {tok}, "cf.amount": {"twelve"}, "cf.plan": {"p2"}, "cf.note": {""}, "cf.due": {""}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `value="twelve" aria-invalid="true"`) {
			t.Fatalf("bad number: %d %s", p.Status, p.Body)
		}
		if got, _ := e.Store.Ticket(ctx, ws, tk.ID); len(got.CustomFields) != 0 {
			t.Fatalf("a refused edit saved: %s", fieldsJSON(got))
		}
		p = c.post(path+"/fields", url.Values{"csrf": {tok}, "cf.amount": {"12.5"}, "cf.plan": {"p2"}, "cf.vip": {"true"},
			"cf.note": {"wrapped"}, "cf.due": {"2026-12-24T10:00"}, "cf.extras": {"e1", "e2"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("fields: %d %s", p.Status, p.Body)
		}
		got, _ := e.Store.Ticket(ctx, ws, tk.ID)
		js := fieldsJSON(got)
		for _, want := range []string{`"amount","value":12.5`, `"plan","value":"p2"`, `"vip","value":true`, `"note","value":"wrapped"`, `"due","value":"` + dueUTC(t, e.Workspace.Timezone) + `"`, `"extras","value":["e1","e2"]`} {
			if !strings.Contains(js, want) {
				t.Errorf("stored fields lack %s: %s", want, js)
			}
		}
		p = c.get(path)
		if !strings.Contains(p.Body, `<option value="p2" selected>`) || !strings.Contains(p.Body, `value="12.5"`) {
			t.Errorf("saved values not shown: %s", p.Body)
		}
	})
}

func fieldsJSON(t *desk.Ticket) string {
	b, _ := json.Marshal(t.CustomFields)
	return string(b)
}

// dueUTC is 2026-12-24 10:00 in the workspace's zone, as stored.
func dueUTC(t *testing.T, tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return time.Date(2026, 12, 24, 10, 0, 0, 0, loc).UTC().Format(time.RFC3339)
}

// TestInboxUrgencySorts: the inbox sorts by priority and by SLA due, and
// pages through every ticket once by cursor.
func TestInboxUrgencySorts(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		prios := []desk.Priority{desk.PriorityLow, desk.PriorityUrgent, desk.PriorityNormal, desk.PriorityHigh}
		for i := 0; i < 30; i++ {
			tk := newTicket(t, e, "Sort "+strconv.Itoa(i), "x", desk.ChannelEmail, "Sorter "+strconv.Itoa(i))
			p := prios[i%len(prios)]
			if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, tk.ID, desk.System, desk.TicketPatch{Priority: &p}); err != nil {
				t.Fatal(err)
			}
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		for _, sort := range []string{"priority", "sla"} {
			var nums []int64
			next := "/?view=open&sort=" + sort
			for pages := 0; next != ""; pages++ {
				if pages > 3 {
					t.Fatalf("%s: paging does not end", sort)
				}
				p := c.get(next)
				if p.Status != http.StatusOK {
					t.Fatalf("%s: %d", sort, p.Status)
				}
				for _, m := range rowRe.FindAllStringSubmatch(p.Body, -1) {
					n, _ := strconv.ParseInt(m[1], 10, 64)
					nums = append(nums, n)
				}
				next = ""
				if m := nextRe.FindStringSubmatch(p.Body); m != nil {
					next = strings.ReplaceAll(m[1], "&amp;", "&")
				}
			}
			if len(nums) != 30 {
				t.Fatalf("%s: %d rows over the pages, want 30: %v", sort, len(nums), nums)
			}
			if sort == "priority" {
				// Urgent ones (i%4 == 1) first, low ones (i%4 == 0) last.
				first, _ := e.Store.TicketByNumber(ctx, e.Workspace.ID, nums[0])
				last, _ := e.Store.TicketByNumber(ctx, e.Workspace.ID, nums[len(nums)-1])
				if first.Priority != desk.PriorityUrgent || last.Priority != desk.PriorityLow {
					t.Errorf("priority sort: first %s, last %s", first.Priority, last.Priority)
				}
			}
		}
	})
}

func TestMacroMenu(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		admin := desk.Caller{AgentID: e.Admin.ID, Role: e.Admin.Role}
		m, err := e.Deps.Desk.CreateMacro(ctx, e.Workspace.ID, admin, desk.NewMacro{Name: "Refund approved", Shortcut: "g1", Shared: true,
			Actions: desk.MacroActions{Status: desk.StatusPending, Priority: desk.PriorityNormal, AddTags: []string{"refund"}},
			Reply:   "Hello {{contact.name}}, your refund is approved."})
		if err != nil {
			t.Fatal(err)
		}
		agent, _ := e.Agent(desk.NewAgent{Name: "Rina Agent", Email: "rina@acme.test", Role: desk.RoleAgent, Capacity: 10})
		other, _ := e.Agent(desk.NewAgent{Name: "Omar Other", Email: "omar@acme.test", Role: desk.RoleAgent, Capacity: 10})
		mine := newTicket(t, e, "Refund please", "x", desk.ChannelEmail, "Wei Zhang")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, mine.ID, desk.System, desk.TicketPatch{AssigneeID: &agent.ID}); err != nil {
			t.Fatal(err)
		}
		taken := newTicket(t, e, "Omar's", "x", desk.ChannelEmail, "Taken Person")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, taken.ID, desk.System, desk.TicketPatch{AssigneeID: &other.ID}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(agent.Email, servertest.Password)
		tok := c.csrf()
		path := "/tickets/" + strconv.FormatInt(mine.Number, 10)
		if p := c.get(path); !strings.Contains(p.Body, `data-shortcut="g1">Refund approved (g1)</option>`) {
			t.Fatalf("no macro menu: %s", p.Body)
		}
		// The agent's own macro with the same keys wins on its page; the
		// other agent's page keeps the shared one's.
		own, err := e.Deps.Desk.CreateMacro(ctx, e.Workspace.ID, desk.Caller{AgentID: agent.ID, Role: agent.Role}, desk.NewMacro{Name: "My refund", Shortcut: "g1", Reply: "Mine."})
		if err != nil {
			t.Fatal(err)
		}
		p := c.get(path)
		if !strings.Contains(p.Body, `value="`+own.ID+`" data-shortcut="g1">My refund (g1)`) || !strings.Contains(p.Body, `value="`+m.ID+`" data-shortcut="">Refund approved</option>`) {
			t.Fatalf("own shortcut does not shadow the shared one: %s", p.Body)
		}
		if err := e.Deps.Desk.DeleteMacro(ctx, e.Workspace.ID, desk.Caller{AgentID: agent.ID, Role: agent.Role}, own.ID); err != nil {
			t.Fatal(err)
		}
		if p := c.get(path); !strings.Contains(p.Body, `data-shortcut="g1">Refund approved (g1)</option>`) {
			t.Fatalf("shared shortcut not back after the own macro went: %s", p.Body)
		}
		p = c.post(path+"/macros", url.Values{"csrf": {tok}, "macro_id": {m.ID}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "“Refund approved” applied: Status: Pending · Priority: Normal · Tags: refund · reply sent") {
			t.Fatalf("apply: %d %s", p.Status, p.Body)
		}
		got, _ := e.Store.Ticket(ctx, e.Workspace.ID, mine.ID)
		ms := messages(t, e, mine)
		if got.Status != desk.StatusPending || got.Priority != desk.PriorityNormal || len(got.Tags) != 1 || ms[len(ms)-1].Text != "Hello Wei Zhang, your refund is approved." {
			t.Fatalf("after the macro: %s %s %v %q", got.Status, got.Priority, got.Tags, ms[len(ms)-1].Text)
		}
		p = c.post("/tickets/"+strconv.FormatInt(taken.Number, 10)+"/macros", url.Values{"csrf": {tok}, "macro_id": {m.ID}})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "belongs to another agent") {
			t.Fatalf("refused macro: %d %s", p.Status, p.Body)
		}
		if n := len(messages(t, e, taken)); n != 1 {
			t.Fatalf("a refused macro added a message: %d", n)
		}
	})
}
