package loadgen

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// BaselineHandler answers every request with body, as a bare net/http JSON
// handler would: the ceiling any ticketd route is compared with.
func BaselineHandler(body []byte) http.Handler {
	n := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", n)
		_, _ = w.Write(body)
	})
}

// ServeBaseline serves BaselineHandler(body) on ln until ctx ends, with the
// same server timeouts ticketd uses.
func ServeBaseline(ctx context.Context, ln net.Listener, body []byte) error {
	srv := &http.Server{Handler: BaselineHandler(body), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// Baseline is the scenario that GETs a baseline server; run it with a
// Client for that server.
func Baseline() *Scenario {
	return &Scenario{Name: "baseline", Op: func(ctx context.Context, w *Worker) error {
		_, _, err := w.Do(ctx, http.MethodGet, "/", "", nil, http.StatusOK)
		return err
	}}
}
