package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/ticketd/ticketd/internal/desk"
)

// TestRowHTMLEscapes renders rows whose every free-text part is hostile and
// parses the result as a browser would: no element or attribute may come
// from the data, and each text reads back exactly as stored.
func TestRowHTMLEscapes(t *testing.T) {
	hostile := []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`' onmouseover='alert(1)`,
		"a\x00b & c + d",
		`</span></a></li><li data-row>`,
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, lang := range Languages {
		for _, h := range hostile {
			p := &pageData{Lang: lang, loc: time.UTC, now: now}
			tk := &desk.Ticket{ID: "tk" + h, Number: 42, Subject: h, Status: desk.StatusOpen, Priority: desk.PriorityHigh,
				Channel: desk.ChannelEmail, Escalated: true, UpdatedAt: now.Add(-time.Hour), ResolveDueAt: now.Add(time.Hour)}
			rows := []row{{T: tk, Contact: h, Assignee: h, Initials: h, SLA: slaOf(tk, now)}}
			out := string(p.RowsHTML(rows))
			doc, err := html.Parse(strings.NewReader("<ol>" + out + "</ol>"))
			if err != nil {
				t.Fatal(err)
			}
			var lis, inputs int
			texts := map[string]string{}
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "script", "img", "b":
						t.Errorf("%s %q: element <%s> came from data:\n%s", lang, h, n.Data, out)
					case "li":
						lis++
					case "input":
						inputs++
					}
					for _, a := range n.Attr {
						if strings.HasPrefix(a.Key, "on") || a.Key == "src" {
							t.Errorf("%s %q: attribute %s came from data", lang, h, a.Key)
						}
						if a.Key == "class" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
							texts[a.Val] = n.FirstChild.Data
						}
						if n.Data == "input" && a.Key == "value" && a.Val != "tk"+strings.ReplaceAll(h, "\x00", "\uFFFD") {
							t.Errorf("%s: value %q, want %q", lang, a.Val, "tk"+h)
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			if lis != 1 || inputs != 1 {
				t.Errorf("%s %q: %d rows and %d checkboxes, want 1 and 1:\n%s", lang, h, lis, inputs, out)
			}
			want := strings.ReplaceAll(h, "\x00", "\uFFFD")
			for _, class := range []string{"subject", "contact", "vh"} {
				if texts[class] != want {
					t.Errorf("%s: %s reads %q, want %q", lang, class, texts[class], want)
				}
			}
		}
	}
}

// TestRowHTMLBadges checks what a row says: the badges in the page's
// language, the bulk result's failed rows checked, the unread mark.
func TestRowHTMLBadges(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	a := &desk.Ticket{ID: "a", Number: 1, Status: desk.StatusNew, Channel: desk.ChannelWhatsApp, UpdatedAt: now,
		FirstReplyDueAt: now.Add(-time.Minute)}
	b := &desk.Ticket{ID: "b", Number: 2, Subject: "Hi", Status: desk.StatusPending, Channel: desk.ChannelEmail, UpdatedAt: now}
	p := &pageData{Lang: "es", loc: time.UTC, now: now, Inbox: &inboxData{Bulk: &bulkData{Items: []bulkItem{{ID: "b", Err: "no"}}}}}
	out := string(p.RowsHTML([]row{{T: a, SLA: slaOf(a, now)}, {T: b}}))
	for _, want := range []string{
		`<li class="row unread" data-row>`,
		`value="b" form="bulk" aria-label="` + T("es", "bulk.pick", "n", "2") + `" checked>`,
		`>` + T("es", "ticket.no_subject") + `<`,
		`>` + T("es", "sla.breached") + `<`,
		`>` + T("es", "status.pending") + `<`,
		`href="#i-whatsapp"`,
		`<span class="muted">` + T("es", "ticket.unassigned") + `</span>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("row lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, " checked") != 1 {
		t.Errorf("want exactly the failed row checked:\n%s", out)
	}
}

func BenchmarkRowsHTML(b *testing.B) {
	now := time.Now()
	rows := make([]row, 25)
	for i := range rows {
		tk := &desk.Ticket{ID: "t", Number: int64(i), Subject: "Where is my order?", Status: desk.StatusOpen,
			Priority: desk.PriorityNormal, Channel: desk.ChannelEmail, UpdatedAt: now, ResolveDueAt: now.Add(time.Hour)}
		rows[i] = row{T: tk, Contact: "Ana Pérez", Assignee: "Budi Santoso", Initials: "BS", SLA: slaOf(tk, now)}
	}
	p := &pageData{Lang: "en", loc: time.UTC, now: now}
	var n int
	for b.Loop() {
		n += len(p.RowsHTML(rows))
	}
	_ = n
}

// TestMessagesHTMLEscapes renders a conversation whose author, text,
// delivery error and file names are hostile: only the sanitized HTML body
// may carry markup, and each text reads back as stored.
func TestMessagesHTMLEscapes(t *testing.T) {
	h := `"><script>alert(1)</script><img src=x onerror=alert(1)>`
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tk := &desk.Ticket{Number: 7, Channel: desk.ChannelEmail}
	ms := []msgView{
		{M: &desk.Message{Number: 1, Text: h, CreatedAt: now, Delivery: &desk.Delivery{Status: desk.DeliveryFailed, LastError: h}},
			Kind: "agent", Author: h, Channel: desk.ChannelEmail,
			Files: []desk.Attachment{{ID: `a"b/../x`, FileName: h, Size: 3}}, Images: []desk.Attachment{{ID: "img1", FileName: h}}},
		{M: &desk.Message{Number: 2, CreatedAt: now}, Kind: "customer", HTML: "<p><b>bold</b></p>", Channel: desk.ChannelEmail},
		{M: &desk.Message{Number: 3, Text: "note", CreatedAt: now}, Kind: "note", Author: "Ana"},
	}
	p := &pageData{Lang: "id", loc: time.UTC, now: now}
	out := string(p.MessagesHTML(tk, ms))
	doc, err := html.Parse(strings.NewReader("<ol>" + out + "</ol>"))
	if err != nil {
		t.Fatal(err)
	}
	var bolds, imgs int
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				t.Errorf("script element from data:\n%s", out)
			case "b":
				bolds++
			case "img":
				imgs++
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("attribute %s from data", a.Key)
				}
				if (a.Key == "href" || a.Key == "src") && strings.Contains(a.Val, "/attachments/") && strings.Contains(a.Val, "..") && !strings.Contains(a.Val, "%2F") {
					t.Errorf("attachment id left its path segment: %q", a.Val)
				}
			}
		}
		if n.Type == html.TextNode && strings.Contains(n.Data, "alert(1)") {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if bolds != 1 || imgs != 1 {
		t.Errorf("want the sanitized body's <b> and the one image preview, got %d and %d:\n%s", bolds, imgs, out)
	}
	// author, text, delivery error (after ": "), file name
	if len(texts) != 4 {
		t.Errorf("want 4 texts carrying the hostile string, got %d: %q", len(texts), texts)
	}
	for _, want := range []string{`id="m-3"`, `class="msg note"`, T("id", "msg.note"), T("id", "delivery.failed") + ": "} {
		if !strings.Contains(out, want) {
			t.Errorf("conversation lacks %q", want)
		}
	}
	if strings.Contains(out[strings.Index(out, `id="m-3"`):], "· "+T("id", "channel.email")) {
		t.Errorf("a note shows a channel")
	}
	if empty := string(p.MessagesHTML(tk, nil)); !strings.Contains(empty, T("id", "ticket.no_messages")) {
		t.Errorf("empty conversation: %s", empty)
	}
}

// TestTranslateConstants checks that a translation put into a template at
// parse time reads exactly as the same call made at run time, for every
// key of every catalog, in text and in a quoted attribute.
func TestTranslateConstants(t *testing.T) {
	for _, lang := range Languages {
		for key := range catalogs["en"] {
			src := `<i title="{{.T "` + key + `"}}">{{$.T "` + key + `"}}</i>`
			var got, want strings.Builder
			p := &pageData{Lang: lang}
			if err := template.Must(template.New("a").Parse(translateConstants(lang, src))).Execute(&got, p); err != nil {
				t.Fatal(err)
			}
			if err := template.Must(template.New("b").Parse(src)).Execute(&want, p); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s %s: parse-time %q, run-time %q", lang, key, got.String(), want.String())
			}
		}
	}
	if s := translateConstants("en", `{{.T .Title}} {{$.T "x" "n" "1"}} {{.T.Number}}`); s != `{{.T .Title}} {{$.T "x" "n" "1"}} {{.T.Number}}` {
		t.Errorf("a call with a run-time key or arguments was replaced: %s", s)
	}
}

// TestOptions checks the select options written by code: labels escaped,
// exactly the current value selected, translated labels.
func TestOptions(t *testing.T) {
	p := &pageData{Lang: "zh-Hans"}
	got := string(p.AgentOptions([]desk.Agent{{ID: "a1", Name: `<b>"Ana"</b>`}, {ID: "a2", Name: "Budi"}}, "a2"))
	want := `<option value="a1">&lt;b&gt;&#34;Ana&#34;&lt;/b&gt;</option><option value="a2" selected>Budi</option>`
	if got != want {
		t.Errorf("agents:\n got %s\nwant %s", got, want)
	}
	got = string(p.OptionsT("priority.", "high", "low", "high"))
	want = `<option value="low">` + T("zh-Hans", "priority.low") + `</option><option value="high" selected>` + T("zh-Hans", "priority.high") + `</option>`
	if got != want {
		t.Errorf("priorities:\n got %s\nwant %s", got, want)
	}
	if got := string(p.StatusOptions("nope")); strings.Contains(got, "selected") || strings.Count(got, "<option") != len(desk.Statuses) {
		t.Errorf("statuses: %s", got)
	}
	if got := string(p.GroupOptions([]desk.Group{{ID: "g", Name: "A&B"}}, "g")); got != `<option value="g" selected>A&amp;B</option>` {
		t.Errorf("groups: %s", got)
	}
}

// TestListsHTMLEscape covers the other lists written by code: the
// timeline, the contact's previous tickets and the left column's views.
func TestListsHTMLEscape(t *testing.T) {
	h := `"><script>alert(1)</script>`
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	p := &pageData{Lang: "es", loc: time.UTC, now: now, Nav: &navData{Current: "g1"}}
	out := string(p.TimelineHTML([]eventView{{E: &desk.Event{At: now, Reason: h}, Actor: h, Text: h}, {E: &desk.Event{At: now}, Text: "plain"}}))
	out += string(p.PreviousHTML([]row{{T: &desk.Ticket{Number: 9, Subject: h, Status: desk.StatusSolved}}}))
	out += string(p.ViewsHTML([]view{{ID: "g1", Label: h, Href: `/?view=` + h, Count: 3}, {ID: "g2", Label: "B", Href: "/?view=g2"}}))
	if strings.Contains(out, "<script>") {
		t.Fatalf("markup from data:\n%s", out)
	}
	doc, err := html.Parse(strings.NewReader("<ul>" + out + "</ul>"))
	if err != nil {
		t.Fatal(err)
	}
	var lis, current int
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "li" {
				lis++
			}
			for _, a := range n.Attr {
				if a.Key == "aria-current" {
					current++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if lis != 5 || current != 1 {
		t.Errorf("want 5 items and one current view, got %d and %d:\n%s", lis, current, out)
	}
	for _, want := range []string{`<span class="reason">`, `href="/tickets/9"`, T("es", "status.solved"), `<span class="count">3</span>`} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
}

// TestPeopleHTML checks the people panel written by code: names and the
// refusal escaped, every form carrying the session's token, the actions
// the ticket's state allows.
func TestPeopleHTML(t *testing.T) {
	h := `"><script>alert(1)</script>`
	for _, c := range []struct {
		status        desk.Status
		assignee      string
		bot           bool
		forms         int // one-button forms plus the assign and transfer forms
		want, notWant []string
	}{
		{desk.StatusOpen, "a1", false, 6, []string{`value="unassign"`, `value="solved"`}, []string{`value="handoff"`, `value="open"`}},
		{desk.StatusSolved, "", false, 6, []string{`value="open"`, `value="closed"`}, []string{`value="unassign"`, `value="solved"`}},
		{desk.StatusClosed, "bot", true, 6, []string{`value="handoff"`}, []string{`value="solved"`, `value="open"`}},
	} {
		name := ""
		if c.assignee != "" {
			name = h
		}
		d := &ticketData{T: &desk.Ticket{Number: 42, Status: c.status, AssigneeID: c.assignee, GroupID: "g1"}, Assignee: name, Group: h, BotHeld: c.bot,
			Agents: []desk.Agent{{ID: "a1", Name: h}}, Groups: []desk.Group{{ID: "g1", Name: "G"}},
			Form: &form{Errors: map[string]string{"agent_id": h, "actions": h}}}
		p := &pageData{Lang: "en", CSRF: `tok"en`, Ticket: d}
		out := string(p.PeopleHTML())
		if strings.Contains(out, "<script>") {
			t.Fatalf("%s: markup from data:\n%s", c.status, out)
		}
		if n := strings.Count(out, `<form method="post" action="/tickets/42/`); n != c.forms {
			t.Errorf("%s: %d forms, want %d:\n%s", c.status, n, c.forms, out)
		}
		if n := strings.Count(out, `name="csrf" value="tok&#34;en"`); n != c.forms {
			t.Errorf("%s: %d forms carry the token, want %d", c.status, n, c.forms)
		}
		for _, w := range append(c.want, `<option value="a1"`, `data-assign-me`, `id="f-group"`) {
			if !strings.Contains(out, w) {
				t.Errorf("%s: lacks %q", c.status, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(out, w) {
				t.Errorf("%s: has %q", c.status, w)
			}
		}
		if strings.Count(out, `<p class="error" role="alert">&#34;&gt;&lt;script&gt;`) != 2 {
			t.Errorf("%s: the refusals beside the assign form and the actions are not both shown, escaped", c.status)
		}
		if (c.assignee == "" && !c.bot) != strings.Contains(out, ">"+T("en", "ticket.unassigned")+"<") {
			t.Errorf("%s: unassigned shown wrongly", c.status)
		}
	}
}

// chromeTemplate is the layout's header and left column as they were
// written as a template before ChromeHTML: the reference it must match.
const chromeTemplate = `<header class="top">
  <a class="brand" href="/">{{.Workspace.Name}}</a>
  <form class="presence" method="post" action="/presence" data-autosubmit>
    <input type="hidden" name="csrf" value="{{.CSRF}}">
    <input type="hidden" name="next" value="">
    <label class="dot {{.Agent.Presence}}"><span class="vh">{{.T "presence.label"}}</span>
      <select name="presence" aria-label="{{.T "presence.label"}}">
        {{.OptionsT "presence." (print .Agent.Presence) "online" "away" "offline"}}
      </select>
    </label>
    <button class="small nojs">{{.T "action.set"}}</button>
  </form>
  <span class="capacity" title="{{.T "capacity.title"}}">{{if .Agent.Capacity}}{{.T "capacity.of" "n" (print .Nav.Active) "max" (print .Agent.Capacity)}}{{else}}{{.T "capacity.open" "n" (print .Nav.Active)}}{{end}}</span>
  {{if .Agent.Capacity}}<meter class="load" min="0" max="{{.Agent.Capacity}}" value="{{.Nav.Active}}" aria-label="{{.T "capacity.title"}}"></meter>{{end}}
  <span class="spacer"></span>
  <a class="me" href="/settings/profile" title="{{.T "prefs.title"}} · {{.Agent.Email}}">{{.Agent.Name}}</a>
  <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button class="link">{{.T "nav.logout"}}</button></form>
</header>
<nav class="views" aria-label="{{.T "nav.views"}}">
  <ul>
  {{.ViewsHTML .Nav.Views}}
  </ul>
  {{if .Nav.Groups}}<h2>{{.T "nav.groups"}}</h2><ul>
  {{.ViewsHTML .Nav.Groups}}
  </ul>{{end}}
  {{if .Supervises}}<ul><li><a href="/supervisor"{{if eq "supervisor" $.Nav.Current}} aria-current="page"{{end}}><span>{{.T "sup.nav"}}</span></a></li></ul>{{end}}
  <ul class="adminlink"><li><a href="/settings/profile"{{if eq .Nav.Current "profile"}} aria-current="page"{{end}}><span>{{.T "prefs.title"}}</span></a></li><li><a href="/settings/replies"{{if eq .Nav.Current "replies"}} aria-current="page"{{end}}><span>{{.T "admin.replies"}}</span></a></li><li><a href="/settings/macros"{{if eq .Nav.Current "macros"}} aria-current="page"{{end}}><span>{{.T "admin.macros"}}</span></a></li>{{if .IsAdmin}}<li><a href="/admin"{{if eq .Nav.Current "admin"}} aria-current="page"{{end}}><span>{{.T "admin.link"}}</span></a></li>{{end}}</ul>
  <form class="lang" method="post" action="/language" data-autosubmit>
    <input type="hidden" name="csrf" value="{{.CSRF}}">
    <input type="hidden" name="next" value="">
    <label>{{.T "nav.language"}} <select name="lang">{{.OptionsT "lang." .Lang "en" "es" "zh-Hans" "id"}}</select></label>
    <button class="small nojs">{{.T "action.set"}}</button>
  </form>
  <p class="hint">{{.T "nav.shortcuts_hint"}}</p>
</nav>`

// TestChromeHTML renders the header and left column by code and by the
// template they replaced, for each role, capacity, language and current
// view, and compares the bytes; hostile names stay text.
func TestChromeHTML(t *testing.T) {
	ref := template.Must(template.New("chrome").Parse(chromeTemplate))
	views := []view{{ID: "mine", Label: "Mine", Count: 3, Href: "/?view=mine"}, {ID: "open", Label: "All open", Count: 10, Href: "/?view=open"}}
	groups := []view{{ID: "group:g1", Label: "Billing", Count: 4, Href: "/?view=group%3Ag1"}}
	for _, lang := range Languages {
		for _, role := range []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin} {
			for _, capacity := range []int{0, 5} {
				for _, cur := range []string{"mine", "group:g1", "supervisor", "profile", "replies", "macros", "admin", ""} {
					for _, gs := range [][]view{nil, groups} {
						p := &pageData{Lang: lang, CSRF: "tok", Workspace: &desk.Workspace{Name: "Acme & Co"},
							Agent: &desk.Agent{ID: "a1", Name: "Ana Pérez", Email: "ana@acme.test", Role: role, Capacity: capacity, Presence: desk.PresenceAway},
							Nav:   &navData{Views: views, Groups: gs, Current: cur, Active: 2}}
						var want strings.Builder
						if err := ref.Execute(&want, p); err != nil {
							t.Fatal(err)
						}
						if got := string(p.ChromeHTML()); got != want.String() {
							t.Fatalf("%s %s cap %d current %q groups %d:\n got %s\nwant %s", lang, role, capacity, cur, len(gs), got, want.String())
						}
					}
				}
			}
		}
	}
	h := `"><script>alert(1)</script>`
	p := &pageData{Lang: "en", CSRF: h, Workspace: &desk.Workspace{Name: h}, Agent: &desk.Agent{Name: h, Email: h, Presence: desk.Presence(h)},
		Nav: &navData{Views: []view{{Label: h, Href: h}}}}
	if out := string(p.ChromeHTML()); strings.Contains(out, "<script>") {
		t.Fatalf("markup from data:\n%s", out)
	}
}
