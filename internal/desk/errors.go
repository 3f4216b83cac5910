package desk

import (
	"errors"
	"fmt"
	"strings"
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

// FieldError is desk's one typed error: a rule the input broke, said as
// data so that every door renders it in its own shape and language and none
// reads an error's text. Err is the sentinel a door maps to its status
// (ErrInvalid, ErrConflict, ErrCapacity, ErrForbidden, ErrFinal), Field
// the wire-neutral path of the input at fault ("subject",
// "custom_fields.order_id"; empty when the refusal is about the request as
// a whole), Code one word of the closed set in codes.go, and Params what
// the code needs to be said (the limit, the allowed values, the id).
//
// Its Error text is the sentinel's followed by the English of the catalog
// (Text), for logs and for wrapping; doors call Text or their own words.
type FieldError struct {
	Err    error
	Field  string
	Code   Code
	Params Params
}

func (e *FieldError) Error() string { return e.Err.Error() + ": " + e.Text() }

func (e *FieldError) Unwrap() error { return e.Err }

// Text is the English default of the error, from its code and params.
func (e *FieldError) Text() string { return Text(e.Code, e.Field, e.Params) }

// AsFieldError finds the typed error in err's chain.
func AsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

// Invalid is an ErrInvalid about field.
func Invalid(field string, code Code, p Params) *FieldError {
	return &FieldError{Err: ErrInvalid, Field: field, Code: code, Params: p}
}

// Required is a missing or blank field.
func Required(field string) *FieldError { return Invalid(field, CodeRequired, Params{}) }

// TooLong is a text longer than max bytes.
func TooLong(field string, max int) *FieldError {
	return Invalid(field, CodeTooLong, Params{Max: max})
}

// TooMany is a list longer than max items.
func TooMany(field string, max int) *FieldError {
	return Invalid(field, CodeTooMany, Params{Max: max})
}

// OneOf is a value outside a closed set.
func OneOf(field, value string, allowed ...string) *FieldError {
	return Invalid(field, CodeOneOf, Params{Value: value, Allowed: allowed})
}

// NoRef is an id that names no record of entity in the workspace.
func NoRef(field, entity, id string) *FieldError {
	return Invalid(field, CodeNotFoundRef, Params{Entity: entity, Ref: id})
}

// Taken is the conflict of a value another record of entity already holds.
func Taken(field, entity string) *FieldError {
	return &FieldError{Err: ErrConflict, Field: field, Code: CodeTaken, Params: Params{Entity: entity}}
}

// CustomField is the field path of a custom field's value.
func CustomField(key string) string { return customPrefix + key }

const customPrefix = "custom_fields."

// CustomFieldKey reports the key of a custom field's path.
func CustomFieldKey(field string) (string, bool) { return strings.CutPrefix(field, customPrefix) }

// errNoContent refuses a message with neither text nor attachments.
var errNoContent = Invalid("text", CodeRequired, Params{Fields: []string{"text", "attachments"}})

// final refuses a status change of the final ticket #number.
func final(number int64, st Status) *FieldError {
	return &FieldError{Err: ErrFinal, Field: "status", Code: CodeFinal, Params: Params{Number: number, Value: string(st)}}
}

// names are the wire words of canonical values, for Params.Allowed.
func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
