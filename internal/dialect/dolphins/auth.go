package dolphins

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// tokenLabel marks tokens issued by this door.
const tokenLabel = "3dolphins"

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Workspace (an id or a name) picks one when the same login exists in
	// several workspaces; a ticketd extension, optional.
	Workspace string `json:"workspace"`
}

// POST /dolphin/apiv1/graph/auth — "Get Token"
//
//	Request {"username": "...", "password": "..."}
//	Response {"token": "...", "expireAt": "2020-10-22T17:40:55.372+07:00[Asia/Jakarta]"}
func (d *Door) login(w http.ResponseWriter, r *http.Request) {
	var in loginRequest
	if err := decodeBody(r.Body, &in); err != nil {
		d.fail(w, r, err)
		return
	}
	if strings.TrimSpace(in.Username) == "" || in.Password == "" {
		failed(w, http.StatusBadRequest, "username and password are required")
		return
	}
	ctx := r.Context()
	a, err := d.cfg.Auth.Login(ctx, in.Username, in.Password, in.Workspace)
	if errors.Is(err, desk.ErrAuth) {
		failed(w, http.StatusUnauthorized, "Invalid username or password")
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	tok, t, err := d.cfg.Auth.IssueToken(ctx, a, tokenLabel, d.cfg.TokenTTL)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if err := d.cfg.Desk.RecordLogin(ctx, a.WorkspaceID, a.ID); err != nil {
		d.fail(w, r, err)
		return
	}
	ws, err := d.cfg.Desk.Store.Workspace(ctx, a.WorkspaceID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: tok, ExpireAt: javaZoned(t.ExpiresAt, d.location(ws))})
}

// bearer returns the token of "Authorization: Bearer <token>" (scheme
// case-insensitive), or, when query is set, of ?access_token=Bearer <token>
// (the form of the file URLs this door hands out).
func bearer(r *http.Request, query bool) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		if ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if !query {
		return ""
	}
	v := strings.TrimSpace(r.URL.Query().Get("access_token"))
	if scheme, tok, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "bearer") {
		return strings.TrimSpace(tok)
	}
	return v
}

// authenticated lets through only callers with a valid, unexpired token.
func (d *Door) authenticated(h http.Handler) http.Handler {
	return d.guard(h, false)
}

func (d *Door) guard(h http.Handler, query bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := d.cfg.Auth.Token(r.Context(), bearer(r, query))
		if err != nil {
			if !errors.Is(err, desk.ErrAuth) {
				d.fail(w, r, err)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="3dolphins"`)
			failed(w, http.StatusUnauthorized, "Unauthorized: missing, invalid or expired token")
			return
		}
		h.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}
