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

// FieldError is a rule one input field broke: Err is the sentinel a door
// maps to its status (ErrConflict, ErrInvalid), Field the wire-neutral
// name of the field ("email", "name", "identities"), Code a stable machine
// word ("taken"), and Message the words a client may read. It matches its
// sentinel with errors.Is, and its text ends in "<sentinel>: <message>" as
// doors that keep the words after the sentinel expect.
type FieldError struct {
	Err     error
	Field   string
	Code    string
	Message string
}

func (e *FieldError) Error() string { return e.Err.Error() + ": " + e.Message }

func (e *FieldError) Unwrap() error { return e.Err }

// Taken is the conflict of a value another record already holds.
func Taken(field, message string) *FieldError {
	return &FieldError{Err: ErrConflict, Field: field, Code: "taken", Message: message}
}
