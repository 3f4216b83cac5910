// Package live streams ticket changes as they happen: a Hub hears every
// committed desk change (desk.Service.Subscribe) and wakes the streams
// watching the touched tickets; each stream then reads the ticket's event
// log and sends what its client has not seen as server-sent events (new
// messages and status changes). On PostgreSQL, hubs of different nodes
// wake each other through LISTEN/NOTIFY, so a message written on one node
// reaches a stream held by another.
//
// Streams read from the store rather than from the change itself, so the
// local path, the cross-node path and Last-Event-ID resume are one code
// path and a stream can never skip an event it was woken for.
package live

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Hub fans ticket changes out to the streams watching them.
type Hub struct {
	Desk *desk.Service
	// Auth, when set, lets native API tokens open streams of their workspace.
	Auth *auth.Service
	Log  *slog.Logger
	// Heartbeat is how often an idle stream sends a comment line, so
	// proxies and load balancers keep the connection open.
	Heartbeat time.Duration
	// WriteTimeout bounds each write to a client; a client that stops
	// reading is dropped rather than holding the stream forever.
	WriteTimeout time.Duration
	// MaxStreams bounds the streams one node holds open.
	MaxStreams int
	// PresencePoll is how often an agent room re-reads its agent's presence
	// (presence changes are not desk changes the hub hears of) and a desk
	// room re-checks its token (a revoked token ends its open streams).
	PresencePoll time.Duration

	keys keys
	node string // this hub's id, to ignore its own notifications

	mu      sync.Mutex
	rooms   map[room]*roomState
	feeds   map[string]*feedState // desk rooms (workspace, agent, group) by workspace
	streams int

	pg *pgBridge // nil unless the store is PostgreSQL
}

// room is one ticket's stream audience.
type room struct{ ws, ticket string }

// roomState is one watched ticket: its streams and the last read of its
// log, which all its streams share (one store read per change, not one
// per stream).
type roomState struct {
	watchers map[*watcher]struct{}
	gen      atomic.Uint64 // bumped by every wake

	mu     sync.Mutex // held while reading, so streams of a room read once
	readAt uint64     // gen the cached read reflects
	valid  bool
	log    []desk.Event
	msgs   map[string]*desk.Message // nil until a stream needs them
	msgsAt uint64
}

// watcher is one open stream; wake is signalled (never blocking, so
// bursts coalesce) when its ticket changes.
type watcher struct {
	room  room
	state *roomState // nil for a desk room's stream
	feed  *feedState // nil for a ticket's stream
	wake  chan struct{}
	sig   chan Signal // ephemeral signals; nil for a ticket's stream
}

// Defaults for a Hub's knobs.
const (
	DefaultHeartbeat    = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultMaxStreams   = 10_000
	DefaultPresencePoll = time.Second
)

// New returns a hub over d, subscribed to its changes. Credentials are
// signed with keys derived from secret, which every node behind one load
// balancer must share; an empty secret picks a random one, so this node's
// room tokens and agent JWTs stop working when it restarts.
func New(d *desk.Service, a *auth.Service, secret []byte, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	var node [8]byte
	_, _ = rand.Read(node[:])
	h := &Hub{Desk: d, Auth: a, Log: log, Heartbeat: DefaultHeartbeat, WriteTimeout: DefaultWriteTimeout,
		MaxStreams: DefaultMaxStreams, PresencePoll: DefaultPresencePoll, keys: deriveKeys(secret), node: hex.EncodeToString(node[:]),
		rooms: make(map[room]*roomState), feeds: make(map[string]*feedState)}
	if db, ok := d.Store.(interface{ DB() *sql.DB }); ok && d.Store.Backend() == "postgres" {
		h.pg = newPGBridge(h, db.DB())
	}
	d.Subscribe(h.changed)
	return h
}

// RoomToken is the credential that opens ticket's public stream.
func (h *Hub) RoomToken(ws, ticket string) string { return h.keys.roomToken(ws, ticket) }

// AgentJWT is a short-lived credential letting agent watch ticket's stream,
// internal notes included.
func (h *Hub) AgentJWT(ws, agent, ticket string) string {
	return h.keys.agentJWT(ws, agent, ticket, h.Desk.Clock())
}

// changed runs after every committed change; it must not block.
func (h *Hub) changed(ch desk.Change) {
	h.publishPresence(ch)
	touched := make(map[room]struct{}, len(ch.Tickets))
	for id, t := range ch.Tickets {
		touched[room{t.WorkspaceID, id}] = struct{}{}
	}
	for _, e := range ch.Events {
		touched[room{e.WorkspaceID, e.TicketID}] = struct{}{}
	}
	for _, m := range ch.Messages {
		touched[room{m.WorkspaceID, m.TicketID}] = struct{}{}
	}
	for r := range touched {
		h.wake(r)
	}
	if h.pg != nil {
		h.pg.publish(touched)
	}
}

// wake signals every local stream of r, and of r's workspace's desk rooms.
func (h *Hub) wake(r room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if fs := h.feeds[r.ws]; fs != nil {
		fs.gen.Add(1)
		signal(fs.watchers)
	}
	rs := h.rooms[r]
	if rs == nil {
		return
	}
	rs.gen.Add(1)
	signal(rs.watchers)
}

// signal wakes ws without blocking: one already signalled will read
// everything new anyway.
func signal(ws map[*watcher]struct{}) {
	for w := range ws {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// wakeAll signals every local stream, after a cross-node gap.
func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, rs := range h.rooms {
		rs.gen.Add(1)
		signal(rs.watchers)
	}
	for _, fs := range h.feeds {
		fs.gen.Add(1)
		signal(fs.watchers)
	}
}

// watch registers a stream of ticket; nil when the node is full.
func (h *Hub) watch(ws, ticket string) *watcher {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.streams >= h.MaxStreams {
		return nil
	}
	r := room{ws, ticket}
	rs := h.rooms[r]
	if rs == nil {
		rs = &roomState{watchers: make(map[*watcher]struct{})}
		h.rooms[r] = rs
	}
	w := &watcher{room: r, state: rs, wake: make(chan struct{}, 1)}
	rs.watchers[w] = struct{}{}
	h.opened()
	return w
}

// watchFeed registers a desk room's stream of ws; nil when the node is full.
func (h *Hub) watchFeed(ws string) *watcher {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.streams >= h.MaxStreams {
		return nil
	}
	fs := h.feeds[ws]
	if fs == nil {
		fs = &feedState{watchers: make(map[*watcher]struct{})}
		h.feeds[ws] = fs
	}
	w := &watcher{room: room{ws: ws}, feed: fs, wake: make(chan struct{}, 1), sig: make(chan Signal, sigBuffer)}
	fs.watchers[w] = struct{}{}
	h.opened()
	return w
}

// opened counts a new stream (hub lock held): the first one starts
// listening to other nodes.
func (h *Hub) opened() {
	h.streams++
	if h.streams == 1 && h.pg != nil {
		h.pg.listen()
	}
}

// unwatch removes a stream.
func (h *Hub) unwatch(w *watcher) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w.feed != nil {
		if _, ok := w.feed.watchers[w]; !ok {
			return
		}
		delete(w.feed.watchers, w)
		if len(w.feed.watchers) == 0 && h.feeds[w.room.ws] == w.feed {
			delete(h.feeds, w.room.ws)
		}
		h.closed()
		return
	}
	rs := h.rooms[w.room]
	if rs == nil {
		return
	}
	if _, ok := rs.watchers[w]; !ok {
		return
	}
	delete(rs.watchers, w)
	if len(rs.watchers) == 0 {
		delete(h.rooms, w.room)
	}
	h.closed()
}

// closed counts a stream gone (hub lock held): the last one stops listening.
func (h *Hub) closed() {
	h.streams--
	if h.streams == 0 && h.pg != nil {
		h.pg.stop()
	}
}

// Streams is how many streams this node holds open.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.streams
}

// Listening reports whether this node is subscribed to other nodes'
// changes (PostgreSQL only, while it holds at least one stream).
func (h *Hub) Listening() bool {
	if h.pg == nil {
		return false
	}
	return h.pg.listening()
}

// events is the ticket's log as of the room's latest wake, read once for
// all of the room's streams. The generation is taken before the read, so a
// wake during it makes the next caller read again. Callers must not modify
// the slice.
func (rs *roomState) events(ctx context.Context, st desk.Reader, r room) ([]desk.Event, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	g := rs.gen.Load()
	if rs.valid && rs.readAt == g {
		return rs.log, nil
	}
	evs, err := st.Events(ctx, r.ws, r.ticket)
	if err != nil {
		return nil, err
	}
	rs.log, rs.readAt, rs.valid = evs, g, true
	return evs, nil
}

// messages is the ticket's recent messages by id, shared like events (a
// woken stream needs only the newest few; the bound keeps a long ticket
// cheap).
func (rs *roomState) messages(ctx context.Context, st desk.Reader, r room) (map[string]*desk.Message, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	g := rs.gen.Load()
	if rs.msgs != nil && rs.msgsAt == g {
		return rs.msgs, nil
	}
	list, err := st.Messages(ctx, r.ws, r.ticket, desk.MessageFilter{NewestFirst: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*desk.Message, len(list))
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	rs.msgs, rs.msgsAt = out, g
	return out, nil
}
