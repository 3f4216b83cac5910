package loadgen

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		draw func() time.Duration
	}{
		{"uniform 0-2ms", func() time.Duration { return time.Duration(r.Int64N(2000)) * time.Microsecond }},
		{"exponential ~3ms", func() time.Duration { return time.Duration(r.ExpFloat64()*3000) * time.Microsecond }},
		{"bimodal", func() time.Duration {
			if r.IntN(10) == 0 {
				return time.Duration(40000+r.Int64N(5000)) * time.Microsecond
			}
			return time.Duration(200+r.Int64N(50)) * time.Microsecond
		}},
		{"constant", func() time.Duration { return 777 * time.Microsecond }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Histogram
			xs := make([]time.Duration, 20000)
			for i := range xs {
				xs[i] = tc.draw().Truncate(time.Microsecond)
				h.Record(xs[i])
			}
			slices.Sort(xs)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
				exact := xs[int(q*float64(len(xs)))-1]
				got := h.Quantile(q)
				tol := max(time.Duration(float64(exact)*0.02), 2*time.Microsecond)
				if d := got - exact; d > tol || d < -tol {
					t.Errorf("q%.3f = %v, exact %v (tolerance %v)", q, got, exact, tol)
				}
			}
			if h.Max() != xs[len(xs)-1] {
				t.Errorf("max = %v, want %v", h.Max(), xs[len(xs)-1])
			}
			if h.Count() != int64(len(xs)) {
				t.Errorf("count = %d", h.Count())
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	prev := -1
	for us := int64(0); us < 1<<24; us += 1 + us/200 {
		b := bucketOf(us)
		if b < prev {
			t.Fatalf("bucketOf(%d) = %d goes below %d", us, b, prev)
		}
		prev = b
		v := bucketValue(b)
		if d := v - us; d < 0 && -d > us/64+1 || d > 0 && d > us/64+1 {
			t.Fatalf("bucketValue(bucketOf(%d)) = %d, more than 1/64 away", us, v)
		}
	}
	if b := bucketOf(1 << 62); b != histBuckets-1 {
		t.Errorf("huge value lands in bucket %d", b)
	}
	if b := bucketOf(-5); b != 0 {
		t.Errorf("negative value lands in bucket %d", b)
	}
	var a, b Histogram
	a.Record(time.Millisecond)
	b.Record(3 * time.Millisecond)
	a.Merge(&b)
	if a.Count() != 2 || a.Max() != 3*time.Millisecond || a.Quantile(1) != 3*time.Millisecond {
		t.Errorf("merge: count %d max %v q1 %v", a.Count(), a.Max(), a.Quantile(1))
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 {
		t.Error("empty histogram has a p99")
	}
}

func FuzzHistogram(f *testing.F) {
	f.Add(int64(0), int64(5), int64(1e6))
	f.Add(int64(-1), int64(1<<40), int64(3))
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		var h Histogram
		for _, v := range []int64{a, b, c} {
			h.Record(time.Duration(v))
		}
		last := time.Duration(-1)
		for _, q := range []float64{0, 0.25, 0.5, 0.75, 0.99, 1} {
			got := h.Quantile(q)
			if got < last {
				t.Fatalf("quantiles not monotonic: q%v = %v < %v", q, got, last)
			}
			if got > h.Max() && h.Max() >= 0 {
				t.Fatalf("q%v = %v above max %v", q, got, h.Max())
			}
			last = got
		}
	})
}

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tticketd\nVmPeak:\t  812340 kB\nVmHWM:\t   95000 kB\nVmRSS:\t   81234 kB\nThreads:\t9\n"
	for _, tc := range []struct {
		in, key string
		want    int64
		err     string
	}{
		{status, "VmRSS", 81234 << 10, ""},
		{status, "VmHWM", 95000 << 10, ""},
		{status, "Threads", 9, ""},
		{status, "VmSwap", 0, "no VmSwap line"},
		{"VmRSS:\t  12x kB\n", "VmRSS", 0, "not a size"},
		{"VmRSS:\t  -4 kB\n", "VmRSS", 0, "not a size"},
		{"VmRSS:\t  4 MB\n", "VmRSS", 0, "not a size"},
		{"", "VmRSS", 0, "no VmRSS line"},
		{"VmRSSx:\t 1 kB\nVmRSS: 2 kB", "VmRSS", 2 << 10, ""},
	} {
		got, err := ParseProcStatus(strings.NewReader(tc.in), tc.key)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q %s: err %v, want %q", tc.in, tc.key, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q %s = %d, %v; want %d", tc.in, tc.key, got, err, tc.want)
		}
	}
}

func TestParseMetricsRSS(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 4.2180608e+07\n", 42180608, false},
		{"go_goroutines 12\nprocess_resident_memory_bytes 1024\n", 1024, false},
		{"process_resident_memory_bytes_total 5\n", 0, true},
		{"process_resident_memory_bytes NaN\n", 0, true},
		{"process_resident_memory_bytes -1\n", 0, true},
		{"", 0, true},
	} {
		got, err := ParseMetricsRSS(strings.NewReader(tc.in))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q = %d, %v; want %d (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func FuzzParseProcStatus(f *testing.F) {
	f.Add("VmRSS:\t 100 kB\n")
	f.Add("VmRSS: 9999999999999999999 kB")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseProcStatus(strings.NewReader(s), "VmRSS")
		if err == nil && n < 0 {
			t.Fatalf("negative size %d from %q", n, s)
		}
		m, err := ParseMetricsRSS(strings.NewReader(s))
		if err == nil && m < 0 {
			t.Fatalf("negative size %d from %q", m, s)
		}
	})
}

// TestRunCountsAndSkips drives a real loopback server: every op is counted,
// failures are errors with the first one kept, and ErrSkip skips.
func TestRunCountsAndSkips(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	srv := httptest.NewServer(BaselineHandler(body))
	defer srv.Close()
	c := NewClient(srv.URL, 4)
	ctx := context.Background()
	cfg := Config{Clients: 4, Duration: 200 * time.Millisecond}

	base := Run(ctx, c, Baseline(), cfg)
	if base.Ops == 0 || base.Errors != 0 || base.P50ms <= 0 || base.P99ms < base.P50ms || base.Skipped != "" {
		t.Fatalf("baseline: %+v", base)
	}
	base.Compare(base)
	if base.VsBaseline == nil || base.VsBaseline.Throughput != 1 {
		t.Errorf("baseline against itself: %+v", base.VsBaseline)
	}

	failing := &Scenario{Name: "teapot", Op: func(ctx context.Context, w *Worker) error {
		_, _, err := w.Do(ctx, http.MethodGet, "/", "", nil, http.StatusTeapot)
		return err
	}}
	r := Run(ctx, c, failing, cfg)
	if r.Errors == 0 || r.Ops != 0 || !strings.Contains(r.FirstError, "status 200") {
		t.Errorf("failing scenario: ops %d errors %d first %q", r.Ops, r.Errors, r.FirstError)
	}

	skipped := Run(ctx, c, &Scenario{Name: "s", Setup: func(context.Context, *Worker) error {
		return Skipf("route %s missing", "/x")
	}, Op: failing.Op}, cfg)
	if skipped.Skipped != "route /x missing" || skipped.Ops != 0 {
		t.Errorf("skipped: %+v", skipped)
	}
	broken := Run(ctx, c, &Scenario{Name: "b", Setup: func(context.Context, *Worker) error {
		return errors.New("boom")
	}, Op: failing.Op}, cfg)
	if !strings.Contains(broken.Skipped, "set-up failed: boom") {
		t.Errorf("broken set-up: %+v", broken)
	}

	twoReq := Run(ctx, c, &Scenario{Name: "two", Requests: 2, Clients: 2, Op: func(ctx context.Context, w *Worker) error {
		for i := 0; i < 2; i++ {
			b, _, err := w.Do(ctx, http.MethodGet, "/", "", nil, http.StatusOK)
			if err != nil {
				return err
			}
			if string(b) != string(body) {
				return errors.New("wrong body")
			}
		}
		return nil
	}}, cfg)
	if twoReq.Clients != 2 || twoReq.Requests != 2*twoReq.Ops || twoReq.Errors != 0 {
		t.Errorf("two requests per op: %+v", twoReq)
	}
	twoReq.Compare(base)
	if twoReq.VsBaseline == nil || twoReq.VsBaseline.Throughput <= 0 {
		t.Errorf("ratio: %+v", twoReq.VsBaseline)
	}
}
