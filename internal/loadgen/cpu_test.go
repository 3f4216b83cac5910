package loadgen

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseProcStatCPU(t *testing.T) {
	// A real line's shape: pid (comm) state ppid … utime stime …
	line := func(comm, utime, stime string) string {
		return "4242 (" + comm + ") S 1 4242 4242 0 -1 4194560 9613 0 0 0 " + utime + " " + stime + " 0 0 20 0 9 0 123456 812340000 20308 18446744073709551615\n"
	}
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{line("ticketd", "1234", "56"), 12900 * time.Millisecond, ""},
		{line("tick etd", "0", "0"), 0, ""},
		{line("a) b (c", "100", "1"), 1010 * time.Millisecond, ""}, // the name may hold ") "
		{line("ticketd", "-5", "0"), 0, "not a tick count"},
		{line("ticketd", "12x", "0"), 0, "not a tick count"},
		{"4242 (ticketd) S 1 2 3\n", 0, "fields after the command name"},
		{"4242 ticketd S 1 2 3\n", 0, "no command name"},
		{"", 0, "no command name"},
	} {
		got, err := ParseProcStatCPU(strings.NewReader(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseMetricsCPU(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.34\n", 12340 * time.Millisecond, false},
		{"go_goroutines 12\nprocess_cpu_seconds_total 0\n", 0, false},
		{"process_cpu_seconds_total_x 5\n", 0, true},
		{"process_cpu_seconds_total NaN\n", 0, true},
		{"process_cpu_seconds_total -1\n", 0, true},
		{"", 0, true},
	} {
		got, err := ParseMetricsCPU(strings.NewReader(tc.in))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// ProcCPU reads this very process: a figure that grows as it works.
func TestProcCPU(t *testing.T) {
	read := ProcCPU(os.Getpid())
	before, err := read(context.Background())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for x := 0; time.Now().Before(deadline); x++ {
		if after, err := read(context.Background()); err != nil || after > before {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("CPU time stayed at %v through 5 s of work", before)
}

func FuzzParseProcStatCPU(f *testing.F) {
	f.Add("4242 (ticketd) S 1 4242 4242 0 -1 4194560 9613 0 0 0 1234 56 0 0 20 0 9 0\n")
	f.Add("1 ()) S 1 1 1 1 1 1 1 1 1 1 99999999999999999999 1")
	f.Add("process_cpu_seconds_total 1e300\n")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseProcStatCPU(strings.NewReader(s)); err == nil && d < 0 {
			t.Fatalf("negative CPU time %v from %q", d, s)
		}
		if d, err := ParseMetricsCPU(strings.NewReader(s)); err == nil && d < 0 {
			t.Fatalf("negative CPU time %v from %q", d, s)
		}
	})
}
