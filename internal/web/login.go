package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Login throttle: more than MaxFailures failed sign-ins within
// FailureWindow, for one account or from one address, answer 429 until
// the oldest of them leaves the window. Failures are counted in the store,
// so the limit holds across nodes.
const (
	MaxFailures   = 10
	FailureWindow = time.Minute
)

type loginData struct {
	Email string
	Next  string
	Error string
}

func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request) {
	if v, err := w.visitOf(r); err == nil && v != nil {
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return
	}
	w.renderLogin(rw, r, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (w *Web) renderLogin(rw http.ResponseWriter, r *http.Request, status int, d loginData) {
	w.render(rw, r, status, "login", &pageData{Lang: langOf(r), Title: "login.title", Login: &d})
}

// throttleKeys are the keys a sign-in is counted under: the account and
// the client address, hashed so the table holds no e-mail addresses.
func throttleKeys(email string, r *http.Request) []string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	h := func(s string) string { x := sha256.Sum256([]byte(s)); return hex.EncodeToString(x[:16]) }
	return []string{"a:" + h(strings.ToLower(strings.TrimSpace(email))), "i:" + h(ip)}
}

// throttled answers how long the client must wait, 0 when it may try.
func (w *Web) throttled(r *http.Request, keys []string) (time.Duration, error) {
	sr, err := w.sessions()
	if err != nil {
		return 0, err
	}
	now := w.now()
	var wait time.Duration
	for _, k := range keys {
		n, oldest, err := sr.LoginFailures(r.Context(), k, now.Add(-FailureWindow))
		if err != nil {
			return 0, fmt.Errorf("login throttle: %w", err)
		}
		if n >= MaxFailures {
			wait = max(wait, oldest.Add(FailureWindow).Sub(now))
		}
	}
	return wait, nil
}

func (w *Web) login(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	d := loginData{Email: email, Next: safeNext(r.PostFormValue("next"))}
	lang := langOf(r)
	if email == "" || password == "" {
		d.Error = T(lang, "login.missing")
		w.renderLogin(rw, r, http.StatusBadRequest, d)
		return
	}
	keys := throttleKeys(email, r)
	wait, err := w.throttled(r, keys)
	if err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		rw.Header().Set("Retry-After", strconv.Itoa(secs))
		d.Error = T(lang, "login.throttled", "seconds", strconv.Itoa(secs))
		w.renderLogin(rw, r, http.StatusTooManyRequests, d)
		return
	}
	a, err := w.cfg.Auth.Login(r.Context(), email, password, "")
	if errors.Is(err, auth.ErrUnauthorized) {
		now := w.now()
		err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error {
			for _, k := range keys {
				if err := sw.AddLoginFailure(r.Context(), k, now, now.Add(-FailureWindow)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			w.fail(rw, r, nil, err)
			return
		}
		d.Error = T(lang, "login.wrong")
		w.renderLogin(rw, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	if a.Role == desk.RoleBot {
		d.Error = T(lang, "login.wrong")
		w.renderLogin(rw, r, http.StatusUnauthorized, d)
		return
	}
	if err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error { return sw.ClearLoginFailures(r.Context(), keys[0]) }); err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	if err := w.startSession(rw, r, a); err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	if err := w.cfg.Desk.RecordLogin(r.Context(), a.WorkspaceID, a.ID); err != nil {
		w.log.Warn("desk: record login", "err", err)
	}
	http.Redirect(rw, r, d.Next, http.StatusSeeOther)
}
