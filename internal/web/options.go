package web

import (
	"bytes"
	"html/template"
	"strconv"

	"github.com/ticketd/ticketd/internal/desk"
)

// A select's options are written by code: as template actions each option
// cost four reflective calls (compare, print, translate, escape), and the
// assignee lists repeat them for every agent on every page. The pages
// written by code call the write forms into their own buffer; the
// template.HTML forms are for templates (admin.html) and tests.

// writeOptionsT writes an <option> per value, labelled by the catalog key
// prefix+value, with cur selected.
func (p *pageData) writeOptionsT(b *bytes.Buffer, prefix, cur string, values ...string) {
	for _, v := range values {
		option(b, v, p.T(prefix+v), v == cur)
	}
}

// OptionsT is writeOptionsT's markup.
func (p *pageData) OptionsT(prefix, cur string, values ...string) template.HTML {
	var b bytes.Buffer
	p.writeOptionsT(&b, prefix, cur, values...)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}

// writeStatusOptions writes the ticket statuses, cur selected.
func (p *pageData) writeStatusOptions(b *bytes.Buffer, cur string) {
	for _, s := range desk.Statuses {
		option(b, string(s), p.T("status."+string(s)), string(s) == cur)
	}
}

// StatusOptions is writeStatusOptions' markup.
func (p *pageData) StatusOptions(cur string) template.HTML {
	var b bytes.Buffer
	p.writeStatusOptions(&b, cur)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}

// writeAgentOptions names each agent, the one whose id is cur selected.
func (p *pageData) writeAgentOptions(b *bytes.Buffer, as []desk.Agent, cur string) {
	for i := range as {
		option(b, as[i].ID, as[i].Name, as[i].ID == cur)
	}
}

// AgentOptions is writeAgentOptions' markup.
func (p *pageData) AgentOptions(as []desk.Agent, cur string) template.HTML {
	var b bytes.Buffer
	b.Grow(len(as) * 64)
	p.writeAgentOptions(&b, as, cur)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}

// writeGroupOptions names each group, the one whose id is cur selected.
func (p *pageData) writeGroupOptions(b *bytes.Buffer, gs []desk.Group, cur string) {
	for i := range gs {
		option(b, gs[i].ID, gs[i].Name, gs[i].ID == cur)
	}
}

// GroupOptions is writeGroupOptions' markup.
func (p *pageData) GroupOptions(gs []desk.Group, cur string) template.HTML {
	var b bytes.Buffer
	p.writeGroupOptions(&b, gs, cur)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}

func option(b *bytes.Buffer, value, label string, selected bool) {
	b.WriteString(`<option value="`)
	escape(b, value)
	b.WriteByte('"')
	if selected {
		b.WriteString(" selected")
	}
	b.WriteByte('>')
	escape(b, label)
	b.WriteString("</option>")
}

// writeViews writes the left column's links to views (by code for the
// options' reason): label, live count, the current one marked.
func (p *pageData) writeViews(b *bytes.Buffer, vs []view) {
	cur := ""
	if p.Nav != nil {
		cur = p.Nav.Current
	}
	for i := range vs {
		v := &vs[i]
		b.WriteString(`<li><a href="`)
		escape(b, v.Href)
		b.WriteByte('"')
		if v.ID == cur {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`><span>`)
		escape(b, v.Label)
		b.WriteString(`</span><span class="count">`)
		b.WriteString(strconv.FormatInt(v.Count, 10))
		b.WriteString(`</span></a></li>`)
	}
}

// ViewsHTML is writeViews' markup.
func (p *pageData) ViewsHTML(vs []view) template.HTML {
	var b bytes.Buffer
	p.writeViews(&b, vs)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}
