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
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f >= 0 && f <= 1<<50) { // NaN fails both
			return 0, fmt.Errorf("process_resident_memory_bytes: %q is not a size", strings.TrimSpace(v))
		}
		return int64(f), nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no process_resident_memory_bytes")
}
