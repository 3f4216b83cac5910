package dolphins

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// reason is how this door's actions read in the event log.
const reason = "via 3Dolphins API"

// mayWork reports whether the caller may work t, by desk's policy: supervisors and admins
// on any ticket, others on tickets they own or that nobody owns, bots also
// on tickets another bot owns.
func (d *Door) mayWork(ctx context.Context, p *auth.Principal, t *desk.Ticket) error {
	return d.cfg.Desk.Authorize(ctx, *p.Caller(), t, desk.ActWork)
}

// mayView lets routing actions through to the routing engine, which asks
// desk's policy for exactly what each action does to the ticket (taking
// it from a bot, from a person, giving one's own away) on the locked row.
func (d *Door) mayView(ctx context.Context, p *auth.Principal, t *desk.Ticket) error {
	return d.cfg.Desk.Authorize(ctx, *p.Caller(), t, desk.ActView)
}

// route runs a routing action for the caller, checked by desk's policy.
func (d *Door) route(ctx context.Context, c *call, t *desk.Ticket, a routing.Action) error {
	a.Reason, a.Caller = reason, c.p.Caller()
	_, err := d.cfg.Routing.Do(ctx, c.ws.ID, t.ID, c.p.Actor(), a)
	return err
}

// actor resolves who a request acts as: the caller, "Bot", or another
// agent named in the body (replyAgent, closedBy), which only supervisors,
// admins and bots may do.
func (d *Door) actor(ctx context.Context, p *auth.Principal, who string) (desk.Actor, error) {
	who = strings.TrimSpace(who)
	switch {
	case who == "" || who == p.AgentID:
		return p.Actor(), nil
	case strings.EqualFold(who, "bot"):
		if p.Role == desk.RoleBot {
			return p.Actor(), nil
		}
		if err := desk.CallerMay(*p.Caller(), desk.ActActFor); err != nil {
			return desk.Actor{}, err
		}
		return desk.Actor{Kind: desk.ActorBot}, nil
	}
	a, err := d.cfg.Desk.Store.Agent(ctx, p.WorkspaceID, who)
	if errors.Is(err, desk.ErrNotFound) {
		return desk.Actor{}, invalid("no agent \"" + who + "\"")
	}
	if err != nil {
		return desk.Actor{}, err
	}
	if err := desk.CallerMay(*p.Caller(), desk.ActActFor); err != nil {
		return desk.Actor{}, err
	}
	if a.Role == desk.RoleBot {
		return desk.Actor{Kind: desk.ActorBot, ID: a.ID}, nil
	}
	return desk.Actor{Kind: desk.ActorAgent, ID: a.ID}, nil
}

// target reads a ticket named in a body, answering 400 when the body has
// no ticketNumber and 404 when the ticket does not exist.
func (d *Door) target(ctx context.Context, ws, ref string) (*desk.Ticket, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, invalid("ticketNumber is required")
	}
	return d.findTicket(ctx, ws, ref)
}

// respondRoot re-reads a ticket and answers its root document.
func (d *Door) respondRoot(w http.ResponseWriter, r *http.Request, c *call, id string, partial bool) {
	t, err := d.cfg.Desk.Store.Ticket(r.Context(), c.ws.ID, id)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	doc, err := c.v.root(t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if partial {
		doc.Partial = bp(true)
	}
	one(w, doc)
}

type sendRequest struct {
	TicketNumber json.RawMessage `json:"ticketNumber"`
	ChannelType  string          `json:"channelType"`
	ReplyAgent   string          `json:"replyAgent"`
	Message      string          `json:"message"`
	// Files are attachment tokens or ids from POST /graph/tickets/files
	// (a ticketd extension).
	Files []string `json:"files"`
}

// POST /graph/tickets/sendMessage — "Send Message"
//
//	Body { "ticketNumber":"[ticketNumber]", "channelType":"[channelType]", "replyAgent":"[AgentId]", "message":"[message]" }
//
// Appends an answer to the ticket (an agent's first reply opens an
// Assigned ticket and stops the first-response clock) and answers
// [root document after the message] (spec A8).
func (d *Door) sendMessage(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	var in sendRequest
	if err := decodeBody(r.Body, &in); err != nil {
		d.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if in.ChannelType != "" {
		if _, err := parseChannelType(in.ChannelType); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	if strings.TrimSpace(in.Message) == "" && len(in.Files) == 0 {
		d.fail(w, r, invalid("message is required"))
		return
	}
	t, err := d.target(ctx, c.ws.ID, refString(in.TicketNumber))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if err := d.mayWork(ctx, c.p, t); err != nil {
		d.fail(w, r, err)
		return
	}
	author, err := d.actor(ctx, c.p, in.ReplyAgent)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if _, _, err := d.cfg.Desk.AddMessage(ctx, c.ws.ID, t.ID, desk.NewMessage{Text: in.Message, Author: author, Attachments: in.Files}); err != nil {
		d.fail(w, r, err)
		return
	}
	t, err = d.cfg.Desk.Store.Ticket(ctx, c.ws.ID, t.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	doc, err := c.v.root(t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	one(w, []*TicketDoc{doc})
}

// readObject reads a JSON object body as raw fields.
func readObject(r *http.Request) (map[string]json.RawMessage, error) {
	var body map[string]json.RawMessage
	if err := decodeBody(r.Body, &body); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, invalid("body must be a JSON object")
	}
	return body, nil
}

// applyPlan carries out an Update Ticket body on t as actor in one desk
// transaction: a group move is part of the patch, so a field the desk
// refuses leaves the ticket in its group with its owner.
func (d *Door) applyPlan(ctx context.Context, ws *desk.Workspace, t *desk.Ticket, actor desk.Actor, body map[string]json.RawMessage) error {
	pl, err := parsePatch(body, t, ws.Settings.ResolveOnClose)
	if err != nil {
		return err
	}
	if pl.empty {
		return nil
	}
	pl.patch.Reason = reason
	_, err = d.cfg.Desk.UpdateTicket(ctx, ws.ID, t.ID, actor, pl.patch)
	return err
}

// PUT /graph/tickets/update/[ticketNumber] — "Update Ticket"
//
// Applies a TicketPatch (spec §4) and answers the root document with
// partial: true.
func (d *Door) update(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	body, err := readObject(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	t, err := d.findTicket(ctx, c.ws.ID, r.PathValue("ticketNumber"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.patchTicket(w, r, c, t, c.p.Actor(), body)
}

func (d *Door) patchTicket(w http.ResponseWriter, r *http.Request, c *call, t *desk.Ticket, actor desk.Actor, body map[string]json.RawMessage) {
	if err := d.mayWork(r.Context(), c.p, t); err != nil {
		d.fail(w, r, err)
		return
	}
	if err := d.applyPlan(r.Context(), c.ws, t, actor, body); err != nil {
		d.fail(w, r, err)
		return
	}
	d.respondRoot(w, r, c, t.ID, true)
}

// PUT /graph/tickets/update/id/[docId] — "Update Ticket by Doc Id"
//
// docId is a document id: a root document's (the ticket) or a message
// document's (its ticket is patched and the message document answered,
// as in the vendor's example); anything else is tried as a ticket number
// (spec A7).
func (d *Door) updateByDoc(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	body, err := readObject(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	id := r.PathValue("docId")
	if isHexID(id) {
		if m, err := d.cfg.Desk.Store.Message(ctx, c.ws.ID, id); err == nil {
			t, err := d.cfg.Desk.Store.Ticket(ctx, c.ws.ID, m.TicketID)
			if err != nil {
				d.fail(w, r, err)
				return
			}
			if err := d.mayWork(ctx, c.p, t); err != nil {
				d.fail(w, r, err)
				return
			}
			if err := d.applyPlan(ctx, c.ws, t, c.p.Actor(), body); err != nil {
				d.fail(w, r, err)
				return
			}
			if t, err = d.cfg.Desk.Store.Ticket(ctx, c.ws.ID, t.ID); err != nil {
				d.fail(w, r, err)
				return
			}
			doc, err := c.v.message(t, m, time.Time{})
			if err != nil {
				d.fail(w, r, err)
				return
			}
			doc.Partial = bp(true)
			one(w, doc)
			return
		} else if !errors.Is(err, desk.ErrNotFound) {
			d.fail(w, r, err)
			return
		}
	}
	t, err := d.findTicket(ctx, c.ws.ID, id)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.patchTicket(w, r, c, t, c.p.Actor(), body)
}

// PUT /graph/tickets/update — "Update Ticket"
//
//	Body { "ticketNumber":"[ticketNumber]", "channelType":"[channelType]", "replyAgent":"[AgentId]", }
//
// The ticket number travels in the body; replyAgent is the acting agent.
func (d *Door) updateByBody(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	body, err := readObject(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var head struct {
		TicketNumber json.RawMessage `json:"ticketNumber"`
		ReplyAgent   string          `json:"replyAgent"`
		ChannelType  string          `json:"channelType"`
	}
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &head); err != nil {
		d.fail(w, r, invalid("replyAgent and channelType must be strings"))
		return
	}
	if head.ChannelType != "" {
		if _, err := parseChannelType(head.ChannelType); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	t, err := d.target(ctx, c.ws.ID, refString(head.TicketNumber))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	actor, err := d.actor(ctx, c.p, head.ReplyAgent)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.patchTicket(w, r, c, t, actor, body)
}

// refString reads a ticketNumber written as a string or a bare number.
func refString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// member is a {"id": ...} team member reference.
type member struct {
	ID string `json:"id"`
}

type actionRequest struct {
	TicketNumber json.RawMessage `json:"ticketNumber"`
	TeamMember   *member         `json:"teamMember"`
	Group        string          `json:"group"`
	SupervisorID string          `json:"supervisorId"`
	ClosureType  string          `json:"closureType"`
	ClosedBy     string          `json:"closedBy"`
}

// action reads an action body and its ticket, checking the caller may
// work on it.
func (d *Door) action(w http.ResponseWriter, r *http.Request) (*call, *actionRequest, *desk.Ticket, bool) {
	return d.actionIf(w, r, d.mayWork)
}

// actionIf is action with the caller checked by may.
func (d *Door) actionIf(w http.ResponseWriter, r *http.Request, may func(context.Context, *auth.Principal, *desk.Ticket) error) (*call, *actionRequest, *desk.Ticket, bool) {
	c, ok := d.begin(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	var in actionRequest
	if err := decodeBody(r.Body, &in); err != nil {
		d.fail(w, r, err)
		return nil, nil, nil, false
	}
	t, err := d.target(r.Context(), c.ws.ID, refString(in.TicketNumber))
	if err == nil {
		err = may(r.Context(), c.p, t)
	}
	if err != nil {
		d.fail(w, r, err)
		return nil, nil, nil, false
	}
	return c, &in, t, true
}

// checkAgent answers 400 for an agent id that is not in the workspace.
func (d *Door) checkAgent(ctx context.Context, ws, id string) error {
	if _, err := d.cfg.Desk.Store.Agent(ctx, ws, id); err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return invalid("no team member \"" + id + "\"")
		}
		return err
	}
	return nil
}

func (d *Door) checkGroup(ctx context.Context, ws, id string) error {
	if _, err := d.cfg.Desk.Store.Group(ctx, ws, id); err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return invalid("no group \"" + id + "\"")
		}
		return err
	}
	return nil
}

// PUT /graph/tickets/update/reassign — "Reassigned Ticket"
//
//	Body { "ticketNumber": "[ticketNumber]", "teamMember": { "id": "[AgentId]" } }
//
// Through the routing engine (capacity-checked): status Assigned,
// reassigned true.
func (d *Door) reassign(w http.ResponseWriter, r *http.Request) {
	c, in, t, ok := d.actionIf(w, r, d.mayView)
	if !ok {
		return
	}
	ctx := r.Context()
	if in.TeamMember == nil || strings.TrimSpace(in.TeamMember.ID) == "" {
		d.fail(w, r, invalid("teamMember.id is required"))
		return
	}
	if err := d.checkAgent(ctx, c.ws.ID, in.TeamMember.ID); err != nil {
		d.fail(w, r, err)
		return
	}
	if err := d.route(ctx, c, t, routing.Action{Kind: routing.ActReassign, AgentID: in.TeamMember.ID}); err != nil {
		d.fail(w, r, err)
		return
	}
	d.respondRoot(w, r, c, t.ID, false)
}

// PUT /graph/tickets/update/transfer — "Transfered Ticket"
//
// Body (spec A4) { "ticketNumber", "group"?, "teamMember"?: {"id"} }: to
// another group's queue (Unassigned there, then auto-assigned), or
// straight to a team member.
func (d *Door) transfer(w http.ResponseWriter, r *http.Request) {
	c, in, t, ok := d.actionIf(w, r, d.mayView)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	switch {
	case in.Group != "":
		if err = d.checkGroup(ctx, c.ws.ID, in.Group); err == nil {
			err = d.route(ctx, c, t, routing.Action{Kind: routing.ActTransfer, GroupID: in.Group})
		}
	case in.TeamMember != nil && in.TeamMember.ID != "":
		if err = d.checkAgent(ctx, c.ws.ID, in.TeamMember.ID); err == nil {
			err = d.route(ctx, c, t, routing.Action{Kind: routing.ActReassign, AgentID: in.TeamMember.ID})
		}
	default:
		err = invalid("group or teamMember.id is required")
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.respondRoot(w, r, c, t.ID, false)
}

// PUT /graph/tickets/update/escalate — "Escalated Ticket"
//
//	Body { "ticketNumber": [ticketNumber]", "supervisorId": "[supervisorId]" }
//
// escalated true, escalatedFrom = the owner, escalatedTo = assignedAgent =
// the supervisor (the group's supervisor when none is named).
func (d *Door) escalate(w http.ResponseWriter, r *http.Request) {
	c, in, t, ok := d.actionIf(w, r, d.mayView)
	if !ok {
		return
	}
	ctx := r.Context()
	if in.SupervisorID != "" {
		if err := d.checkAgent(ctx, c.ws.ID, in.SupervisorID); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	if err := d.route(ctx, c, t, routing.Action{Kind: routing.ActEscalate, AgentID: in.SupervisorID}); err != nil {
		d.fail(w, r, err)
		return
	}
	d.respondRoot(w, r, c, t.ID, false)
}

// PUT /graph/tickets/update/transferToAgent — "Transfer Ticket From Bot To
// Agent"
//
// Body (spec A4) { "ticketNumber", "group"?, "teamMember"?: {"id"} }: the
// bot hands the customer over; the ticket goes Unassigned into the group's
// queue (its own group by default) and is auto-assigned there, or straight
// to the team member. It is the native handoff (routing.ActHandoff), with
// this door's reason in the event log. A waiting ticket nobody has taken
// yet is the bot's too, so it answers transferedFrom "Bot" like one a bot
// owns.
func (d *Door) transferToAgent(w http.ResponseWriter, r *http.Request) {
	c, in, t, ok := d.actionIf(w, r, d.mayHandOver)
	if !ok {
		return
	}
	ctx := r.Context()
	act := routing.Action{Kind: routing.ActHandoff, GroupID: in.Group, Reason: reason}
	if in.TeamMember != nil {
		act.AgentID = in.TeamMember.ID
	}
	if act.GroupID != "" {
		if err := d.checkGroup(ctx, c.ws.ID, act.GroupID); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	if act.AgentID != "" {
		if err := d.checkAgent(ctx, c.ws.ID, act.AgentID); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	if _, err := d.cfg.Routing.Do(ctx, c.ws.ID, t.ID, c.p.Actor(), act); err != nil {
		d.fail(w, r, err)
		return
	}
	d.respondRoot(w, r, c, t.ID, false)
}

// mayHandOver reports whether the caller may hand t over to a human: a
// ticket a bot holds may be handed over by anyone of the workspace, as the
// native handoff allows; others as mayWork says.
func (d *Door) mayHandOver(ctx context.Context, p *auth.Principal, t *desk.Ticket) error {
	return d.cfg.Desk.Authorize(ctx, *p.Caller(), t, desk.ActHandoff)
}

// PUT /graph/tickets/update/close — "Close Ticket by Bot"
//
// Body (spec A4) { "ticketNumber", "closureType"?, "closedBy"? }: status
// Closed with the closure type as written (default Resolved), closed by
// the token's user, the named agent, or "Bot".
func (d *Door) closeTicket(w http.ResponseWriter, r *http.Request) {
	c, in, t, ok := d.action(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	by, err := d.actor(ctx, c.p, in.ClosedBy)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	closure := strings.TrimSpace(in.ClosureType)
	if closure == "" {
		closure = "Resolved"
	}
	if len(closure) > 100 {
		d.fail(w, r, invalid("closureType longer than 100 bytes"))
		return
	}
	st := closingStatus(closure, c.ws.Settings.ResolveOnClose)
	if t.Status.Final() {
		// Closed or ignored: both read Closed already, and neither changes.
		d.respondRoot(w, r, c, t.ID, false)
		return
	}
	// The closure type is this door's word: it is kept in its meta, in the
	// same change as the status.
	closing := desk.TicketPatch{Status: &st, Reason: reason, Meta: map[string]map[string]json.RawMessage{
		metaKey: {metaClosureType: closureJSON(closure)}}}
	if _, err := d.cfg.Desk.UpdateTicket(ctx, c.ws.ID, t.ID, by, closing); err != nil && !errors.Is(err, desk.ErrFinal) {
		d.fail(w, r, err) // ErrFinal: closed meanwhile, which is what was asked
		return
	}
	d.respondRoot(w, r, c, t.ID, false)
}

// closureJSON is a closure type as a JSON string (it is plain text, so
// Marshal cannot fail).
func closureJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
