package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
	"github.com/ticketd/ticketd/internal/objectid"
)

// Wire types of the stream's events (the native API's conventions:
// snake_case, RFC 3339 instants in UTC with three fractional digits).

// MessageEvent is the data of an "event: message".
type MessageEvent struct {
	TicketID    string           `json:"ticket_id"`
	ID          string           `json:"id"`
	Number      int64            `json:"number"`
	Direction   desk.Direction   `json:"direction"`
	Public      bool             `json:"public"`
	Author      desk.Actor       `json:"author"`
	AuthorName  string           `json:"author_name"`
	Text        string           `json:"text"`
	Attachments []AttachmentInfo `json:"attachments"`
	CreatedAt   jsontext.Instant `json:"created_at"`
}

// AttachmentInfo describes a file of a streamed message.
type AttachmentInfo struct {
	ID          string `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// StatusEvent is the data of an "event: status".
type StatusEvent struct {
	TicketID string           `json:"ticket_id"`
	From     desk.Status      `json:"from"`
	To       desk.Status      `json:"to"`
	Reason   string           `json:"reason"`
	Actor    desk.Actor       `json:"actor"`
	At       jsontext.Instant `json:"at"`
}

// retryMillis tells EventSource clients how soon to reconnect.
const retryMillis = 3000

// access is what a credential lets a stream see.
type access struct {
	ws, ticket string
	notes      bool         // internal notes too (agents), not only the public conversation
	caller     *desk.Caller // the API token's agent; nil for ticket-bound tokens
}

// ServeHTTP serves one ticket's stream; the ticket id is the "id" path value.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	acc, status, code, msg := h.authorize(r, r.PathValue("id"))
	if acc == nil {
		writeError(w, status, code, msg)
		return
	}
	wt := h.watch(acc.ws, acc.ticket)
	if wt == nil {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "unavailable", "too many open streams on this node")
		return
	}
	defer h.unwatch(wt)
	s := &stream{hub: h, w: w, rc: http.NewResponseController(w), acc: *acc, wt: wt, sent: make(map[string]struct{})}
	// Read the log before the client sees the stream open: whatever it
	// writes once it has seen the 200 is then news, never history. The
	// watcher is already registered, so nothing between is lost.
	replay, err := s.prime(r.Context(), lastEventID(r))
	if err != nil {
		h.Log.Error("live: read ticket events", slog.String("ticket", acc.ticket), slog.Any("err", err))
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	if err := s.run(r, replay); err != nil && r.Context().Err() == nil {
		h.Log.Debug("live: stream ended", slog.String("ticket", acc.ticket), slog.Any("err", err))
	}
}

// authorize finds who may watch ticket id: a room token of that ticket, an
// agent JWT for it, or a native API token of its workspace.
func (h *Hub) authorize(r *http.Request, id string) (acc *access, status int, code, msg string) {
	cred := credential(r)
	if cred == "" {
		return nil, http.StatusUnauthorized, "unauthorized", "a room subscription token (?token=) or a bearer token is required"
	}
	ctx := r.Context()
	switch {
	case strings.HasPrefix(cred, roomPrefix+"."):
		ws, ticket, ok := h.keys.verifyRoomToken(cred)
		if !ok {
			return nil, http.StatusUnauthorized, "unauthorized", "invalid room subscription token"
		}
		acc = &access{ws: ws, ticket: ticket}
	case strings.HasPrefix(cred, jwtHeader+"."):
		c, ok := h.keys.verifyAgentJWT(cred, h.Desk.Clock())
		if !ok {
			return nil, http.StatusUnauthorized, "unauthorized", "invalid or expired agent token"
		}
		if _, err := h.Desk.Store.Agent(ctx, c.Workspace, c.Subject); err != nil {
			return nil, http.StatusUnauthorized, "unauthorized", "the agent of this token no longer exists"
		}
		acc = &access{ws: c.Workspace, ticket: c.Ticket, notes: true}
	default:
		if h.Auth == nil {
			return nil, http.StatusUnauthorized, "unauthorized", "invalid token"
		}
		p, err := h.Auth.Token(ctx, cred)
		if err != nil {
			return nil, http.StatusUnauthorized, "unauthorized", "invalid token"
		}
		acc = &access{ws: p.WorkspaceID, ticket: id, notes: true, caller: p.Caller()}
	}
	if acc.ticket != id {
		// A token names one ticket; it never opens another's stream.
		return nil, http.StatusForbidden, "forbidden", "this token is for another ticket"
	}
	if !objectid.Valid(id) {
		return nil, http.StatusNotFound, "not_found", "no such ticket"
	}
	t, err := h.Desk.Store.Ticket(ctx, acc.ws, id)
	if err == nil && acc.caller != nil {
		// An API token sees the ticket only if desk's policy lets its
		// agent (ticket_access); a hidden ticket is not found.
		err = h.Desk.Authorize(ctx, *acc.caller, t, desk.ActView)
	}
	if err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return nil, http.StatusNotFound, "not_found", "no such ticket"
		}
		h.Log.Error("live: read ticket", slog.String("ticket", id), slog.Any("err", err))
		return nil, http.StatusInternalServerError, "internal", "internal error"
	}
	return acc, 0, "", ""
}

// credential is the Authorization bearer token, or else the token query
// parameter (EventSource cannot send headers).
func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return r.URL.Query().Get("token")
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// stream is one open connection.
type stream struct {
	hub  *Hub
	w    http.ResponseWriter
	rc   *http.ResponseController
	acc  access
	wt   *watcher
	sent map[string]struct{} // ids of events already accounted for
}

func (s *stream) run(r *http.Request, replay []desk.Event) error {
	ctx := r.Context()
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	s.w.WriteHeader(http.StatusOK)
	if err := s.send(fmt.Sprintf("retry: %d\n: connected\n\n", retryMillis)); err != nil {
		return err
	}
	if err := s.deliver(ctx, replay); err != nil {
		return err
	}
	beat := time.NewTicker(s.hub.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wt.wake:
			if err := s.catchUp(ctx); err != nil {
				return err
			}
		case <-beat.C:
			if err := s.send(": ping\n\n"); err != nil {
				return err
			}
		}
	}
}

func lastEventID(r *http.Request) string {
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		return id
	}
	return r.URL.Query().Get("last_event_id")
}

// prime marks the log as seen: all of it for a new client, up to last
// for a client resuming, and returns the events that client missed.
func (s *stream) prime(ctx context.Context, last string) ([]desk.Event, error) {
	evs, err := s.hub.Desk.Store.Events(ctx, s.acc.ws, s.acc.ticket)
	if err != nil {
		return nil, err
	}
	cut := len(evs)
	if last != "" {
		for i := range evs {
			if evs[i].ID == last {
				cut = i + 1
				break
			}
		}
	}
	for _, e := range evs[:cut] {
		s.sent[e.ID] = struct{}{}
	}
	return evs[cut:], nil
}

// catchUp sends every event of the log the client has not seen. Seen
// events are tracked by id rather than by position, so an event committed
// late (another node, clock skew) is still sent once.
func (s *stream) catchUp(ctx context.Context) error {
	evs, err := s.wt.state.events(ctx, s.hub.Desk.Store, s.wt.room)
	if err != nil {
		return err
	}
	var fresh []desk.Event
	for _, e := range evs {
		if _, ok := s.sent[e.ID]; !ok {
			fresh = append(fresh, e)
		}
	}
	return s.deliver(ctx, fresh)
}

// deliver sends evs that this stream may see, in log order.
func (s *stream) deliver(ctx context.Context, evs []desk.Event) error {
	var msgs map[string]*desk.Message
	for _, e := range evs {
		s.sent[e.ID] = struct{}{}
		var name string
		var data any
		switch {
		case e.Type == desk.EventStatusChanged:
			name = "status"
			data = StatusEvent{TicketID: e.TicketID, From: desk.Status(e.From), To: desk.Status(e.To),
				Reason: e.Reason, Actor: e.Actor, At: jsontext.Instant(e.At)}
		case e.Type == desk.EventMessageAdded && (s.acc.notes || e.To != "note"):
			if msgs == nil {
				var err error
				if msgs, err = s.wt.state.messages(ctx, s.hub.Desk.Store, s.wt.room); err != nil {
					return err
				}
			}
			m, ok := msgs[e.Reason]
			if !ok || (!m.Public && !s.acc.notes) {
				continue
			}
			name, data = "message", toMessageEvent(m)
		default:
			continue
		}
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("encode %s event: %w", name, err)
		}
		if err := s.send("id: " + e.ID + "\nevent: " + name + "\ndata: " + string(b) + "\n\n"); err != nil {
			return err
		}
	}
	return nil
}

func toMessageEvent(m *desk.Message) MessageEvent {
	out := MessageEvent{TicketID: m.TicketID, ID: m.ID, Number: m.Number, Direction: m.Direction, Public: m.Public,
		Author: m.Author, AuthorName: m.AuthorName, Text: m.Text, Attachments: []AttachmentInfo{}, CreatedAt: jsontext.Instant(m.CreatedAt)}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, AttachmentInfo{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size})
	}
	return out
}

// send writes one chunk and flushes it through every proxy-facing buffer.
func (s *stream) send(chunk string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.hub.WriteTimeout))
	if _, err := s.w.Write([]byte(chunk)); err != nil {
		return err
	}
	return s.rc.Flush()
}
