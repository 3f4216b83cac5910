// Package oneview emulates the pd-oneview chat-ticket API (the
// "case-management-agent" plugin of foodpanda's 1vu agent desktop): an
// agent's assigned tickets and the agent's online/offline switch, in the
// vendor's shapes — epoch seconds, a bare JSON array, and the fixed
// {"errorCode","errorMessage"} error bodies. The successor family
// (cs-chat-ticket, the agent taken from the token) is served too.
//
// Each ticket's metadata carries a roomSubscriptionToken and an agentJwt
// that open the ticket's live stream (package live).
package oneview

import (
	"log/slog"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Rooms mints the credentials that open a ticket's live stream.
type Rooms interface {
	RoomToken(ws, ticket string) string
	AgentJWT(ws, agent, ticket string) string
}

// Handler serves the dialect.
type Handler struct {
	Desk  *desk.Service
	Auth  *auth.Service
	Rooms Rooms
	Log   *slog.Logger
}

// New returns the dialect's handler.
func New(d *desk.Service, a *auth.Service, rooms Rooms, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{Desk: d, Auth: a, Rooms: rooms, Log: log}
}

// MaxTickets bounds one agent's ticket list (the vendor does not page it).
const MaxTickets = 500

// contentMessages is how many recent public messages a derived content
// object carries.
const contentMessages = 20
