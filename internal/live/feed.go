package live

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Lookback is how far behind its cursor a desk room re-reads its
// workspace's feed on every wake. The feed is ordered by (at, id), not by
// commit (desk.FeedReader): an event stamped before one a stream has sent
// but committed after it (a slow commit, another node) would otherwise be
// skipped. Seen ids are skipped, so the window costs reads, not duplicates.
// It goes once the feed is ordered by a commit sequence.
const Lookback = 3 * time.Second

// feedState is the desk rooms of one workspace: their streams and the last
// read of the feed, which streams reading from the same place share.
type feedState struct {
	watchers map[*watcher]struct{}
	gen      atomic.Uint64 // bumped by every wake

	mu     sync.Mutex
	readAt uint64
	from   desk.FeedCursor
	valid  bool
	evs    []desk.Event
}

// errNoFeed: the store cannot read a workspace's feed.
var errNoFeed = errors.New("live: the store has no workspace feed (desk.FeedReader)")

// since returns ws's events after from (at most maxReplay), shared with
// every stream of the room asking for the same cursor since the last wake.
// Callers must not modify the slice.
func (fs *feedState) since(ctx context.Context, st desk.Store, ws string, from desk.FeedCursor) ([]desk.Event, error) {
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

// readFeed is the one place desk rooms read the feed.
func readFeed(ctx context.Context, st desk.Store, ws string, from desk.FeedCursor) ([]desk.Event, error) {
	fr, ok := st.(desk.FeedReader)
	if !ok {
		return nil, errNoFeed
	}
	return fr.EventsSince(ctx, ws, from, maxReplay)
}

// eventID is a desk room's SSE id of e: its feed cursor, "<ms>-<event id>".
// Clients treat it as opaque; it becomes the commit sequence when the feed
// has one (parseEventID will then accept both forms for a while).
func eventID(e *desk.Event) string {
	return strconv.FormatInt(e.At.UnixMilli(), 10) + "-" + e.ID
}

// parseEventID reads a desk room's Last-Event-ID.
func parseEventID(s string) (desk.FeedCursor, bool) {
	msStr, id, ok := strings.Cut(s, "-")
	if !ok || id == "" || len(id) > 64 {
		return desk.FeedCursor{}, false
	}
	ms, err := strconv.ParseInt(msStr, 10, 64)
	if err != nil || ms < 0 {
		return desk.FeedCursor{}, false
	}
	return desk.FeedCursor{At: time.UnixMilli(ms).UTC(), ID: id}, true
}

// after reports whether a is after b in feed order.
func after(a, b desk.FeedCursor) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID > b.ID
}
