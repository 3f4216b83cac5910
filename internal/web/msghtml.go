package web

import (
	"bytes"
	"html/template"
	"strconv"

	"github.com/ticketd/ticketd/internal/desk"
)

// writeMessages writes a ticket's conversation. Like the inbox's rows
// (rowhtml.go) it is code rather than a template because a 20-message
// page spent most of its CPU executing the per-message actions; every
// value goes through escape except the body's HTML, which messageView
// sanitized (bluemonday) and typed template.HTML. TestMessagesHTMLEscapes
// feeds hostile names, texts and file names through it.
func (p *pageData) writeMessages(b *bytes.Buffer, t *desk.Ticket, ms []msgView) {
	if len(ms) == 0 {
		b.WriteString("\n    <li class=\"empty\"><p>")
		escape(b, p.T("ticket.no_messages"))
		b.WriteString("</p></li>\n  ")
		return
	}
	// Bodies are the one part of a page with no bound: room for them all
	// at once rather than by doublings.
	size := 0
	for i := range ms {
		size += 900 + len(ms[i].M.Text) + len(ms[i].HTML)
	}
	b.Grow(size)
	num := strconv.FormatInt(t.Number, 10)
	for i := range ms {
		p.writeMessage(b, num, &ms[i])
	}
}

// MessagesHTML is writeMessages' markup.
func (p *pageData) MessagesHTML(t *desk.Ticket, ms []msgView) template.HTML {
	var b bytes.Buffer
	p.writeMessages(&b, t, ms)
	return template.HTML(b.String()) //nolint:gosec // escaped parts and sanitized bodies only
}

func (p *pageData) writeMessage(b *bytes.Buffer, ticket string, m *msgView) {
	b.WriteString("\n    <li class=\"msg ")
	escape(b, m.Kind)
	b.WriteString("\" id=\"m-")
	b.WriteString(strconv.FormatInt(m.M.Number, 10))
	b.WriteString("\">\n      <div class=\"mhead\">\n        <span class=\"author\">")
	if m.Author != "" {
		escape(b, m.Author)
	} else {
		b.WriteString("—")
	}
	b.WriteString("</span>\n        <span class=\"kind\">")
	escape(b, p.T("msg."+m.Kind))
	b.WriteString("</span>\n        ")
	if m.Kind != "note" {
		b.WriteString("<span class=\"muted\">· ")
		escape(b, p.T("channel."+string(m.Channel)))
		b.WriteString("</span>")
	}
	b.WriteString("\n        <time datetime=\"")
	b.WriteString(p.ISO(m.M.CreatedAt))
	b.WriteString("\" title=\"")
	escape(b, p.FullTime(m.M.CreatedAt))
	b.WriteString("\">")
	escape(b, p.Time(m.M.CreatedAt))
	b.WriteString("</time>\n        ")
	if d := m.M.Delivery; d != nil {
		b.WriteString("<span class=\"delivery d-")
		escape(b, string(d.Status))
		b.WriteString("\">")
		escape(b, p.T("delivery."+string(d.Status)))
		if d.Status == desk.DeliveryFailed && d.LastError != "" {
			b.WriteString(": ")
			escape(b, d.LastError)
		}
		b.WriteString("</span>")
	}
	b.WriteString("\n      </div>\n      ")
	if m.HTML != "" {
		b.WriteString("<div class=\"body html\">")
		b.WriteString(string(m.HTML))
		b.WriteString("</div>")
	} else {
		b.WriteString("<div class=\"body text\">")
		escape(b, m.M.Text)
		b.WriteString("</div>")
	}
	b.WriteString("\n      ")
	if len(m.Images) > 0 {
		b.WriteString("<div class=\"images\">")
		for _, a := range m.Images {
			b.WriteString("<a href=\"/tickets/")
			b.WriteString(ticket)
			b.WriteString("/attachments/")
			escapeURLPart(b, a.ID)
			b.WriteString("\" download><img src=\"/tickets/")
			b.WriteString(ticket)
			b.WriteString("/attachments/")
			escapeURLPart(b, a.ID)
			b.WriteString("?inline=1\" alt=\"")
			escape(b, a.FileName)
			b.WriteString("\" loading=\"lazy\"></a>")
		}
		b.WriteString("</div>")
	}
	b.WriteString("\n      ")
	if len(m.Files) > 0 {
		b.WriteString("<ul class=\"files\">")
		for _, a := range m.Files {
			b.WriteString("<li><a href=\"/tickets/")
			b.WriteString(ticket)
			b.WriteString("/attachments/")
			escapeURLPart(b, a.ID)
			b.WriteString("\" download><svg class=\"ic\"><use href=\"#i-clip\"/></svg> ")
			escape(b, a.FileName)
			b.WriteString("</a> <span class=\"muted\">")
			b.WriteString(strconv.FormatInt(a.Size, 10))
			b.WriteString(" B</span></li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString("\n    </li>\n  ")
}

// escapeURLPart writes s as one path segment: ids are letters and digits,
// anything else is percent-encoded so it cannot leave the segment.
func escapeURLPart(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

// writeTimeline writes the ticket's timeline (see writeMessages for why
// by code): each event's time, actor, text and routing's reason, escaped.
func (p *pageData) writeTimeline(b *bytes.Buffer, evs []eventView) {
	for i := range evs {
		e := &evs[i]
		b.WriteString("<li><time datetime=\"")
		b.WriteString(p.ISO(e.E.At))
		b.WriteString("\" title=\"")
		escape(b, p.FullTime(e.E.At))
		b.WriteString("\">")
		escape(b, p.Time(e.E.At))
		b.WriteString("</time> <span>")
		if e.Actor != "" {
			b.WriteString("<b>")
			escape(b, e.Actor)
			b.WriteString("</b> ")
		}
		escape(b, e.Text)
		b.WriteString("</span>")
		if e.E.Reason != "" {
			b.WriteString("<span class=\"reason\">")
			escape(b, e.E.Reason)
			b.WriteString("</span>")
		}
		b.WriteString("</li>")
	}
}

// TimelineHTML is writeTimeline's markup.
func (p *pageData) TimelineHTML(evs []eventView) template.HTML {
	var b bytes.Buffer
	b.Grow(len(evs) * 200)
	p.writeTimeline(&b, evs)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}

// writePrevious writes the contact's other tickets: number, subject and
// status badge, each a link to the ticket.
func (p *pageData) writePrevious(b *bytes.Buffer, rows []row) {
	for i := range rows {
		t := rows[i].T
		num := strconv.FormatInt(t.Number, 10)
		b.WriteString("<li><a href=\"/tickets/")
		b.WriteString(num)
		b.WriteString("\">#")
		b.WriteString(num)
		b.WriteByte(' ')
		escape(b, t.Subject)
		b.WriteString("</a> <span class=\"badge st-")
		escape(b, string(t.Status))
		b.WriteString("\">")
		escape(b, p.T("status."+string(t.Status)))
		b.WriteString("</span></li>")
	}
}

// PreviousHTML is writePrevious' markup.
func (p *pageData) PreviousHTML(rows []row) template.HTML {
	var b bytes.Buffer
	p.writePrevious(&b, rows)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}
