package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/loadgen"
	"github.com/ticketd/ticketd/internal/seed"
)

// benchConfig is what `ticketd bench` was asked to do.
type benchConfig struct {
	url, fixture, db, only, skip, profileDir, profileOnly, out, label string
	spawn, inprocBaseline                                             bool
	rebase                                                            time.Duration
	seedTickets, pid                                                  int
	cfg                                                               loadgen.Config
}

// bench drives a running server (or one it spawns) through every scenario
// and prints one JSON line per scenario, the bare baseline first.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("bench")
	tuneGC() // the load generator shares the cores with the server
	var c benchConfig
	fs.StringVar(&c.url, "url", env("bench_url", ""), "base URL of a running server (or use --spawn)")
	fs.StringVar(&c.fixture, "fixture", "", "JSON printed by `ticketd seed` for the server's database")
	fs.BoolVar(&c.spawn, "spawn", false, "start `ticketd serve` on --db (seeding it first when no --fixture is given)")
	db := dbFlag(fs)
	fs.IntVar(&c.seedTickets, "seed-tickets", 10000, "with --spawn and no --fixture: tickets to seed first")
	fs.IntVar(&c.cfg.Clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&c.cfg.Duration, "duration", 10*time.Second, "measured time per scenario")
	fs.DurationVar(&c.cfg.Warmup, "warmup", time.Second, "unmeasured time before each scenario")
	fs.StringVar(&c.only, "scenarios", "", "comma-separated scenarios to run (default all)")
	fs.StringVar(&c.skip, "skip", "", "comma-separated scenarios not to run")
	fs.IntVar(&c.pid, "pid", 0, "server process id, to read its RSS and CPU time from /proc (default: /metrics)")
	fs.StringVar(&c.profileDir, "profile", "", "save a CPU profile of the server per scenario into this folder (server needs --pprof)")
	fs.StringVar(&c.profileOnly, "profile-scenarios", "", "comma-separated scenarios to profile (default all)")
	fs.BoolVar(&c.inprocBaseline, "inproc-baseline", false, "serve the baseline inside this process instead of a child process")
	fs.DurationVar(&c.rebase, "rebaseline", 2*time.Second, "before each scenario, measure the baseline again for this long and take that scenario's ratios against it (0: the first baseline for all)")
	fs.StringVar(&c.out, "out", "", "append the JSON lines to this file too")
	fs.StringVar(&c.label, "label", "", "free text copied into every line's store field (default: the backend)")
	serveBaseline := fs.String("serve-baseline", "", "internal: serve the baseline on this address")
	baselineBody := fs.String("baseline-body", "", "internal: file with the baseline's body")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.db = *db
	if *serveBaseline != "" {
		return runBaselineServer(ctx, *serveBaseline, *baselineBody)
	}
	if c.cfg.Clients < 1 || c.cfg.Duration <= 0 {
		return errors.New("bench needs --clients ≥ 1 and a positive --duration")
	}
	return c.run(ctx, stdout)
}

func (c *benchConfig) run(ctx context.Context, stdout io.Writer) error {
	tmp, err := os.MkdirTemp("", "ticketd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var fx loadgen.Fixture
	if c.spawn {
		if c.fixture == "" {
			if err := c.seed(ctx, tmp); err != nil {
				return err
			}
		}
		stop, err := c.spawnServer(ctx, tmp)
		if err != nil {
			return err
		}
		defer stop()
	}
	if c.url == "" || c.fixture == "" {
		return errors.New("bench needs --url and --fixture (from `ticketd seed`), or --spawn")
	}
	b, err := os.ReadFile(c.fixture)
	if err != nil {
		return fmt.Errorf("read fixture: %w", err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		return fmt.Errorf("fixture %s: %w", c.fixture, err)
	}
	if err := fx.Check(); err != nil {
		return fmt.Errorf("fixture %s: %w", c.fixture, err)
	}
	if c.label == "" {
		c.label = fx.Backend
	}
	client := loadgen.NewClient(c.url, max(c.cfg.Clients, 64))
	c.cfg.RSS = loadgen.MetricsRSS(client, "/metrics")
	c.cfg.CPU = loadgen.MetricsCPU(client, "/metrics")
	if c.pid > 0 {
		c.cfg.RSS = loadgen.ProcRSS(c.pid)
		c.cfg.CPU = loadgen.ProcCPU(c.pid)
	}

	// The baseline answers the bytes of a real ticket read.
	w := loadgen.NewWorker(client, 0)
	body, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/"+fx.TicketIDs[0], "Bearer "+fx.AgentToken(), nil, http.StatusOK)
	if err != nil {
		return fmt.Errorf("server not answering a ticket read: %w", err)
	}
	baseURL, stopBase, err := c.startBaseline(ctx, tmp, slices.Clone(body))
	if err != nil {
		return err
	}
	defer stopBase()

	outs := []io.Writer{stdout}
	if c.out != "" {
		f, err := os.OpenFile(c.out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		outs = append(outs, f)
	}
	emit := func(r *loadgen.Result) {
		r.Store, r.Tickets = c.label, fx.Tickets
		line, _ := json.Marshal(r)
		for _, o := range outs {
			fmt.Fprintf(o, "%s\n", line)
		}
		if r.Skipped != "" {
			fmt.Fprintf(os.Stderr, "bench: %-26s skipped: %s\n", r.Scenario, r.Skipped)
			return
		}
		cpu := ""
		if r.CPUusPerOp > 0 {
			cpu = fmt.Sprintf("  server CPU %6.0f µs/op", r.CPUusPerOp)
		}
		fmt.Fprintf(os.Stderr, "bench: %-26s %9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  load %.2f%s\n",
			r.Scenario, r.OpsPerSec, r.P50ms, r.P99ms, r.Errors, r.Load1, cpu)
	}
	baseClient := loadgen.NewClient(baseURL, max(c.cfg.Clients, 64))
	base := loadgen.Run(ctx, baseClient, loadgen.Baseline(), loadgen.Config{
		Clients: c.cfg.Clients, Duration: c.cfg.Duration, Warmup: c.cfg.Warmup})
	base.Compare(base)
	emit(base)
	for _, s := range loadgen.Suite(&fx) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !c.wanted(s.Name) {
			continue
		}
		var prof chan error
		if c.profileDir != "" && (c.profileOnly == "" || inList(c.profileOnly, s.Name)) {
			prof = make(chan error, 1)
			go func() { prof <- c.profile(ctx, client, fx.AdminToken, s.Name) }()
		}
		ref := base
		if c.rebase > 0 {
			// The machine is shared: load drifts during a run, so each
			// scenario is compared with a baseline taken just before it.
			ref = loadgen.Run(ctx, baseClient, loadgen.Baseline(), loadgen.Config{Clients: c.cfg.Clients, Duration: c.rebase})
		}
		r := loadgen.Run(ctx, client, s, c.cfg)
		r.Compare(ref)
		if prof != nil {
			if err := <-prof; err != nil {
				fmt.Fprintf(os.Stderr, "bench: profile of %s: %v\n", s.Name, err)
			}
		}
		emit(r)
	}
	return nil
}

func inList(list, name string) bool {
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

func (c *benchConfig) wanted(name string) bool {
	if c.only != "" && !inList(c.only, name) {
		return false
	}
	return !inList(c.skip, name)
}

// profile saves the server's CPU profile over one scenario's run.
func (c *benchConfig) profile(ctx context.Context, client *loadgen.Client, adminToken, name string) error {
	secs := int((c.cfg.Warmup + c.cfg.Duration + time.Second - 1) / time.Second)
	if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
		return err
	}
	w := loadgen.NewWorker(client, 0)
	b, _, err := w.Do(ctx, http.MethodGet, fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), "Bearer "+adminToken, nil, http.StatusOK)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.profileDir, name+".pprof"), b, 0o644)
}

// seed fills c.db with c.seedTickets generated tickets and points
// c.fixture at the result.
func (c *benchConfig) seed(ctx context.Context, tmp string) error {
	if c.db == "" || c.db == "ticketd.db" {
		c.db = filepath.Join(tmp, "bench.db")
	}
	st, err := openStore(ctx, c.db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	loader, err := bulkLoader(st)
	if err != nil {
		return err
	}
	d := desk.NewService(st)
	fmt.Fprintf(os.Stderr, "bench: seeding %d tickets into %s\n", c.seedTickets, c.db)
	res, err := seed.Run(ctx, d, auth.NewService(d), loader, seed.Options{Workspace: "bench", Tickets: c.seedTickets,
		MessagesPerTicket: 2, Seed: 1})
	if err != nil {
		return err
	}
	b, _ := json.Marshal(res)
	c.fixture = filepath.Join(tmp, "fixture.json")
	return os.WriteFile(c.fixture, b, 0o600)
}

// freeAddr finds a loopback port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// child starts this binary with args and returns a stop function that
// asks it to shut down (SIGTERM) and waits.
func child(ctx context.Context, args ...string) (*exec.Cmd, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 20 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	return cmd, stop, nil
}

// waitReady polls url until it answers 200 or timeout passes.
func waitReady(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s not ready after %s (last error: %v)", url, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// spawnServer starts `ticketd serve --pprof` on c.db.
func (c *benchConfig) spawnServer(ctx context.Context, tmp string) (func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd, stop, err := child(ctx, "serve", "--addr", addr, "--db", c.db, "--data", filepath.Join(tmp, "data"),
		"--pprof", "--log-level", "warn")
	if err != nil {
		return nil, err
	}
	c.url, c.pid = "http://"+addr, cmd.Process.Pid
	if err := waitReady(ctx, c.url+"/readyz", 2*time.Minute); err != nil {
		stop()
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "bench: server pid %d on %s over %s\n", c.pid, c.url, c.db)
	return stop, nil
}

// startBaseline serves body from a child process (like the server, it then
// has a process of its own) or, with --inproc-baseline, from this one.
func (c *benchConfig) startBaseline(ctx context.Context, tmp string, body []byte) (string, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	if c.inprocBaseline {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return "", nil, err
		}
		bctx, cancel := context.WithCancel(ctx)
		go func() { _ = loadgen.ServeBaseline(bctx, ln, body) }()
		return "http://" + addr, cancel, nil
	}
	file := filepath.Join(tmp, "baseline.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		return "", nil, err
	}
	_, stop, err := child(ctx, "bench", "--serve-baseline", addr, "--baseline-body", file)
	if err != nil {
		return "", nil, err
	}
	if err := waitReady(ctx, "http://"+addr+"/", 10*time.Second); err != nil {
		stop()
		return "", nil, err
	}
	return "http://" + addr, stop, nil
}

func runBaselineServer(ctx context.Context, addr, bodyFile string) error {
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return loadgen.ServeBaseline(ctx, ln, body)
}
