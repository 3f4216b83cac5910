package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// Desk rooms: what an inbox, a queue and a supervisor board watch. They
// follow the workspace's event feed by seq (desk.EventReader) the way a
// ticket's stream follows its ticket's log: the hub wakes them, they read
// the store.
const (
	WorkspacePath = "/live/v1/workspace"
	AgentPath     = "/live/v1/agents/{id}" // {id}: an agent id, or "me"
	GroupPath     = "/live/v1/groups/{id}"
)

// Wire types of the desk rooms' events.

// TicketChange is the data of ticket.created, ticket.status,
// ticket.assignment, ticket.priority and ticket.group.
type TicketChange struct {
	TicketID string     `json:"ticket_id"`
	From     string     `json:"from"`
	To       string     `json:"to"`
	Reason   string     `json:"reason"`
	Actor    desk.Actor `json:"actor"`
	At       time.Time  `json:"at"`
}

// MessageSummary is the data of ticket.message: that a message was added,
// not what it says (the ticket's own stream or the API has the text).
type MessageSummary struct {
	TicketID  string     `json:"ticket_id"`
	MessageID string     `json:"message_id"`
	Kind      string     `json:"kind"` // in, out or note
	Author    desk.Actor `json:"author"`
	At        time.Time  `json:"at"`
}

// PresenceState is the data of presence.
type PresenceState struct {
	AgentID   string        `json:"agent_id"`
	Presence  desk.Presence `json:"presence"`
	ChangedAt time.Time     `json:"changed_at"`
}

// LoadState is the data of load.
type LoadState struct {
	AgentID  string `json:"agent_id"`
	Active   int64  `json:"active"`
	Capacity int    `json:"capacity"` // 0: no limit
}

// QueueEntry is a ticket waiting in a group's queue.
type QueueEntry struct {
	TicketID string        `json:"ticket_id"`
	Number   int64         `json:"number"`
	Subject  string        `json:"subject"`
	Priority desk.Priority `json:"priority"`
	QueuedAt time.Time     `json:"queued_at"`
}

// QueueState is the data of queue: the first maxQueue entries in drain
// order and the queue's full length.
type QueueState struct {
	GroupID string       `json:"group_id"`
	Length  int64        `json:"length"`
	Entries []QueueEntry `json:"entries"`
}

// QueueMove is the data of queue.entered (Entry set) and queue.left.
type QueueMove struct {
	GroupID  string      `json:"group_id"`
	TicketID string      `json:"ticket_id"`
	Length   int64       `json:"length"`
	Entry    *QueueEntry `json:"entry,omitempty"`
}

// feedNames maps event types to desk rooms' event names.
var feedNames = map[string]string{
	desk.EventCreated:       "ticket.created",
	desk.EventStatusChanged: "ticket.status",
	desk.EventAssigned:      "ticket.assignment",
	desk.EventReassigned:    "ticket.assignment",
	desk.EventUnassigned:    "ticket.assignment",
	desk.EventEscalated:     "ticket.assignment",
	desk.EventPriority:      "ticket.priority",
	desk.EventTransferred:   "ticket.group",
	desk.EventQueued:        "ticket.group",
	desk.EventMessageAdded:  "ticket.message",
}

type roomKind int

const (
	workspaceRoom roomKind = iota
	agentRoom
	groupRoom
)

// ServeWorkspace serves the caller's workspace room.
func (h *Hub) ServeWorkspace(w http.ResponseWriter, r *http.Request) {
	h.serveDesk(w, r, workspaceRoom, "")
}

// ServeAgent serves an agent's room ("id" path value; "me" is the caller).
func (h *Hub) ServeAgent(w http.ResponseWriter, r *http.Request) {
	h.serveDesk(w, r, agentRoom, r.PathValue("id"))
}

// ServeGroup serves a group's room ("id" path value).
func (h *Hub) ServeGroup(w http.ResponseWriter, r *http.Request) {
	h.serveDesk(w, r, groupRoom, r.PathValue("id"))
}

// deskStream is one open desk room.
type deskStream struct {
	stream
	kind roomKind
	id   string // the agent or group
	// valid reports whether the stream's credential still holds.
	valid func(context.Context) error
	p     *auth.Principal
	mark  int64 // the seq of the newest event accounted for

	presence *PresenceState
	load     *LoadState
	queue    map[string]QueueEntry
	length   int64
}

func (h *Hub) serveDesk(w http.ResponseWriter, r *http.Request, kind roomKind, id string) {
	ctx := r.Context()
	cred := credential(r)
	if cred == "" || h.Auth == nil {
		writeError(w, http.StatusUnauthorized, "unauthorized", "an API token (?token= or Authorization: Bearer) is required")
		return
	}
	p, err := h.Auth.Token(ctx, cred)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "unauthorized", "invalid token")
		return
	}
	h.serveDeskAs(w, r, kind, id, p, func(ctx context.Context) error {
		_, err := h.Auth.Token(ctx, cred)
		return err
	})
}

// ServeWorkspaceAs serves p's workspace room to a caller another door has
// already authenticated (the agent desk's session). valid is asked every
// PresencePoll whether the credential still holds; an error ends the
// stream. The room shows what desk's policy lets p see, as for a token.
func (h *Hub) ServeWorkspaceAs(w http.ResponseWriter, r *http.Request, p *auth.Principal, valid func(context.Context) error) {
	h.serveDeskAs(w, r, workspaceRoom, "", p, valid)
}

func (h *Hub) serveDeskAs(w http.ResponseWriter, r *http.Request, kind roomKind, id string, p *auth.Principal, valid func(context.Context) error) {
	ctx := r.Context()
	if kind == agentRoom && id == "me" {
		id = p.AgentID
	}
	if status, code, msg := h.mayOpen(ctx, p, kind, id); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	wt := h.watchFeed(p.WorkspaceID)
	if wt == nil {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "unavailable", "too many open streams on this node")
		return
	}
	defer h.unwatch(wt)
	s := &deskStream{stream: stream{hub: h, w: w, rc: http.NewResponseController(w), acc: access{ws: p.WorkspaceID}, wt: wt},
		kind: kind, id: id, valid: valid, p: p}
	// As for a ticket: read before the client sees the stream open.
	replay, reset, err := s.prime(ctx, lastEventID(r))
	if err == nil {
		err = s.readState(ctx)
	}
	if err != nil {
		h.Log.Error("live: open desk room", slog.String("workspace", p.WorkspaceID), slog.Any("err", err))
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	if err := s.runDesk(ctx, replay, reset); err != nil && ctx.Err() == nil {
		h.Log.Debug("live: desk room ended", slog.String("workspace", p.WorkspaceID), slog.Any("err", err))
	}
}

// mayOpen decides who opens which room: anyone of the workspace its room;
// agents their own room and their groups'; supervisors and admins any.
func (h *Hub) mayOpen(ctx context.Context, p *auth.Principal, kind roomKind, id string) (int, string, string) {
	switch kind {
	case agentRoom:
		if !objectid.Valid(id) {
			return http.StatusNotFound, "not_found", "no such agent"
		}
		if _, err := h.Desk.Store.Agent(ctx, p.WorkspaceID, id); err != nil {
			return h.lookupFailed(err, "agent")
		}
		if id != p.AgentID && !p.Can(desk.RoleSupervisor) {
			return http.StatusForbidden, "forbidden", "agents watch only their own room"
		}
	case groupRoom:
		if !objectid.Valid(id) {
			return http.StatusNotFound, "not_found", "no such group"
		}
		if _, err := h.Desk.Store.Group(ctx, p.WorkspaceID, id); err != nil {
			return h.lookupFailed(err, "group")
		}
		if p.Can(desk.RoleSupervisor) {
			return 0, "", ""
		}
		me, err := h.Desk.Store.Agent(ctx, p.WorkspaceID, p.AgentID)
		if err != nil {
			return h.lookupFailed(err, "agent")
		}
		if !slices.Contains(me.GroupIDs, id) {
			return http.StatusForbidden, "forbidden", "agents watch only the groups they belong to"
		}
	}
	return 0, "", ""
}

func (h *Hub) lookupFailed(err error, what string) (int, string, string) {
	if errors.Is(err, desk.ErrNotFound) {
		return http.StatusNotFound, "not_found", "no such " + what
	}
	h.Log.Error("live: read "+what, slog.Any("err", err))
	return http.StatusInternalServerError, "internal", "internal error"
}

// prime sets the stream's place in the feed: after last when resuming
// (returning what came since), else the workspace's last seq (now). reset:
// the client cannot be replayed to and must reload — it is more than one
// read behind, or last is no seq this feed gave (an id from before seq,
// "<ms>-<event id>", or one above the last seq); it then follows from now.
func (s *deskStream) prime(ctx context.Context, last string) (replay []desk.Event, reset bool, err error) {
	head, err := s.hub.Desk.Store.LastEventSeq(ctx, s.acc.ws)
	if err != nil {
		return nil, false, err
	}
	s.mark = head
	if last == "" {
		return nil, false, nil
	}
	n, ok := parseEventID(last)
	if !ok || n > head {
		return nil, true, nil
	}
	evs, err := readFeed(ctx, s.hub.Desk.Store, s.acc.ws, n)
	if err != nil {
		return nil, false, err
	}
	if len(evs) >= maxReplay {
		return nil, true, nil
	}
	s.mark = n
	return evs, false, nil
}

// account moves the mark past evs (in seq order).
func (s *deskStream) account(evs []desk.Event) {
	if len(evs) > 0 && evs[len(evs)-1].Seq > s.mark {
		s.mark = evs[len(evs)-1].Seq
	}
}

func (s *deskStream) runDesk(ctx context.Context, replay []desk.Event, reset bool) error {
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	s.w.WriteHeader(http.StatusOK)
	if err := s.send(fmt.Sprintf("retry: %d\n: connected\n\n", retryMillis)); err != nil {
		return err
	}
	if reset {
		// Too far behind to replay: the client reloads what it shows.
		if err := s.event("", "reset", map[string]string{"reason": "too many events missed"}); err != nil {
			return err
		}
		replay = nil // prime left the mark at the last seq: from now on
	}
	if err := s.sendState(); err != nil {
		return err
	}
	if err := s.deliverDesk(ctx, replay); err != nil {
		return err
	}
	beat := time.NewTicker(s.hub.Heartbeat)
	defer beat.Stop()
	// Presence changes are not desk changes the hub hears of, and a
	// revoked token must end its open streams: both are checked each tick.
	tick := time.NewTicker(s.hub.PresencePoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wt.wake:
			if err := s.catchUpDesk(ctx); err != nil {
				return err
			}
		case <-tick.C:
			if err := s.valid(ctx); err != nil {
				return fmt.Errorf("credential no longer valid: %w", err)
			}
			if s.kind == agentRoom {
				if err := s.refreshAgent(ctx, false); err != nil {
					return err
				}
			}
		case sig := <-s.wt.sig:
			if err := s.deliverSignal(ctx, sig); err != nil {
				return err
			}
		case <-beat.C:
			if err := s.send(": ping\n\n"); err != nil {
				return err
			}
		}
	}
}

// catchUpDesk delivers the events numbered above the mark.
func (s *deskStream) catchUpDesk(ctx context.Context) error {
	evs, err := s.wt.feed.since(ctx, s.hub.Desk.Store, s.acc.ws, s.mark)
	for err == nil {
		if err = s.deliverDesk(ctx, evs); err != nil || len(evs) < maxReplay {
			break
		}
		// A full read: more may follow it; no wake will come for them.
		evs, err = readFeed(ctx, s.hub.Desk.Store, s.acc.ws, s.mark)
	}
	return err
}

// deliverDesk sends the events of evs this room shows, then the room's
// state if they changed it.
func (s *deskStream) deliverDesk(ctx context.Context, evs []desk.Event) error {
	agentTouched, queueTouched := false, false
	// What the caller may see (desk's policy, the workspace's
	// ticket_access): nil is every ticket; otherwise each event's ticket is
	// read once per batch and events of hidden tickets are left out.
	scope, err := s.hub.Desk.Scope(ctx, s.p.WorkspaceID, *s.p.Caller())
	if err != nil {
		return err
	}
	visible := map[string]bool{}
	sees := func(id string) (bool, error) {
		if scope == nil {
			return true, nil
		}
		if v, ok := visible[id]; ok {
			return v, nil
		}
		t, err := s.hub.Desk.Store.Ticket(ctx, s.p.WorkspaceID, id)
		if err != nil {
			return false, err
		}
		visible[id] = scope.Has(t)
		return visible[id], nil
	}
	for i := range evs {
		e := &evs[i]
		s.account(evs[i : i+1])
		name, ok := feedNames[e.Type]
		if !ok {
			continue
		}
		switch s.kind {
		case agentRoom:
			if name == "ticket.assignment" || name == "ticket.status" {
				agentTouched = true
			}
			if name != "ticket.assignment" || (e.From != s.id && e.To != s.id) {
				continue
			}
		case groupRoom:
			if name != "ticket.message" && name != "ticket.priority" {
				queueTouched = true
			}
			continue // a group room shows its queue, not the workspace's tickets
		}
		if ok, err := sees(e.TicketID); err != nil {
			return err
		} else if !ok {
			continue
		}
		var data any
		if name == "ticket.message" {
			data = MessageSummary{TicketID: e.TicketID, MessageID: e.Reason, Kind: e.To, Author: e.Actor, At: e.At}
		} else {
			data = TicketChange{TicketID: e.TicketID, From: e.From, To: e.To, Reason: e.Reason, Actor: e.Actor, At: e.At}
		}
		if err := s.event(eventID(e), name, data); err != nil {
			return err
		}
	}
	if agentTouched {
		if err := s.refreshAgent(ctx, true); err != nil {
			return err
		}
	}
	if queueTouched {
		return s.refreshQueue(ctx)
	}
	return nil
}

// event writes one event; id "" leaves the client's last event id as is
// (state events cannot be resumed from; a reconnect sends state afresh).
func (s *deskStream) event(id, name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", name, err)
	}
	chunk := "event: " + name + "\ndata: " + string(b) + "\n\n"
	if id != "" {
		chunk = "id: " + id + "\n" + chunk
	}
	return s.send(chunk)
}

// readState reads the room's state before the stream opens.
func (s *deskStream) readState(ctx context.Context) error {
	switch s.kind {
	case agentRoom:
		p, l, err := s.agentState(ctx, true)
		s.presence, s.load = p, l
		return err
	case groupRoom:
		q, n, err := s.queueState(ctx)
		s.queue, s.length = q, n
		return err
	}
	return nil
}

// sendState sends the room's state as it was read: presence and load, or
// the queue.
func (s *deskStream) sendState() error {
	switch s.kind {
	case agentRoom:
		if err := s.event("", "presence", s.presence); err != nil {
			return err
		}
		return s.event("", "load", s.load)
	case groupRoom:
		st := QueueState{GroupID: s.id, Length: s.length, Entries: []QueueEntry{}}
		for _, e := range s.queue {
			st.Entries = append(st.Entries, e)
		}
		slices.SortFunc(st.Entries, func(a, b QueueEntry) int { return a.QueuedAt.Compare(b.QueuedAt) })
		return s.event("", "queue", st)
	}
	return nil
}

func (s *deskStream) agentState(ctx context.Context, withLoad bool) (*PresenceState, *LoadState, error) {
	a, err := s.hub.Desk.Store.Agent(ctx, s.acc.ws, s.id)
	if err != nil {
		return nil, nil, fmt.Errorf("read agent %s: %w", s.id, err)
	}
	p := &PresenceState{AgentID: a.ID, Presence: a.Presence, ChangedAt: a.PresenceChangedAt}
	l := &LoadState{AgentID: a.ID, Capacity: a.Capacity}
	if s.load != nil {
		l.Active = s.load.Active
	}
	if withLoad {
		n, err := s.hub.Desk.Store.CountTickets(ctx, s.acc.ws, desk.TicketFilter{AssigneeID: a.ID, Statuses: desk.ActiveStatuses})
		if err != nil {
			return nil, nil, fmt.Errorf("load of agent %s: %w", s.id, err)
		}
		l.Active = n
	}
	return p, l, nil
}

// refreshAgent re-reads the agent and sends presence and load if they
// changed.
func (s *deskStream) refreshAgent(ctx context.Context, withLoad bool) error {
	p, l, err := s.agentState(ctx, withLoad)
	if err != nil {
		return err
	}
	if *p != *s.presence {
		s.presence = p
		if err := s.event("", "presence", p); err != nil {
			return err
		}
	}
	if *l != *s.load {
		s.load = l
		return s.event("", "load", l)
	}
	return nil
}

// maxQueue bounds the queue entries a group room tracks one by one; the
// length is always exact.
const maxQueue = 200

func (s *deskStream) queueState(ctx context.Context) (map[string]QueueEntry, int64, error) {
	f := desk.TicketFilter{GroupID: s.id, Statuses: []desk.Status{desk.StatusUnassigned}, Order: desk.OrderQueue, Limit: maxQueue}
	ts, err := s.hub.Desk.Store.Tickets(ctx, s.acc.ws, f)
	if err != nil {
		return nil, 0, fmt.Errorf("queue of group %s: %w", s.id, err)
	}
	f.Limit = 0
	n, err := s.hub.Desk.Store.CountTickets(ctx, s.acc.ws, f)
	if err != nil {
		return nil, 0, fmt.Errorf("queue length of group %s: %w", s.id, err)
	}
	q := make(map[string]QueueEntry, len(ts))
	for _, t := range ts {
		q[t.ID] = QueueEntry{TicketID: t.ID, Number: t.Number, Subject: t.Subject, Priority: t.Priority, QueuedAt: t.QueuedAt}
	}
	return q, n, nil
}

// refreshQueue re-reads the queue and sends who left and who entered.
func (s *deskStream) refreshQueue(ctx context.Context) error {
	q, n, err := s.queueState(ctx)
	if err != nil {
		return err
	}
	old, oldLength := s.queue, s.length
	s.queue, s.length = q, n
	for id := range old {
		if _, ok := q[id]; !ok {
			if err := s.event("", "queue.left", QueueMove{GroupID: s.id, TicketID: id, Length: n}); err != nil {
				return err
			}
		}
	}
	var entered []QueueEntry
	for id, e := range q {
		if _, ok := old[id]; !ok {
			entered = append(entered, e)
		}
	}
	if len(entered) == 0 && n != oldLength && len(old) == len(q) {
		// The change is beyond the entries tracked one by one.
		return s.event("", "queue.length", QueueMove{GroupID: s.id, Length: n})
	}
	slices.SortFunc(entered, func(a, b QueueEntry) int { return a.QueuedAt.Compare(b.QueuedAt) })
	for i := range entered {
		if err := s.event("", "queue.entered", QueueMove{GroupID: s.id, TicketID: entered[i].TicketID, Length: n, Entry: &entered[i]}); err != nil {
			return err
		}
	}
	return nil
}
