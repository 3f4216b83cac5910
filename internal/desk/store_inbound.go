package desk

import (
	"context"
	"time"
)

// InboundReader holds the lookups inbound messages need.
type InboundReader interface {
	// MessageByProvider returns the message of ws that the provider named
	// providerID on channel account accountID: a delivery seen before.
	MessageByProvider(ctx context.Context, ws, accountID, providerID string) (*Message, error)
	// ThreadMessages returns, newest first, up to limit public messages of
	// ticketID numbered below before that channel account accountID
	// carried with a provider id: what an outgoing reply threads to (an
	// e-mail's In-Reply-To and References). Attachments and deliveries
	// are not loaded.
	ThreadMessages(ctx context.Context, ws, ticketID, accountID string, before int64, limit int) ([]Message, error)
	// ContactMerges lists, oldest first, the contacts of ws merged into
	// another because they held the same identity (migration 0015).
	ContactMerges(ctx context.Context, ws string) ([]ContactMerge, error)
}

// ContactMerge records one contact merged into another.
type ContactMerge struct {
	ID            string
	WorkspaceID   string
	ContactID     string // the merged contact, which no longer exists
	ContactNumber int64
	ContactName   string
	IntoID        string // the contact that holds its tickets and identities now
	IntoNumber    int64
	Identities    []Identity // the identities both held
	Tickets       int64      // tickets moved to IntoID
	Reason        string
	MergedAt      time.Time
}
