package email

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// IMAPRunner defaults.
const (
	DefaultIMAPScan     = 5 * time.Second // how often the account list is read again
	DefaultIMAPParallel = 4               // mailboxes polled at once
	maxIMAPBackoff      = 30 * time.Minute
)

// IMAPRunner polls every active e-mail account whose settings say
// "inbound": "imap", each at its poll_interval, inside `ticketd serve`.
// It reads the account list again every Scan, so accounts added, changed
// or removed over the API are picked up without a restart.
type IMAPRunner struct {
	Poller   *MailboxPoller
	Log      *slog.Logger
	Scan     time.Duration // default DefaultIMAPScan
	Parallel int           // default DefaultIMAPParallel
}

type mailboxTimer struct {
	every    time.Duration
	next     time.Time
	failures int
	running  bool
}

type pollDone struct {
	id  string
	err error
}

// Run polls until ctx ends, then waits for the polls in flight (each stops
// at its next network read or store call) and returns nil.
func (r *IMAPRunner) Run(ctx context.Context) error {
	r.Poller.init()
	scan := r.Scan
	if scan <= 0 {
		scan = DefaultIMAPScan
	}
	parallel := r.Parallel
	if parallel <= 0 {
		parallel = DefaultIMAPParallel
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	timers := map[string]*mailboxTimer{}
	done := make(chan pollDone)
	var wg sync.WaitGroup
	defer wg.Wait()
	running := 0
	tick := time.NewTicker(scan)
	defer tick.Stop()
	for {
		accts, err := r.Poller.Ingester.Desk.Store.ChannelAccountsOn(ctx, desk.ChannelEmail)
		if err != nil && ctx.Err() == nil {
			log.Error("imap: list accounts", slog.Any("err", err))
		}
		now := r.Poller.Now()
		seen := map[string]bool{}
		for _, a := range accts {
			every, ok := imapInterval(&a)
			if !ok {
				continue
			}
			seen[a.ID] = true
			t := timers[a.ID]
			if t == nil {
				t = &mailboxTimer{next: now}
				timers[a.ID] = t
			}
			t.every = every // a changed poll_interval counts from the next poll
			if t.running || now.Before(t.next) || running >= parallel {
				continue
			}
			t.running = true
			running++
			wg.Add(1)
			go func(a desk.ChannelAccount) {
				defer wg.Done()
				res, err := r.Poller.Poll(ctx, a.WorkspaceID, a.ID)
				if err == nil && res.Claimed && res.Fetched+res.Skipped > 0 {
					log.Info("imap: polled", slog.String("account", a.ID), slog.Int("stored", res.Stored),
						slog.Int("duplicates", res.Duplicates), slog.Int("skipped", res.Skipped), slog.Uint64("last_uid", uint64(res.LastUID)))
				}
				select {
				case done <- pollDone{a.ID, err}:
				case <-ctx.Done():
				}
			}(a)
		}
		for id, t := range timers {
			if !seen[id] && !t.running {
				delete(timers, id) // removed, deactivated or no longer IMAP
			}
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				return nil
			case d := <-done:
				running--
				t := timers[d.id]
				if t == nil {
					t = &mailboxTimer{}
					timers[d.id] = t
				}
				t.running = false
				if d.err != nil && ctx.Err() == nil {
					t.failures++
					lvl := slog.LevelWarn
					if errors.Is(d.err, ErrSentFolder) {
						lvl = slog.LevelError
					}
					log.Log(ctx, lvl, "imap: poll failed; retried later", slog.String("account", d.id),
						slog.Int("failures", t.failures), slog.Any("err", d.err))
				} else {
					t.failures = 0
				}
				t.next = r.Poller.Now().Add(backoff(t.every, t.failures))
			case <-tick.C:
				break wait
			}
		}
	}
}

// backoff is the wait before the next poll: the interval, doubled per
// failure in a row, at most maxIMAPBackoff (or the interval when longer).
func backoff(every time.Duration, failures int) time.Duration {
	d := every << min(failures, 8)
	if failures > 0 && d > maxIMAPBackoff {
		d = max(maxIMAPBackoff, every)
	}
	return d
}

// imapInterval reads the poll interval of an active IMAP account from its
// stored settings (no secrets opened); ok is false for any other account.
func imapInterval(a *desk.ChannelAccount) (time.Duration, bool) {
	if !a.Active || a.Channel != desk.ChannelEmail {
		return 0, false
	}
	var s struct {
		Inbound string `json:"inbound"`
		IMAP    *struct {
			PollInterval int `json:"poll_interval"`
		} `json:"imap"`
	}
	if json.Unmarshal(a.Settings, &s) != nil || s.Inbound != "imap" || s.IMAP == nil {
		return 0, false
	}
	if s.IMAP.PollInterval <= 0 {
		return 60 * time.Second, true
	}
	return time.Duration(s.IMAP.PollInterval) * time.Second, true
}
