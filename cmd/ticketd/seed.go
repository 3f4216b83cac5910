package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// seedCmd fills a workspace with generated tickets through the store's bulk
// path and prints, as one JSON object, the ids and tokens `ticketd bench`
// needs.
func seedCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("seed")
	db := dbFlag(fs)
	var o seed.Options
	fs.StringVar(&o.Workspace, "workspace", env("workspace", "bench"), "workspace to fill (created when missing)")
	fs.IntVar(&o.Tickets, "tickets", 10000, "tickets to generate")
	fs.IntVar(&o.MessagesPerTicket, "messages-per-ticket", 2, "messages per ticket (0..200)")
	fs.IntVar(&o.Agents, "agents", 20, "agents the workspace should have")
	fs.IntVar(&o.Groups, "groups", 5, "groups the workspace should have")
	fs.IntVar(&o.Contacts, "contacts", 0, "contacts to generate (default tickets/4)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed and options make the same rows")
	until := fs.String("until", "", "newest creation date, YYYY-MM-DD (default today, UTC)")
	fs.IntVar(&o.Days, "days", 365, "spread tickets over this many days before --until")
	fs.IntVar(&o.Batch, "batch", 5000, "tickets per transaction")
	fs.StringVar(&o.Password, "password", "bench-password", "password of the admin and every generated agent")
	outFile := fs.String("out", "", "write the JSON result to this file instead of stdout")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *until != "" {
		t, err := time.Parse(time.DateOnly, *until)
		if err != nil {
			return fmt.Errorf("--until: want YYYY-MM-DD, got %q", *until)
		}
		o.Until = t
	}
	log := newLogger("warn")
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	loader, err := bulkLoader(st)
	if err != nil {
		return err
	}
	if !*quiet {
		o.Progress = func(done, total int, el time.Duration) {
			fmt.Fprintf(os.Stderr, "seed: %d/%d tickets (%.0f tickets/s)\n", done, total, float64(done)/el.Seconds())
		}
	}
	d := desk.NewService(st)
	res, err := seed.Run(ctx, d, auth.NewService(d), loader, o)
	if err != nil {
		return err
	}
	slog.Debug("seeded", slog.Int("tickets", res.Tickets))
	w := out
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(os.Stderr, "seed: %d tickets, %d messages, %d events, %d contacts into %s in %.1f s (%.0f rows/s)\n",
			res.Tickets, res.Messages, res.Events, res.Contacts, res.Backend, res.Seconds, res.RowsPerSec)
	}
	return nil
}

// bulkLoader is the fastest loader st offers: COPY on PostgreSQL, batched
// prepared inserts through the group-commit writer on SQLite.
func bulkLoader(st desk.Store) (desk.BulkLoader, error) {
	s, ok := st.(*sqlstore.Store)
	if !ok {
		return nil, fmt.Errorf("store %s has no bulk path", st.Backend())
	}
	if s.Backend() == "postgres" {
		return postgres.BulkLoader(s), nil
	}
	return s, nil
}
