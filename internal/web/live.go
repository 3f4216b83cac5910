package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
	// Aliased: session.go has a func named live.
	livestream "github.com/ticketd/ticketd/internal/live"
)

// Live updates of the desk (docs/web.md#live-updates): the signed-in page
// opens the caller's workspace room of internal/live over its session, and
// says who else has a ticket open through ephemeral live signals.

// StreamPath is the desk's event stream (text/event-stream).
const StreamPath = "/stream"

// stream serves the workspace room to the session's agent: the room
// shows only the tickets desk's policy lets it see, and ends as soon as
// the session does (logout, expiry, deactivation; checked every second by
// the room).
func (w *Web) stream(rw http.ResponseWriter, r *http.Request) {
	if w.cfg.Live == nil {
		http.Error(rw, "live updates are off", http.StatusNotFound)
		return
	}
	v, err := w.visitOf(r)
	if err != nil {
		w.fail(rw, r, nil, err)
		return
	}
	if v == nil {
		w.fail(rw, r, nil, &errPage{http.StatusUnauthorized, "err.signed_out"})
		return
	}
	hash := v.sess.Hash
	w.cfg.Live.ServeWorkspaceAs(rw, r, v.p, func(ctx context.Context) error { return w.stillSignedIn(ctx, hash) })
}

// stillSignedIn reports whether the session is still live, without
// sliding its idle expiry (an open tab alone is no activity).
func (w *Web) stillSignedIn(ctx context.Context, hash []byte) error {
	sr, err := w.sessions()
	if err != nil {
		return err
	}
	s, err := sr.SessionByHash(ctx, hash)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if !live(s, w.now()) {
		return errors.New("session expired")
	}
	return nil
}

// viewing publishes that the agent has the ticket open, is typing or has
// left it: an ephemeral live signal to the ticket's other viewers on every
// node, written nowhere. The page sends it on open, every 20 s, while the
// agent types (throttled) and on leaving; receivers forget a viewer not
// heard of for 30 s (livestream.ViewerTTL).
func (w *Web) viewing(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	state := r.PostFormValue("state")
	switch state {
	case livestream.ViewerViewing, livestream.ViewerTyping, livestream.ViewerLeft:
	default:
		return desk.OneOf("state", state, livestream.ViewerViewing, livestream.ViewerTyping, livestream.ViewerLeft)
	}
	if w.cfg.Live != nil {
		w.publish(v.ws.ID, t.ID, livestream.ViewerEvent, livestream.Viewer{TicketID: t.ID, AgentID: v.agent.ID, Name: v.agent.Name, State: state, At: w.now()})
	}
	rw.WriteHeader(http.StatusNoContent)
	return nil
}

// PresenceEvent is the signal a supervisor board refreshes on when an
// agent's presence changes, through any door: desk publishes it
// (livestream.PresenceEvent), not the desk's presence control.
const PresenceEvent = livestream.PresenceEvent

func (w *Web) publish(ws, ticket, name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		w.log.Error("desk: encode live signal", slog.Any("err", err))
		return
	}
	w.cfg.Live.Publish(livestream.Signal{WorkspaceID: ws, TicketID: ticket, Name: name, Data: b})
}
