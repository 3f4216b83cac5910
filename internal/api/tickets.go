package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

type ticketRequest struct {
	Subject          string       `json:"subject,omitempty"`
	Description      string       `json:"description,omitempty"`
	Message          string       `json:"message,omitempty" doc:"the first customer message"`
	Channel          desk.Channel `json:"channel,omitempty" enum:"webchat,email,whatsapp,facebook,instagram,twitter,telegram,line,sms,voice,app_store,play_store,remote,web_form,internal"`
	ChannelAccountID string       `json:"channel_account_id,omitempty"`
	ContactID        string       `json:"contact_id,omitempty"`
	Priority         string       `json:"priority,omitempty" enum:"low,normal,high,urgent"`
	Type             string       `json:"type,omitempty" enum:"question,incident,problem,task"`
	GroupID          string       `json:"group_id,omitempty"`
	AssigneeID       string       `json:"assignee_id,omitempty" doc:"skip auto-assignment and give the ticket to this agent (capacity-checked)"`
	Force            bool         `json:"force,omitempty" doc:"supervisors: assign even over the agent's capacity"`
	Tags             []string     `json:"tags,omitempty"`
	CC               *desk.CC     `json:"cc,omitempty"`
	CustomFields     fieldsJSON   `json:"custom_fields,omitempty"`
}

type ticketList struct {
	Tickets    []ticketJSON `json:"tickets"`
	NextCursor *string      `json:"next_cursor"`
}

func (a *API) createTicket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ticketRequest
	if !decode(w, r, &in) {
		return
	}
	if in.Force {
		if err := desk.CallerMay(*p.Caller(), desk.ActForce); err != nil {
			fail(w, r, err)
			return
		}
	}
	nt := desk.NewTicket{Subject: in.Subject, Description: in.Description, Channel: in.Channel,
		ChannelAccountID: in.ChannelAccountID, ContactID: in.ContactID, Priority: desk.Priority(in.Priority),
		Type: desk.TicketType(in.Type), GroupID: in.GroupID, AssigneeID: in.AssigneeID, ForceAssign: in.Force,
		Tags: in.Tags, CustomFields: desk.Fields(in.CustomFields), Origin: desk.OriginAPI}
	if in.CC != nil {
		nt.CC = *in.CC
	}
	if in.Message != "" {
		nt.Message = &desk.NewMessage{Text: in.Message, Author: desk.Actor{Kind: desk.ActorContact, ID: in.ContactID}}
	}
	t, err := a.Desk.CreateTicket(r.Context(), p.WorkspaceID, p.Actor(), nt)
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tickets/"+t.ID)
	writeTicket(w, http.StatusCreated, t)
}

// ticketFilter reads the list query parameters; it answers 400 itself.
func ticketFilter(w http.ResponseWriter, r *http.Request, p *auth.Principal) (desk.TicketFilter, bool) {
	q := r.URL.Query()
	var f desk.TicketFilter
	bad := func(msg string) (desk.TicketFilter, bool) {
		writeError(w, http.StatusBadRequest, "bad_request", msg)
		return f, false
	}
	limit, ok := intParam(w, q.Get("limit"), 25, 1, 100)
	if !ok {
		return f, false
	}
	f.Limit = limit
	order, ok := orderNames[q.Get("order")]
	if !ok {
		return bad("order must be newest, oldest, created_desc, created_asc, updated_desc or updated_asc")
	}
	f.Order = order
	if c := q.Get("cursor"); c != "" {
		cur, err := DecodeCursor(order, c)
		if err != nil {
			return bad(err.Error())
		}
		f.After = cur
	}
	for _, s := range splitParam(q.Get("status")) {
		if s == "active" {
			f.Statuses = append(f.Statuses, desk.ActiveStatuses...)
			continue
		}
		st, err := desk.ParseStatus(s)
		if err != nil {
			return bad("unknown status " + s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, s := range splitParam(q.Get("channel")) {
		ch, err := desk.ParseChannel(s)
		if err != nil {
			return bad("unknown channel " + s)
		}
		f.Channels = append(f.Channels, ch)
	}
	f.AssigneeID = q.Get("assignee")
	if f.AssigneeID == "me" {
		f.AssigneeID = p.AgentID
	}
	f.GroupID, f.ContactID, f.Tag = q.Get("group"), q.Get("contact"), q.Get("tag")
	dates := []struct {
		param string
		into  *time.Time
	}{
		{"created_after", &f.CreatedFrom}, {"created_before", &f.CreatedTo},
		{"updated_after", &f.UpdatedFrom}, {"updated_before", &f.UpdatedTo},
	}
	for _, d := range dates {
		if v := q.Get(d.param); v != "" {
			t, err := ParseInstant(v)
			if err != nil {
				return bad(d.param + ": " + err.Error())
			}
			*d.into = t
		}
	}
	return f, true
}

func splitParam(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (a *API) tickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, ok := ticketFilter(w, r, p)
	if !ok {
		return
	}
	sc, err := a.Desk.Scope(r.Context(), p.WorkspaceID, *p.Caller())
	if err != nil {
		fail(w, r, err)
		return
	}
	f.Scope = sc
	limit := f.Limit
	f.Limit = limit + 1 // one more tells whether a next page exists
	ts, err := a.Desk.Store.Tickets(r.Context(), p.WorkspaceID, f)
	if err != nil {
		fail(w, r, err)
		return
	}
	var next *string
	if len(ts) > limit {
		c := EncodeCursor(f.Order, ts[limit-1].CursorIn(f.Order))
		next, ts = &c, ts[:limit]
	}
	writeTicketPage(w, ts, next, nil) // a ticketList
}

func (a *API) ticket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeTicket(w, http.StatusOK, t)
}

type ticketPatch struct {
	Subject      *string    `json:"subject,omitempty"`
	Status       *string    `json:"status,omitempty" enum:"new,unassigned,assigned,open,pending,on_hold,solved,closed,ignored"`
	ClosedReason *string    `json:"closed_reason,omitempty" enum:"auto,manual"`
	Priority     *string    `json:"priority,omitempty" enum:"low,normal,high,urgent"`
	Type         *string    `json:"type,omitempty" enum:"question,incident,problem,task"`
	GroupID      *string    `json:"group_id,omitempty" doc:"moving group is a transfer: the ticket joins that queue"`
	AssigneeID   *string    `json:"assignee_id,omitempty" doc:"empty string unassigns"`
	Force        bool       `json:"force,omitempty" doc:"supervisors: assign even over capacity"`
	ContactID    *string    `json:"contact_id,omitempty"`
	Tags         *[]string  `json:"tags,omitempty"`
	CC           *desk.CC   `json:"cc,omitempty"`
	CustomFields fieldsJSON `json:"custom_fields,omitempty"`
	Reason       string     `json:"reason,omitempty"`
}

func (a *API) updateTicket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ticketPatch
	if !decode(w, r, &in) {
		return
	}
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	patch := desk.TicketPatch{Subject: in.Subject, ClosedReason: in.ClosedReason, GroupID: in.GroupID,
		AssigneeID: in.AssigneeID, ForceAssign: in.Force, ContactID: in.ContactID, Tags: in.Tags, CC: in.CC,
		CustomFields: desk.Fields(in.CustomFields), Reason: in.Reason, Caller: p.Caller()}
	if in.Status != nil {
		st := desk.Status(*in.Status)
		patch.Status = &st
	}
	if in.Priority != nil {
		pr := desk.Priority(*in.Priority)
		patch.Priority = &pr
	}
	if in.Type != nil {
		ty := desk.TicketType(*in.Type)
		patch.Type = &ty
	}
	t, err = a.Desk.UpdateTicket(r.Context(), p.WorkspaceID, t.ID, p.Actor(), patch)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeTicket(w, http.StatusOK, t)
}

type messageRequest struct {
	Text        string      `json:"text"`
	Public      *bool       `json:"public,omitempty" doc:"false makes an internal note (default true)"`
	Author      *desk.Actor `json:"author,omitempty" doc:"default: the caller; {\"kind\":\"contact\"} posts as the ticket's contact"`
	AuthorName  string      `json:"author_name,omitempty"`
	Attachments []string    `json:"attachments,omitempty" doc:"attachment ids or upload tokens"`
}

type messageList struct {
	Messages []messageJSON `json:"messages"`
}

func (a *API) addMessage(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in messageRequest
	if !decode(w, r, &in) {
		return
	}
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	author := p.Actor()
	if in.Author != nil {
		author = *in.Author
		switch author.Kind {
		case desk.ActorContact:
			if author.ID == "" {
				author.ID = t.ContactID
			} else if author.ID != t.ContactID {
				writeError(w, http.StatusUnprocessableEntity, "invalid", "a contact author must be the ticket's contact")
				return
			}
		case desk.ActorAgent, desk.ActorBot:
			if author.ID == "" {
				author.ID = p.AgentID
			}
			// Posting as another agent is desk's call (policy: act_for).
			if _, err := a.Desk.Store.Agent(r.Context(), p.WorkspaceID, author.ID); err != nil {
				writeError(w, http.StatusUnprocessableEntity, "invalid", "no agent "+author.ID)
				return
			}
		case desk.ActorSystem:
		default:
			writeError(w, http.StatusUnprocessableEntity, "invalid", "author kind must be contact, agent, bot or system")
			return
		}
	}
	m, _, err := a.Desk.AddMessage(r.Context(), p.WorkspaceID, t.ID, desk.NewMessage{Text: in.Text, Public: in.Public,
		Author: author, AuthorName: in.AuthorName, Attachments: in.Attachments, Caller: p.Caller()})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toMessageJSON(m))
}

func (a *API) messages(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := desk.MessageFilter{PublicOnly: q.Get("public") == "true", NewestFirst: q.Get("order") == "newest"}
	ms, err := a.Desk.Store.Messages(r.Context(), p.WorkspaceID, t.ID, f)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := messageList{Messages: make([]messageJSON, 0, len(ms))}
	for i := range ms {
		out.Messages = append(out.Messages, toMessageJSON(&ms[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

type eventList struct {
	Events []eventJSON `json:"events"`
}

func (a *API) events(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	evs, err := a.Desk.Store.Events(r.Context(), p.WorkspaceID, t.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := eventList{Events: make([]eventJSON, 0, len(evs))}
	for i := range evs {
		out.Events = append(out.Events, toEventJSON(&evs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}
