// Package postcenter is the PostCenter (Adereso Desk) API v2 dialect: an
// integrator's code written against https://api-cluster.postcenter.io works
// against ticketd by changing only its base URL to http://HOST/postcenter.
// Handlers translate: parse the vendor's request, call desk or the routing
// engine, render the vendor's JSON. See README.md for the mapping.
package postcenter

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/routing"
)

// DefaultPrefix is where the server mounts the door.
const DefaultPrefix = "/postcenter"

// Deps are the services the door translates to.
type Deps struct {
	Desk    *desk.Service
	Auth    *auth.Service
	Routing *routing.Engine
	Files   *files.Store // attachments served as message media
	// Senders deliver WhatsApp templates (the WhatsApp sender); without
	// one the template is stored on the ticket and the answer says
	// delivery is not configured.
	Senders *channel.Registry
	Log     *slog.Logger
}

// door serves the routes.
type door struct {
	Deps
	prefix string
}

// MaxBody bounds every request body.
const MaxBody = 1 << 20

// authenticate checks "Authorization: Key <token>" and puts the principal
// in the request's context.
func (d *door) authenticate(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !ok || !strings.EqualFold(scheme, "Key") {
			w.Header().Set("WWW-Authenticate", `Key realm="postcenter"`)
			writeError(w, http.StatusUnauthorized, "Authentication credentials were not provided: send Authorization: Key <token>")
			return
		}
		p, err := d.Auth.Token(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			if !errors.Is(err, auth.ErrUnauthorized) {
				d.Log.ErrorContext(r.Context(), "postcenter: token check failed", slog.Any("err", err))
				writeError(w, http.StatusInternalServerError, "Internal error")
				return
			}
			w.Header().Set("WWW-Authenticate", `Key realm="postcenter"`)
			writeError(w, http.StatusUnauthorized, "Invalid token")
			return
		}
		h(w, r.WithContext(auth.With(r.Context(), p)))
	}
}

// principal is the caller authenticate admitted.
func principal(r *http.Request) *auth.Principal { return auth.From(r.Context()) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("postcenter: encode response", slog.Any("err", err))
		status, b = http.StatusInternalServerError, []byte(`{"status":500,"message":"Internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Status: status, Message: msg})
}

func writeOK(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, okBody{Status: http.StatusOK, Message: "Ok"})
}

// fail answers a desk or routing error in the vendor's shape; notFound is
// the message for desk.ErrNotFound ("Ticket not found"). Internal errors
// are logged and answered without their details.
func (d *door) fail(w http.ResponseWriter, r *http.Request, err error, notFound string) {
	switch {
	case errors.Is(err, desk.ErrNotFound):
		writeError(w, http.StatusNotFound, notFound)
	case errors.Is(err, desk.ErrInvalid):
		writeError(w, http.StatusBadRequest, words(err, "Invalid input"))
	case errors.Is(err, desk.ErrCapacity):
		writeError(w, http.StatusConflict, words(err, "Agent at capacity"))
	case errors.Is(err, desk.ErrConflict):
		writeError(w, http.StatusConflict, words(err, "Conflict"))
	case errors.Is(err, desk.ErrForbidden):
		writeError(w, http.StatusForbidden, words(err, "Forbidden"))
	default:
		d.Log.ErrorContext(r.Context(), "postcenter: request failed", slog.String("route", r.Pattern), slog.Any("err", err))
		writeError(w, http.StatusInternalServerError, "Internal error")
	}
}

// words is the message for a desk error: desk's English for a typed one
// (the vendor's messages are English sentences with a capital), else the
// door's fallback for its class.
func words(err error, fallback string) string {
	fe, ok := desk.AsFieldError(err)
	if !ok {
		return fallback
	}
	msg := fe.Text()
	return strings.ToUpper(msg[:1]) + msg[1:]
}
