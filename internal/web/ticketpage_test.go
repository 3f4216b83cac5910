package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// TestTicketHTML holds the code-written ticket page to the templates it
// replaced (testdata/ticket_ref.html), byte for byte, over every branch
// they had: each language, form errors and kept values, each custom field
// kind, saved replies, macros, SLA clock states, a contact or none.
func TestTicketHTML(t *testing.T) {
	ref := template.Must(template.New("ref").Funcs(template.FuncMap{"icon": channelIcon}).ParseFiles("testdata/ticket_ref.html"))
	h := `"><script>alert(1)</script>&'+`
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	zone, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}

	tickets := []*desk.Ticket{
		{ID: "t1", Number: 42, Subject: "Refund " + h, Channel: desk.ChannelEmail, Status: desk.StatusOpen, Priority: desk.PriorityHigh,
			Escalated: true, CreatedAt: now.Add(-26 * time.Hour), AssigneeID: "a1", GroupID: "g1", Tags: []string{"vip"}},
		{ID: "t2" + h, Number: 7, Channel: desk.ChannelWhatsApp, Status: desk.StatusSolved, CreatedAt: now.Add(-time.Hour)},
	}
	forms := []*form{
		{},
		{Errors: map[string]string{"text": "say something " + h, "files": "too big " + h, "reply_id": h, "status": h, "priority": h,
			"tags": h, "properties": h, "fields": h, "macro_id": h},
			Values: map[string]string{"mode": "note", "text": "draft " + h, "status": "pending", "priority": "", "tags": "a, " + h,
				"reply_id": "r2", "macro_done": "done " + h}},
		{Values: map[string]string{"priority": "urgent", "mode": "reply"}},
	}
	replies := [][]desk.SavedReply{nil, {{ID: "r1", Name: "Hello " + h, Shortcut: "hi"}, {ID: "r2", Name: "Mine", OwnerID: "a1", Shortcut: h}}}
	macros := [][]desk.Macro{nil, {{ID: "m1", Name: "Close " + h, Shortcut: "g1"}, {ID: "m2", Name: "Mine " + h, OwnerID: "a1"}}}
	opts := []desk.FieldOption{{ID: "o1", Value: "One " + h}, {ID: "o2", Value: "Two"}}
	fields := [][]fieldView{nil, {
		{Def: desk.FieldDef{Key: "f_text", Label: "Order " + h, Required: true}, Name: "cf.f_text", Kind: "text", Value: h},
		{Def: desk.FieldDef{Key: "f_area", Label: "Notes"}, Name: "cf.f_area", Kind: "textarea", Value: "l1\nl2" + h, Err: "bad " + h},
		{Def: desk.FieldDef{Key: "f_num", Label: "Amount"}, Name: "cf.f_num", Kind: "number", Value: "12.5", Err: "x"},
		{Def: desk.FieldDef{Key: "f_dt", Label: "When"}, Name: "cf.f_dt", Kind: "datetime", Value: "2026-12-07T10:00"},
		{Def: desk.FieldDef{Key: "f_sel", Label: "Kind", Options: opts}, Name: "cf.f_sel", Kind: "select", Value: "o2"},
		{Def: desk.FieldDef{Key: "f_multi", Label: "Tags " + h, Options: opts}, Name: "cf.f_multi", Kind: "multi", Checked: map[string]bool{"o1": true}},
		{Def: desk.FieldDef{Key: "f_bool", Label: "VIP"}, Name: "cf.f_bool", Kind: "bool", Value: "true"},
		{Def: desk.FieldDef{Key: "f_bool2", Label: "Spam"}, Name: "cf.f_bool2", Kind: "bool"},
		{Def: desk.FieldDef{Key: "f_ro", Label: "File"}, Name: "cf.f_ro", Kind: "readonly", Value: h},
		{Def: desk.FieldDef{Key: "f_ro2", Label: "Table"}, Name: "cf.f_ro2", Kind: "readonly"},
		{Def: desk.FieldDef{Key: h, Label: "Odd key"}, Name: h, Kind: "text", Err: h},
	}}
	pol := &desk.SLAPolicy{}
	slas := []*routing.SLA{nil, {},
		{Policy: pol, FirstReplyDueAt: now.Add(time.Hour), ResolveDueAt: now.Add(48 * time.Hour)},
		{Policy: pol, FirstReplyDueAt: now.Add(-time.Hour), FirstReplyBreached: true, ResolveDueAt: now.Add(-2 * time.Hour), ResolveBreached: true},
		{Policy: pol, FirstReplyDueAt: now.Add(-time.Hour), FirstReplyAt: now.Add(-3 * time.Hour), ResolveDueAt: now.Add(time.Hour), ResolvedAt: now.Add(-25 * time.Hour)},
		{Policy: pol, ResolveDueAt: now.Add(time.Hour)},
	}
	contacts := []*desk.Contact{nil, {ID: "c1", Email: "wei@" + h, Phone: "+62 " + h,
		Identities: []desk.Identity{{Channel: desk.ChannelTelegram, ExternalID: "tg" + h}, {Channel: desk.Channel(h), ExternalID: "x"}}}}
	previous := [][]row{nil, {{T: &desk.Ticket{Number: 3, Subject: "Old " + h, Status: desk.StatusClosed, UpdatedAt: now.Add(-72 * time.Hour)}}}}
	msgs := []msgView{
		{M: &desk.Message{ID: "m1", Text: "Hi " + h, CreatedAt: now.Add(-2 * time.Hour)}, Kind: "customer", Author: "Wei " + h, Channel: desk.ChannelEmail},
		{M: &desk.Message{ID: "m2", Text: "Note", CreatedAt: now.Add(-time.Hour)}, Kind: "note", Author: "Ana"},
	}
	evs := []eventView{{E: &desk.Event{Type: "ticket.created", At: now.Add(-2 * time.Hour)}, Actor: "System", Text: "created " + h}}

	n := 0
	check := func(p *pageData, what string) {
		t.Helper()
		n++
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "content", p); err != nil {
			t.Fatalf("%s: reference: %v", what, err)
		}
		if got := string(p.TicketHTML()); got != want.String() {
			t.Fatalf("%s: differs at byte %d:\n got %q\nwant %q", what, firstDiff(got, want.String()), tail(got, firstDiff(got, want.String())), tail(want.String(), firstDiff(got, want.String())))
		}
		if strings.Contains(string(p.TicketHTML()), "<script>") {
			t.Fatalf("%s: markup from data", what)
		}
	}
	for _, lang := range Languages {
		for ti, tk := range tickets {
			for fi, f := range forms {
				for si, sla := range slas {
					ci := (ti + fi + si) % len(contacts)
					d := &ticketData{T: tk, Form: f, TagsValue: strings.Join(tk.Tags, ", "), Contact: contacts[ci], Name: "Wei " + h,
						Assignee: "Ana", Group: "Billing", Messages: msgs, Events: evs, SLA: sla, MaxFile: "25 MB",
						Agents: []desk.Agent{{ID: "a1", Name: "Ana"}}, Groups: []desk.Group{{ID: "g1", Name: "Billing"}},
						Replies: replies[(ti+si)%2], Macros: macros[(fi+si)%2], Fields: fields[(ti+fi+si+1)%2], Previous: previous[si%2]}
					p := &pageData{Lang: lang, CSRF: "tok" + h, Ticket: d, loc: zone, now: now}
					check(p, fmt.Sprintf("%s ticket %d form %d sla %d", lang, ti, fi, si))
				}
			}
		}
	}
	check(&pageData{Lang: "en", loc: zone, now: now}, "no ticket")
	if n < 4*2*3*6 {
		t.Fatalf("only %d cases", n)
	}
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func tail(s string, i int) string {
	lo, hi := max(0, i-80), min(len(s), i+80)
	return s[lo:hi]
}

// TestInboxHTML holds the code-written inbox to the templates it replaced
// (testdata/inbox_ref.html), byte for byte.
func TestInboxHTML(t *testing.T) {
	ref := template.Must(template.New("ref").Funcs(template.FuncMap{"icon": channelIcon}).ParseFiles("testdata/inbox_ref.html"))
	h := `"><script>alert(1)</script>&'+`
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	rows := []row{
		{T: &desk.Ticket{ID: "t1", Number: 42, Subject: "Refund " + h, Channel: desk.ChannelEmail, Status: desk.StatusOpen, Priority: desk.PriorityHigh, UpdatedAt: now.Add(-time.Hour)}, Contact: "Wei " + h, Assignee: "Ana", Initials: "A"},
		{T: &desk.Ticket{ID: "t2", Number: 43, Channel: desk.ChannelTelegram, Status: desk.StatusPending, UpdatedAt: now.Add(-30 * time.Hour)}},
	}
	qerrs := []*queryErr{nil, {Pos: 4, Before: "sta" + h, At: ":", After: "x" + h, Detail: "unexpected " + h}, {Pos: 9, Before: "status:", Detail: "end"}}
	bulks := []*bulkData{nil, {Err: "pick one " + h, Values: map[string]string{"assignee": "me", "status": "solved", "add_tags": h}},
		{Changed: 1, Failed: 2, Items: []bulkItem{{Number: 42, Label: "Refund " + h}, {Number: 43, Label: "x", Err: "closed " + h}, {ID: "zz", Err: "not found"}},
			Values: map[string]string{"assignee": "a1", "priority": "urgent", "remove_tags": "old"}},
		{Values: map[string]string{"assignee": "none"}}}
	n := 0
	for _, lang := range Languages {
		for qi, qe := range qerrs {
			for bi, bk := range bulks {
				for vi, view := range []string{"mine", "search", "group:g1"} {
					k := qi + bi + vi
					d := &inboxData{View: view, Heading: "Mine " + h, Sort: []string{"", "priority", "sla"}[k%3], Query: "q " + h, QueryErr: qe,
						Agents: []desk.Agent{{ID: "a1", Name: "Ana " + h}}, Bulk: bk, Here: "/?view=" + view + "&q=" + h,
						First: k%2 == 0, FirstHref: "/?view=mine&sort=priority", Empty: []string{"", "empty.mine"}[k%2]}
					if k%4 != 3 {
						d.Rows = rows
					}
					if k%3 != 0 {
						d.Next = "/?view=mine&cursor=123.42&q=a+b%22"
					}
					p := &pageData{Lang: lang, CSRF: "tok" + h, Inbox: d, loc: time.UTC, now: now}
					var want strings.Builder
					if err := ref.ExecuteTemplate(&want, "content", p); err != nil {
						t.Fatal(err)
					}
					got := string(p.InboxHTML())
					if got != want.String() {
						i := firstDiff(got, want.String())
						t.Fatalf("%s q%d b%d %s: differs at byte %d:\n got %q\nwant %q", lang, qi, bi, view, i, tail(got, i), tail(want.String(), i))
					}
					if strings.Contains(got, "<script>") {
						t.Fatalf("markup from data: %s", got)
					}
					n++
				}
			}
		}
	}
	if n != 4*3*4*3 {
		t.Fatalf("%d cases", n)
	}
}

// TestDocument holds the code-written signed-in document (document.go) to
// the layout template it replaced (testdata/layout_ref.html) and to the
// layout the other pages still execute, for the inbox and the ticket page,
// with and without macro shortcuts in the help.
func TestDocument(t *testing.T) {
	assets, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := parsePages(assets)
	if err != nil {
		t.Fatal(err)
	}
	funcs := template.FuncMap{"icon": channelIcon, "asset": assets.URL}
	h := `"><script>alert(1)</script>&'+`
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tk := &desk.Ticket{ID: "t1", Number: 42, Subject: "Refund " + h, Channel: desk.ChannelEmail, Status: desk.StatusOpen, CreatedAt: now}
	for _, name := range []string{"inbox", "ticket"} {
		old := template.Must(template.New("layout_ref.html").Funcs(funcs).ParseFiles("testdata/layout_ref.html", "testdata/"+name+"_ref.html"))
		for _, lang := range Languages {
			for _, macros := range [][]desk.Macro{nil, {{ID: "m1", Name: "Close " + h, Shortcut: "g" + h}, {ID: "m2", Name: "No keys"}}} {
				p := &pageData{Lang: lang, Title: "nav.inbox", CSRF: "tok" + h, loc: time.UTC, now: now,
					Workspace: &desk.Workspace{Name: "Acme " + h}, Agent: &desk.Agent{ID: "a1" + h, Name: "Ana", Role: desk.RoleAdmin, Capacity: 5},
					Nav: &navData{Views: []view{{ID: "mine", Label: "Mine", Count: 3, Href: "/?view=mine"}}, Current: "mine"}}
				if name == "inbox" {
					p.Inbox = &inboxData{View: "mine", Heading: "Mine", First: true, Empty: "empty.mine"}
				} else {
					p.TitleText = tk.Subject
					p.Ticket = &ticketData{T: tk, Form: &form{}, Macros: macros}
				}
				var got, cur, ref bytes.Buffer
				p.writeDocument(&got, assets, codeContent[name])
				if err := pages[lang][name].Execute(&cur, p); err != nil {
					t.Fatal(err)
				}
				if err := old.Execute(&ref, p); err != nil {
					t.Fatal(err)
				}
				for _, want := range []struct {
					what string
					b    *bytes.Buffer
				}{{"the layout template", &cur}, {"the old layout", &ref}} {
					if g, w := got.String(), want.b.String(); g != w {
						i := firstDiff(g, w)
						t.Fatalf("%s %s, %d macros: differs from %s at byte %d:\n got %q\nwant %q", name, lang, len(macros), want.what, i, tail(g, i), tail(w, i))
					}
				}
				if strings.Contains(got.String(), "<script>") {
					t.Fatalf("markup from data")
				}
			}
		}
	}
}
