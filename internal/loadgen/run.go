// Package loadgen drives a ticketd server over real HTTP: N concurrent
// clients repeat one scenario's operation for a fixed time, latencies go
// into a histogram, and each scenario yields one Result (ops/s, p50/p90/p99,
// errors, server RSS, machine load, and ratios to a bare baseline handler
// measured in the same run). The scenarios are in scenarios.go.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one operation of a scenario (one or a few HTTP requests). It runs
// on worker w; returning an error counts one error.
type Op func(ctx context.Context, w *Worker) error

// Scenario is a named operation with its set-up.
type Scenario struct {
	Name string
	// Requests is how many HTTP requests one Op makes (default 1).
	Requests int
	// Clients overrides Config.Clients when set (a 64-client race).
	Clients int
	// Setup runs once before the timed run, on a worker of its own; an
	// error wrapping ErrSkip skips the scenario with that message.
	Setup func(ctx context.Context, w *Worker) error
	Op    Op
	// Check runs after the timed run and adds its figures to the result
	// (over-capacity counts, refused requests); an error is reported.
	Check func(ctx context.Context, w *Worker) (map[string]any, error)
}

// ErrSkip marks a scenario that cannot run against this server.
var ErrSkip = errors.New("skipped")

// Skipf returns an ErrSkip with a reason.
func Skipf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSkip}, args...)...)
}

// Config is how hard and how long to drive each scenario.
type Config struct {
	Clients  int
	Duration time.Duration
	Warmup   time.Duration // run but not measured, before Duration
	// RSS reports the server's resident memory in bytes; nil: not reported.
	RSS func(ctx context.Context) (int64, error)
	// CPU reports the server's CPU time so far (cpu.go); nil: not reported.
	CPU func(ctx context.Context) (time.Duration, error)
}

// Result is one scenario's figures: one JSON line of `ticketd bench`.
type Result struct {
	Scenario  string  `json:"scenario"`
	Store     string  `json:"store,omitempty"`
	Tickets   int     `json:"tickets,omitempty"`
	Clients   int     `json:"clients"`
	Seconds   float64 `json:"seconds"`
	Ops       int64   `json:"ops"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	OpsPerSec float64 `json:"ops_per_s"`
	ReqPerSec float64 `json:"req_per_s"`
	P50ms     float64 `json:"p50_ms"`
	P90ms     float64 `json:"p90_ms"`
	P99ms     float64 `json:"p99_ms"`
	Maxms     float64 `json:"max_ms"`
	RSSMB     float64 `json:"rss_mb,omitempty"`
	// CPUusPerOp is the server's CPU time over the measured window per
	// operation, in µs (Config.CPU).
	CPUusPerOp float64        `json:"server_cpu_us_per_op,omitempty"`
	Load1      float64        `json:"load1"`
	VsBaseline *Ratio         `json:"vs_baseline,omitempty"`
	Extra      map[string]any `json:"extra,omitempty"`
	FirstError string         `json:"first_error,omitempty"`
	Skipped    string         `json:"skipped,omitempty"`
}

// Ratio compares a result with the baseline of the same run: Throughput is
// ops/s over the baseline's req/s (1 = as fast as a bare handler), P50 and
// P99 are latency multiples of the baseline's.
type Ratio struct {
	Throughput float64 `json:"throughput"`
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	// Baseline is the baseline's req/s the ratios were taken against.
	Baseline float64 `json:"baseline_req_per_s"`
}

// Compare sets r.VsBaseline from base.
func (r *Result) Compare(base *Result) {
	if base == nil || base.ReqPerSec == 0 || r.Skipped != "" {
		return
	}
	div := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return round3(a / b)
	}
	r.VsBaseline = &Ratio{Throughput: div(r.OpsPerSec, base.ReqPerSec), P50: div(r.P50ms, base.P50ms), P99: div(r.P99ms, base.P99ms),
		Baseline: base.ReqPerSec}
}

func round3(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 4, 64), 64)
	return v
}

// Worker is one simulated client.
type Worker struct {
	ID     int
	Rand   *rand.Rand
	Client *Client
	// Iter counts this worker's operations so far.
	Iter int
	buf  bytes.Buffer
}

// Client is an HTTP client for one server.
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// NewClient returns a keep-alive client for baseURL sized for clients
// concurrent connections.
func NewClient(baseURL string, clients int) *Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4 * clients,
		MaxIdleConnsPerHost: 4 * clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// StatusError is an answer with an unexpected status.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// Do sends one request and reads the whole answer. It fails unless the
// status is one of want. The body is valid until the worker's next Do.
// auth is a whole Authorization header value ("Bearer …"), or "".
func (w *Worker) Do(ctx context.Context, method, path, auth string, body []byte, want ...int) ([]byte, int, error) {
	var h http.Header
	if auth != "" {
		h = http.Header{"Authorization": {auth}}
	}
	return w.DoHeaders(ctx, method, path, h, body, want...)
}

// DoHeaders is Do with whole request headers (a Cookie, for the desk).
func (w *Worker) DoHeaders(ctx context.Context, method, path string, hdr http.Header, body []byte, want ...int) ([]byte, int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.Client.BaseURL+path, rd)
	if err != nil {
		return nil, 0, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := w.Client.HTTP.Do(req)
	if err != nil {
		return nil, 0, err
	}
	w.buf.Reset()
	_, err = w.buf.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, res.StatusCode, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	for _, s := range want {
		if res.StatusCode == s {
			return w.buf.Bytes(), res.StatusCode, nil
		}
	}
	b := w.buf.String()
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	return w.buf.Bytes(), res.StatusCode, &StatusError{Method: method, Path: path, Status: res.StatusCode, Body: strings.TrimSpace(b)}
}

// NewWorker returns worker id of c with its own deterministic random source.
func NewWorker(c *Client, id int) *Worker {
	return &Worker{ID: id, Client: c, Rand: rand.New(rand.NewPCG(uint64(id+10), 0x7ec4e7))}
}

// Run drives s with cfg against c and returns its result.
func Run(ctx context.Context, c *Client, s *Scenario, cfg Config) *Result {
	clients := cfg.Clients
	if s.Clients > 0 {
		clients = s.Clients
	}
	res := &Result{Scenario: s.Name, Clients: clients}
	if s.Setup != nil {
		if err := s.Setup(ctx, NewWorker(c, -1)); err != nil {
			if errors.Is(err, ErrSkip) {
				res.Skipped = strings.TrimPrefix(err.Error(), ErrSkip.Error()+": ")
			} else {
				res.Skipped = "set-up failed: " + err.Error()
			}
			res.Load1 = load1()
			return res
		}
	}
	per := s.Requests
	if per <= 0 {
		per = 1
	}
	var (
		wg       sync.WaitGroup
		measure  atomic.Bool
		stop     atomic.Bool
		errs     atomic.Int64
		finished atomic.Int64 // measured ops, failed or not
		firstErr atomic.Pointer[string]
		hists    = make([]Histogram, clients)
	)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			w := NewWorker(c, i)
			h := &hists[i]
			for !stop.Load() && ctx.Err() == nil {
				t0 := time.Now()
				err := s.Op(ctx, w)
				d := time.Since(t0)
				w.Iter++
				if !measure.Load() {
					continue
				}
				finished.Add(1)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					errs.Add(1)
					msg := err.Error()
					firstErr.CompareAndSwap(nil, &msg)
					continue
				}
				h.Record(d)
			}
		}(i)
	}
	sleep(ctx, cfg.Warmup)
	var cpu0 time.Duration
	cpuErr := errors.New("not read")
	if cfg.CPU != nil {
		cpu0, cpuErr = cfg.CPU(ctx)
	}
	measure.Store(true)
	start := time.Now()
	sleep(ctx, cfg.Duration)
	// A run shorter than one operation (a smoke run on a busy machine)
	// waits for the first to finish, so every result has a figure.
	for finished.Load() == 0 && ctx.Err() == nil && time.Since(start) < cfg.Duration+30*time.Second {
		sleep(ctx, 5*time.Millisecond)
	}
	measure.Store(false)
	el := time.Since(start)
	var cpu time.Duration
	if cpuErr == nil {
		var cpu1 time.Duration
		if cpu1, cpuErr = cfg.CPU(ctx); cpuErr == nil {
			cpu = cpu1 - cpu0
		}
	}
	stop.Store(true)
	wg.Wait()

	var h Histogram
	for i := range hists {
		h.Merge(&hists[i])
	}
	ms := func(d time.Duration) float64 { return round3(float64(d.Microseconds()) / 1000) }
	res.Seconds = round3(el.Seconds())
	res.Ops = h.Count()
	res.Requests = res.Ops * int64(per)
	res.Errors = errs.Load()
	res.OpsPerSec = round3(float64(res.Ops) / el.Seconds())
	res.ReqPerSec = round3(float64(res.Requests) / el.Seconds())
	res.P50ms, res.P90ms, res.P99ms, res.Maxms = ms(h.Quantile(0.50)), ms(h.Quantile(0.90)), ms(h.Quantile(0.99)), ms(h.Max())
	if p := firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	if cpuErr == nil && res.Ops > 0 {
		res.CPUusPerOp = round3(float64(cpu.Microseconds()) / float64(res.Ops))
	}
	if cfg.RSS != nil {
		if b, err := cfg.RSS(ctx); err == nil {
			res.RSSMB = round3(float64(b) / (1 << 20))
		}
	}
	if s.Check != nil {
		extra, err := s.Check(ctx, NewWorker(c, -2))
		if err != nil {
			if extra == nil {
				extra = map[string]any{}
			}
			extra["check_error"] = err.Error()
		}
		res.Extra = extra
	}
	res.Load1 = load1()
	return res
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// load1 is the one-minute load average (what `uptime` shows first), or 0.
func load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}
