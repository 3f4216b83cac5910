package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// Invitations (docs/web.md, "Inviting agents"): an agent created without a
// password gets a link to choose one and sign in to the desk.

type invitationResponse struct {
	URL       string           `json:"url" doc:"the invitation link ({public-url}/invite/{token}), answered this once: only its hash is kept"`
	ExpiresAt jsontext.Instant `json:"expires_at" doc:"7 days after it was issued; it also stops working once used"`
	CreatedAt jsontext.Instant `json:"created_at"`
	Agent     agentJSON        `json:"agent"`
}

func (a *API) createInvitation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	tok, inv, ag, err := a.Desk.Invite(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, invitationResponse{URL: InviteURL(a.PublicURL, r, tok), ExpiresAt: jsontext.Instant(inv.ExpiresAt),
		CreatedAt: jsontext.Instant(inv.CreatedAt), Agent: withInvitation(toAgentJSON(ag), inv)})
}

func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Desk.RevokeInvitation(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// InviteURL is an invitation's link: under publicURL when set, else under
// the scheme and host the request came to.
func InviteURL(publicURL string, r *http.Request, token string) string {
	base := strings.TrimRight(publicURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/invite/" + token
}

// withInvitation sets an agent's invitation fields from its pending
// invitation (nil: none).
func withInvitation(out agentJSON, inv *desk.Invitation) agentJSON {
	if inv != nil {
		out.InvitationPending, out.InvitationExpiresAt = true, optTime(inv.ExpiresAt)
	}
	return out
}

// writeAgent answers one agent with its invitation state.
func (a *API) writeAgent(w http.ResponseWriter, r *http.Request, status int, ag *desk.Agent) {
	inv, err := a.pendingInvitation(r.Context(), ag)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, status, withInvitation(toAgentJSON(ag), inv))
}

// pendingInvitation reads one only for agents that can have one.
func (a *API) pendingInvitation(ctx context.Context, ag *desk.Agent) (*desk.Invitation, error) {
	if ag.PasswordHash != "" || ag.Role == desk.RoleBot {
		return nil, nil
	}
	return a.Desk.PendingInvitation(ctx, ag.WorkspaceID, ag.ID)
}

// invitedOnly is the agent's pending invitation from pending, for agents
// that can still accept one (an admin may have set a password since).
func invitedOnly(ag *desk.Agent, pending map[string]*desk.Invitation) *desk.Invitation {
	if ag.PasswordHash != "" || ag.Role == desk.RoleBot {
		return nil
	}
	return pending[ag.ID]
}
