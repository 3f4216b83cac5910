package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// MaxBody bounds every request body of the native API.
const MaxBody = 1 << 20

// errorBody is the native API's error shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code" enum:"bad_request,invalid,unauthorized,forbidden,not_found,method_not_allowed,conflict,capacity,too_large,internal,unavailable"`
	Message string `json:"message" doc:"English words for people; clients decide on code, field, rule and params"`
	// Field names the input field at fault, when there is one.
	Field  string       `json:"field,omitempty" doc:"the input at fault: a body field (subject), a custom field (custom_fields.order_id) or a parameter"`
	Rule   string       `json:"rule,omitempty" enum:"required,too_long,too_many,range,one_of,unknown,format,type,duplicate,not_found_ref,in_use,taken,overlap,capacity,final,closed,needs_owner,no_owner,not_allowed,needs_agent,owner_only,supervisor_only,admin_only,bot_or_supervisor,last_admin,deactivated,not_empty,reserved" doc:"the rule the input broke (docs/errors.md)"`
	Params *errorParams `json:"params,omitempty" doc:"what the rule needs to be said; each rule uses a few"`
}

// errorParams are desk.Params on the wire.
type errorParams struct {
	Max     int      `json:"max,omitempty" doc:"too_long (bytes), too_many (items), range, capacity"`
	Min     int      `json:"min,omitempty" doc:"range (absent: 0)"`
	Count   int      `json:"count,omitempty" doc:"capacity: open tickets the agent holds; not_empty: tickets the record holds"`
	Number  int64    `json:"number,omitempty" doc:"final, closed: the ticket's number; capacity: the agent's"`
	Value   string   `json:"value,omitempty" doc:"the value refused"`
	Allowed []string `json:"allowed,omitempty" doc:"one_of: the values accepted"`
	Fields  []string `json:"fields,omitempty" doc:"required: any one of these would do"`
	Format  string   `json:"format,omitempty" doc:"format: the form wanted"`
	Want    string   `json:"want,omitempty" doc:"type: number, boolean or options"`
	Entity  string   `json:"entity,omitempty" doc:"what kind of record: not_found_ref, in_use, taken, duplicate"`
	Ref     string   `json:"ref,omitempty" doc:"the id referenced"`
	Action  string   `json:"action,omitempty" doc:"the action refused (owner_only, supervisor_only, ...)"`
}

func wireParams(p desk.Params) *errorParams {
	w := &errorParams{Max: p.Max, Min: p.Min, Count: p.Count, Number: p.Number, Value: p.Value, Allowed: p.Allowed,
		Fields: p.Fields, Format: p.Format, Want: p.Want, Entity: p.Entity, Ref: p.Ref, Action: string(p.Action)}
	if reflect.ValueOf(*w).IsZero() {
		return nil
	}
	return w
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode response", slog.Any("err", err))
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

// WriteError answers the native error shape with the field at fault
// (omitted when empty); the server renders its own answers (unknown
// routes, body limits, an unavailable store) through it.
func WriteError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg, Field: field}})
}

// fail maps a desk error onto a status and the native error shape: the
// class in code, and desk's field, rule, params and English words when the
// error is typed. Internal errors are logged and answered without their
// details.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	status, d := errorOf(r, err)
	writeJSON(w, status, errorBody{Error: d})
}

// errorOf is fail's status and error detail, for answers that carry
// several errors (a bulk update's items).
func errorOf(r *http.Request, err error) (int, errorDetail) {
	status, code, msg := classify(err)
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("err", err))
	}
	d := errorDetail{Code: code, Message: msg}
	if fe, ok := desk.AsFieldError(err); ok && status != http.StatusNotFound && status != http.StatusInternalServerError {
		d.Message, d.Field, d.Rule, d.Params = fe.Text(), fe.Field, string(fe.Code), wireParams(fe.Params)
	}
	return status, d
}

// classify gives a desk error its status, class and words for when the
// error carries no field, rule or params of its own.
func classify(err error) (status int, code, msg string) {
	switch {
	case errors.Is(err, desk.ErrNotFound):
		return http.StatusNotFound, "not_found", "not found"
	case errors.Is(err, desk.ErrInvalid):
		return http.StatusUnprocessableEntity, "invalid", "invalid input"
	case errors.Is(err, desk.ErrCapacity):
		return http.StatusConflict, "capacity", "agent at capacity"
	case errors.Is(err, desk.ErrFinal):
		return http.StatusConflict, "conflict", "the ticket is closed"
	case errors.Is(err, desk.ErrConflict):
		return http.StatusConflict, "conflict", "conflict"
	case errors.Is(err, desk.ErrForbidden):
		return http.StatusForbidden, "forbidden", "forbidden"
	case errors.Is(err, desk.ErrAuth):
		return http.StatusUnauthorized, "unauthorized", "bad credentials"
	}
	return http.StatusInternalServerError, "internal", "internal error"
}

// decode reads a JSON body into v strictly: one object, known fields only,
// at most MaxBody bytes. It answers the client itself and reports false on
// failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := DecodeJSON(http.MaxBytesReader(w, r.Body, MaxBody), v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body larger than %d bytes", MaxBody))
			return false
		}
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return false
	}
	return true
}

// DecodeJSON decodes exactly one JSON value into v, rejecting unknown
// fields and trailing data, with messages that name the offending field.
func DecodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var maxErr *http.MaxBytesError
		switch {
		case errors.As(err, &maxErr):
			return err
		case errors.Is(err, io.EOF):
			return errors.New("request body is empty; expected a JSON object")
		case errors.As(err, &syn):
			return fmt.Errorf("malformed JSON at byte %d: %v", syn.Offset, syn)
		case errors.As(err, &typ):
			if typ.Field != "" {
				return fmt.Errorf("field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.String()), typ.Value)
			}
			return fmt.Errorf("expected %s, not %s", jsonKind(typ.Type.String()), typ.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("malformed JSON: unexpected end of body")
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return errors.New("body must hold exactly one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("body must hold exactly one JSON value")
	}
	return nil
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string", strings.HasSuffix(goType, "Status"), strings.HasSuffix(goType, "Priority"),
		strings.HasSuffix(goType, "Channel"), strings.HasSuffix(goType, "Role"), strings.HasSuffix(goType, "Presence"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}
