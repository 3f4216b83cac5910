package auth

import (
	"context"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// ErrWrongPassword refuses a password change whose current password does
// not match (a desk.ErrForbidden).
var ErrWrongPassword = fmt.Errorf("current password does not match: %w", desk.ErrForbidden)

// ChangePassword sets an agent's own password after checking its current
// one. Like every password change it ends the agent's desk sessions and
// reaches every node's cache (UpdateAgent); the caller starts a new
// session for the browser it came from.
func (s *Service) ChangePassword(ctx context.Context, ws, id, current, next string) (*desk.Agent, error) {
	if next == "" {
		return nil, desk.Required("password")
	}
	if current == "" {
		return nil, desk.Required("current_password")
	}
	a, err := s.Desk.Store.Agent(ctx, ws, id)
	if err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	if a.PasswordHash == "" || !Verify(a.PasswordHash, current) {
		return nil, ErrWrongPassword
	}
	hash, err := s.Hasher.Hash(next)
	if err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	return s.UpdateAgent(ctx, ws, id, desk.AgentPatch{PasswordHash: &hash})
}
