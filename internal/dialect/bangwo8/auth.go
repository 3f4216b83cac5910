package bangwo8

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Who may call a route ("调用者权限" in the seed).
type access int

const (
	public   access = iota // no credentials (file links, unknown routes)
	anyAgent               // 所有客服
	admin                  // 管理员
)

// guard authenticates the caller and checks the route's access:
//
//	Authorization: Basic base64(email:password)   the seed's -u {account}:{password}
//	Authorization: Basic base64(email:tkd_…)      an API token as the password
//	Authorization: Bearer tkd_…                   B2's OAuth2 access token
//
// Passwords cost one argon2id per auth cache period, never one per request
// (auth.Service.Password caches the outcome).
func (d *Door) guard(rt endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.access == public {
			rt.h(w, r, nil)
			return
		}
		p := d.authenticate(r)
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Basic realm="bangwo8", charset="UTF-8"`)
			writeError(w, http.StatusUnauthorized, codeUnauthorized, msgAuth)
			return
		}
		if rt.access == admin && !p.Can(desk.RoleAdmin) {
			writeError(w, http.StatusForbidden, codeForbidden, msgForbidden)
			return
		}
		rt.h(w, r.WithContext(auth.With(r.Context(), p)), p)
	})
}

func (d *Door) authenticate(r *http.Request) *auth.Principal {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "bearer") {
		p, err := d.Auth.Token(r.Context(), cred)
		if err != nil {
			return nil
		}
		return p
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user == "" || pass == "" {
		return nil
	}
	// A token names its agent; the account part is not checked against it
	// (Zendesk-style "email/token" accounts work unchanged). A password that
	// merely looks like a token is still tried as a password.
	if strings.HasPrefix(pass, auth.TokenPrefix) {
		if p, err := d.Auth.Token(r.Context(), pass); err == nil {
			return p
		}
	}
	p, err := d.Auth.Password(r.Context(), user, pass)
	if err != nil {
		return nil
	}
	return p
}
