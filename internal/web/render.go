package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are the pages; each is templates/<name>.html over layout.html.
var pageNames = []string{"login", "inbox", "ticket", "error", "supervisor", "admin", "profile", "invite"}

// parsePages parses every page once per language. A translation whose key
// is a constant ({{.T "key"}} or {{$.T "key"}}, ~280 of them) is put into
// the template's text at parse time, escaped, so executing a page calls
// no method for it: through reflection, those calls were a large share of
// a page's CPU (docs/PERFORMANCE.md). Keys chosen at run time still go
// through pageData.T.
func parsePages(a *assetSet) (map[string]map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":  a.URL,
		"icon":   channelIcon,
		"list":   func(s ...string) []string { return s },
		"sprite": sprite,
	}
	parts, err := fs.Glob(templateFiles, "templates/part.*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]*template.Template{}
	for _, lang := range Languages {
		out[lang] = map[string]*template.Template{}
		for _, n := range pageNames {
			// part.<area>.html files hold templates several pages share.
			t := template.New("layout.html").Funcs(funcs)
			for _, f := range append([]string{"templates/layout.html", "templates/" + n + ".html"}, parts...) {
				src, err := templateFiles.ReadFile(f)
				if err != nil {
					return nil, err
				}
				into := t // t is layout.html: New of its own name would empty it
				if f != "templates/layout.html" {
					into = t.New(path.Base(f))
				}
				if _, err := into.Parse(translateConstants(lang, string(src))); err != nil {
					return nil, fmt.Errorf("%s (%s): %w", f, lang, err)
				}
			}
			out[lang][n] = t
		}
	}
	return out, nil
}

// constantT matches a whole action that translates a constant key.
var constantT = regexp.MustCompile(`\{\{\$?\.T "([a-zA-Z0-9_.]+)"\}\}`)

// translateConstants replaces each constant-key translation in a
// template's source with the escaped text in lang. Escaped for HTML text,
// it is also right inside a quoted attribute, the only two places the
// templates translate into (no inline script or style: the CSP forbids
// them). A translation holding "{{" stays a call: the parser would read
// it as an action.
func translateConstants(lang, src string) string {
	return constantT.ReplaceAllStringFunc(src, func(m string) string {
		s := T(lang, constantT.FindStringSubmatch(m)[1])
		if strings.Contains(s, "{{") {
			return m
		}
		var b bytes.Buffer
		escape(&b, s)
		return b.String()
	})
}

// pageData is what every template gets.
type pageData struct {
	Lang  string
	Title string // a catalog key, or text when TitleText is set
	// TitleText is a title that is not a key (a ticket's subject).
	TitleText string
	CSRF      string
	Agent     *desk.Agent
	Workspace *desk.Workspace
	Nav       *navData
	Login     *loginData
	Inbox     *inboxData
	Ticket    *ticketData
	Board     *boardData
	Admin     *adminData
	Prefs     *prefsData  // the Preferences page (prefs.go)
	Invite    *inviteData // /invite/{token} (invite.go)
	// Error is the page's error, already in Lang.
	Error  string
	Status int
	loc    *time.Location
	now    time.Time
}

// T translates key (for templates: {{.T "key"}} or {{$.T "key" "n" "3"}}).
func (p *pageData) T(key string, args ...string) string { return T(p.Lang, key, args...) }

// Langs lists the languages for the picker.
func (p *pageData) Langs() []string { return Languages }

// Time is t in the agent's zone (else the workspace's), as numbers only (no month names to
// translate): today's show the time only.
func (p *pageData) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt, now := t.In(p.loc), p.now.In(p.loc)
	if lt.Year() == now.Year() && lt.YearDay() == now.YearDay() {
		return lt.Format("15:04")
	}
	return lt.Format("2006-01-02 15:04")
}

// FullTime is t in the agent's zone (else the workspace's) with the zone's name, for titles.
func (p *pageData) FullTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02 15:04 MST")
}

// ISO is t as a machine reads it (datetime attributes).
func (p *pageData) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Age says how long ago t was, briefly ("5m", "3h", "2d").
func (p *pageData) Age(t time.Time) string { return p.span(p.now.Sub(t)) }

// Until says how long until t; negative spans read as overdue.
func (p *pageData) Until(t time.Time) string { return p.span(t.Sub(p.now)) }

func (p *pageData) span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return p.T("age.now")
	case d < time.Hour:
		return p.T("age.m", "n", strconv.Itoa(int(d/time.Minute)))
	case d < 48*time.Hour:
		return p.T("age.h", "n", strconv.Itoa(int(d/time.Hour)))
	}
	return p.T("age.d", "n", strconv.Itoa(int(d/(24*time.Hour))))
}

// Past reports whether t has passed.
func (p *pageData) Past(t time.Time) bool { return !t.IsZero() && !p.now.Before(t) }

// newPage is the data of a signed-in page.
func (w *Web) newPage(v *visit, title string) *pageData {
	return &pageData{Lang: v.lang, Title: title, CSRF: v.sess.CSRF, Agent: v.agent, Workspace: v.ws, loc: v.loc, now: w.now()}
}

// securityHeaders go on every HTML page: scripts only from our own files
// (no inline script, so injected markup cannot run), no framing, no
// sniffing, no referrer to other sites.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Encoding, Accept-Language, Cookie")
}

// render executes a page and writes it, gzipped when the client takes it.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, name string, d *pageData) {
	if d.loc == nil {
		d.loc = time.UTC
	}
	if d.now.IsZero() {
		d.now = w.now()
	}
	d.Status = status
	buf := getBuf() // pool.go
	defer putBuf(buf)
	pages := w.pages[d.Lang]
	if pages == nil {
		pages = w.pages[Languages[0]]
	}
	if content := codeContent[name]; content != nil && d.Nav != nil && d.Agent != nil {
		d.writeDocument(buf, w.assets, content)
	} else if err := pages[name].Execute(buf, d); err != nil {
		w.log.Error("desk: render page", slog.String("page", name), slog.Any("err", err))
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	securityHeaders(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	if acceptsGzip(r) && buf.Len() > 1024 {
		h.Set("Content-Encoding", "gzip")
		rw.WriteHeader(status)
		_ = writeGzip(rw, buf.Bytes())
		return
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// fail answers err with an error page in the agent's language; errors
// that are not desk's refusals are logged, never shown.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, v *visit, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		w.log.Error("desk", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	d := &pageData{Lang: langOf(r), Title: "err.title"}
	if v != nil {
		d = w.newPage(v, "err.title")
	}
	d.Error = ErrorText(d.Lang, err)
	w.render(rw, r, status, "error", d)
}

// channelIcon is the sprite symbol of a channel.
func channelIcon(c desk.Channel) string {
	switch c {
	case desk.ChannelEmail:
		return "i-mail"
	case desk.ChannelWhatsApp:
		return "i-whatsapp"
	case desk.ChannelTelegram:
		return "i-telegram"
	case desk.ChannelFacebook, desk.ChannelInstagram:
		return "i-messenger"
	case desk.ChannelSMS, desk.ChannelVoice:
		return "i-phone"
	case desk.ChannelWebchat, desk.ChannelLine, desk.ChannelTwitter:
		return "i-chat"
	}
	return "i-ticket"
}
