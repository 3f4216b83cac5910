package live

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/ticketd/ticketd/internal/desk"
)

// feedState is the desk rooms of one workspace: their streams and the last
// read of the feed, which streams reading from the same place share.
type feedState struct {
	watchers map[*watcher]struct{}
	gen      atomic.Uint64 // bumped by every wake

	mu     sync.Mutex
	readAt uint64
	from   int64
	valid  bool
	evs    []desk.Event
}

// since returns ws's events numbered above from (at most maxReplay),
// shared with every stream of the room asking for the same seq since the
// last wake. Callers must not modify the slice.
func (fs *feedState) since(ctx context.Context, st desk.Store, ws string, from int64) ([]desk.Event, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	g := fs.gen.Load()
	if fs.valid && fs.readAt == g && fs.from == from {
		return fs.evs, nil
	}
	evs, err := readFeed(ctx, st, ws, from)
	if err != nil {
		return nil, err
	}
	fs.evs, fs.from, fs.readAt, fs.valid = evs, from, g, true
	return evs, nil
}

// maxReplay bounds what one read of the feed returns; a stream further
// behind is told to reload (event: reset).
const maxReplay = 1000

// readFeed is the one place desk rooms read the feed: by seq, so what one
// read returns is every event committed above from, and an event that
// commits later numbers above it (docs/events.md).
func readFeed(ctx context.Context, st desk.Store, ws string, from int64) ([]desk.Event, error) {
	return st.EventsAfter(ctx, ws, from, maxReplay)
}

// eventID is a desk room's SSE id of e: its seq.
func eventID(e *desk.Event) string { return strconv.FormatInt(e.Seq, 10) }

// parseEventID reads a desk room's Last-Event-ID: a seq. Anything else
// (the "<ms>-<event id>" ids of before seq) is not ok.
func parseEventID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}
