package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// A write transaction holds back the rows a use case only adds — a new
// ticket, new messages, events — and sends them at once: the new ticket with
// the state routing gave it (one INSERT instead of an INSERT and an UPDATE
// of 2 to 5 columns, which SQLite paid in index maintenance), the events in
// one multi-row INSERT. Creating a routed ticket with its first message
// thus sends 3 writes, not 8 (4 on SQLite, where numbering the events is a
// statement of its own).
//
// The ticket and messages wait until the transaction's next other
// statement (flushing), so whatever it reads or writes sees the rows as
// they would be without the wait. Events wait until the transaction ends
// (or reads events): only then are they numbered (seq), so that the
// workspace's event counter, whose row lock orders the numbers by commit
// on PostgreSQL, is held only from the last statement to the commit (see
// sendEvents).
// Only statements that cannot see the held-back rows skip the flush: the
// counters (nextNumber) and a routing decision that the held-back ticket
// cannot change (tx.Route).

const eventCols = `id, workspace_id, ticket_id, at, actor_kind, actor_id, type, from_value, to_value, reason, seq`

// eventColCount is the number of eventCols; the last one, seq, is filled
// when the events are sent.
const eventColCount = 11

// pending is a transaction's held-back writes.
type pending struct {
	raw      querier // the transaction itself, without the flush
	ticket   *pendingTicket
	messages [][]any // messageCols values
	events   [][]any // eventCols values, seq not yet set
	// err is the first failed flush: the transaction cannot commit.
	err error
}

// pendingTicket is a new ticket's row as the transaction last wrote it.
type pendingTicket struct {
	id, ws   string
	vals     []any // driver values, in the order of ticketArgs
	tags     []string
	assignee string
	key      desk.QueueKey
}

// raw is the querier for statements that need no flush.
func (c *conn) raw() querier {
	if c.pend != nil {
		return c.pend.raw
	}
	return c.q
}

// flush sends the held-back ticket and messages, in foreign-key order.
// Events stay held back (flushEvents).
func (c *conn) flush(ctx context.Context) error {
	p := c.pend
	if p == nil || p.err != nil || (p.ticket == nil && len(p.messages) == 0) {
		if p != nil {
			return p.err
		}
		return nil
	}
	tk, msgs := p.ticket, p.messages
	p.ticket, p.messages = nil, nil
	if err := c.send(ctx, tk, msgs); err != nil {
		p.err = err
		return err
	}
	return nil
}

// flushEvents sends every held-back write, events included: at the end of
// a transaction, and before a read of events inside one.
func (c *conn) flushEvents(ctx context.Context) error {
	if err := c.flush(ctx); err != nil {
		return err
	}
	p := c.pend
	if p == nil || len(p.events) == 0 {
		return nil
	}
	evs := p.events
	p.events = nil
	if err := c.sendEvents(ctx, evs); err != nil {
		p.err = err
		return err
	}
	return nil
}

func (c *conn) send(ctx context.Context, tk *pendingTicket, msgs [][]any) error {
	raw := &conn{q: c.pend.raw, fl: c.fl}
	if tk != nil {
		if _, err := raw.q.ExecContext(ctx, ticketInsertSQL, tk.vals...); err != nil {
			return c.mapErr(err, "create ticket")
		}
		if err := raw.addTags(ctx, tk.ws, tk.id, tk.tags); err != nil {
			return err
		}
		if c.written == nil {
			c.written = make(map[string]*ticketRow)
		}
		c.written[tk.id] = &ticketRow{vals: tk.vals, tags: tk.tags}
	}
	for _, m := range msgs {
		if _, err := raw.q.ExecContext(ctx, messageInsertSQL, m...); err != nil {
			return c.mapErr(err, "create message")
		}
	}
	return nil
}

// sendEvents numbers evs from their workspace's event counter, in the
// order they were appended, and inserts them.
//
// Why this orders the numbers by commit: the counter is one row per
// workspace, and the transaction that bumps it holds that row until it
// ends. On SQLite the single writer runs transactions one after another
// anyway. On PostgreSQL a second transaction of the workspace waits on the
// row until the first has committed, and PostgreSQL releases the wait
// only after the commit is visible to every new snapshot; the second then
// reads the bumped value, takes the next numbers, and commits later. So
// any snapshot that sees seq N sees every seq below N of its workspace,
// and an event committed after a read always numbers above what that read
// saw: a reader resuming after N never misses one (docs/events.md). A
// rolled-back transaction rolls its bump back, so the numbers stay dense.
//
// The price is that a workspace's writers queue on the row from here to
// their commit. Taking it in the transaction's last statement (on
// PostgreSQL one statement bumps it and inserts the events) keeps that
// short, and creates and replies of a workspace already queue on its
// message counter for longer (docs/PERFORMANCE.md has the measurements).
func (c *conn) sendEvents(ctx context.Context, evs [][]any) error {
	raw := c.pend.raw
	// One counter per workspace; several workspaces (rare) bump theirs in
	// id order, so two such transactions cannot deadlock on them.
	var wss []string
	count := map[string]int64{}
	for _, e := range evs {
		ws := e[1].(string)
		if count[ws] == 0 {
			wss = append(wss, ws)
		}
		count[ws]++
	}
	slices.Sort(wss)
	if len(wss) == 1 && len(evs) <= maxEventRows && c.postgres() {
		// The usual case in one round trip: each one the counter is held
		// costs every other writer of the workspace.
		args := make([]any, 0, 1+len(evs)*eventColCount)
		args = append(args, int64(len(evs)))
		for i, e := range evs {
			args = append(append(args, e[:eventColCount-1]...), int64(i+1))
		}
		if _, err := raw.ExecContext(ctx, numberedInsertSQL[len(evs)], args...); err != nil {
			return c.mapErr(err, "append events")
		}
		return nil
	}
	next := map[string]int64{}
	for _, ws := range wss {
		var last int64
		if err := raw.QueryRowContext(ctx, eventSeqSQL, ws, count[ws]).Scan(&last); err != nil {
			return fmt.Errorf("number %d events of %s: %w", count[ws], ws, err)
		}
		next[ws] = last - count[ws] + 1
	}
	args := make([]any, 0, min(len(evs), maxEventRows)*eventColCount)
	for len(evs) > 0 {
		n := min(len(evs), maxEventRows)
		args = args[:0]
		for _, e := range evs[:n] {
			ws := e[1].(string)
			e[eventColCount-1] = next[ws]
			next[ws]++
			args = append(args, e...)
		}
		if _, err := raw.ExecContext(ctx, eventInsertSQL[n], args...); err != nil {
			return c.mapErr(err, "append events")
		}
		evs = evs[n:]
	}
	return nil
}

// eventSeqSQL reserves $2 event numbers of workspace $1 and returns the last.
const eventSeqSQL = `INSERT INTO counters (workspace_id, kind, value) VALUES ($1, 'event', $2)
	ON CONFLICT (workspace_id, kind) DO UPDATE SET value = counters.value + excluded.value
	RETURNING value`

// maxEventRows bounds the rows of one events INSERT (11 arguments each).
const maxEventRows = 32

// numberedInsertSQL[n] (PostgreSQL) bumps the event counter of the
// workspace of n events by $1 and inserts them numbered from it, in one
// statement; each row's last value is its place (1..n).
var numberedInsertSQL = func() []string {
	out := make([]string, maxEventRows+1)
	var b strings.Builder
	b.WriteString(`WITH c AS (INSERT INTO counters (workspace_id, kind, value) VALUES ($3, 'event', $1::bigint)
	ON CONFLICT (workspace_id, kind) DO UPDATE SET value = counters.value + excluded.value RETURNING value)
INSERT INTO events (` + eventCols + `)
SELECT v.id, v.ws, v.tk, v.at, v.ak, v.ai, v.ty, v.fr, v.tv, v.re, c.value - $1::bigint + v.ord FROM c, (VALUES `)
	for n := 1; n <= maxEventRows; n++ {
		if n > 1 {
			b.WriteString(", ")
		}
		at, ord := 2+(n-1)*eventColCount+3, 2+(n-1)*eventColCount+10
		b.WriteString("(" + placeholders(at-3, 3) + ", $" + strconv.Itoa(at) + "::bigint, " + placeholders(at+1, 6) +
			", $" + strconv.Itoa(ord) + "::bigint)")
		out[n] = b.String() + `) AS v (id, ws, tk, at, ak, ai, ty, fr, tv, re, ord)`
	}
	return out
}()

// eventInsertSQL[n] inserts n events.
var eventInsertSQL = func() []string {
	out := make([]string, maxEventRows+1)
	var b strings.Builder
	b.WriteString(`INSERT INTO events (` + eventCols + `) VALUES `)
	for n := 1; n <= maxEventRows; n++ {
		if n > 1 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders((n-1)*eventColCount+1, eventColCount) + ")")
		out[n] = b.String()
	}
	return out
}()

// flushing is a transaction's querier: it sends the held-back writes
// before every statement.
type flushing struct{ c *conn }

func (f flushing) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := f.c.flush(ctx); err != nil {
		return nil, err
	}
	return f.c.pend.raw.ExecContext(ctx, query, args...)
}

func (f flushing) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := f.c.flush(ctx); err != nil {
		return nil, err
	}
	return f.c.pend.raw.QueryContext(ctx, query, args...)
}

// QueryRowContext cannot return the flush's error in its row; the query
// then runs without the held-back rows, and the transaction fails with
// that error anyway (pending.err, checked by Store.Update).
func (f flushing) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	_ = f.c.flush(ctx)
	return f.c.pend.raw.QueryRowContext(ctx, query, args...)
}

// Route decides without sending a held-back new ticket when that ticket
// cannot change the decision: it has no assignee (agent workloads count
// assigned tickets only) and does not wait before the routed ticket in a
// queue (it is the routed ticket, whose own key the check excludes, or
// comes after it). Creating a ticket thus routes it before it is written,
// and writes it once, routed.
func (t *tx) Route(ctx context.Context, q desk.RouteQuery) (*desk.RouteAnswer, error) {
	if p := t.pend; p != nil && p.err == nil && p.ticket != nil && p.ticket.assignee == "" &&
		(q.Ahead == nil || !keyBefore(p.ticket.key, *q.Ahead)) {
		c := conn{q: p.raw, fl: t.fl}
		return c.Route(ctx, q)
	}
	return t.conn.Route(ctx, q)
}

// keyBefore reports whether a drains before b.
func keyBefore(a, b desk.QueueKey) bool {
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	if ms(a.CreatedAt) != ms(b.CreatedAt) {
		return ms(a.CreatedAt) < ms(b.CreatedAt)
	}
	return a.Number < b.Number
}

func (c *conn) Events(ctx context.Context, ws, ticketID string) ([]desk.Event, error) {
	if err := c.flushEvents(ctx); err != nil {
		return nil, err
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY at, id`, ws, ticketID)
	out, err := collect(rows, err, scanEvent)
	return out, c.mapErr(err, "events of "+ticketID)
}

// EventsBut reads a ticket's events as Events does, without those of the
// given types: the desk's timeline skips message_added (the conversation
// shows it), which is most of a busy ticket's events, so they are not
// scanned only to be dropped (internal/web).
func (c *conn) EventsBut(ctx context.Context, ws, ticketID string, skip ...string) ([]desk.Event, error) {
	if len(skip) == 0 {
		return c.Events(ctx, ws, ticketID)
	}
	if err := c.flushEvents(ctx); err != nil {
		return nil, err
	}
	args := []any{ws, ticketID}
	var not strings.Builder
	for i, t := range skip {
		if i > 0 {
			not.WriteString(", ")
		}
		args = append(args, t)
		fmt.Fprintf(&not, "$%d", len(args))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND ticket_id = $2 AND type NOT IN (`+not.String()+`) ORDER BY at, id`, args...)
	out, err := collect(rows, err, scanEvent)
	return out, c.mapErr(err, "events of "+ticketID)
}

// EventsAfter reads ws's events numbered above after, in seq order. Its
// one statement reads one snapshot, which holds a prefix of the
// workspace's numbers (sendEvents): the page has no gap a later commit
// could fill.
func (c *conn) EventsAfter(ctx context.Context, ws string, after int64, limit int) ([]desk.Event, error) {
	if err := c.flushEvents(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		ws, after, limit)
	out, err := collect(rows, err, scanEvent)
	return out, c.mapErr(err, fmt.Sprintf("events of %s after %d", ws, after))
}

// LastEventSeq reads ws's highest seq through events_seq; like a page of
// EventsAfter, one snapshot holds all of 1..N.
func (c *conn) LastEventSeq(ctx context.Context, ws string) (int64, error) {
	if err := c.flushEvents(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := c.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE workspace_id = $1`, ws).Scan(&n)
	return n, c.mapErr(err, "last event of "+ws)
}

func scanEvent(r *sql.Rows, e *desk.Event) error {
	var at int64
	err := r.Scan(&e.ID, &e.WorkspaceID, &e.TicketID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Type, &e.From, &e.To, &e.Reason, &e.Seq)
	e.At = msToTime(at)
	return err
}

// AppendEvent holds e back until the transaction ends (or reads events),
// when it is numbered and sent (flushEvents); e.Seq is not set.
func (c *conn) AppendEvent(ctx context.Context, e *desk.Event) error {
	p := c.pend
	if p == nil {
		// Numbering needs the transaction that keeps it in commit order.
		return fmt.Errorf("append event %s: %w: outside a transaction", e.Type, desk.ErrInvalid)
	}
	if p.err != nil {
		return p.err
	}
	p.events = append(p.events, []any{e.ID, e.WorkspaceID, e.TicketID, ms(e.At), e.Actor.Kind, e.Actor.ID, e.Type, e.From, e.To, e.Reason, int64(0)})
	return nil
}
