package dolphins

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("3dolphins: encode response", slog.Any("err", err))
		status = http.StatusInternalServerError
		b = []byte(`{"status":"failed","message":"Internal server error","data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// one answers a single object (or a scalar: queue number, file URL) with
// the vendor's constant paging fields false/0/0/0.
func one(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, envelope{Status: "success", Data: data})
}

// list answers a page of documents with paging computed from the window
// and the total number of matches (spec §1).
func list(w http.ResponseWriter, docs []*TicketDoc, total int, pg page) {
	if docs == nil {
		docs = []*TicketDoc{}
	}
	env := envelope{Status: "success", Data: docs, TotalResults: total}
	if end := pg.Start + len(docs); end < total {
		env.HasMore, env.NextIndex = true, end
	}
	env.PrevIndex = max(pg.Start-pg.Count, 0)
	writeJSON(w, http.StatusOK, env)
}

// failed answers the failure envelope.
func failed(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, envelope{Status: "failed", Message: msg})
}

// fail maps an error onto a status code and the failure envelope.
// Unexpected errors are logged and answered without their details.
func (d *Door) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, desk.ErrNotFound):
		failed(w, http.StatusNotFound, "Ticket not found")
	case errors.Is(err, desk.ErrInvalid):
		failed(w, http.StatusBadRequest, words(err, "invalid input"))
	case errors.Is(err, files.ErrTooLarge):
		failed(w, http.StatusRequestEntityTooLarge, "file too large")
	case errors.Is(err, desk.ErrForbidden):
		failed(w, http.StatusForbidden, words(err, "forbidden"))
	case errors.Is(err, desk.ErrCapacity):
		failed(w, http.StatusConflict, words(err, "agent at capacity"))
	case errors.Is(err, desk.ErrConflict):
		failed(w, http.StatusConflict, words(err, "conflict"))
	case errors.Is(err, desk.ErrAuth):
		failed(w, http.StatusUnauthorized, "Unauthorized")
	default:
		d.cfg.Log.ErrorContext(r.Context(), "3dolphins request failed", slog.String("route", r.Pattern), slog.Any("err", err))
		failed(w, http.StatusInternalServerError, "Internal server error")
	}
}

// words is the message for a refusal: the door's own words for what it
// refused itself, desk's English for a desk refusal (the vendor answers in
// English), else fallback.
func words(err error, fallback string) string {
	var de *doorError
	if errors.As(err, &de) {
		return de.Msg
	}
	if fe, ok := desk.AsFieldError(err); ok {
		return fe.Text()
	}
	return fallback
}

// doorError is a refusal the door makes in its own words (a parameter or
// body it cannot read): Err is the desk sentinel that decides the status.
type doorError struct {
	Err error
	Msg string
}

func (e *doorError) Error() string { return e.Err.Error() + ": " + e.Msg }
func (e *doorError) Unwrap() error { return e.Err }

// invalid is a desk.ErrInvalid in the door's words.
func invalid(msg string) error { return &doorError{desk.ErrInvalid, msg} }

func invalidf(format string, args ...any) error { return invalid(fmt.Sprintf(format, args...)) }

// noRoute answers requests no endpoint of the door serves (an unknown path,
// or a known path with another method) in the door's own error shape.
func (d *Door) noRoute(w http.ResponseWriter, r *http.Request) {
	failed(w, http.StatusNotFound, "No such endpoint: "+r.Method+" "+r.URL.Path)
}
