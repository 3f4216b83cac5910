package live

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// Channel is the PostgreSQL NOTIFY channel ticketd nodes share.
const Channel = "ticketd_live"

// maxPayload keeps each NOTIFY under PostgreSQL's 8000-byte payload limit.
const maxPayload = 7000

// pgBridge carries "these tickets changed" between nodes. Publishing is
// coalesced: one goroutine at most sends, taking every ticket touched
// since its last send, so a burst of writes costs a few NOTIFYs, not one
// each (notifyGap). Listening holds one pooled connection, and only while this node has
// streams open.
type pgBridge struct {
	hub *Hub
	db  *sql.DB

	mu       sync.Mutex
	pending  map[room]struct{}
	flushing bool
	cancel   context.CancelFunc // stops the listener; nil when not listening
	active   int                // listeners with LISTEN in effect
}

func newPGBridge(h *Hub, db *sql.DB) *pgBridge {
	return &pgBridge{hub: h, db: db, pending: make(map[room]struct{})}
}

// publish queues rooms for other nodes; it never blocks.
func (b *pgBridge) publish(rooms map[room]struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for r := range rooms {
		b.pending[r] = struct{}{}
	}
	if !b.flushing && len(b.pending) > 0 {
		b.flushing = true
		go b.flush()
	}
}

// notifyGap spaces a node's NOTIFYs under load: rooms touched meanwhile
// ride in the next one, so a node sends at most ~100 a second however
// many writes it serves, at the cost of up to this much delay.
const notifyGap = 10 * time.Millisecond

// flush sends pending rooms until none are left.
func (b *pgBridge) flush() {
	for first := true; ; first = false {
		if !first {
			time.Sleep(notifyGap)
		}
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.flushing = false
			b.mu.Unlock()
			return
		}
		rooms := b.pending
		b.pending = make(map[room]struct{})
		b.mu.Unlock()
		for _, p := range payloads(b.hub.node, rooms) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := b.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, p)
			cancel()
			if err != nil {
				b.hub.Log.Warn("live: notify other nodes", slog.Any("err", err))
			}
		}
	}
}

// payloads encodes rooms as "node|ws/ticket ws/ticket …" strings, each
// under maxPayload.
func payloads(node string, rooms map[room]struct{}) []string {
	var out []string
	var sb strings.Builder
	for r := range rooms {
		item := r.ws + "/" + r.ticket
		if sb.Len() > 0 && sb.Len()+1+len(item) > maxPayload {
			out = append(out, sb.String())
			sb.Reset()
		}
		if sb.Len() == 0 {
			sb.WriteString(node + "|" + item)
		} else {
			sb.WriteString(" " + item)
		}
	}
	if sb.Len() > 0 {
		out = append(out, sb.String())
	}
	return out
}

// parsePayload decodes a notification; ok is false for malformed ones.
func parsePayload(p string) (node string, rooms []room, ok bool) {
	node, list, found := strings.Cut(p, "|")
	if !found || node == "" {
		return "", nil, false
	}
	for _, item := range strings.Fields(list) {
		ws, ticket, found := strings.Cut(item, "/")
		if !found || ws == "" || ticket == "" {
			return "", nil, false
		}
		rooms = append(rooms, room{ws, ticket})
	}
	return node, rooms, true
}

// listen starts the listener (called with the hub's lock held).
func (b *pgBridge) listen() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	go b.run(ctx)
}

// stop ends the listener (called with the hub's lock held); it does not
// wait, so a stream closing never waits on the database.
func (b *pgBridge) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
}

func (b *pgBridge) listening() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.active > 0
}

func (b *pgBridge) addActive(n int) {
	b.mu.Lock()
	b.active += n
	b.mu.Unlock()
}

// run listens until ctx ends, reconnecting with backoff.
func (b *pgBridge) run(ctx context.Context) {
	backoff := 500 * time.Millisecond
	for {
		err := b.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		b.hub.Log.Warn("live: listener lost its connection; retrying", slog.Any("err", err), slog.Duration("in", backoff))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// listenOnce holds one connection in LISTEN and wakes local streams for
// every other node's notification. The connection is discarded afterwards
// (never returned to the pool still listening).
func (b *pgBridge) listenOnce(ctx context.Context) error {
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("listener connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listener: driver connection is %T, not pgx", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+Channel); err != nil {
			return fmt.Errorf("listen: %w: %w", err, driver.ErrBadConn)
		}
		b.addActive(1)
		defer b.addActive(-1)
		// Changes made elsewhere while no listener ran were missed: let
		// every stream read its log once.
		b.hub.wakeAll()
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				// The connection is still LISTENing or broken: either way
				// it must not go back to the pool.
				return fmt.Errorf("wait for notification: %w: %w", err, driver.ErrBadConn)
			}
			if node, sig, ok := parseSignal(n.Payload); ok {
				if node != b.hub.node {
					b.hub.deliverLocal(sig)
				}
				continue
			}
			node, rooms, ok := parsePayload(n.Payload)
			if !ok || node == b.hub.node {
				continue
			}
			for _, r := range rooms {
				b.hub.wake(r)
			}
		}
	})
}
