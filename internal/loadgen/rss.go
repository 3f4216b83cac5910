package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ProcRSS reads a local process's resident memory from /proc/<pid>/status.
func ProcRSS(pid int) func(context.Context) (int64, error) {
	return func(context.Context) (int64, error) { return procStatus(pid, "VmRSS") }
}

// ProcPeakRSS reads a local process's peak resident memory (VmHWM).
func ProcPeakRSS(pid int) (int64, error) { return procStatus(pid, "VmHWM") }

func procStatus(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := ParseProcStatus(f, key)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	return n, nil
}

// ParseProcStatus returns the value of a "Key:   123 kB" line of a
// /proc/<pid>/status file, in bytes.
func ParseProcStatus(r io.Reader, key string) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != key {
			continue
		}
		num, unit, _ := strings.Cut(strings.TrimSpace(v), " ")
		kb, err := strconv.ParseInt(num, 10, 64)
		if err != nil || kb < 0 || (unit != "kB" && unit != "") || kb > 1<<40 {
			return 0, fmt.Errorf("%s: %q is not a size in kB", key, strings.TrimSpace(v))
		}
		if unit == "" {
			return kb, nil // a bare count, as some fields are
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s line", key)
}

// MetricsRSS reads process_resident_memory_bytes from the server's
// Prometheus endpoint (path, e.g. /metrics), for a server on another host.
func MetricsRSS(c *Client, path string) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) { return metric(ctx, c, path, ParseMetricsRSS) }
}

// ParseMetricsRSS finds process_resident_memory_bytes in a Prometheus text
// exposition.
func ParseMetricsRSS(r io.Reader) (int64, error) {
	f, err := metricSample(r, "process_resident_memory_bytes", 1<<50, "a size")
	return int64(f), err
}

// metricSample finds the unlabelled sample of name in a Prometheus text
// exposition: a number from 0 to limit (NaN is neither), else an error
// saying it is not what (e.g. "a size").
func metricSample(r io.Reader, name string, limit float64, what string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), name+" ")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= 0 && f <= limit) {
			return 0, fmt.Errorf("%s: %q is not %s", name, v, what)
		}
		return f, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s", name)
}
