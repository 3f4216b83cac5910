package dolphins

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

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
		failed(w, http.StatusBadRequest, userMessage(err))
	case errors.Is(err, files.ErrTooLarge):
		failed(w, http.StatusRequestEntityTooLarge, userMessage(err))
	case errors.Is(err, desk.ErrForbidden):
		failed(w, http.StatusForbidden, userMessage(err))
	case errors.Is(err, desk.ErrCapacity), errors.Is(err, desk.ErrConflict):
		failed(w, http.StatusConflict, userMessage(err))
	case errors.Is(err, desk.ErrAuth):
		failed(w, http.StatusUnauthorized, "Unauthorized")
	default:
		d.cfg.Log.ErrorContext(r.Context(), "3dolphins request failed", slog.String("route", r.Pattern), slog.Any("err", err))
		failed(w, http.StatusInternalServerError, "Internal server error")
	}
}

// userMessage keeps the part of a wrapped error meant for the caller: what
// follows the last sentinel's text.
func userMessage(err error) string {
	msg := err.Error()
	for _, s := range []error{desk.ErrInvalid, desk.ErrForbidden, desk.ErrCapacity, desk.ErrConflict, files.ErrTooLarge} {
		if i := strings.LastIndex(msg, s.Error()+": "); i >= 0 {
			return msg[i+len(s.Error())+2:]
		}
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return msg
}

// forbidden is a desk.ErrForbidden with a reason.
func forbidden(msg string) error { return fmt.Errorf("%w: %s", desk.ErrForbidden, msg) }

// invalid is a desk.ErrInvalid with a reason.
func invalid(msg string) error { return fmt.Errorf("%w: %s", desk.ErrInvalid, msg) }

// noRoute answers requests no endpoint of the door serves (an unknown path,
// or a known path with another method) in the door's own error shape.
func (d *Door) noRoute(w http.ResponseWriter, r *http.Request) {
	failed(w, http.StatusNotFound, "No such endpoint: "+r.Method+" "+r.URL.Path)
}
