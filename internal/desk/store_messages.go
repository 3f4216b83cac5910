package desk

import "context"

// MessageReader holds message lookups that do not start from a ticket.
type MessageReader interface {
	// Message returns one message of ws by id, with its attachments.
	Message(ctx context.Context, ws, id string) (*Message, error)
}
