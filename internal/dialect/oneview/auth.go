package oneview

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// call is an authenticated request about one agent.
type call struct {
	p     *auth.Principal
	agent *desk.Agent
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call)

// forAgent guards the {agentID} routes: a valid bearer token (401), a
// well-formed agent id (400; see parseAgentID), the caller itself or a supervisor/admin of
// its workspace (403), an agent of that workspace (404).
func (h *Handler) forAgent(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := h.authenticate(r)
		if p == nil {
			writeError(w, http.StatusUnauthorized)
			return
		}
		id, ok := parseAgentID(r.PathValue("agentID"))
		if !ok {
			writeError(w, http.StatusBadRequest)
			return
		}
		if id != p.AgentID && !p.Can(desk.RoleSupervisor) {
			writeError(w, http.StatusForbidden)
			return
		}
		h.serveAgent(w, r, p, id, fn)
	})
}

// forSelf guards the successor routes, where the token names the agent.
func (h *Handler) forSelf(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := h.authenticate(r)
		if p == nil {
			writeError(w, http.StatusUnauthorized)
			return
		}
		h.serveAgent(w, r, p, p.AgentID, fn)
	})
}

func (h *Handler) serveAgent(w http.ResponseWriter, r *http.Request, p *auth.Principal, id string, fn handlerFunc) {
	a, err := h.Desk.Store.Agent(r.Context(), p.WorkspaceID, id)
	if err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			writeError(w, http.StatusNotFound)
			return
		}
		h.fail(w, r, err)
		return
	}
	fn(w, r.WithContext(auth.With(r.Context(), p)), &call{p: p, agent: a})
}

// authenticate resolves "Authorization: bearer <token>" (any case of the
// scheme, as the blueprint writes it lower-case) to a principal.
func (h *Handler) authenticate(r *http.Request) *auth.Principal {
	tok, ok := parseBearer(r.Header.Get("Authorization"))
	if !ok {
		return nil
	}
	p, err := h.Auth.Token(r.Context(), tok)
	if err != nil {
		return nil
	}
	return p
}

// parseBearer returns the token of a bearer Authorization header.
func parseBearer(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", false
	}
	return tok, true
}

// parseAgentID accepts a well-formed agent id, lower-cased: ticketd's own
// (24 hex digits) or the vendor's UUID form (the blueprint's example). A
// UUID never names a ticketd agent, so it ends in 404, as the blueprint
// answers an unknown agent; only other shapes are a bad request (400).
func parseAgentID(s string) (string, bool) {
	id := strings.ToLower(s)
	if !objectid.Valid(id) && !isUUID(id) {
		return "", false
	}
	return id, true
}

// isUUID reports whether s is a lower-case UUID, 8-4-4-4-12 hex digits
// (any version: the vendor's ids are opaque to us).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}
