package desk

import "context"

// Bulk is a batch of rows written as given, for loading generated or
// migrated data: ids, numbers, timestamps and statuses are the caller's, and
// no use-case rule runs (no routing, no events beyond those listed). Rows
// must reference rows already stored or earlier in the same batch.
type Bulk struct {
	Contacts []Contact // with their Identities
	Tickets  []Ticket  // with their Tags
	Messages []Message
	Events   []Event
}

// Len is the number of rows b holds (identities and tags not counted).
func (b *Bulk) Len() int {
	return len(b.Contacts) + len(b.Tickets) + len(b.Messages) + len(b.Events)
}

// BulkLoader is the fast path a store offers for loading many rows: one
// transaction per batch, prepared statements or COPY, none of the per-row
// reads a use case makes. Both stores implement it.
type BulkLoader interface {
	// ReserveNumbers allocates n consecutive per-workspace numbers of kind
	// ("ticket", "contact", "message") and returns the first.
	ReserveNumbers(ctx context.Context, ws, kind string, n int64) (int64, error)
	// BulkLoad writes every row of b in one transaction, durable on return.
	BulkLoad(ctx context.Context, b *Bulk) error
}
