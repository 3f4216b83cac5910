package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Signals are ephemeral: "Ana is viewing #12", "Ana is typing", "Ana went
// away". They reach the workspace rooms open at the moment they are sent,
// on every node (PostgreSQL NOTIFY on the same channel as changes; on
// SQLite, one node, in process), and are never written to the event log,
// never replayed on resume and carry no SSE id. A room that is slow to
// read drops them rather than block the sender.

// Signal is one ephemeral event for the workspace rooms of WorkspaceID.
// When TicketID is set, only rooms whose caller may see that ticket (desk's
// policy) get it.
type Signal struct {
	WorkspaceID string
	TicketID    string
	Name        string          // the SSE event name, e.g. "ticket.viewer"
	Data        json.RawMessage // the SSE data, one JSON value
}

// Viewer is the data of ticket.viewer: an agent has a ticket open
// (viewing), is writing a reply (typing) or closed it (left). Receivers
// forget a viewer not heard of for ViewerTTL.
type Viewer struct {
	TicketID string    `json:"ticket_id"`
	AgentID  string    `json:"agent_id"`
	Name     string    `json:"name"`
	State    string    `json:"state"` // viewing, typing or left
	At       time.Time `json:"at"`
}

// Viewer states and the signal's event name.
const (
	ViewerEvent   = "ticket.viewer"
	ViewerViewing = "viewing"
	ViewerTyping  = "typing"
	ViewerLeft    = "left"
	// ViewerTTL is how long a viewer counts without a heartbeat.
	ViewerTTL = 30 * time.Second
)

// PresenceEvent is the signal every workspace room gets when an agent's
// presence changes, whichever door changed it (desk's SetPresence or a
// deactivation: desk.Change.Presence); supervisor boards refresh on it.
const PresenceEvent = "agent.presence"

// PresenceSignal is the data of agent.presence.
type PresenceSignal struct {
	AgentID  string        `json:"agent_id"`
	Presence desk.Presence `json:"presence"`
	At       time.Time     `json:"at"`
}

// publishPresence sends ch's presence changes as signals.
func (h *Hub) publishPresence(ch desk.Change) {
	for _, p := range ch.Presence {
		b, err := json.Marshal(PresenceSignal{AgentID: p.AgentID, Presence: p.Presence, At: p.At})
		if err != nil {
			h.Log.Error("live: encode presence signal", slog.Any("err", err))
			continue
		}
		h.Publish(Signal{WorkspaceID: ch.WorkspaceID, Name: PresenceEvent, Data: b})
	}
}

// sigBuffer is how many signals a room may have waiting before new ones
// are dropped for it.
const sigBuffer = 32

// Publish sends sig to the workspace rooms of every node. It never blocks.
func (h *Hub) Publish(sig Signal) {
	h.deliverLocal(sig)
	if h.pg != nil {
		h.pg.signal(sig)
	}
}

// deliverLocal hands sig to this node's workspace rooms of its workspace.
func (h *Hub) deliverLocal(sig Signal) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fs := h.feeds[sig.WorkspaceID]
	if fs == nil {
		return
	}
	for w := range fs.watchers {
		select {
		case w.sig <- sig:
		default: // a room that is behind loses an ephemeral signal
		}
	}
}

// deliverSignal sends sig if this room shows it.
func (s *deskStream) deliverSignal(ctx context.Context, sig Signal) error {
	if s.kind != workspaceRoom {
		return nil
	}
	if sig.TicketID != "" {
		scope, err := s.hub.Desk.Scope(ctx, s.p.WorkspaceID, *s.p.Caller())
		if err != nil {
			return err
		}
		if scope != nil {
			t, err := s.hub.Desk.Store.Ticket(ctx, s.p.WorkspaceID, sig.TicketID)
			if err != nil {
				return nil // gone, or never this workspace's: nothing to show
			}
			if !scope.Has(t) {
				return nil
			}
		}
	}
	return s.send("event: " + sig.Name + "\ndata: " + string(sig.Data) + "\n\n")
}

// Cross-node form of a signal: "~node|ws|ticket|name|data". The leading
// "~" sets it apart from change notifications ("node|ws/ticket …").
const signalMark = "~"

func signalPayload(node string, sig Signal) (string, error) {
	for _, f := range []string{sig.WorkspaceID, sig.TicketID, sig.Name} {
		if strings.Contains(f, "|") {
			return "", fmt.Errorf("signal field %q holds a |", f)
		}
	}
	p := signalMark + node + "|" + sig.WorkspaceID + "|" + sig.TicketID + "|" + sig.Name + "|" + string(sig.Data)
	if len(p) > maxPayload {
		return "", fmt.Errorf("signal of %d bytes is over the notification limit", len(p))
	}
	return p, nil
}

// parseSignal decodes a signal notification; ok is false for malformed
// ones and for anything that is not a signal.
func parseSignal(p string) (node string, sig Signal, ok bool) {
	rest, found := strings.CutPrefix(p, signalMark)
	if !found {
		return "", Signal{}, false
	}
	parts := strings.SplitN(rest, "|", 5)
	if len(parts) != 5 || parts[0] == "" || parts[1] == "" || parts[3] == "" || !json.Valid([]byte(parts[4])) {
		return "", Signal{}, false
	}
	return parts[0], Signal{WorkspaceID: parts[1], TicketID: parts[2], Name: parts[3], Data: json.RawMessage(parts[4])}, true
}

// signal sends sig to other nodes, off the caller's goroutine.
func (b *pgBridge) signal(sig Signal) {
	p, err := signalPayload(b.hub.node, sig)
	if err != nil {
		b.hub.Log.Warn("live: signal not sent to other nodes", slog.Any("err", err))
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := b.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, p); err != nil {
			b.hub.Log.Warn("live: signal other nodes", slog.Any("err", err))
		}
	}()
}
