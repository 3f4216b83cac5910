package desk

import (
	"context"
	"fmt"
)

// EventReader reads a workspace's events in commit order, for readers that
// follow every change of a workspace and resume where they stopped (the
// native API's event feed, webhooks, live rooms).
type EventReader interface {
	// EventsAfter returns up to limit events of ws whose Seq is above
	// after, in Seq order. What one call returns is a prefix of the
	// workspace's committed events above after: an event that commits
	// later gets a higher Seq than every event returned, so the caller
	// resumes from the last Seq it saw and misses nothing.
	EventsAfter(ctx context.Context, ws string, after int64, limit int) ([]Event, error)
	// LastEventSeq returns the highest Seq of ws's committed events (0:
	// none). No event at or below it commits later, so a reader that starts
	// "from now" resumes from it and misses nothing after.
	LastEventSeq(ctx context.Context, ws string) (int64, error)
	// DirectoryVersion returns ws's directory version (both numbers, in
	// one read), moved on any node; zeros if nothing ever moved it.
	DirectoryVersion(ctx context.Context, ws string) (DirectoryVersion, error)
}

// DirectoryVersion is a workspace's pair of change counters for what pages
// show beside the tickets. Each only grows, and grows in the transaction
// of the change, so a page keeps what it read while the number it depends
// on stays the same.
type DirectoryVersion struct {
	// Directory moves whenever the workspace itself, its agents (or their
	// groups), groups, field definitions, macros, saved replies or SLA
	// policies change.
	Directory int64
	// Contacts moves whenever a contact's name, e-mail, phone or number
	// changes or a contact is deleted; not when one is created, nor when
	// only its other details change.
	Contacts int64
}

// MaxFeedPage bounds one page of the event feed.
const MaxFeedPage = 1000

// EventsAfter reads a page of ws's event feed: the events numbered above
// after, oldest first, at most limit (1..MaxFeedPage).
func (s *Service) EventsAfter(ctx context.Context, ws string, after int64, limit int) ([]Event, error) {
	if after < 0 {
		return nil, fmt.Errorf("%w: after must be 0 or more", ErrInvalid)
	}
	if limit < 1 || limit > MaxFeedPage {
		return nil, fmt.Errorf("%w: limit must be 1..%d", ErrInvalid, MaxFeedPage)
	}
	evs, err := s.Store.EventsAfter(ctx, ws, after, limit)
	if err != nil {
		return nil, fmt.Errorf("events of %s after %d: %w", ws, after, err)
	}
	return evs, nil
}
