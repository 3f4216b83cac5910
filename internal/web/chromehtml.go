package web

import (
	"bytes"
	"html/template"
	"strconv"
)

// writeChrome writes what surrounds every signed-in page: the header
// (workspace, presence control, capacity, the agent, sign-out) and the
// left column (views with counts, groups, supervisor and settings links,
// language). By code for the reason rowhtml.go gives: as template actions
// its ~35 values cost as much as a page's rows; the markup is the one
// the layout had (TestChromeHTML).
func (p *pageData) writeChrome(b *bytes.Buffer) {
	n, a := p.Nav, p.Agent
	if n == nil || a == nil || p.Workspace == nil {
		return
	}
	s := b.WriteString
	t := func(key string) { escape(b, p.T(key)) }
	csrf := func() { csrfInput(b, p.CSRF) }
	link := func(href, id, key string) {
		s(`<li><a href="`)
		s(href)
		s(`"`)
		if n.Current == id {
			s(` aria-current="page"`)
		}
		s(`><span>`)
		t(key)
		s(`</span></a></li>`)
	}
	presence := string(a.Presence)

	s("<header class=\"top\">\n  <a class=\"brand\" href=\"/\">")
	escape(b, p.Workspace.Name)
	s("</a>\n  <form class=\"presence\" method=\"post\" action=\"/presence\" data-autosubmit>\n    ")
	csrf()
	s("\n    <input type=\"hidden\" name=\"next\" value=\"\">\n    <label class=\"dot ")
	escape(b, presence)
	s(`"><span class="vh">`)
	t("presence.label")
	s("</span>\n      <select name=\"presence\" aria-label=\"")
	t("presence.label")
	s("\">\n        ")
	p.writeOptionsT(b, "presence.", presence, "online", "away", "offline")
	s("\n      </select>\n    </label>\n    <button class=\"small nojs\">")
	t("action.set")
	s("</button>\n  </form>\n  <span class=\"capacity\" title=\"")
	t("capacity.title")
	s(`">`)
	active := strconv.Itoa(n.Active)
	if a.Capacity > 0 {
		escape(b, p.T("capacity.of", "n", active, "max", strconv.Itoa(a.Capacity)))
	} else {
		escape(b, p.T("capacity.open", "n", active))
	}
	s("</span>\n  ")
	if a.Capacity > 0 {
		s(`<meter class="load" min="0" max="`)
		s(strconv.Itoa(a.Capacity))
		s(`" value="`)
		s(active)
		s(`" aria-label="`)
		t("capacity.title")
		s(`"></meter>`)
	}
	s("\n  <span class=\"spacer\"></span>\n  <a class=\"me\" href=\"/settings/profile\" title=\"")
	t("prefs.title")
	s(" · ")
	escape(b, a.Email)
	s(`">`)
	escape(b, a.Name)
	s("</a>\n  <form method=\"post\" action=\"/logout\">")
	csrf()
	s(`<button class="link">`)
	t("nav.logout")
	s("</button></form>\n</header>\n<nav class=\"views\" aria-label=\"")
	t("nav.views")
	s("\">\n  <ul>\n  ")
	p.writeViews(b, n.Views)
	s("\n  </ul>\n  ")
	if len(n.Groups) > 0 {
		s("<h2>")
		t("nav.groups")
		s("</h2><ul>\n  ")
		p.writeViews(b, n.Groups)
		s("\n  </ul>")
	}
	s("\n  ")
	if p.Supervises() {
		s("<ul>")
		link("/supervisor", "supervisor", "sup.nav")
		s("</ul>")
	}
	s("\n  <ul class=\"adminlink\">")
	link("/settings/profile", "profile", "prefs.title")
	link("/settings/replies", "replies", "admin.replies")
	link("/settings/macros", "macros", "admin.macros")
	if p.IsAdmin() {
		link("/admin", "admin", "admin.link")
	}
	s("</ul>\n  <form class=\"lang\" method=\"post\" action=\"/language\" data-autosubmit>\n    ")
	csrf()
	s("\n    <input type=\"hidden\" name=\"next\" value=\"\">\n    <label>")
	t("nav.language")
	s(` <select name="lang">`)
	p.writeOptionsT(b, "lang.", p.Lang, "en", "es", "zh-Hans", "id")
	s("</select></label>\n    <button class=\"small nojs\">")
	t("action.set")
	s("</button>\n  </form>\n  <p class=\"hint\">")
	t("nav.shortcuts_hint")
	s("</p>\n</nav>")
}

// ChromeHTML is writeChrome's markup, for the layout template.
func (p *pageData) ChromeHTML() template.HTML {
	var b bytes.Buffer
	b.Grow(6144)
	p.writeChrome(&b)
	return template.HTML(b.String()) //nolint:gosec // escaped parts only
}
