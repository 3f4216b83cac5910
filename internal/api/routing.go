package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
	"github.com/ticketd/ticketd/internal/routing"
)

// Routing endpoints: workloads, routing actions on a ticket, queues with
// positions, suggestions, SLA policies and clocks (docs/routing.md).

// engine is the routing engine the desk routes through.
func (a *API) engine(w http.ResponseWriter) (*routing.Engine, bool) {
	e, ok := a.Desk.Router.(*routing.Engine)
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "internal", "the routing engine is not configured")
	}
	return e, ok
}

// decodeOptional decodes a JSON body when there is one; an empty body
// leaves v as it is.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body larger than %d bytes", MaxBody))
		} else {
			writeError(w, http.StatusBadRequest, "bad_request", "unreadable body")
		}
		return false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return true
	}
	if err := DecodeJSON(bytes.NewReader(b), v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return false
	}
	return true
}

type routingAgentJSON struct {
	ID             string            `json:"id"`
	Number         int64             `json:"number"`
	Name           string            `json:"name"`
	Role           desk.Role         `json:"role" enum:"admin,supervisor,agent,bot"`
	Presence       desk.Presence     `json:"presence" enum:"online,away,offline"`
	Capacity       int               `json:"capacity" doc:"0 = unlimited"`
	Active         int               `json:"active" doc:"active tickets assigned to the agent"`
	Available      bool              `json:"available" doc:"online, not a bot, and under capacity"`
	LastAssignedAt *jsontext.Instant `json:"last_assigned_at"`
	Restricted     bool              `json:"restricted" doc:"takes only tickets of its assignable channel accounts"`
}

func toRoutingAgentJSON(l *desk.RoutingAgent) routingAgentJSON {
	return routingAgentJSON{ID: l.ID, Number: l.Number, Name: l.Name, Role: l.Role, Presence: l.Presence,
		Capacity: l.Capacity, Active: l.Active, LastAssignedAt: optTime(l.LastAssignedAt), Restricted: l.Restricted,
		Available: l.Presence == desk.PresenceOnline && l.Role != desk.RoleBot && !l.Full()}
}

type routingAgentList struct {
	Agents []routingAgentJSON `json:"agents"`
}

func (a *API) routingAgents(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	ls, err := e.Loads(r.Context(), p.WorkspaceID, r.URL.Query().Get("group"))
	if err != nil {
		fail(w, r, err)
		return
	}
	out := routingAgentList{Agents: make([]routingAgentJSON, 0, len(ls))}
	for i := range ls {
		out.Agents = append(out.Agents, toRoutingAgentJSON(&ls[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

type routingSettingsJSON struct {
	RequeueOnOffline bool `json:"requeue_on_offline" doc:"an agent going offline returns its active tickets to the queue"`
}

type routingSettingsPatch struct {
	RequeueOnOffline *bool `json:"requeue_on_offline,omitempty"`
}

func (a *API) routingSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	s, err := e.Settings(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, routingSettingsJSON{RequeueOnOffline: s.RequeueOnOffline})
}

func (a *API) patchRoutingSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	var in routingSettingsPatch
	if !decode(w, r, &in) {
		return
	}
	s, err := e.Settings(r.Context(), p.WorkspaceID)
	if err == nil && in.RequeueOnOffline != nil {
		s, err = e.SetRequeueOnOffline(r.Context(), p.WorkspaceID, *in.RequeueOnOffline)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, routingSettingsJSON{RequeueOnOffline: s.RequeueOnOffline})
}

type drainJSON struct {
	Assigned int `json:"assigned" doc:"tickets the drain assigned"`
}

func (a *API) drain(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	n, err := e.DrainAll(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, drainJSON{Assigned: n})
}

// Routing actions on one ticket.

type assignRequest struct {
	AgentID string `json:"agent_id"`
	Force   bool   `json:"force,omitempty" doc:"supervisors: assign even over the agent's capacity (recorded)"`
	Reason  string `json:"reason,omitempty"`
}

type reassignRequest struct {
	AgentID string `json:"agent_id,omitempty" doc:"empty: the best available agent other than the current one"`
	Force   bool   `json:"force,omitempty" doc:"supervisors: assign even over the agent's capacity (recorded)"`
	Reason  string `json:"reason,omitempty"`
}

type unassignRequest struct {
	Reason string `json:"reason,omitempty"`
}

type transferRequest struct {
	GroupID string `json:"group_id"`
	Reason  string `json:"reason,omitempty"`
}

type escalateRequest struct {
	AgentID string `json:"agent_id,omitempty" doc:"empty: the supervisor of the ticket's group"`
	Force   bool   `json:"force,omitempty" doc:"supervisors: escalate even over the target's capacity (recorded)"`
	Reason  string `json:"reason,omitempty"`
}

type handoffRequest struct {
	GroupID string `json:"group_id,omitempty" doc:"the queue to hand off to (default: the ticket's group)"`
	AgentID string `json:"agent_id,omitempty" doc:"a named agent instead of the queue"`
	Reason  string `json:"reason,omitempty"`
}

// routingAction builds a handler for one action kind; in reads the body.
func (a *API) routingAction(kind routing.ActionKind) handler {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		e, ok := a.engine(w)
		if !ok {
			return
		}
		act := routing.Action{Kind: kind}
		switch kind {
		case routing.ActAssign:
			var in assignRequest
			if !decode(w, r, &in) {
				return
			}
			if in.AgentID == "" {
				writeError(w, http.StatusBadRequest, "bad_request", "agent_id is required")
				return
			}
			act.AgentID, act.Force, act.Reason = in.AgentID, in.Force, in.Reason
		case routing.ActReassign:
			var in reassignRequest
			if !decodeOptional(w, r, &in) {
				return
			}
			act.AgentID, act.Force, act.Reason = in.AgentID, in.Force, in.Reason
		case routing.ActUnassign:
			var in unassignRequest
			if !decodeOptional(w, r, &in) {
				return
			}
			act.Reason = in.Reason
		case routing.ActTransfer:
			var in transferRequest
			if !decode(w, r, &in) {
				return
			}
			if in.GroupID == "" {
				writeError(w, http.StatusBadRequest, "bad_request", "group_id is required")
				return
			}
			act.GroupID, act.Reason = in.GroupID, in.Reason
		case routing.ActEscalate:
			var in escalateRequest
			if !decodeOptional(w, r, &in) {
				return
			}
			act.AgentID, act.Force, act.Reason = in.AgentID, in.Force, in.Reason
		case routing.ActHandoff:
			var in handoffRequest
			if !decodeOptional(w, r, &in) {
				return
			}
			act.GroupID, act.AgentID, act.Reason = in.GroupID, in.AgentID, in.Reason
		}
		act.Caller = p.Caller()
		t, err := a.ticketByRef(r, p, r.PathValue("id"))
		if err != nil {
			fail(w, r, err)
			return
		}
		t, err = e.Do(r.Context(), p.WorkspaceID, t.ID, p.Actor(), act)
		if err != nil {
			fail(w, r, err)
			return
		}
		writeTicket(w, http.StatusOK, t)
	}
}

type poolJSON struct {
	Members   int `json:"members" doc:"agents the queue draws from, whatever their presence"`
	Online    int `json:"online"`
	Available int `json:"available" doc:"online with room"`
}

type suggestionJSON struct {
	AgentID *string           `json:"agent_id" doc:"null when nobody is available"`
	Reason  string            `json:"reason"`
	Agent   *routingAgentJSON `json:"agent" doc:"the agent's workload before the assignment"`
	Pool    poolJSON          `json:"pool"`
}

func (a *API) suggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	s, err := e.Suggest(r.Context(), p.WorkspaceID, t.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := suggestionJSON{AgentID: optStr(s.AgentID), Reason: s.Reason, Pool: poolJSON(s.Pool)}
	if s.Agent != nil {
		j := toRoutingAgentJSON(s.Agent)
		out.Agent = &j
	}
	writeJSON(w, http.StatusOK, out)
}

type positionJSON struct {
	Position int     `json:"position" doc:"1-based place in its queue; 0 when the ticket is not waiting"`
	GroupID  *string `json:"group_id" doc:"the queue: a group, or null for the general queue"`
}

func (a *API) position(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	n, err := e.Position(r.Context(), t)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, positionJSON{Position: n, GroupID: optStr(t.GroupID)})
}

// Queues.

type queueSummaryJSON struct {
	GroupID   *string           `json:"group_id" doc:"null for the general queue (tickets without a group)"`
	GroupName string            `json:"group_name"`
	Waiting   int               `json:"waiting"`
	Oldest    *jsontext.Instant `json:"oldest_created_at" doc:"creation time of the oldest waiting ticket"`
	Agents    poolJSON          `json:"agents"`
}

type queueSummaryList struct {
	Queues []queueSummaryJSON `json:"queues"`
}

func (a *API) queues(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	qs, err := e.Queues(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := queueSummaryList{Queues: make([]queueSummaryJSON, 0, len(qs))}
	for _, q := range qs {
		out.Queues = append(out.Queues, queueSummaryJSON{GroupID: optStr(q.GroupID), GroupName: q.GroupName,
			Waiting: q.Waiting, Oldest: optTime(q.Oldest), Agents: poolJSON(q.Agents)})
	}
	writeJSON(w, http.StatusOK, out)
}

type queueEntryJSON struct {
	Position int        `json:"position"`
	Ticket   ticketJSON `json:"ticket"`
}

type queueJSON struct {
	GroupID    *string          `json:"group_id"`
	Entries    []queueEntryJSON `json:"entries" doc:"waiting tickets, most urgent first, then oldest"`
	NextCursor *string          `json:"next_cursor"`
}

func (a *API) queue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	group := r.PathValue("group")
	if group == "none" {
		group = ""
	} else if _, err := a.Desk.Store.Group(r.Context(), p.WorkspaceID, group); err != nil {
		fail(w, r, err)
		return
	}
	q := r.URL.Query()
	limit, ok := intParam(w, q.Get("limit"), 25, 1, routing.MaxQueuePage)
	if !ok {
		return
	}
	var after *desk.QueueKey
	if c := q.Get("cursor"); c != "" {
		k, err := DecodeQueueCursor(c)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		after = k
	}
	// One more than asked tells whether a next page exists.
	es, err := e.Queue(r.Context(), p.WorkspaceID, group, after, limit+1)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := queueJSON{GroupID: optStr(group), Entries: make([]queueEntryJSON, 0, min(len(es), limit))}
	for i := 0; i < len(es) && i < limit; i++ {
		out.Entries = append(out.Entries, queueEntryJSON{Position: es[i].Position, Ticket: toTicketJSON(&es[i].Ticket)})
	}
	if len(es) > limit {
		c := EncodeQueueCursor(desk.QueueKeyOf(&es[limit-1].Ticket))
		out.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, out)
}

// EncodeQueueCursor makes the opaque next_cursor of a queue page.
func EncodeQueueCursor(k desk.QueueKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("q|%d|%d|%d", k.Rank, k.CreatedAt.UnixMilli(), k.Number)))
}

// DecodeQueueCursor reads a cursor made by EncodeQueueCursor.
func DecodeQueueCursor(s string) (*desk.QueueKey, error) {
	bad := fmt.Errorf("cursor %q is not one this server made", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 100 {
		return nil, bad
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 || parts[0] != "q" {
		return nil, bad
	}
	var n [3]int64
	for i, p := range parts[1:] {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil || n[i] < 0 {
			return nil, bad
		}
	}
	if n[0] > 1<<20 {
		return nil, bad
	}
	return &desk.QueueKey{Rank: int(n[0]), CreatedAt: time.UnixMilli(n[1]).UTC(), Number: n[2]}, nil
}

// SLA.

type slaPolicyJSON struct {
	Priority          string              `json:"priority" enum:"default,low,normal,high,urgent"`
	FirstReplySeconds int64               `json:"first_reply_seconds" doc:"0 = no first-reply target"`
	ResolveSeconds    int64               `json:"resolve_seconds" doc:"0 = no resolution target"`
	Timezone          string              `json:"timezone" doc:"IANA zone of the business hours; empty = the workspace's"`
	Hours             map[string][]string `json:"hours" doc:"business hours by day (mon..sun) as HH:MM-HH:MM spans; empty = every hour counts"`
	CreatedAt         jsontext.Instant    `json:"created_at"`
	UpdatedAt         jsontext.Instant    `json:"updated_at"`
}

type slaPolicyRequest struct {
	FirstReplySeconds int64               `json:"first_reply_seconds,omitempty"`
	ResolveSeconds    int64               `json:"resolve_seconds,omitempty"`
	Timezone          string              `json:"timezone,omitempty"`
	Hours             map[string][]string `json:"hours,omitempty"`
}

type slaPolicyList struct {
	Policies []slaPolicyJSON `json:"policies"`
}

func priorityName(p desk.Priority) string {
	if p == desk.PriorityUnset {
		return "default"
	}
	return string(p)
}

// policyPriority reads the {priority} path value: default, low, normal,
// high or urgent.
func policyPriority(w http.ResponseWriter, s string) (desk.Priority, bool) {
	if s == "default" {
		return desk.PriorityUnset, true
	}
	p, err := desk.ParsePriority(s)
	if err != nil || p == desk.PriorityUnset {
		writeError(w, http.StatusNotFound, "not_found", "priority must be default, low, normal, high or urgent")
		return "", false
	}
	return p, true
}

func toSLAPolicyJSON(p *desk.SLAPolicy) slaPolicyJSON {
	return slaPolicyJSON{Priority: priorityName(p.Priority), FirstReplySeconds: routing.Seconds(p.FirstReply),
		ResolveSeconds: routing.Seconds(p.Resolve), Timezone: p.Timezone, Hours: routing.FormatHours(p.Hours),
		CreatedAt: jsontext.Instant(p.CreatedAt), UpdatedAt: jsontext.Instant(p.UpdatedAt)}
}

func (a *API) slaPolicies(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	ps, err := e.Policies(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := slaPolicyList{Policies: make([]slaPolicyJSON, 0, len(ps))}
	for i := range ps {
		out.Policies = append(out.Policies, toSLAPolicyJSON(&ps[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putSLAPolicy(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	pr, ok := policyPriority(w, r.PathValue("priority"))
	if !ok {
		return
	}
	var in slaPolicyRequest
	if !decode(w, r, &in) {
		return
	}
	max := int64(routing.MaxTarget / time.Second)
	if in.FirstReplySeconds < 0 || in.ResolveSeconds < 0 || in.FirstReplySeconds > max || in.ResolveSeconds > max {
		writeError(w, http.StatusUnprocessableEntity, "invalid", fmt.Sprintf("targets are seconds from 0 to %d", max))
		return
	}
	hours, err := routing.ParseHours(in.Hours)
	if err != nil {
		fail(w, r, err)
		return
	}
	pol, err := e.PutPolicy(r.Context(), p.WorkspaceID, desk.SLAPolicy{Priority: pr,
		FirstReply: time.Duration(in.FirstReplySeconds) * time.Second, Resolve: time.Duration(in.ResolveSeconds) * time.Second,
		Timezone: in.Timezone, Hours: hours})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSLAPolicyJSON(pol))
}

func (a *API) deleteSLAPolicy(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	pr, ok := policyPriority(w, r.PathValue("priority"))
	if !ok {
		return
	}
	if err := e.DeletePolicy(r.Context(), p.WorkspaceID, pr); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type durationsJSON struct {
	Unassigned         int64 `json:"unassigned" doc:"seconds waiting in a queue"`
	Assigned           int64 `json:"assigned" doc:"seconds assigned before the owner opened it"`
	Open               int64 `json:"open"`
	Pending            int64 `json:"pending"`
	OnHold             int64 `json:"on_hold"`
	FirstResponse      int64 `json:"first_response" doc:"seconds from creation to the first public reply"`
	FirstAgentResponse int64 `json:"first_agent_response"`
	Close              int64 `json:"close" doc:"seconds from creation to solved or closed"`
	Transfer           int64 `json:"transfer" doc:"seconds from creation to the last transfer"`
}

type slaJSON struct {
	Policy             *slaPolicyJSON    `json:"policy"`
	FirstReplyDueAt    *jsontext.Instant `json:"first_reply_due_at"`
	ResolveDueAt       *jsontext.Instant `json:"resolve_due_at"`
	FirstReplyAt       *jsontext.Instant `json:"first_reply_at"`
	ResolvedAt         *jsontext.Instant `json:"resolved_at"`
	FirstReplyBreached bool              `json:"first_reply_breached"`
	ResolveBreached    bool              `json:"resolve_breached"`
	WithinSLA          *bool             `json:"within_sla" doc:"set once the ticket ended"`
	State              string            `json:"state" enum:"ongoing,within,breached"`
	Durations          durationsJSON     `json:"durations" doc:"time in each status sums completed stays, from the event log"`
}

func (a *API) ticketSLA(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	s, err := e.SLA(r.Context(), p.WorkspaceID, t)
	if err != nil {
		fail(w, r, err)
		return
	}
	d := s.Durations
	sec := routing.Seconds
	out := slaJSON{FirstReplyDueAt: optTime(s.FirstReplyDueAt), ResolveDueAt: optTime(s.ResolveDueAt),
		FirstReplyAt: optTime(s.FirstReplyAt), ResolvedAt: optTime(s.ResolvedAt), FirstReplyBreached: s.FirstReplyBreached,
		ResolveBreached: s.ResolveBreached, WithinSLA: s.WithinSLA, State: s.State,
		Durations: durationsJSON{Unassigned: sec(d.Unassigned), Assigned: sec(d.Assigned), Open: sec(d.Open),
			Pending: sec(d.Pending), OnHold: sec(d.OnHold), FirstResponse: sec(d.FirstResponse),
			FirstAgentResponse: sec(d.FirstAgentResponse), Close: sec(d.Close), Transfer: sec(d.Transfer)}}
	if s.Policy != nil {
		j := toSLAPolicyJSON(s.Policy)
		out.Policy = &j
	}
	writeJSON(w, http.StatusOK, out)
}

// Assignable channel accounts.

type assignableJSON struct {
	ChannelAccountIDs []string `json:"channel_account_ids" doc:"accounts the agent takes routed tickets from; empty = every account"`
}

func (a *API) assignable(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	ids, err := e.AssignableAccounts(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assignableJSON{ChannelAccountIDs: nonNilStrings(ids)})
}

func (a *API) putAssignable(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	var in assignableJSON
	if !decode(w, r, &in) {
		return
	}
	if len(in.ChannelAccountIDs) > 1000 {
		writeError(w, http.StatusUnprocessableEntity, "invalid", "at most 1000 channel accounts")
		return
	}
	id := r.PathValue("id")
	if err := e.SetAssignableAccounts(r.Context(), p.WorkspaceID, id, in.ChannelAccountIDs); err != nil {
		fail(w, r, err)
		return
	}
	ids, err := e.AssignableAccounts(r.Context(), p.WorkspaceID, id)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assignableJSON{ChannelAccountIDs: nonNilStrings(ids)})
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
