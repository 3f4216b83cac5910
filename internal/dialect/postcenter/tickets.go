package postcenter

import (
	"errors"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// ticket reads the {ticket_id} path value and loads the ticket of the
// caller's workspace; it answers failures itself.
func (d *door) ticket(w http.ResponseWriter, r *http.Request) (*desk.Ticket, bool) {
	id, err := parseTicketID(r.PathValue("ticket_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid ticket_id: "+wantTicketID)
		return nil, false
	}
	t, err := d.Desk.Store.Ticket(r.Context(), principal(r).WorkspaceID, id)
	if err == nil {
		// A ticket the workspace's ticket access hides is not found.
		err = d.Desk.Authorize(r.Context(), *principal(r).Caller(), t, desk.ActView)
	}
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return nil, false
	}
	return t, true
}

// ticketDetail: "/v2/ticket/{ticket_id}/ - GET. Retorna un objeto tipo
// ticket utilizando su id." The answer is the bare ticket, no "status".
func (d *door) ticketDetail(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	s, err := d.view(r).summary(t)
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	writeJSON(w, http.StatusOK, toDetail(t, s))
}

// ticketMessages: "/v2/ticket/{ticket_id}/messages/ - GET. Retorna los
// mensajes de un ticket utilizando su id." Public messages only, newest
// first as in the vendor's example; "media (opcional)" is the first
// attachment's URL.
func (d *door) ticketMessages(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	ms, err := d.Desk.Store.Messages(r.Context(), t.WorkspaceID, t.ID, desk.MessageFilter{PublicOnly: true, NewestFirst: true})
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	v := d.view(r)
	if err := v.fill(ms, nil); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	out := messagesList{Status: http.StatusOK, Messages: make([]messageItem, 0, len(ms))}
	for i := range ms {
		m := &ms[i]
		a, err := v.author(t, m)
		if err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
		media := ""
		if len(m.Attachments) > 0 {
			media = d.mediaURL(r, &m.Attachments[0])
		}
		out.Messages = append(out.Messages, toMessage(m, a, media))
	}
	writeJSON(w, http.StatusOK, out)
}

// closeTicket: "/v2/ticket/{ticket_id}/close/ - POST. Cierra un ticket a
// partir de su id." Any body is ignored; closing a closed ticket is Ok, and
// so is closing an ignored one (both final, both read as closed here): it
// stays as it is.
func (d *door) closeTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	if err := d.Desk.Authorize(r.Context(), *principal(r).Caller(), t, desk.ActWork); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	if !t.Status.Final() {
		_, err := d.Desk.Close(r.Context(), t.WorkspaceID, t.ID, principal(r).Actor(), desk.StatusClosed, "closed through the PostCenter API")
		if err != nil && !errors.Is(err, desk.ErrFinal) { // ErrFinal: closed meanwhile
			d.fail(w, r, err, "Ticket not found")
			return
		}
	}
	writeOK(w)
}

// reassign: "/v2/ticket/{ticket_id}/reassign/ - POST. Gatilla la
// re-asignación automática de un ticket a partir de su id." The routing
// engine takes the ticket from its owner and gives it to the best other
// agent; with nobody available it waits in its queue, and the answer is
// still Ok.
func (d *door) reassign(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	if t.Status.Terminal() {
		writeError(w, http.StatusBadRequest, "Ticket is closed")
		return
	}
	if !d.routing(w) {
		return
	}
	_, err := d.Routing.Do(r.Context(), t.WorkspaceID, t.ID, principal(r).Actor(), routing.Action{Kind: routing.ActReassign,
		Reason: "reassigned through the PostCenter API", Caller: principal(r).Caller()})
	if errors.Is(err, routing.ErrClosed) {
		// Closed since it was read above.
		writeError(w, http.StatusBadRequest, "Ticket is closed")
		return
	}
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	writeOK(w)
}

// byAgentID: "/v2/ticket/{agent_ticket_id}/by_agent_id/ - POST ... ante una
// petición GET a la URL /v2/ticket/261/by_agent_id/, obtendremos
// {"status": 200, "ticket_id": "5b64e514ed76411a80dd3bed"}". Both methods
// answer; a body is ignored.
func (d *door) byAgentID(w http.ResponseWriter, r *http.Request) {
	n, err := parseIdentifier(r.PathValue("agent_ticket_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid agent_ticket_id: "+wantIdentifier)
		return
	}
	t, err := d.Desk.Store.TicketByNumber(r.Context(), principal(r).WorkspaceID, n)
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	writeJSON(w, http.StatusOK, ticketIDBody{Status: http.StatusOK, TicketID: t.ID})
}

// Reasons of get_possible_agent, in the vendor's English style
// ("Assign Because Workload and non cm was online").
const (
	reasonWorkload = "Assign Because Workload"
	reasonNobody   = "No agent available"
)

// possibleAgent: "/v2/ticket/{ticket_id}/get_possible_agent/ - GET. Este
// servicio entrega el cmid de un ejecutivo disponible para responder el
// ticket ... cm: null en caso de no encontrar ejecutivo disponible."
// It only suggests; nothing is assigned.
func (d *door) possibleAgent(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	if !d.routing(w) {
		return
	}
	sug, err := d.Routing.Suggest(r.Context(), t.WorkspaceID, t.ID)
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	out := assignationBody{Status: http.StatusOK, Assignation: assignationDetail{Reason: reasonNobody}}
	if sug.AgentID != "" {
		a, err := d.Desk.Store.Agent(r.Context(), t.WorkspaceID, sug.AgentID)
		if err != nil {
			d.fail(w, r, err, "Agent not found")
			return
		}
		out.Assignation = assignationDetail{CM: &a.Number, Reason: reasonWorkload}
	}
	writeJSON(w, http.StatusOK, out)
}

// routing reports whether the routing engine is there, answering 503 when
// the server was assembled without one.
func (d *door) routing(w http.ResponseWriter) bool {
	if d.Routing == nil {
		writeError(w, http.StatusServiceUnavailable, "Automatic assignment is not configured on this server")
		return false
	}
	return true
}
