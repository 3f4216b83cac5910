package oneview

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/ticketd/ticketd/internal/desk"
)

// agentTickets serves the agent's active tickets.
//
//	Agent Tickets [/v1/{agentID}/tickets]
//	agent assigned tickets
//	Get agent tickets [GET]
//	Headers  Authorization: bearer token
//	Response 200 (application/json)  - Attributes (array[Ticket])
//	priority : 1 (int32) - priority of the ticket, use this as sort reference
//
// The array is bare (no envelope): the agent's tickets that are not solved,
// closed or ignored, most urgent first, then longest assigned.
func (h *Handler) agentTickets(w http.ResponseWriter, r *http.Request, c *call) {
	ctx := r.Context()
	ws := c.p.WorkspaceID
	ts, err := h.Desk.Store.Tickets(ctx, ws, desk.TicketFilter{AssigneeID: c.agent.ID, Statuses: desk.ActiveStatuses,
		Order: desk.OrderQueue, Limit: MaxTickets})
	if err != nil {
		h.fail(w, r, fmt.Errorf("tickets of agent %s: %w", c.agent.ID, err))
		return
	}
	sortTickets(ts)
	groups, err := h.Desk.Store.Groups(ctx, ws)
	if err != nil {
		h.fail(w, r, fmt.Errorf("groups: %w", err))
		return
	}
	queues := make(map[string]string, len(groups))
	for _, g := range groups {
		queues[g.ID] = g.Name
	}
	// One read per kind for the whole list: the contacts, and the recent
	// public messages of the tickets whose content is derived.
	var contactIDs, derived []string
	for i := range ts {
		contactIDs = append(contactIDs, ts[i].ContactID)
		if _, stored := ts[i].Meta[Dialect]["content"]; !stored {
			derived = append(derived, ts[i].ID)
		}
	}
	contacts, err := h.Desk.Store.ContactsByID(ctx, ws, contactIDs)
	if err != nil {
		h.fail(w, r, fmt.Errorf("contacts: %w", err))
		return
	}
	msgs, err := h.Desk.Store.MessagesByTicket(ctx, ws, derived, desk.MessageFilter{PublicOnly: true, NewestFirst: true, Limit: contentMessages})
	if err != nil {
		h.fail(w, r, fmt.Errorf("messages: %w", err))
		return
	}
	accesses := AgentAccesses(c.agent) // once, not per ticket
	out := make([]Ticket, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		rel := related{queue: queues[t.GroupID], accesses: accesses, contact: contacts[t.ContactID],
			roomToken: h.Rooms.RoomToken(ws, t.ID), agentJWT: h.Rooms.AgentJWT(ws, c.p.AgentID, t.ID)}
		if m := msgs[t.ID]; len(m) > 0 {
			slices.Reverse(m)
			rel.messages = m
		}
		out = append(out, toTicket(t, rel))
	}
	writeJSON(w, http.StatusOK, out)
}

// agentOnline puts the agent online.
//
//	Agent Online Status [/v1/{agentID}/online]
//	update agent status as online to begin receive ticket
//	Get agent login status [PUT]
//	Response 200 (application/json)  - Attributes (AgentInfo)
//
// Going online lets the routing engine drain waiting tickets to the agent
// in the same transaction; already online changes nothing.
func (h *Handler) agentOnline(w http.ResponseWriter, r *http.Request, c *call) {
	if a := h.setPresence(w, r, c, desk.PresenceOnline); a != nil {
		writeJSON(w, http.StatusOK, toAgentInfo(a, h.Desk.Clock()))
	}
}

// agentOffline puts the agent offline.
//
//	Agent Online Status [/v1/{agentID}/offline]
//	update agent status as offline to stop receive ticket
//	Get agent login status [PUT]
//	Response 200 (application/json)  - Attributes (AgentInfo)
//
// The agent keeps its tickets unless the workspace requeues an offline
// agent's tickets.
func (h *Handler) agentOffline(w http.ResponseWriter, r *http.Request, c *call) {
	if a := h.setPresence(w, r, c, desk.PresenceOffline); a != nil {
		writeJSON(w, http.StatusOK, toAgentInfo(a, h.Desk.Clock()))
	}
}

// selfInfo serves the token's agent (successor family).
//
//	GET /v1/info — agent information
//
// (the successor readme lists array[Ticket] as its attributes, a copy
// slip; it answers AgentStatusInfo, spec A12).
func (h *Handler) selfInfo(w http.ResponseWriter, r *http.Request, c *call) {
	writeJSON(w, http.StatusOK, toAgentStatusInfo(c.agent, h.Desk.Clock()))
}

// selfOnline puts the token's agent online (successor family).
//
//	PUT /v1/online → AgentStatusInfo
func (h *Handler) selfOnline(w http.ResponseWriter, r *http.Request, c *call) {
	if a := h.setPresence(w, r, c, desk.PresenceOnline); a != nil {
		writeJSON(w, http.StatusOK, toAgentStatusInfo(a, h.Desk.Clock()))
	}
}

// selfOffline puts the token's agent offline (successor family).
//
//	PUT /v1/offline → AgentStatusInfo
func (h *Handler) selfOffline(w http.ResponseWriter, r *http.Request, c *call) {
	if a := h.setPresence(w, r, c, desk.PresenceOffline); a != nil {
		writeJSON(w, http.StatusOK, toAgentStatusInfo(a, h.Desk.Clock()))
	}
}

// setPresence changes the agent's presence, answering the error itself
// and returning nil when it fails.
func (h *Handler) setPresence(w http.ResponseWriter, r *http.Request, c *call, p desk.Presence) *desk.Agent {
	a, err := h.Desk.SetPresence(r.Context(), c.p.WorkspaceID, c.agent.ID, p, c.p.Actor())
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	return a
}
