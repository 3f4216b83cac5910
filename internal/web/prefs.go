package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// The signed-in agent's Preferences page (/settings/profile): the desk's
// language and time zone kept on the agent, and a password change that
// checks the current one (docs/web.md).

// agentLang is the language of a signed-in request: the agent's stored
// language, else deskLang (this browser's pick, the workspace's default,
// Accept-Language).
func agentLang(r *http.Request, a *desk.Agent, ws *desk.Workspace) string {
	if slices.Contains(Languages, a.Language) {
		return a.Language
	}
	return deskLang(r, ws)
}

// agentZone is where the agent's pages show times: its own zone, else the
// workspace's.
func agentZone(a *desk.Agent, ws *desk.Workspace) *time.Location {
	if a.TimeZone != "" {
		return zone(a.TimeZone)
	}
	return zone(ws.Timezone)
}

// prefsData is the Preferences page.
type prefsData struct {
	Zones []string // the zone picker's choices
	Form  *form    // the preferences form, when refused
	Pass  *form    // the password form, when refused
	Saved string   // "prefs" or "password" after a change
}

// commonZones are the zone picker's choices (the API takes any IANA name;
// a stored zone that is not here is added to the list).
var commonZones = []string{
	"UTC", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver", "America/Lima",
	"America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Santiago", "America/Sao_Paulo",
	"America/Toronto", "Asia/Bangkok", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jayapura",
	"Asia/Kolkata", "Asia/Makassar", "Asia/Manila", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore",
	"Asia/Taipei", "Asia/Tokyo", "Atlantic/Canary", "Australia/Perth", "Australia/Sydney", "Europe/Berlin",
	"Europe/Istanbul", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Paris", "Pacific/Auckland",
}

func zonesWith(extra ...string) []string {
	out := slices.Clone(commonZones)
	for _, z := range extra {
		if z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.Sort(out[1:])
	return out
}

func (w *Web) showPrefs(rw http.ResponseWriter, r *http.Request, v *visit, status int, d *prefsData) error {
	nav, _, err := w.nav(r.Context(), v, "profile")
	if err != nil {
		return err
	}
	if d.Zones == nil {
		d.Zones = zonesWith(v.agent.TimeZone, v.ws.Timezone)
	}
	p := w.newPage(v, "prefs.title")
	p.Nav, p.Prefs = nav, d
	w.render(rw, r, status, "profile", p)
	return nil
}

func (w *Web) prefsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.showPrefs(rw, r, v, http.StatusOK, &prefsData{Saved: r.URL.Query().Get("saved")})
}

var prefsFields = map[string]string{"language": "language", "time_zone": "time_zone"}

func (w *Web) savePrefs(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := map[string]string{"language": r.PostFormValue("language"), "time_zone": r.PostFormValue("time_zone")}
	lang, tz := in["language"], in["time_zone"]
	_, err := w.cfg.Auth.UpdateAgent(r.Context(), v.ws.ID, v.agent.ID, desk.AgentPatch{Language: &lang, TimeZone: &tz})
	if err == nil {
		http.Redirect(rw, r, "/settings/profile?saved=prefs", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, prefsFields, in)
	if err != nil {
		return err
	}
	return w.showPrefs(rw, r, v, status, &prefsData{Form: f, Zones: zonesWith(v.agent.TimeZone, v.ws.Timezone, tz)})
}

func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request, v *visit) error {
	cur, next, again := r.PostFormValue("current_password"), r.PostFormValue("password"), r.PostFormValue("password_again")
	var err error
	if next != again {
		err = &fieldRefusal{field: "password_again", key: "prefs.password_mismatch"}
	} else {
		var a *desk.Agent
		a, err = w.cfg.Auth.ChangePassword(r.Context(), v.ws.ID, v.agent.ID, cur, next)
		if err == nil {
			// The change ended every session of the agent, this one too:
			// this browser goes on in a new one.
			if err := w.startSession(rw, r, a); err != nil {
				return err
			}
			http.Redirect(rw, r, "/settings/profile?saved=password", http.StatusSeeOther)
			return nil
		}
	}
	// Passwords are never written back into the form.
	f := &form{Errors: map[string]string{}, Values: map[string]string{}}
	status := http.StatusUnprocessableEntity
	var fr *fieldRefusal
	switch {
	case errors.As(err, &fr):
		f.Errors[fr.field] = T(v.lang, fr.key)
	case errors.Is(err, auth.ErrWrongPassword):
		f.Errors["current_password"], status = T(v.lang, "prefs.wrong_password"), http.StatusForbidden
	default:
		var rerr error
		if f, status, rerr = refusedForm(v.lang, err, map[string]string{"password": "password", "current_password": "current_password"}, map[string]string{}); rerr != nil {
			return rerr
		}
	}
	return w.showPrefs(rw, r, v, status, &prefsData{Pass: f})
}

// fieldRefusal is a form's own refusal of one field, in the catalog's
// words (key).
type fieldRefusal struct{ field, key string }

func (e *fieldRefusal) Error() string { return e.field + ": " + e.key }

// storeLanguage keeps the language switcher's pick on the signed-in agent
// when the form carries the session's CSRF token (the switcher on desk
// pages does; the sign-in page's only sets the cookie). It reports whether
// it stored.
func (w *Web) storeLanguage(r *http.Request, lang string) bool {
	v, err := w.visitOf(r)
	if err != nil || v == nil {
		return false
	}
	tok := r.PostFormValue("csrf")
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(v.sess.CSRF)) != 1 {
		return false
	}
	if _, err := w.cfg.Auth.UpdateAgent(r.Context(), v.ws.ID, v.agent.ID, desk.AgentPatch{Language: &lang}); err != nil {
		w.log.Warn("desk: store language", "err", err)
		return false
	}
	return true
}

// Now is the page's time (the Preferences page shows it in the agent's
// zone).
func (p *pageData) Now() time.Time { return p.now }
