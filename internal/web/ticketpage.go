package web

import (
	"bytes"
	"html/template"
	"strconv"
	"time"
)

// writeTicket writes the ticket page's content: the thread and its
// composer, and the side panel (properties, people, macros, custom fields,
// SLA clocks, the contact and the timeline). By code for the reason
// rowhtml.go gives: as templates its ~120 actions were a quarter of the
// page's CPU at 1,000,000 tickets, more than reading the ticket's messages
// and events. The markup is the templates' (testdata/ticket_ref.html),
// byte for byte (TestTicketHTML).
func (p *pageData) writeTicket(b *bytes.Buffer) {
	d := p.Ticket
	if d == nil {
		b.WriteString("\n\n")
		return
	}
	tk := d.T
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }
	csrf := func() { csrfInput(b, p.CSRF) }
	errP := func(field, attrs string) { errorP(b, attrs, d.Form.Err(field)) }
	num := strconv.FormatInt(tk.Number, 10)

	s("\n\n<div class=\"ticket\">\n<section class=\"thread\" aria-labelledby=\"t-title\">\n  <header class=\"thead\">\n    <a class=\"back\" href=\"/\">‹ ")
	t("ticket.back")
	s("</a>\n    <h1 id=\"t-title\"><span class=\"num\">#")
	s(num)
	s("</span> ")
	if tk.Subject != "" {
		e(tk.Subject)
	} else {
		t("ticket.no_subject")
	}
	s("</h1>\n    <p class=\"meta\">\n      <svg class=\"ic\"><use href=\"#")
	s(channelIcon(tk.Channel))
	s("\"/></svg> ")
	t("channel." + string(tk.Channel))
	s("\n      · <span class=\"badge st-")
	e(string(tk.Status))
	s("\">")
	t("status." + string(tk.Status))
	s("</span>\n      ")
	if tk.Priority != "" {
		s(`· <span class="badge pr-`)
		e(string(tk.Priority))
		s(`">`)
		t("priority." + string(tk.Priority))
		s(`</span>`)
	}
	s("\n      ")
	if tk.Escalated {
		s(`· <span class="badge esc">`)
		t("ticket.escalated")
		s(`</span>`)
	}
	s("\n      · <time datetime=\"")
	e(p.ISO(tk.CreatedAt))
	s("\">")
	e(p.FullTime(tk.CreatedAt))
	s("</time>\n    </p>\n  </header>\n  <ol class=\"messages\">\n  ")
	p.writeMessages(b, tk, d.Messages)
	s("\n  </ol>\n  <form id=\"composer\" class=\"composer\" method=\"post\" action=\"/tickets/")
	s(num)
	s("/messages\" enctype=\"multipart/form-data\" data-draft=\"")
	e(tk.ID)
	s("\" data-replies=\"/tickets/")
	s(num)
	s("/replies/\">\n    ")
	csrf()
	s("\n    <fieldset class=\"modes\">\n      <legend class=\"vh\">")
	t("composer.mode")
	s("</legend>\n      <label><input type=\"radio\" name=\"mode\" value=\"reply\"")
	note := d.Form.Val("mode", "reply") == "note"
	if !note {
		s(` checked`)
	}
	s(" data-mode-reply> ")
	t("composer.reply")
	s("</label>\n      <label><input type=\"radio\" name=\"mode\" value=\"note\"")
	if note {
		s(` checked`)
	}
	s(" data-mode-note> ")
	t("composer.note")
	s("</label>\n    </fieldset>\n    <label for=\"text\" class=\"vh\">")
	t("composer.text")
	s("</label>\n    <textarea id=\"text\" name=\"text\" rows=\"4\" placeholder=\"")
	t("composer.placeholder")
	s(`"`)
	if d.Form.Err("text") != "" {
		s(` aria-invalid="true" aria-describedby="text-error"`)
	}
	s(`>`)
	e(d.Form.Val("text", ""))
	s("</textarea>\n    ")
	errP("text", ` id="text-error"`)
	s("\n    ")
	p.composerTools(b, d, num)
	s("\n    <div class=\"cbar\"><span class=\"muted small\">")
	t("composer.hint")
	s("</span><button type=\"submit\" class=\"primary\">")
	t("composer.send")
	s("</button></div>\n  </form>\n</section>\n\n<aside class=\"side\" aria-label=\"")
	t("side.label")
	s("\">\n  <section class=\"panel\">\n    <h2>")
	t("side.properties")
	s("</h2>\n    <form method=\"post\" action=\"/tickets/")
	s(num)
	s("/properties\" class=\"props\">\n      ")
	csrf()
	s("\n      <label for=\"f-status\">")
	t("field.status")
	s("</label>\n      <select id=\"f-status\" name=\"status\">")
	p.writeStatusOptions(b, d.Form.Val("status", string(tk.Status)))
	s("</select>\n      ")
	errP("status", "")
	s("\n      <label for=\"f-priority\">")
	t("field.priority")
	s("</label>\n      <select id=\"f-priority\" name=\"priority\">")
	pcur := d.Form.Val("priority", string(tk.Priority))
	s(`<option value=""`)
	if pcur == "" {
		s(` selected`)
	}
	s(`>—</option>`)
	p.writeOptionsT(b, "priority.", pcur, "low", "normal", "high", "urgent")
	s("</select>\n      ")
	errP("priority", "")
	s("\n      <label for=\"f-tags\">")
	t("field.tags")
	s("</label>\n      <input id=\"f-tags\" name=\"tags\" value=\"")
	e(d.Form.Val("tags", d.TagsValue))
	s("\" placeholder=\"")
	t("side.tags_hint")
	s("\">\n      ")
	errP("tags", "")
	s("\n      ")
	errP("properties", "")
	s("\n      <button class=\"small\">")
	t("action.save")
	s("</button>\n    </form>\n  </section>\n\n  ")
	p.writePeople(b)
	s("\n\n  ")
	p.macrosPanel(b, d, num)
	s("\n  ")
	p.fieldsPanel(b, d, num)
	s("\n\n  ")
	p.slaPanel(b, d)
	s("\n\n  <section class=\"panel\">\n    <h2>")
	t("side.contact")
	s("</h2>\n    ")
	if c := d.Contact; c != nil {
		s("\n      <p class=\"cname\">")
		e(d.Name)
		s("</p>\n      <ul class=\"idents\">\n        ")
		if c.Email != "" {
			s(`<li><svg class="ic"><use href="#i-mail"/></svg> `)
			e(c.Email)
			s(`</li>`)
		}
		s("\n        ")
		if c.Phone != "" {
			s(`<li><svg class="ic"><use href="#i-phone"/></svg> `)
			e(c.Phone)
			s(`</li>`)
		}
		s("\n        ")
		for _, id := range c.Identities {
			s(`<li><svg class="ic"><use href="#`)
			s(channelIcon(id.Channel))
			s(`"/></svg> `)
			t("channel." + string(id.Channel))
			s(`: `)
			e(id.ExternalID)
			s(`</li>`)
		}
		s("\n      </ul>\n    ")
	} else {
		s(`<p class="muted">`)
		t("side.no_contact")
		s(`</p>`)
	}
	s("\n    ")
	if len(d.Previous) > 0 {
		s(`<h3>`)
		t("side.previous")
		s("</h3>\n    <ul class=\"prev\">")
		p.writePrevious(b, d.Previous)
		s(`</ul>`)
	}
	s("\n  </section>\n\n  <section class=\"panel\">\n    <h2>")
	t("side.timeline")
	s("</h2>\n    <ol class=\"timeline\">\n    ")
	p.writeTimeline(b, d.Events)
	s("\n    </ol>\n  </section>\n</aside>\n</div>\n\n")
}

// TicketHTML is writeTicket's markup, for the page's template
// (ticket.html) and tests.
func (p *pageData) TicketHTML() template.HTML {
	var b bytes.Buffer
	b.Grow(16384)
	p.writeTicket(&b)
	return template.HTML(b.String())
}

// composerTools writes the composer's attachments input and saved-reply
// picker.
func (p *pageData) composerTools(b *bytes.Buffer, d *ticketData, num string) {
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }
	s("\n<div class=\"ctools\">\n  <div class=\"files-in\">\n    <label for=\"c-files\"><svg class=\"ic\"><use href=\"#i-clip\"/></svg> ")
	t("compose.files")
	s("</label>\n    <input id=\"c-files\" type=\"file\" name=\"files\" multiple")
	if d.Form.Err("files") != "" {
		s(` aria-invalid="true" aria-describedby="files-error"`)
	}
	s(">\n    <span class=\"muted small\">")
	e(p.T("compose.max", "max", d.MaxFile))
	s("</span>\n    ")
	errorP(b, ` id="files-error"`, d.Form.Err("files"))
	s("\n  </div>\n  ")
	if len(d.Replies) > 0 {
		s("<div class=\"replies-in\">\n    <label for=\"c-reply\">")
		t("compose.saved")
		s("</label>\n    <span class=\"pair\"><select id=\"c-reply\" name=\"reply_id\" data-reply-select><option value=\"\">—</option>")
		cur := d.Form.Val("reply_id", "")
		for i := range d.Replies {
			r := &d.Replies[i]
			s(`<option value="`)
			e(r.ID)
			s(`" data-shortcut="`)
			e(r.Shortcut)
			s(`"`)
			if cur == r.ID {
				s(` selected`)
			}
			s(`>`)
			e(r.Name)
			if !r.Shared() {
				s(` (`)
				t("compose.personal")
				s(`)`)
			}
			s(`</option>`)
		}
		s("</select>\n    <button class=\"small\" formaction=\"/tickets/")
		s(num)
		s("/insert-reply\" formnovalidate>")
		t("compose.insert")
		s("</button></span>\n    ")
		errorP(b, ``, d.Form.Err("reply_id"))
		s("\n  </div>\n  <div class=\"picker\" id=\"reply-picker\" hidden>\n    <ul role=\"listbox\" id=\"reply-list\" aria-label=\"")
		t("compose.saved")
		s("\"></ul>\n    <p class=\"muted small\">")
		t("compose.picker_hint")
		s("</p>\n  </div>")
	}
	s("\n</div>\n")
}

// macrosPanel writes the side panel's macro menu, when the agent has
// macros.
func (p *pageData) macrosPanel(b *bytes.Buffer, d *ticketData, num string) {
	if len(d.Macros) == 0 {
		return
	}
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }
	s("\n<section class=\"panel\" id=\"macros\">\n  <h2>")
	t("side.macros")
	s("</h2>\n  ")
	if done := d.Form.Val("macro_done", ""); done != "" {
		s(`<p class="done" role="status">`)
		e(done)
		s(`</p>`)
	}
	s("\n  <form method=\"post\" action=\"/tickets/")
	s(num)
	s("/macros\" class=\"inline\">\n    ")
	csrfInput(b, p.CSRF)
	s("\n    <label for=\"f-macro\">")
	t("macro.label")
	s("</label>\n    <span class=\"pair\"><select id=\"f-macro\" name=\"macro_id\" data-macro-select><option value=\"\">—</option>")
	for i := range d.Macros {
		m := &d.Macros[i]
		s(`<option value="`)
		e(m.ID)
		s(`" data-shortcut="`)
		e(m.Shortcut)
		s(`">`)
		e(m.Name)
		if m.Shortcut != "" {
			s(` (`)
			e(m.Shortcut)
			s(`)`)
		}
		if !m.Shared() {
			s(` · `)
			t("compose.personal")
		}
		s(`</option>`)
	}
	s("</select>\n    <button class=\"small\">")
	t("macro.apply")
	s("</button></span>\n    ")
	errorP(b, ``, d.Form.Err("macro_id"))
	s("\n  </form>\n</section>\n")
}

// fieldsPanel writes the side panel's custom fields form, one control per
// field by its kind (fields.go), when the workspace has ticket fields.
func (p *pageData) fieldsPanel(b *bytes.Buffer, d *ticketData, num string) {
	if len(d.Fields) == 0 {
		return
	}
	s := b.WriteString
	e := func(v string) { escape(b, v) }
	t := func(key string) { escape(b, p.T(key)) }
	invalid := func(f *fieldView) {
		if f.Err != "" {
			s(` aria-invalid="true"`)
		}
	}
	s("\n<section class=\"panel\" id=\"fields\">\n  <h2>")
	t("side.fields")
	s("</h2>\n  <form method=\"post\" action=\"/tickets/")
	s(num)
	s("/fields\" class=\"props cfields\">\n    ")
	csrfInput(b, p.CSRF)
	s("\n    ")
	for i := range d.Fields {
		f := &d.Fields[i]
		id := "cf-" + f.Def.Key
		s("\n    <div class=\"cf")
		if f.Err != "" {
			s(` invalid`)
		}
		s("\">\n    ")
		switch f.Kind {
		case "bool":
			s(`<label class="check"><input type="checkbox" id="`)
			e(id)
			s(`" name="`)
			e(f.Name)
			s(`" value="true"`)
			if f.Value == "true" {
				s(` checked`)
			}
			s(`> `)
			e(f.Def.Label)
			s("</label>\n    ")
		case "multi":
			s(`<fieldset><legend>`)
			e(f.Def.Label)
			s(`</legend>`)
			for _, o := range f.Def.Options {
				s(`<label class="check"><input type="checkbox" name="`)
				e(f.Name)
				s(`" value="`)
				e(o.ID)
				s(`"`)
				if f.Checked[o.ID] {
					s(` checked`)
				}
				s(`> `)
				e(o.Value)
				s(`</label>`)
			}
			s("</fieldset>\n    ")
		default:
			s(`<label for="`)
			e(id)
			s(`">`)
			e(f.Def.Label)
			if f.Def.Required {
				s(` *`)
			}
			s("</label>\n      ")
			switch f.Kind {
			case "textarea":
				s(`<textarea id="`)
				e(id)
				s(`" name="`)
				e(f.Name)
				s(`" rows="2"`)
				invalid(f)
				s(`>`)
				e(f.Value)
				s(`</textarea>`)
			case "select":
				s(`<select id="`)
				e(id)
				s(`" name="`)
				e(f.Name)
				s(`"><option value="">—</option>`)
				for _, o := range f.Def.Options {
					s(`<option value="`)
					e(o.ID)
					s(`"`)
					if o.ID == f.Value {
						s(` selected`)
					}
					s(`>`)
					e(o.Value)
					s(`</option>`)
				}
				s(`</select>`)
			case "number":
				s(`<input id="`)
				e(id)
				s(`" name="`)
				e(f.Name)
				s(`" inputmode="decimal" value="`)
				e(f.Value)
				s(`"`)
				invalid(f)
				s(`>`)
			case "datetime":
				s(`<input id="`)
				e(id)
				s(`" type="datetime-local" name="`)
				e(f.Name)
				s(`" value="`)
				e(f.Value)
				s(`"`)
				invalid(f)
				s(`>`)
			case "readonly":
				s(`<output id="`)
				e(id)
				s(`" class="muted small">`)
				if f.Value != "" {
					e(f.Value)
				} else {
					s(`—`)
				}
				s(`</output>`)
			default:
				s(`<input id="`)
				e(id)
				s(`" name="`)
				e(f.Name)
				s(`" value="`)
				e(f.Value)
				s(`"`)
				invalid(f)
				s(`>`)
			}
			// The template broke the line after every control but the
			// plain input.
			switch f.Kind {
			case "textarea", "select", "number", "datetime", "readonly":
				s("\n      ")
			}
			s("\n    ")
		}
		s("\n    ")
		errorP(b, "", f.Err)
		s("\n    </div>\n    ")
	}
	s("\n    ")
	errorP(b, ``, d.Form.Err("fields"))
	s("\n    <button class=\"small\">")
	t("action.save")
	s("</button>\n  </form>\n</section>\n")
}

// slaPanel writes the SLA clocks, when a policy applies.
func (p *pageData) slaPanel(b *bytes.Buffer, d *ticketData) {
	sla := d.SLA
	if sla == nil || sla.Policy == nil {
		return
	}
	s := b.WriteString
	t := func(key string) { escape(b, p.T(key)) }
	clock := func(label, doneKey string, due, done time.Time, breached bool) {
		if due.IsZero() {
			return
		}
		s(`<p class="clock`)
		if breached {
			s(` breached`)
		}
		s(`"><span class="muted">`)
		t(label)
		s(":</span>\n      ")
		switch {
		case !done.IsZero():
			t(doneKey)
			s(` `)
			escape(b, p.Time(done))
		case breached:
			escape(b, p.T("sla.overdue", "t", p.Until(due)))
		default:
			escape(b, p.T("sla.due_in", "t", p.Until(due)))
		}
		s("\n      <span class=\"muted small\">(")
		escape(b, p.T("sla.due_at", "t", p.FullTime(due)))
		s(")</span></p>")
	}
	s("\n  <section class=\"panel\">\n    <h2>")
	t("side.sla")
	s("</h2>\n    ")
	clock("sla.first_reply", "sla.met", sla.FirstReplyDueAt, sla.FirstReplyAt, sla.FirstReplyBreached)
	s("\n    ")
	clock("sla.resolve", "sla.done", sla.ResolveDueAt, sla.ResolvedAt, sla.ResolveBreached)
	s("\n  </section>\n  ")
}

// errorP writes a form's error paragraph when msg is not empty; attrs
// (an id for aria-describedby) go before its role.
func errorP(b *bytes.Buffer, attrs, msg string) {
	if msg == "" {
		return
	}
	b.WriteString(`<p class="error"`)
	b.WriteString(attrs)
	b.WriteString(` role="alert">`)
	escape(b, msg)
	b.WriteString(`</p>`)
}

// csrfInput writes the hidden input that carries the session's CSRF token.
func csrfInput(b *bytes.Buffer, token string) {
	b.WriteString(`<input type="hidden" name="csrf" value="`)
	escape(b, token)
	b.WriteString(`">`)
}
