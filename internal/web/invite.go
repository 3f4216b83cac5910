package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Invitations (docs/web.md, "Inviting agents"). An admin invites an agent
// from Admin → Agents; the link is shown once (a one-time view, flash.go);
// the agent opens /invite/{token} without a session, chooses a password
// and lands in the inbox signed in. desk decides every rule (who may
// invite, expiry, single use, the password's length).

// invitePath is where invitation links point.
const invitePath = "/invite/"

// inviteData is the /invite/{token} page.
type inviteData struct {
	Token  string
	Name   string
	Email  string
	Errors map[string]string // by field: name, password, confirm, "_"
	// Gone is set on the page of a link that no longer works.
	Gone      bool
	NotFound  bool
	Throttled bool
	Min       int
}

// inviteThrottleKey counts unknown invitation tokens from an address, as
// the login throttle counts failed sign-ins (the same store and limits).
func inviteThrottleKey(r *http.Request) string {
	return "v:" + throttleKeys("", r)[1]
}

// invitation finds the link's invitation; on a link that does not work it
// answers the page saying so and nil.
func (w *Web) invitation(rw http.ResponseWriter, r *http.Request) (*desk.Invitation, *desk.Agent, *desk.Workspace, bool) {
	key := inviteThrottleKey(r)
	wait, err := w.throttled(r, []string{key})
	if err != nil {
		w.fail(rw, r, nil, err)
		return nil, nil, nil, false
	}
	lang := langOf(r)
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		rw.Header().Set("Retry-After", strconv.Itoa(secs))
		w.renderInvite(rw, r, lang, http.StatusTooManyRequests, &inviteData{Errors: map[string]string{"_": T(lang, "login.throttled", "seconds", strconv.Itoa(secs))}, Throttled: true})
		return nil, nil, nil, false
	}
	tok := r.PathValue("token")
	inv, a, err := w.cfg.Desk.Invitation(r.Context(), tok)
	switch {
	case errors.Is(err, desk.ErrInvitationGone):
		ws, werr := w.cfg.Desk.Store.Workspace(r.Context(), inv.WorkspaceID)
		if werr != nil {
			w.fail(rw, r, nil, werr)
			return nil, nil, nil, false
		}
		w.renderInvite(rw, r, deskLang(r, ws), http.StatusGone, &inviteData{Gone: true})
		return nil, nil, nil, false
	case errors.Is(err, desk.ErrNotFound):
		now := w.now()
		if err := w.writeSessions(r.Context(), func(sw desk.SessionWriter) error {
			return sw.AddLoginFailure(r.Context(), key, now, now.Add(-FailureWindow))
		}); err != nil {
			w.fail(rw, r, nil, err)
			return nil, nil, nil, false
		}
		w.renderInvite(rw, r, lang, http.StatusNotFound, &inviteData{NotFound: true})
		return nil, nil, nil, false
	case err != nil:
		w.fail(rw, r, nil, err)
		return nil, nil, nil, false
	}
	ws, err := w.cfg.Desk.Store.Workspace(r.Context(), inv.WorkspaceID)
	if err != nil {
		w.fail(rw, r, nil, err)
		return nil, nil, nil, false
	}
	return inv, a, ws, true
}

func (w *Web) renderInvite(rw http.ResponseWriter, r *http.Request, lang string, status int, d *inviteData) {
	d.Min = desk.MinPassword
	// The link's token stays out of other sites' logs (Referrer-Policy
	// same-origin already) and out of this page's links.
	w.render(rw, r, status, "invite", &pageData{Lang: lang, Title: "invite.title", Invite: d})
}

// invitePage is GET /invite/{token}: the form to choose a password.
func (w *Web) invitePage(rw http.ResponseWriter, r *http.Request) {
	_, a, ws, ok := w.invitation(rw, r)
	if !ok {
		return
	}
	w.renderInvite(rw, r, deskLang(r, ws), http.StatusOK, &inviteData{Token: r.PathValue("token"), Name: a.Name, Email: a.Email})
}

// acceptInvite is POST /invite/{token}: the password (twice) and the name;
// on success the agent is signed in, as /login signs in, and lands in the
// inbox.
func (w *Web) acceptInvite(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
	_, a, ws, ok := w.invitation(rw, r)
	if !ok {
		return
	}
	lang := deskLang(r, ws)
	name, pw, confirm := r.PostFormValue("name"), r.PostFormValue("password"), r.PostFormValue("confirm")
	d := &inviteData{Token: r.PathValue("token"), Name: name, Email: a.Email, Errors: map[string]string{}}
	err := desk.CheckPassword(pw)
	switch {
	case err != nil:
		if fe, ok := desk.AsFieldError(err); ok && fe.Code == desk.CodeRange {
			d.Errors["password"] = T(lang, "invite.password_short", "min", strconv.Itoa(desk.MinPassword))
		} else {
			d.Errors["password"] = ErrorText(lang, err)
		}
	case pw != confirm:
		d.Errors["confirm"] = T(lang, "invite.mismatch")
	}
	if len(d.Errors) > 0 {
		w.renderInvite(rw, r, lang, http.StatusUnprocessableEntity, d)
		return
	}
	hash, err := w.cfg.Auth.Hasher.Hash(pw)
	if err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	a, err = w.cfg.Desk.AcceptInvitation(r.Context(), r.PathValue("token"), name, hash)
	switch {
	case errors.Is(err, desk.ErrInvitationGone):
		w.renderInvite(rw, r, lang, http.StatusGone, &inviteData{Gone: true})
		return
	case err != nil:
		if fe, ok := desk.AsFieldError(err); ok && fe.Field == "name" {
			d.Errors["name"] = ErrorText(lang, err)
			w.renderInvite(rw, r, lang, http.StatusUnprocessableEntity, d)
			return
		}
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
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}

// --- the admin's side

// inviteLink is the link of an invitation token: under --public-url when
// set, else under the scheme and host the admin's request came to (as
// the API's link, api.InviteURL).
func (w *Web) inviteLink(r *http.Request, token string) string {
	base := strings.TrimRight(w.cfg.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + invitePath + token
}

// showInvited redirects to the one-time view of a new invitation link.
func (w *Web) showInvited(rw http.ResponseWriter, r *http.Request, v *visit, agentID, token string) error {
	id, err := w.putFlash(r, v, flash{Kind: "invite", Secret: w.inviteLink(r, token), Ref: agentID})
	if err != nil {
		return err
	}
	http.Redirect(rw, r, "/admin/agents/"+agentID+"/invited/"+id, http.StatusSeeOther)
	return nil
}

// invitedView is the one-time view of an invitation link: the agent's
// page with the link on top, once; a second GET says the link was shown.
func (w *Web) invitedView(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.agentData(r, v)
	if err != nil {
		return err
	}
	f, err := w.takeFlash(r, v, r.PathValue("flash"), "invite")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if f != nil && f.Ref == d.Agent.ID {
		d.InviteLink = f.Secret
	} else {
		d.InviteShown, status = true, http.StatusGone
	}
	return w.showAdmin(rw, r, v, status, "admin.agent", d)
}

// newInvitation issues a new link for the agent (revoking the old one).
func (w *Web) newInvitation(rw http.ResponseWriter, r *http.Request, v *visit) error {
	tok, _, a, err := w.cfg.Desk.Invite(r.Context(), v.ws.ID, *v.caller(), r.PathValue("id"))
	if err != nil {
		return w.invitationRefused(rw, r, v, err)
	}
	return w.showInvited(rw, r, v, a.ID, tok)
}

func (w *Web) revokeInvitation(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := w.cfg.Desk.RevokeInvitation(r.Context(), v.ws.ID, *v.caller(), r.PathValue("id")); err != nil {
		return w.invitationRefused(rw, r, v, err)
	}
	http.Redirect(rw, r, "/admin/agents/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// invitationRefused shows desk's refusal beside the invitation's buttons.
func (w *Web) invitationRefused(rw http.ResponseWriter, r *http.Request, v *visit, err error) error {
	d, derr := w.agentData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, map[string]string{}, nil)
	if err != nil {
		return err
	}
	f.Errors = map[string]string{"invite": f.Errors["_"]}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.agent", d)
}
