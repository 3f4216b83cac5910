package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// A write transaction holds back the rows a use case only adds — a new
// ticket, new messages, events — until its next other statement, and sends
// them at once: the new ticket with the state routing gave it (one INSERT
// instead of an INSERT and an UPDATE of 2 to 5 columns, which SQLite paid in
// index maintenance), the events in one multi-row INSERT. Creating a
// routed ticket with its first message thus sends 3 writes, not 8.
//
// Every other statement of the transaction first sends what is held back
// (flushing), so whatever it reads or writes sees the rows as they would be
// without the wait; the transaction sends the rest before it commits. Only
// statements that cannot see those rows skip the flush: the counters
// (nextNumber) and a routing decision that the held-back ticket cannot
// change (tx.Route).

const eventCols = `id, workspace_id, ticket_id, at, actor_kind, actor_id, type, from_value, to_value, reason`

// pending is a transaction's held-back writes.
type pending struct {
	raw      querier // the transaction itself, without the flush
	ticket   *pendingTicket
	messages [][]any // messageCols values
	events   []any   // eventCols values, row after row
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

func (p *pending) empty() bool {
	return p.ticket == nil && len(p.messages) == 0 && len(p.events) == 0
}

// raw is the querier for statements that need no flush.
func (c *conn) raw() querier {
	if c.pend != nil {
		return c.pend.raw
	}
	return c.q
}

// flush sends the held-back writes, in foreign-key order.
func (c *conn) flush(ctx context.Context) error {
	p := c.pend
	if p == nil || p.err != nil || p.empty() {
		if p != nil {
			return p.err
		}
		return nil
	}
	tk, msgs, evs := p.ticket, p.messages, p.events
	p.ticket, p.messages, p.events = nil, nil, nil
	if err := c.send(ctx, tk, msgs, evs); err != nil {
		p.err = err
		return err
	}
	return nil
}

func (c *conn) send(ctx context.Context, tk *pendingTicket, msgs [][]any, evs []any) error {
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
	const perRow = 10
	for len(evs) > 0 {
		n := min(len(evs)/perRow, maxEventRows)
		if _, err := raw.q.ExecContext(ctx, eventInsertSQL[n], evs[:n*perRow]...); err != nil {
			return c.mapErr(err, "append events")
		}
		evs = evs[n*perRow:]
	}
	return nil
}

// maxEventRows bounds the rows of one events INSERT (10 arguments each).
const maxEventRows = 32

// eventInsertSQL[n] inserts n events.
var eventInsertSQL = func() []string {
	out := make([]string, maxEventRows+1)
	var b strings.Builder
	b.WriteString(`INSERT INTO events (` + eventCols + `) VALUES `)
	for n := 1; n <= maxEventRows; n++ {
		if n > 1 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders((n-1)*10+1, 10) + ")")
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
	rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY at, id`, ws, ticketID)
	out, err := collect(rows, err, func(r *sql.Rows, e *desk.Event) error {
		var at int64
		err := r.Scan(&e.ID, &e.WorkspaceID, &e.TicketID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Type, &e.From, &e.To, &e.Reason)
		e.At = msToTime(at)
		return err
	})
	return out, c.mapErr(err, "events of "+ticketID)
}

// AppendEvent adds e to the log; in a transaction, with its next statement.
func (c *conn) AppendEvent(ctx context.Context, e *desk.Event) error {
	args := []any{e.ID, e.WorkspaceID, e.TicketID, ms(e.At), e.Actor.Kind, e.Actor.ID, e.Type, e.From, e.To, e.Reason}
	if p := c.pend; p != nil {
		if p.err != nil {
			return p.err
		}
		p.events = append(p.events, args...)
		return nil
	}
	_, err := c.q.ExecContext(ctx, eventInsertSQL[1], args...)
	return c.mapErr(err, fmt.Sprintf("append event %s", e.Type))
}
