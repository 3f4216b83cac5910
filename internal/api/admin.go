package api

import (
	"net/http"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// API tokens and agents' access: what the desk's admin pages do.

type tokenJSON struct {
	ID         string            `json:"id"`
	AgentID    string            `json:"agent_id"`
	Label      string            `json:"label"`
	Prefix     string            `json:"prefix" doc:"the start of the secret (tkd_ and 6 characters), to tell tokens apart; empty for tokens made before it was kept"`
	CreatedAt  jsontext.Instant  `json:"created_at"`
	ExpiresAt  *jsontext.Instant `json:"expires_at"`
	LastUsedAt *jsontext.Instant `json:"last_used_at" doc:"to a few minutes"`
	Current    bool              `json:"current" doc:"the token of this request"`
}

type tokenList struct {
	Tokens     []tokenJSON `json:"tokens"`
	NextCursor *string     `json:"next_cursor"`
}

func toTokenJSON(t *desk.Token, p *auth.Principal) tokenJSON {
	return tokenJSON{ID: t.ID, AgentID: t.AgentID, Label: t.Label, Prefix: t.Prefix, CreatedAt: jsontext.Instant(t.CreatedAt),
		ExpiresAt: optTime(t.ExpiresAt), LastUsedAt: optTime(t.LastUsedAt), Current: t.ID == p.TokenID}
}

func (a *API) tokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, ok := intParam(w, q.Get("limit"), 50, 1, auth.MaxTokenPage)
	if !ok {
		return
	}
	agent := q.Get("agent")
	if agent == "me" {
		agent = p.AgentID
	}
	ts, err := a.Auth.Tokens(r.Context(), p, agent, q.Get("cursor"), limit+1)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := tokenList{Tokens: make([]tokenJSON, 0, len(ts))}
	if len(ts) > limit {
		c := ts[limit-1].ID
		out.NextCursor, ts = &c, ts[:limit]
	}
	for i := range ts {
		out.Tokens = append(out.Tokens, toTokenJSON(&ts[i], p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Auth.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type agentTokenRequest struct {
	Label      string `json:"label,omitempty"`
	TTLSeconds int64  `json:"ttl_seconds,omitempty" doc:"0 = never expires"`
}

type agentTokenResponse struct {
	Token     string    `json:"token" doc:"the secret, shown this once"`
	TokenInfo tokenJSON `json:"token_info"`
	Agent     agentJSON `json:"agent"`
}

func (a *API) createAgentToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in agentTokenRequest
	if !decode(w, r, &in) {
		return
	}
	tok, t, ag, err := a.Auth.IssueAgentToken(r.Context(), p, r.PathValue("id"), in.Label, time.Duration(in.TTLSeconds)*time.Second)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, agentTokenResponse{Token: tok, TokenInfo: toTokenJSON(t, p), Agent: toAgentJSON(ag)})
}

func (a *API) deactivateAgent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ag, err := a.Auth.Deactivate(r.Context(), p.WorkspaceID, r.PathValue("id"), p.Actor())
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}

func (a *API) activateAgent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ag, err := a.Auth.Activate(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}
