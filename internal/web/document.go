package web

import (
	"bytes"
	"html/template"
)

// The document around every signed-in page (layout.html): its icon
// sprite and keyboard help are written here, once, for the template and
// for the pages written by code (writeDocument), which skip the
// template's ~15 actions and its reflection.

// spriteHTML is the icon sprite every page carries (no external requests,
// one paint).
const spriteHTML = `<svg class="sprite" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">
<symbol id="i-mail" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M3 6.5A1.5 1.5 0 0 1 4.5 5h15A1.5 1.5 0 0 1 21 6.5v11a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z M3.5 6l8.5 7 8.5-7"/></symbol>
<symbol id="i-whatsapp" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M4 20l1.3-4A8 8 0 1 1 8.4 19z"/><path fill="currentColor" d="M9.2 8.3c.3-.4.8-.4 1 0l.7 1.4c.1.3 0 .6-.2.8l-.5.5c.6 1.2 1.5 2.1 2.7 2.7l.5-.5c.2-.2.5-.3.8-.2l1.4.7c.4.2.4.7 0 1-.9 1-2.3 1.2-3.6.5a8 8 0 0 1-3.3-3.3c-.7-1.3-.5-2.7.5-3.6z"/></symbol>
<symbol id="i-telegram" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M21 4L3 11l6 2 2 6 3-4 5 4z M9 13l8-6"/></symbol>
<symbol id="i-messenger" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M12 3c5 0 9 3.6 9 8.2S17 19.5 12 19.5c-.9 0-1.8-.1-2.6-.4L5 21v-4A8 8 0 0 1 3 11.2C3 6.6 7 3 12 3z"/><path fill="currentColor" d="M6.5 13.5l3.5-3.7 2.3 1.8 3.2-1.8-3.5 3.7-2.3-1.8z"/></symbol>
<symbol id="i-chat" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M4 5h16v11H9l-5 4z"/></symbol>
<symbol id="i-phone" viewBox="0 0 24 24"><rect x="7" y="3" width="10" height="18" rx="2" fill="none" stroke="currentColor" stroke-width="1.8"/><path stroke="currentColor" stroke-width="1.8" d="M11 18h2"/></symbol>
<symbol id="i-ticket" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/></symbol>
<symbol id="i-clip" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" d="M20 11.5l-7.8 7.8a5 5 0 0 1-7-7L13 4.5a3.3 3.3 0 0 1 4.7 4.7l-7.8 7.8a1.7 1.7 0 0 1-2.4-2.4L14.8 7.3"/></symbol>
</svg>`

// sprite is the template function that writes spriteHTML.
func sprite() template.HTML { return spriteHTML }

// writeHelp writes the "?" dialog: the desk's keys, then the shortcuts of
// the macros the agent may apply on this page (app.macros.js).
func (p *pageData) writeHelp(b *bytes.Buffer) {
	s := b.WriteString
	t := func(key string) { escape(b, p.T(key)) }
	s("<div id=\"help\" class=\"help\" hidden role=\"dialog\" aria-labelledby=\"help-title\">\n  <h2 id=\"help-title\">")
	t("help.title")
	s("</h2>\n  <dl>\n")
	for _, k := range helpKeys {
		s("    <dt>")
		s(k.keys)
		s("</dt><dd>")
		t(k.text)
		s("</dd>\n")
	}
	s("  </dl>\n  ")
	if d := p.Ticket; d != nil {
		keyed := false
		for i := range d.Macros {
			keyed = keyed || d.Macros[i].Shortcut != ""
		}
		if keyed {
			s("\n  <h3 class=\"helpsub\">")
			t("macros.help_title")
			s("</h3>\n  <dl data-macro-keys>\n    ")
			for i := range d.Macros {
				m := &d.Macros[i]
				if m.Shortcut == "" {
					continue
				}
				s("<dt><kbd>")
				escape(b, m.Shortcut)
				s("</kbd></dt><dd>")
				escape(b, p.T("macros.help_apply", "name", m.Name))
				s("</dd>")
			}
			s("\n  </dl>\n")
		}
	}
	s("\n  <button class=\"small\" data-close>")
	t("action.close")
	s("</button>\n</div>")
}

// HelpHTML is writeHelp's markup, for the layout template.
func (p *pageData) HelpHTML() template.HTML {
	var b bytes.Buffer
	b.Grow(2048)
	p.writeHelp(&b)
	return template.HTML(b.String())
}

// helpKeys are the desk's keys as the help lists them (app.js binds them).
var helpKeys = []struct{ keys, text string }{
	{"<kbd>j</kbd> / <kbd>k</kbd>", "help.jk"},
	{"<kbd>o</kbd> / <kbd>Enter</kbd>", "help.o"},
	{"<kbd>r</kbd>", "help.r"},
	{"<kbd>n</kbd>", "help.n"},
	{"<kbd>a</kbd>", "help.a"},
	{"<kbd>s</kbd>", "help.s"},
	{"<kbd>/</kbd>", "help.search"},
	{"<kbd>x</kbd>", "help.x"},
	{"<kbd>m</kbd>", "help.m"},
	{"<kbd>?</kbd>", "help.help"},
}

// codeContent are the pages whose content is written by code; with the
// signed-in chrome, render writes their whole document by writeDocument,
// content and all, into its one buffer.
var codeContent = map[string]func(*pageData, *bytes.Buffer){
	"inbox":  (*pageData).writeInbox,
	"ticket": (*pageData).writeTicket,
}

// writeDocument writes layout.html's signed-in document, content writing
// the page's own part inside <main>, byte for byte what the template
// writes (TestDocument).
func (p *pageData) writeDocument(b *bytes.Buffer, assets *assetSet, content func(*pageData, *bytes.Buffer)) {
	s := b.WriteString
	t := func(key string) { escape(b, p.T(key)) }
	s("<!doctype html>\n<html lang=\"")
	escape(b, p.Lang)
	s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>")
	if p.TitleText != "" {
		escape(b, p.TitleText)
	} else {
		t(p.Title)
	}
	s(" · ticketd</title>\n<link rel=\"stylesheet\" href=\"")
	escape(b, assets.URL("app.css"))
	s("\">\n<script src=\"")
	escape(b, assets.URL("app.js"))
	s("\" defer></script>\n</head>\n<body class=\"app\">\n")
	s(spriteHTML)
	s("\n\n<a class=\"skip\" href=\"#main\">")
	t("nav.skip")
	s("</a>\n")
	p.writeChrome(b)
	s("\n<main id=\"main\" class=\"main\" data-live=\"/stream\" data-live-match=\"/stream/match\" data-live-new=\"")
	t("live.new")
	s("\" data-live-viewing=\"")
	t("live.viewing")
	s("\" data-live-typing=\"")
	t("live.typing")
	s("\" data-me=\"")
	escape(b, p.Agent.ID)
	s("\" data-csrf=\"")
	escape(b, p.CSRF)
	s("\">")
	content(p, b)
	s("</main>\n")
	p.writeHelp(b)
	s("\n\n</body>\n</html>\n")
}
