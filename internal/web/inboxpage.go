package web

import (
	"bytes"
	"html/template"
	"strconv"
)

// writeInbox writes the inbox's content: the search box and its parse
// error, the view's heading and sort, the bulk bar and its results, the
// rows and the pager. By code for the reason rowhtml.go gives; the markup
// is the templates' (testdata/inbox_ref.html), byte for byte
// (TestInboxHTML).
func (p *pageData) writeInbox(b *bytes.Buffer) {
	d := p.Inbox
	if d == nil {
		b.WriteString("\n\n")
		return
	}
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }

	s("\n\n<section class=\"list\" aria-labelledby=\"list-title\">\n  <form class=\"search\" role=\"search\" method=\"get\" action=\"/\">\n    <label for=\"q\" class=\"vh\">")
	t("search.label")
	s("</label>\n    <input id=\"q\" name=\"q\" type=\"search\" value=\"")
	e(d.Query)
	s("\" placeholder=\"")
	t("search.placeholder")
	s("\" autocomplete=\"off\" data-search")
	if d.QueryErr != nil {
		s(` aria-invalid="true" aria-describedby="q-error"`)
	}
	s(">\n    <button class=\"small\">")
	t("search.submit")
	s("</button>\n  </form>\n  ")
	if q := d.QueryErr; q != nil {
		s(`<div class="qerr" id="q-error" role="alert"><p>`)
		e(p.T("search.error", "pos", strconv.Itoa(q.Pos)))
		s(`</p><pre><code>`)
		e(q.Before)
		s(`<mark>`)
		if q.At != "" {
			e(q.At)
		} else {
			s(` `)
		}
		s(`</mark>`)
		e(q.After)
		s(`</code></pre><p class="muted small">`)
		e(q.Detail)
		s(`</p></div>`)
	}
	s("\n  <div class=\"listhead\">\n    <h1 id=\"list-title\">")
	if d.View == "search" {
		t("search.title")
	} else {
		e(d.Heading)
	}
	s("</h1>\n    ")
	if d.View != "search" {
		s("<form class=\"sort\" method=\"get\" action=\"/\" data-autosubmit>\n      <input type=\"hidden\" name=\"view\" value=\"")
		e(d.View)
		s("\">\n      <label>")
		t("sort.label")
		s(" <select name=\"sort\">\n        ")
		sort := d.Sort
		if sort == "" {
			sort = "updated"
		}
		p.writeOptionsT(b, "sort.", sort, "updated", "priority", "sla", "newest", "oldest")
		s("\n      </select></label>\n      <button class=\"small nojs\">")
		t("action.set")
		s("</button>\n    </form>")
	}
	s("\n  </div>\n  ")
	p.bulkBar(b, d)
	s("\n  ")
	if len(d.Rows) > 0 {
		s("\n  <ol class=\"rows\" data-list>\n  ")
		p.writeRows(b, d.Rows)
		s("\n  </ol>\n  ")
	} else if d.Empty != "" {
		s("\n  <div class=\"empty\"><svg class=\"ic big\"><use href=\"#i-ticket\"/></svg><p>")
		t(d.Empty)
		s("</p></div>\n  ")
	}
	s("\n  <nav class=\"pager\" aria-label=\"")
	t("pager.label")
	s("\">\n    ")
	if !d.First {
		// Our own addresses, query-encoded already: escaping is all the
		// template's URL normalizer did to them.
		s(`<a href="`)
		e(d.FirstHref)
		s(`">« `)
		t("pager.first")
		s(`</a>`)
	}
	s("\n    ")
	if d.Next != "" {
		s(`<a href="`)
		e(d.Next)
		s(`" rel="next">`)
		t("pager.next")
		s(` »</a>`)
	}
	s("\n  </nav>\n</section>\n\n")
}

// InboxHTML is writeInbox's markup, for the page's template (inbox.html)
// and tests.
func (p *pageData) InboxHTML() template.HTML {
	var b bytes.Buffer
	b.Grow(16384)
	p.writeInbox(&b)
	return template.HTML(b.String())
}

// bulkBar writes the bulk action's per-ticket results, when there are
// some, and the bar that applies one to the checked rows.
func (p *pageData) bulkBar(b *bytes.Buffer, d *inboxData) {
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }
	s("\n")
	if r := d.Bulk; r != nil {
		s("<section class=\"bulkres\" aria-labelledby=\"bulk-title\" role=\"status\">\n  ")
		if r.Err != "" {
			s(`<p class="error" id="bulk-title" role="alert">`)
			e(r.Err)
			s("</p>\n  ")
		} else {
			s(`<h2 id="bulk-title">`)
			e(p.T("bulk.done", "ok", strconv.Itoa(r.Changed), "failed", strconv.Itoa(r.Failed)))
			s("</h2>\n  <ul>")
			for _, it := range r.Items {
				s(`<li class="`)
				if it.Err != "" {
					s(`bad`)
				} else {
					s(`good`)
				}
				s(`">`)
				if it.Number != 0 {
					n := strconv.FormatInt(it.Number, 10)
					s(`<a href="/tickets/`)
					s(n)
					s(`">#`)
					s(n)
					s(`</a> `)
					e(it.Label)
				} else {
					t("bulk.unknown")
				}
				s(` — `)
				if it.Err != "" {
					s(`<span class="why">`)
					e(it.Err)
					s(`</span>`)
				} else {
					t("bulk.ok")
				}
				s(`</li>`)
			}
			s(`</ul>`)
		}
		s("\n</section>")
	}
	s("\n")
	if len(d.Rows) > 0 {
		val := d.Bulk.Val
		s(`<form id="bulk" class="bulkbar" method="post" action="/bulk" aria-label="`)
		t("bulk.label")
		s("\">\n  ")
		csrfInput(b, p.CSRF)
		s("\n  <input type=\"hidden\" name=\"back\" value=\"")
		e(d.Here)
		s("\">\n  <label class=\"jsonly all\"><input type=\"checkbox\" data-pick-all> ")
		t("bulk.all")
		s("</label>\n  <label>")
		t("bulk.assign")
		s(` <select name="assignee"><option value="">—</option><option value="me"`)
		if val("assignee") == "me" {
			s(` selected`)
		}
		s(`>`)
		t("bulk.me")
		s(`</option><option value="none"`)
		if val("assignee") == "none" {
			s(` selected`)
		}
		s(`>`)
		t("ticket.unassigned")
		s(`</option>`)
		p.writeAgentOptions(b, d.Agents, val("assignee"))
		s("</select></label>\n  <label>")
		t("field.status")
		s(` <select name="status"><option value="">—</option>`)
		p.writeOptionsT(b, "status.", val("status"), "open", "pending", "on_hold", "solved", "closed")
		s("</select></label>\n  <label>")
		t("field.priority")
		s(` <select name="priority"><option value="">—</option>`)
		p.writeOptionsT(b, "priority.", val("priority"), "low", "normal", "high", "urgent")
		s("</select></label>\n  <label>")
		t("bulk.add_tags")
		s(` <input name="add_tags" size="10" value="`)
		e(val("add_tags"))
		s("\"></label>\n  <label>")
		t("bulk.remove_tags")
		s(` <input name="remove_tags" size="10" value="`)
		e(val("remove_tags"))
		s("\"></label>\n  <button class=\"small primary\">")
		t("bulk.apply")
		s("</button>\n</form>")
	}
	s("\n")
}
