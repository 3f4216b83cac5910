package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// TouchEvery bounds how often a token's last use is written: a token is
// read from the store at most once per CacheTTL per node, and stamped then
// only when its stamp is older than this, so heavy use costs no writes.
const TouchEvery = 5 * time.Minute

// touch stamps t's last use when its stamp is stale. It never fails the
// request: the stamp is a convenience for people, not a credential.
func (s *Service) touch(ctx context.Context, t *desk.Token, now time.Time) {
	if now.Sub(t.LastUsedAt) < TouchEvery {
		return
	}
	err := s.Desk.Store.Update(ctx, func(tx desk.Tx) error { return tx.TouchToken(ctx, t.WorkspaceID, t.ID, now) })
	if err != nil {
		s.log().WarnContext(ctx, "auth: stamp a token's last use", slog.String("token", t.ID), slog.Any("err", err))
	}
}

// MaxTokenPage bounds a page of the token list.
const MaxTokenPage = 100

// Tokens lists the API tokens p may see: its own, or with all (admins
// only) every token of the workspace; agentID, when set, narrows the
// list to one agent's (others' only for admins). Oldest first, after the
// id of the last token seen. Secrets are never kept, so never listed.
func (s *Service) Tokens(ctx context.Context, p *Principal, agentID, after string, limit int) ([]desk.Token, error) {
	if agentID == "" && !p.Can(desk.RoleAdmin) {
		agentID = p.AgentID
	}
	if agentID != p.AgentID && !p.Can(desk.RoleAdmin) {
		return nil, desk.Refuse(ActManageTokens, desk.CodeAdminOnly)
	}
	if limit <= 0 || limit > MaxTokenPage+1 { // one more: is there a next page
		return nil, desk.Invalid("limit", desk.CodeRange, desk.Params{Min: 1, Max: MaxTokenPage})
	}
	ts, err := s.Desk.Store.Tokens(ctx, p.WorkspaceID, desk.TokenFilter{AgentID: agentID, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// ActManageTokens is issuing or revoking another agent's API tokens, or
// listing them: admins only.
const ActManageTokens desk.Action = "manage_tokens"

// RevokeToken revokes token id of p's workspace: p's own, or any (admins).
// Another agent's token is not found for a non-admin, as if it did not
// exist. Every node forgets it at once (Revoke).
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id string) error {
	t, err := s.Desk.Store.Token(ctx, p.WorkspaceID, id)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	if t.AgentID != p.AgentID && !p.Can(desk.RoleAdmin) {
		return fmt.Errorf("revoke token %s: %w", id, desk.ErrNotFound)
	}
	return s.Revoke(ctx, p.WorkspaceID, id)
}

// IssueAgentToken creates a named token for agent id of p's workspace (an
// admin's act: a bot's credentials, an integration's). The secret is
// answered once.
func (s *Service) IssueAgentToken(ctx context.Context, p *Principal, id, label string, ttl time.Duration) (string, *desk.Token, *desk.Agent, error) {
	if !p.Can(desk.RoleAdmin) {
		return "", nil, nil, desk.Refuse(ActManageTokens, desk.CodeAdminOnly)
	}
	if len(label) > 200 {
		return "", nil, nil, desk.TooLong("label", 200)
	}
	if ttl < 0 {
		return "", nil, nil, desk.Invalid("ttl_seconds", desk.CodeRange, desk.Params{Min: 0})
	}
	a, err := s.Desk.Store.Agent(ctx, p.WorkspaceID, id)
	if err != nil {
		return "", nil, nil, fmt.Errorf("issue token for agent %s: %w", id, err)
	}
	tok, t, err := s.IssueToken(ctx, a, label, ttl)
	if err != nil {
		return "", nil, nil, err
	}
	return tok, t, a, nil
}
