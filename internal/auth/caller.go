package auth

import "github.com/ticketd/ticketd/internal/desk"

// Caller is the principal as desk's permission policy knows it.
func (p *Principal) Caller() *desk.Caller {
	return &desk.Caller{AgentID: p.AgentID, Role: p.Role}
}
