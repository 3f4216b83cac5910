package desk

import (
	"errors"
	"fmt"
)

// Sentinel errors; doors map them to their own status codes and shapes.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid input")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
	ErrCapacity  = errors.New("agent at capacity")
	ErrAuth      = errors.New("bad credentials")
)

// ErrFinal refuses a status change of a closed or ignored ticket: those are
// final, as in Zendesk. A customer who writes again gets a follow-up ticket
// (AddMessage); nothing reopens a final ticket.
var ErrFinal = fmt.Errorf("%w: ticket is closed", ErrConflict)
