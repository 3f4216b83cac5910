package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
	Message string `json:"message"`
	// Field names the input field at fault, when there is one.
	Field string `json:"field,omitempty"`
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

// fail maps a desk error onto a status and the native error shape. Internal
// errors are logged and answered without their details.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	msg := err.Error()
	var fe *desk.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field != "" && (errors.Is(fe, desk.ErrConflict) || errors.Is(fe, desk.ErrInvalid)):
		status, code := http.StatusConflict, "conflict"
		if errors.Is(fe, desk.ErrInvalid) {
			status, code = http.StatusUnprocessableEntity, "invalid"
		}
		WriteError(w, status, code, fe.Message, fe.Field)
	case errors.Is(err, desk.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found")
	case errors.Is(err, desk.ErrInvalid):
		writeError(w, http.StatusUnprocessableEntity, "invalid", cleanMsg(msg))
	case errors.Is(err, desk.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", cleanMsg(msg))
	case errors.Is(err, desk.ErrCapacity):
		writeError(w, http.StatusConflict, "capacity", cleanMsg(msg))
	case errors.Is(err, desk.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", cleanMsg(msg))
	case errors.Is(err, desk.ErrAuth):
		writeError(w, http.StatusUnauthorized, "unauthorized", "bad credentials")
	default:
		slog.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("err", err))
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// cleanMsg keeps the user-facing part of a wrapped desk error: what follows
// the sentinel's text.
func cleanMsg(msg string) string {
	for _, s := range []error{desk.ErrInvalid, desk.ErrConflict, desk.ErrCapacity, desk.ErrForbidden} {
		if i := strings.LastIndex(msg, s.Error()+": "); i >= 0 {
			return msg[i+len(s.Error())+2:]
		}
	}
	return msg
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
