package web

import (
	"bytes"
	"html/template"
	"strconv"

	"github.com/ticketd/ticketd/internal/desk"
)

// The inbox's rows are written by code rather than by html/template: a
// page has 25 of them with ~25 actions each, and executing those actions
// (reflection, a translation call and an escaper per action) was most of
// the page's CPU (docs/PERFORMANCE.md). Every value that is not a constant
// of this file goes through escape; TestRowHTMLEscapes feeds hostile
// subjects, contacts and assignees through it.
//
// Each piece written by code has a write form and a template.HTML form.
// The pages written by code (document.go's codeContent) call the write
// forms, so that a whole page goes into render's one pooled buffer: a
// string per piece, copied into its caller's buffer, cost ~5-8% of the
// ticket page's CPU. The template.HTML forms, each the write form into a
// fresh buffer, are for templates and tests.

// writeRows writes the list rows of the page's inbox.
func (p *pageData) writeRows(b *bytes.Buffer, rows []row) {
	var failed map[string]bool
	if p.Inbox != nil && p.Inbox.Bulk != nil {
		for _, it := range p.Inbox.Bulk.Items {
			if it.Err != "" {
				if failed == nil {
					failed = map[string]bool{}
				}
				failed[it.ID] = true
			}
		}
	}
	for i := range rows {
		p.writeRow(b, &rows[i], failed[rows[i].T.ID])
	}
}

// RowsHTML is writeRows' markup.
func (p *pageData) RowsHTML(rows []row) template.HTML {
	var b bytes.Buffer
	b.Grow(len(rows) * 1400)
	p.writeRows(&b, rows)
	return template.HTML(b.String()) //nolint:gosec // built from escaped parts only
}

func (p *pageData) writeRow(b *bytes.Buffer, r *row, checked bool) {
	t := r.T
	num := strconv.FormatInt(t.Number, 10)
	b.WriteString("\n<li class=\"row")
	if t.Status == desk.StatusNew {
		b.WriteString(" unread")
	}
	b.WriteString("\" data-row>\n  <input class=\"pick\" type=\"checkbox\" name=\"id\" value=\"")
	escape(b, t.ID)
	b.WriteString("\" form=\"bulk\" aria-label=\"")
	escape(b, p.T("bulk.pick", "n", num))
	b.WriteByte('"')
	if checked {
		b.WriteString(" checked")
	}
	b.WriteString(">\n  <a class=\"rowlink\" href=\"/tickets/")
	b.WriteString(num)
	b.WriteString("\" data-open>\n    <span class=\"line1\">\n      <svg class=\"ic ch\" role=\"img\" aria-label=\"")
	ch := p.T("channel." + string(t.Channel))
	escape(b, ch)
	b.WriteString("\"><title>")
	escape(b, ch)
	b.WriteString("</title><use href=\"#")
	b.WriteString(channelIcon(t.Channel))
	b.WriteString("\"/></svg>\n      <span class=\"num\">#")
	b.WriteString(num)
	b.WriteString("</span>\n      <span class=\"subject\">")
	if t.Subject != "" {
		escape(b, t.Subject)
	} else {
		escape(b, p.T("ticket.no_subject"))
	}
	b.WriteString("</span>\n      <time class=\"age\" datetime=\"")
	b.WriteString(p.ISO(t.UpdatedAt))
	b.WriteString("\" title=\"")
	escape(b, p.FullTime(t.UpdatedAt))
	b.WriteString("\">")
	escape(b, p.Age(t.UpdatedAt))
	b.WriteString("</time>\n    </span>\n    <span class=\"line2\">\n      <span class=\"contact\">")
	if r.Contact != "" {
		escape(b, r.Contact)
	} else {
		b.WriteString("—")
	}
	b.WriteString("</span>\n      <span class=\"badge st-")
	escape(b, string(t.Status))
	b.WriteString("\">")
	escape(b, p.T("status."+string(t.Status)))
	b.WriteString("</span>\n      ")
	if t.Priority != "" {
		b.WriteString("<span class=\"badge pr-")
		escape(b, string(t.Priority))
		b.WriteString("\">")
		escape(b, p.T("priority."+string(t.Priority)))
		b.WriteString("</span>")
	}
	b.WriteString("\n      ")
	if t.Escalated {
		b.WriteString("<span class=\"badge esc\">")
		escape(b, p.T("ticket.escalated"))
		b.WriteString("</span>")
	}
	b.WriteString("\n      ")
	if r.SLA.Key != "" {
		if r.SLA.Breached {
			b.WriteString("<span class=\"badge sla-breached\" title=\"")
		} else {
			b.WriteString("<span class=\"badge sla\" title=\"")
		}
		escape(b, p.T(r.SLA.Key))
		b.WriteByte(' ')
		escape(b, p.FullTime(r.SLA.Due))
		b.WriteString("\">")
		if r.SLA.Breached {
			escape(b, p.T("sla.breached"))
		} else {
			escape(b, p.T("sla.due_in", "t", p.Until(r.SLA.Due)))
		}
		b.WriteString("</span>")
	}
	b.WriteString("\n      <span class=\"assignee\" title=\"")
	escape(b, r.Assignee)
	b.WriteString("\">")
	if r.Assignee != "" {
		b.WriteString("<span class=\"avatar\" aria-hidden=\"true\">")
		escape(b, r.Initials)
		b.WriteString("</span><span class=\"vh\">")
		escape(b, r.Assignee)
		b.WriteString("</span>")
	} else {
		b.WriteString("<span class=\"muted\">")
		escape(b, p.T("ticket.unassigned"))
		b.WriteString("</span>")
	}
	b.WriteString("</span>\n    </span>\n  </a>\n</li>\n")
}

// escape writes s escaped for HTML text and quoted attribute values, as
// html/template's escaper does (NUL becomes U+FFFD).
func escape(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&#34;"
		case '\'':
			rep = "&#39;"
		case '+':
			rep = "&#43;"
		case 0:
			rep = "\uFFFD"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = i + 1
	}
	b.WriteString(s[last:])
}
