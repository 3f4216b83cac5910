package desk

import "errors"

// Sentinel errors; doors map them to their own status codes and shapes.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid input")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
	ErrCapacity  = errors.New("agent at capacity")
	ErrAuth      = errors.New("bad credentials")
)
