package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
)

// writer owns the only write connection. Callers queue transaction bodies;
// the writer runs every body queued so far inside one transaction, each in
// its own savepoint (a failing body rolls back alone), commits once, and only
// then answers each caller. One fsync thus covers a whole batch.
type writer struct {
	db       *sql.DB
	reqs     chan *writeReq
	maxBatch int
	done     chan struct{} // closed by close: stop taking requests
	stopped  chan struct{} // closed when loop has exited
	once     sync.Once
	// afterCommit is writerHook as the writer was opened.
	afterCommit func()
	// beforeCommit, when set, runs once per batch after its bodies, before
	// the commit: the search index (sqlstore.Store.SyncSearch).
	beforeCommit func(context.Context, *sql.Tx) error
}

// writerHook, when set (by benchmarks, before Open), pins each writer's
// goroutine to one thread and is called on it after every commit, so it
// can read that thread's CPU time.
var writerHook func()

type writeReq struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	err  error
	done chan struct{}
}

// ErrClosed is returned for writes queued after Close.
var ErrClosed = errors.New("sqlite: store closed")

func newWriter(db *sql.DB, maxBatch int) *writer {
	w := &writer{db: db, reqs: make(chan *writeReq, 4*maxBatch), maxBatch: maxBatch, done: make(chan struct{}), stopped: make(chan struct{})}
	w.afterCommit = writerHook
	go w.loop()
	return w
}

func (w *writer) run(ctx context.Context, fn func(*sql.Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case w.reqs <- r:
	case <-w.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Wait for the outcome even if ctx ends: the body may already be
	// committed, and the caller must not be told otherwise.
	<-r.done
	return r.err
}

func (w *writer) loop() {
	defer close(w.stopped)
	defer w.db.Close()
	if w.afterCommit != nil {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	batch := make([]*writeReq, 0, w.maxBatch)
	for {
		var first *writeReq
		select {
		case first = <-w.reqs:
		case <-w.done:
			// Finish what is queued, then stop.
			for {
				select {
				case r := <-w.reqs:
					w.commit([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < w.maxBatch {
			select {
			case r := <-w.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.commit(batch)
		if w.afterCommit != nil {
			w.afterCommit()
		}
	}
}

// commit runs batch in one transaction and answers every request.
func (w *writer) commit(batch []*writeReq) {
	answer := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		answer(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	ok := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if len(batch) == 1 {
			// A lone body needs no savepoint: the transaction is its own.
			r.err = runBody(r, tx)
			if r.err != nil {
				_ = tx.Rollback()
				answer(nil)
				return
			}
			ok++
			continue
		}
		if _, err := tx.Exec("SAVEPOINT w"); err != nil {
			r.err = fmt.Errorf("sqlite: savepoint: %w", err)
			continue
		}
		if r.err = runBody(r, tx); r.err != nil {
			if _, err := tx.Exec("ROLLBACK TO w"); err != nil {
				// The transaction is unusable; fail the whole batch.
				_ = tx.Rollback()
				answer(fmt.Errorf("sqlite: rollback to savepoint: %w", err))
				return
			}
		} else {
			ok++
		}
		if _, err := tx.Exec("RELEASE w"); err != nil {
			_ = tx.Rollback()
			answer(fmt.Errorf("sqlite: release savepoint: %w", err))
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		answer(nil)
		return
	}
	if w.beforeCommit != nil {
		if err := w.finish(tx); err != nil {
			// The transaction broke.
			_ = tx.Rollback()
			answer(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		err = fmt.Errorf("sqlite: commit: %w", err)
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
	answer(nil)
}

// finish runs beforeCommit in a savepoint. A failure there is rolled back
// and logged, not reported: the bodies' writes commit, and what the search
// index missed stays queued in search_dirty for the next commit to index,
// so no request fails for work its batch shares.
func (w *writer) finish(tx *sql.Tx) error {
	run := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("sqlite: before commit panicked: %v", p)
			}
		}()
		return w.beforeCommit(context.Background(), tx)
	}
	if _, err := tx.Exec("SAVEPOINT c"); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	if err := run(); err != nil {
		slog.Warn("sqlite: search index left for the next commit", slog.Any("error", err))
		if _, err := tx.Exec("ROLLBACK TO c"); err != nil {
			return fmt.Errorf("sqlite: rollback to savepoint: %w", err)
		}
	}
	if _, err := tx.Exec("RELEASE c"); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
}

// runBody runs one request's body, turning a panic into an error so one bad
// request cannot take its batch down.
func runBody(r *writeReq, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: write panicked: %v", p)
		}
	}()
	return r.fn(tx)
}

func (w *writer) close() error {
	w.once.Do(func() { close(w.done) })
	<-w.stopped
	// Anything that slipped in after the loop's last look is refused.
	for {
		select {
		case r := <-w.reqs:
			r.err = ErrClosed
			close(r.done)
		default:
			return nil
		}
	}
}
