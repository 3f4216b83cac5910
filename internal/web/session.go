package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// CookieName is the session cookie.
const CookieName = "tkd_session"

// visit is one signed-in request: who, in which workspace, in which
// language.
type visit struct {
	sess  *desk.Session
	agent *desk.Agent
	ws    *desk.Workspace
	loc   *time.Location
	lang  string
	p     *auth.Principal
	dir   *directory // this request's directory (directory.go), once read
	// contactsVersion is the workspace's contacts version, read with dir
	// (contactcache.go).
	contactsVersion int64
	// seq is the workspace's last event seq, read with the session: the
	// view counts of a page are those as of it (counts.go). 0 once an
	// action may have changed tickets since, so counts read it afresh.
	seq int64
}

func (v *visit) caller() *desk.Caller { return v.p.Caller() }
func (v *visit) actor() desk.Actor    { return v.p.Actor() }

func (w *Web) now() time.Time { return w.cfg.Desk.Clock() }

func (w *Web) sessions() (desk.SessionReader, error) {
	r, ok := w.cfg.Desk.Store.(desk.SessionReader)
	if !ok {
		return nil, fmt.Errorf("store %s keeps no desk sessions", w.cfg.Desk.Store.Backend())
	}
	return r, nil
}

// writeSessions runs fn in a transaction of the store's session writer.
func (w *Web) writeSessions(ctx context.Context, fn func(desk.SessionWriter) error) error {
	return w.cfg.Desk.Store.Update(ctx, func(tx desk.Tx) error {
		sw, ok := tx.(desk.SessionWriter)
		if !ok {
			return fmt.Errorf("store %s keeps no desk sessions", w.cfg.Desk.Store.Backend())
		}
		return fn(sw)
	})
}

func hashID(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

func randomToken() (string, error) {
	b := make([]byte, 32) // 256 bits
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// live reports whether s may still be used at now: inside both its idle
// and its absolute lifetime.
func live(s *desk.Session, now time.Time) bool {
	return now.Before(s.ExpiresAt) && now.Before(s.SeenAt.Add(IdleTimeout))
}

// startSession creates a session for a and sets its cookie.
func (w *Web) startSession(rw http.ResponseWriter, r *http.Request, a *desk.Agent) error {
	id, err := randomToken()
	if err != nil {
		return err
	}
	csrf, err := randomToken()
	if err != nil {
		return err
	}
	now := w.now()
	s := &desk.Session{Hash: hashID(id), WorkspaceID: a.WorkspaceID, AgentID: a.ID, CSRF: csrf,
		PasswordMark: desk.PasswordMark(a.PasswordHash), CreatedAt: now,
		SeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout)}
	if err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error { return sw.CreateSession(r.Context(), s) }); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	http.SetCookie(rw, w.cookie(r, id, s.ExpiresAt))
	return nil
}

func (w *Web) cookie(r *http.Request, value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: w.secure || r.TLS != nil}
	if expires.IsZero() {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	return c
}

// session finds the request's live session, or nil, and its workspace's
// versions as the same read saw them.
func (w *Web) session(r *http.Request) (*desk.Session, desk.Versions, error) {
	var ver desk.Versions
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, ver, nil
	}
	sr, err := w.sessions()
	if err != nil {
		return nil, ver, err
	}
	s, ver, err := sr.SessionVisit(r.Context(), hashID(c.Value))
	if errors.Is(err, desk.ErrNotFound) {
		return nil, ver, nil
	}
	if err != nil {
		return nil, ver, err
	}
	now := w.now()
	if !live(s, now) {
		return nil, ver, nil
	}
	if now.Sub(s.SeenAt) >= touchEvery {
		// Sliding idle expiry without a write per request.
		if err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error { return sw.TouchSession(r.Context(), s.Hash, now) }); err != nil {
			w.log.Warn("desk: refresh session", slog.Any("err", err))
		}
	}
	return s, ver, nil
}

// visitOf loads the signed-in agent and workspace of r; nil without a
// session.
func (w *Web) visitOf(r *http.Request) (*visit, error) {
	s, ver, err := w.session(r)
	if err != nil || s == nil {
		return nil, err
	}
	// The agent and workspace come from the directory, exact at the
	// version the session's read saw (directory.go); that read also
	// checked the agent is active and its password unchanged.
	d, err := w.loadDir(r.Context(), s.WorkspaceID, ver.Directory.Directory)
	if err != nil {
		return nil, err
	}
	cached := d.byID[s.AgentID]
	if cached == nil {
		return nil, nil
	}
	// Copies: handlers may change their visit's agent and workspace.
	a, ws := *cached, *d.ws
	return &visit{sess: s, agent: &a, ws: &ws, loc: agentZone(&a, &ws), lang: agentLang(r, &a, &ws), dir: d,
		contactsVersion: ver.Directory.Contacts, seq: ver.LastEventSeq, p: &auth.Principal{WorkspaceID: a.WorkspaceID, AgentID: a.ID, Role: s.Role}}, nil
}

// page wraps a GET handler: without a session it sends the browser to
// the sign-in page and back.
func (w *Web) page(h func(http.ResponseWriter, *http.Request, *visit) error) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		v, err := w.visitOf(r)
		if err != nil {
			w.fail(rw, r, nil, err)
			return
		}
		if v == nil {
			http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err := h(rw, r, v); err != nil {
			w.fail(rw, r, v, err)
		}
	})
}

// action wraps a state-changing POST: it needs a session and the
// session's CSRF token (form field csrf or header X-CSRF-Token); without
// either it answers 403 and changes nothing.
func (w *Web) action(h func(http.ResponseWriter, *http.Request, *visit) error) http.Handler {
	return w.actionMax(maxForm, h)
}

// actionMax is action with a body limit of its own (forms with files).
func (w *Web) actionMax(limit int64, h func(http.ResponseWriter, *http.Request, *visit) error) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(rw, r.Body, limit)
		v, err := w.visitOf(r)
		if err != nil {
			w.fail(rw, r, nil, err)
			return
		}
		if v == nil {
			w.fail(rw, r, nil, &errPage{http.StatusForbidden, "err.signed_out"})
			return
		}
		if r.ContentLength > limit || tooBig(r) {
			w.fail(rw, r, v, &errPage{http.StatusRequestEntityTooLarge, "err.too_large"})
			return
		}
		tok := r.Header.Get("X-CSRF-Token")
		if tok == "" {
			tok = r.PostFormValue("csrf")
		}
		if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(v.sess.CSRF)) != 1 {
			w.fail(rw, r, v, &errPage{http.StatusForbidden, "err.csrf"})
			return
		}
		v.seq = 0 // the page it may render shows counts after its writes
		if err := h(rw, r, v); err != nil {
			w.fail(rw, r, v, err)
		}
	})
}

// maxForm bounds a form's body.
const maxForm = 1 << 20

func (w *Web) logout(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error { return sw.DeleteSession(r.Context(), v.sess.Hash) }); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	http.SetCookie(rw, w.cookie(r, "", time.Time{}))
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
