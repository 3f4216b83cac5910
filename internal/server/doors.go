package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/bodytext"
	"github.com/ticketd/ticketd/internal/desk"
)

// MaxBody bounds every request body the server reads for a door, before
// any handler runs; upload routes have their door's own, larger limit.
const MaxBody = 1 << 20

// retryAfter is how many seconds a 503 asks clients to wait.
const retryAfter = "5"

// door is what the server needs to answer for one door: its error
// renderer (status, a code of the native API's, an English message naming
// the field, the field) and the body limits of its upload routes.
type door struct {
	render  func(w http.ResponseWriter, status int, code, msg, field string)
	uploads func(pattern string) (limit int64, ok bool)
}

// guard installs, around every route of a door, what the door's handlers
// should not each decide: the body limit (413), text the stores cannot
// keep (400), and a store that cannot be reached (503 with Retry-After,
// where a door's auth would have said 401), each in the door's shape.
type guard struct {
	store desk.Store
	log   *slog.Logger

	mu         sync.Mutex
	lastLog    time.Time
	suppressed int
}

func newGuard(st desk.Store, log *slog.Logger) *guard { return &guard{store: st, log: log} }

func (g *guard) wrap(d door, pattern string, h http.Handler) http.Handler {
	limit, upload := int64(MaxBody), false
	if d.uploads != nil {
		if l, ok := d.uploads(pattern); ok {
			limit, upload = l, true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			tooLarge(w, d, limit)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			if upload {
				// Files are streamed, not held: the handler meets the
				// limit as a read error and answers 413 itself.
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			} else if !g.readBody(w, r, d, limit) {
				return
			}
		}
		ctx, faults := auth.WithFaults(r.Context())
		fw := &faultWriter{ResponseWriter: w}
		fw.decide = func(status int) bool { return g.storeFault(ctx, fw.ResponseWriter, d, pattern, status, faults.Err()) }
		h.ServeHTTP(fw, r.WithContext(ctx))
	})
}

// readBody reads a non-upload body whole (at most limit bytes), refuses a
// JSON string the stores would keep differently, and puts the bytes back
// for the handler. It answers the client itself when it reports false.
func (g *guard) readBody(w http.ResponseWriter, r *http.Request, d door, limit int64) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	r.Body.Close()
	if err != nil {
		d.render(w, http.StatusBadRequest, "bad_request", "the request body could not be read", "")
		return false
	}
	if int64(len(b)) > limit {
		tooLarge(w, d, limit)
		return false
	}
	if p := bodytext.JSON(b); p != nil {
		d.render(w, http.StatusBadRequest, "bad_request", p.Error(), p.Field)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return true
}

func tooLarge(w http.ResponseWriter, d door, limit int64) {
	// The client may still be sending: close the connection after this
	// answer rather than read the rest.
	w.Header().Set("Connection", "close")
	d.render(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body larger than %d bytes", limit), "")
}

// storeFault decides, as the handler answers status, whether the answer
// is really the store's fault, and if so answers instead: 503 when the
// store does not answer a ping, 500 when a credentials check failed on a
// store that does. A 401 stands when no credentials check failed; a 5xx
// stands when the store answers (the door has logged its cause).
func (g *guard) storeFault(ctx context.Context, w http.ResponseWriter, d door, route string, status int, fault error) bool {
	if status != http.StatusUnauthorized && status < 500 {
		return false
	}
	if fault == nil && status == http.StatusUnauthorized {
		return false
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	down := g.store.Ping(pctx)
	cancel()
	if down == nil && (fault == nil || status != http.StatusUnauthorized) {
		return false
	}
	h := w.Header()
	for _, k := range []string{"WWW-Authenticate", "Content-Type", "Content-Length"} {
		h.Del(k)
	}
	if down == nil {
		g.log.ErrorContext(ctx, "credentials check failed", slog.String("route", route), slog.Any("err", fault))
		d.render(w, http.StatusInternalServerError, "internal", "internal error", "")
		return true
	}
	g.logUnavailable(ctx, route, errors.Join(fault, down))
	h.Set("Retry-After", retryAfter)
	d.render(w, http.StatusServiceUnavailable, "unavailable", "the database is unavailable; try again shortly", "")
	return true
}

// logUnavailable logs an outage's cause once, then at most once a minute
// with the number of requests answered 503 meanwhile, rather than once per
// request.
func (g *guard) logUnavailable(ctx context.Context, route string, err error) {
	g.mu.Lock()
	now := time.Now()
	if !g.lastLog.IsZero() && now.Sub(g.lastLog) < time.Minute {
		g.suppressed++
		g.mu.Unlock()
		return
	}
	n := g.suppressed
	g.lastLog, g.suppressed = now, 0
	g.mu.Unlock()
	g.log.ErrorContext(ctx, "store unavailable: answering 503", slog.String("route", route), slog.Any("err", err),
		slog.Int("unlogged_503s", n))
}

// faultWriter lets storeFault replace an answer at its status line, before
// any of it is sent.
type faultWriter struct {
	http.ResponseWriter
	decide func(status int) bool // true: the answer was replaced
	state  int                   // 0 undecided, 1 passing through, 2 replaced
}

func (f *faultWriter) WriteHeader(status int) {
	switch f.state {
	case 1:
		f.ResponseWriter.WriteHeader(status)
		return
	case 2:
		return
	}
	if status >= 200 && f.decide(status) {
		f.state = 2
		return
	}
	if status >= 200 {
		f.state = 1
	}
	f.ResponseWriter.WriteHeader(status)
}

func (f *faultWriter) Write(b []byte) (int, error) {
	if f.state == 0 {
		f.WriteHeader(http.StatusOK)
	}
	if f.state == 2 {
		return len(b), nil
	}
	return f.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the wrapper.
func (f *faultWriter) Flush() {
	if f.state == 0 {
		f.WriteHeader(http.StatusOK)
	}
	if fl, ok := f.ResponseWriter.(http.Flusher); ok && f.state == 1 {
		fl.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (f *faultWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// noRoute answers, in a door's shape, a request under its prefix that no
// route serves: 405 with Allow when the path is served for other methods,
// 404 otherwise. known holds the door's patterns.
func noRoute(d door, known *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := known.Handler(probe); p != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			d.render(w, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s is not served on %s; it takes %s", r.Method, r.URL.Path, strings.Join(allow, ", ")), "")
			return
		}
		d.render(w, http.StatusNotFound, "not_found", "no route "+r.Method+" "+r.URL.Path, "")
	})
}
