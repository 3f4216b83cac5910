package web

import (
	"bytes"
	"html/template"
	"strconv"

	"github.com/ticketd/ticketd/internal/desk"
)

// writePeople writes the ticket page's people panel: assignee and group,
// and the routing and status actions, each a form that posts with the
// session's CSRF token. Written by code for the reason rowhtml.go gives:
// as template actions its ~40 values (the ticket's number in each form's
// address, the token in each form) cost more than the rest of the panel.
func (p *pageData) writePeople(b *bytes.Buffer) {
	d := p.Ticket
	if d == nil {
		return
	}
	t := d.T
	base := "/tickets/" + strconv.FormatInt(t.Number, 10)
	csrf := func() { csrfInput(b, p.CSRF) }
	hidden := func(name, value string) {
		b.WriteString(`<input type="hidden" name="`)
		b.WriteString(name)
		b.WriteString(`" value="`)
		escape(b, value)
		b.WriteString(`">`)
	}
	button := func(class, key, attr string) {
		b.WriteString(`<button class="`)
		b.WriteString(class)
		b.WriteByte('"')
		b.WriteString(attr)
		b.WriteByte('>')
		escape(b, p.T(key))
		b.WriteString(`</button>`)
	}
	// one writes a form of one button that posts kind/status to path.
	one := func(path string, fields []string, class, key, attr string) {
		b.WriteString(`<form method="post" action="`)
		b.WriteString(base)
		b.WriteString(path)
		b.WriteString(`">`)
		csrf()
		for i := 0; i+1 < len(fields); i += 2 {
			hidden(fields[i], fields[i+1])
		}
		button(class, key, attr)
		b.WriteString(`</form>`)
	}
	errorP := func(field string) {
		if e := d.Form.Err(field); e != "" {
			b.WriteString(`<p class="error" role="alert">`)
			escape(b, e)
			b.WriteString(`</p>`)
		}
	}

	b.WriteString(`<section class="panel">
    <h2>`)
	escape(b, p.T("side.people"))
	b.WriteString(`</h2>
    <p><span class="muted">`)
	escape(b, p.T("field.assignee"))
	b.WriteString(`:</span> <span id="assignee">`)
	if d.Assignee != "" {
		escape(b, d.Assignee)
		if d.BotHeld {
			b.WriteString(" (")
			escape(b, p.T("side.bot"))
			b.WriteByte(')')
		}
	} else {
		escape(b, p.T("ticket.unassigned"))
	}
	b.WriteString(`</span></p>
    <p><span class="muted">`)
	escape(b, p.T("field.group"))
	b.WriteString(`:</span> `)
	if d.Group != "" {
		escape(b, d.Group)
	} else {
		b.WriteString("—")
	}
	b.WriteString("</p>\n    <div class=\"acts\">\n      ")
	one("/routing", []string{"kind", "assign", "agent_id", "me"}, "small", "action.assign_me", " data-assign-me")
	if d.BotHeld {
		b.WriteString("\n      ")
		one("/routing", []string{"kind", "handoff", "agent_id", "me"}, "small", "action.handoff", "")
	}
	if t.AssigneeID != "" {
		b.WriteString("\n      ")
		one("/routing", []string{"kind", "unassign"}, "small", "action.unassign", "")
	}
	b.WriteString("\n      ")
	one("/routing", []string{"kind", "escalate"}, "small", "action.escalate", "")
	b.WriteString("\n    </div>\n")

	// opts writes the select's options.
	pick := func(kind, id, name, label, action, field string, opts func()) {
		b.WriteString(`    <form method="post" action="`)
		b.WriteString(base)
		b.WriteString(`/routing" class="inline">
      `)
		csrf()
		hidden("kind", kind)
		b.WriteString("\n      <label for=\"")
		b.WriteString(id)
		b.WriteString(`">`)
		escape(b, p.T(label))
		b.WriteString("</label>\n      <span class=\"pair\"><select id=\"")
		b.WriteString(id)
		b.WriteString(`" name="`)
		b.WriteString(name)
		b.WriteString(`"><option value="">—</option>`)
		opts()
		b.WriteString("</select>\n      ")
		button("small", action, "")
		b.WriteString("</span>\n      ")
		errorP(field)
		b.WriteString("\n    </form>\n")
	}
	pick("assign", "f-agent", "agent_id", "action.assign_to", "action.assign", "agent_id", func() { p.writeAgentOptions(b, d.Agents, t.AssigneeID) })
	pick("transfer", "f-group", "group_id", "action.transfer_to", "action.transfer", "group_id", func() { p.writeGroupOptions(b, d.Groups, t.GroupID) })

	b.WriteString("    <div class=\"acts\">\n      ")
	switch t.Status {
	case desk.StatusSolved:
		one("/status", []string{"status", "open"}, "small", "action.reopen", "")
		b.WriteString("\n      ")
		one("/status", []string{"status", "closed"}, "small", "action.close", "")
	case desk.StatusClosed:
	default:
		one("/status", []string{"status", "solved"}, "small primary", "action.solve", "")
	}
	b.WriteString("\n    </div>\n    ")
	errorP("actions")
	b.WriteString("\n  </section>")
}

// PeopleHTML is writePeople's markup.
func (p *pageData) PeopleHTML() template.HTML {
	var b bytes.Buffer
	b.Grow(4096)
	p.writePeople(&b)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}
