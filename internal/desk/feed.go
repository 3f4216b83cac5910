package desk

import (
	"context"
	"time"
)

// FeedCursor is a position in a workspace's event feed: the (At, ID) of the
// last event a reader has seen.
type FeedCursor struct {
	At time.Time
	ID string
}

// Cursor is e's position in its workspace's feed.
func (e *Event) Cursor() FeedCursor { return FeedCursor{At: e.At, ID: e.ID} }

// FeedReader reads a workspace's events in feed order, for readers that
// follow a whole workspace (live desk rooms) rather than one ticket.
//
// Today the feed order is (At, ID): the writer's clock at the time the
// event was recorded, then its id. That is not commit order. A transaction
// that stamps an event and commits after another transaction's later event
// (a slow commit, another node, clock skew between nodes) puts its event
// behind a cursor a reader may already hold: EventsSince(cursor) then never
// returns it. Readers that follow the feed live re-read a short window
// behind their cursor and skip ids they have seen (package live); a reader
// resuming from a stored cursor cannot, and may miss such an event.
//
// A per-workspace sequence assigned in commit order replaces (At, ID) here
// once the events table carries it: EventsSince then returns every event
// committed after the cursor's, exactly once, with no window.
type FeedReader interface {
	// EventsSince returns up to limit events of ws strictly after the
	// cursor in feed order, oldest first. A zero cursor starts at the
	// beginning of the feed.
	EventsSince(ctx context.Context, ws string, after FeedCursor, limit int) ([]Event, error)
}
