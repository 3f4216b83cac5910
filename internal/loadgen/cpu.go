package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// A server's CPU time, read before and after a scenario's measured window,
// gives its CPU per operation: on a loaded or shared machine a steadier
// figure than the rate, which moves with whatever else runs (the load
// generator itself takes a share of the same cores).

// userHZ is the unit of /proc/<pid>/stat's times: USER_HZ, 100 on Linux
// whatever the kernel's own tick.
const userHZ = 100

// maxTicks keeps the sum of two tick counts a time.Duration (292 years
// of CPU in all).
const maxTicks = math.MaxInt64 / int64(time.Second/userHZ) / 2

// ProcCPU reads a local process's CPU time (user and system) from
// /proc/<pid>/stat.
func ProcCPU(pid int) func(context.Context) (time.Duration, error) {
	return func(context.Context) (time.Duration, error) {
		f, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, err
		}
		defer f.Close()
		d, err := ParseProcStatCPU(f)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		return d, nil
	}
}

// ParseProcStatCPU returns utime + stime of a /proc/<pid>/stat line. The
// command name (second field) is in parentheses and may hold spaces and
// parentheses itself, so fields are counted from the last ')'.
func ParseProcStatCPU(r io.Reader) (time.Duration, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name in %q", trim(s))
	}
	f := strings.Fields(s[i+1:])
	// After the name: state (field 3) … utime (14), stime (15).
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want 13 or more", len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > maxTicks {
			return 0, fmt.Errorf("CPU time %q is not a tick count", v)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / userHZ), nil
}

// MetricsCPU reads process_cpu_seconds_total from the server's Prometheus
// endpoint (path, e.g. /metrics), for a server on another host.
func MetricsCPU(c *Client, path string) func(context.Context) (time.Duration, error) {
	return func(ctx context.Context) (time.Duration, error) { return metric(ctx, c, path, ParseMetricsCPU) }
}

// ParseMetricsCPU finds process_cpu_seconds_total in a Prometheus text
// exposition.
func ParseMetricsCPU(r io.Reader) (time.Duration, error) {
	// 1<<32 s (136 years) fits a Duration.
	f, err := metricSample(r, "process_cpu_seconds_total", 1<<32, "a duration")
	return time.Duration(f * float64(time.Second)), err
}

// metric GETs path and parses the body with parse.
func metric[T any](ctx context.Context, c *Client, path string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return zero, err
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return zero, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return zero, fmt.Errorf("%s%s: status %d", c.BaseURL, path, res.StatusCode)
	}
	return parse(res.Body)
}

func trim(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
