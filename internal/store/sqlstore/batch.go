package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// Batch reads (desk.BatchReader): what a page of tickets refers to, one
// query per kind and chunk of ids rather than one per ticket.

// batchChunk bounds the ids bound into one IN list (SQLite allows 32,766
// parameters, PostgreSQL 65,535).
const batchChunk = 500

// batchTickets bounds the tickets of one per-ticket-limited message query:
// one UNION ALL arm each (SQLite allows 500 arms).
const batchTickets = 64

// distinct drops empty and repeated ids, keeping the first occurrence.
func distinct(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; id == "" || dup {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out
}

// chunks cuts ids into runs of at most n.
func chunks[T any](ids []T, n int) [][]T {
	var out [][]T
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// padded is n rounded up to a power of two: lists are padded with ids
// that name nothing (""), so a few statement texts serve every page size
// and stay prepared (SQLite keeps statements per text).
func padded(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

// inList appends ids, padded, to args and returns the placeholders.
func inList(args []any, ids []string) ([]any, string) {
	var b strings.Builder
	for i := range padded(len(ids)) {
		id := ""
		if i < len(ids) {
			id = ids[i]
		}
		args = append(args, id)
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", len(args))
	}
	return args, b.String()
}

// byID runs query (with %s for the IN list, $1 the workspace) per chunk
// of ids and keys the scanned rows by key.
func byID[T any](ctx context.Context, c *conn, what, query, ws string, ids []string,
	scan func(rowScanner, *T) error, key func(*T) string) (map[string]*T, error) {
	out := map[string]*T{}
	for _, part := range chunks(distinct(ids), batchChunk) {
		args, in := inList([]any{ws}, part)
		rows, err := c.q.QueryContext(ctx, fmt.Sprintf(query, in), args...)
		got, err := collect(rows, err, func(r *sql.Rows, v *T) error { return scan(r, v) })
		if err != nil {
			return nil, c.mapErr(err, what)
		}
		for i := range got {
			out[key(&got[i])] = &got[i]
		}
	}
	return out, nil
}

func (c *conn) ContactsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	out, err := byID(ctx, c, "contacts by id", `SELECT `+contactCols+` FROM contacts c WHERE c.workspace_id = $1 AND c.id IN (%s)`,
		ws, ids, scanContact, func(ct *desk.Contact) string { return ct.ID })
	if err != nil || len(out) == 0 {
		return out, err
	}
	cts := make([]*desk.Contact, 0, len(out))
	for _, ct := range out {
		cts = append(cts, ct)
	}
	for _, part := range chunks(cts, batchChunk) {
		if err := c.loadIdentities(ctx, part); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *conn) AgentsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.Agent, error) {
	return byID(ctx, c, "agents by id", `SELECT `+agentCols+` FROM agents a WHERE a.workspace_id = $1 AND a.id IN (%s)`,
		ws, ids, scanAgent, func(a *desk.Agent) string { return a.ID })
}

func (c *conn) ChannelAccountsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.ChannelAccount, error) {
	return byID(ctx, c, "channel accounts by id", `SELECT `+channelAccountCols+` FROM channel_accounts WHERE workspace_id = $1 AND id IN (%s)`,
		ws, ids, scanChannelAccount, func(a *desk.ChannelAccount) string { return a.ID })
}

func (c *conn) EventsByTicket(ctx context.Context, ws string, ticketIDs []string) (map[string][]desk.Event, error) {
	out := map[string][]desk.Event{}
	for _, part := range chunks(distinct(ticketIDs), batchChunk) {
		args, in := inList([]any{ws}, part)
		rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND ticket_id IN (`+in+`)
			ORDER BY ticket_id, at, id`, args...)
		evs, err := collect(rows, err, func(r *sql.Rows, e *desk.Event) error {
			var at int64
			err := r.Scan(&e.ID, &e.WorkspaceID, &e.TicketID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Type, &e.From, &e.To, &e.Reason)
			e.At = msToTime(at)
			return err
		})
		if err != nil {
			return nil, c.mapErr(err, "events by ticket")
		}
		for _, e := range evs {
			out[e.TicketID] = append(out[e.TicketID], e)
		}
	}
	return out, nil
}

// MessagesByTicket runs one query per batchTickets tickets: a UNION ALL of
// each ticket's own ordered, limited select, so a ticket with thousands of
// messages costs its limit, not its length.
func (c *conn) MessagesByTicket(ctx context.Context, ws string, ticketIDs []string, f desk.MessageFilter) (map[string][]desk.Message, error) {
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	order := "ASC"
	if f.NewestFirst {
		order = "DESC"
	}
	args := []any{ws}
	where := `workspace_id = $1 AND ticket_id = $%d`
	if f.PublicOnly {
		args = append(args, true)
		where += ` AND public = $2`
	}
	arm := `SELECT * FROM (SELECT ` + messageCols + ` FROM messages WHERE ` + where +
		fmt.Sprintf(` ORDER BY number %s LIMIT %d) m%%d`, order, limit)
	out := map[string][]desk.Message{}
	var all []*desk.Message
	for _, part := range chunks(distinct(ticketIDs), batchTickets) {
		a := slices.Clone(args)
		var q strings.Builder
		for i := range padded(len(part)) {
			id := ""
			if i < len(part) {
				id = part[i]
			}
			a = append(a, id)
			if i > 0 {
				q.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&q, arm, len(a), i)
		}
		rows, err := c.q.QueryContext(ctx, q.String(), a...)
		msgs, err := collect(rows, err, func(r *sql.Rows, m *desk.Message) error { return scanMessage(r, m) })
		if err != nil {
			return nil, c.mapErr(err, "messages by ticket")
		}
		for _, m := range msgs {
			out[m.TicketID] = append(out[m.TicketID], m)
		}
	}
	for id, msgs := range out {
		slices.SortFunc(msgs, func(a, b desk.Message) int {
			if f.NewestFirst {
				return cmp.Compare(b.Number, a.Number)
			}
			return cmp.Compare(a.Number, b.Number)
		})
		for i := range msgs {
			all = append(all, &msgs[i])
		}
		out[id] = msgs
	}
	return out, c.attachAll(ctx, ws, all)
}

// attachAll fills the attachments of msgs (of any tickets), in attachment
// number order as loadAttachments does.
func (c *conn) attachAll(ctx context.Context, ws string, msgs []*desk.Message) error {
	byID := make(map[string]*desk.Message, len(msgs))
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
		ids = append(ids, m.ID)
	}
	var atts []desk.Attachment
	for _, part := range chunks(ids, batchChunk) {
		args, in := inList([]any{ws}, part)
		rows, err := c.q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND message_id IN (`+in+`)`, args...)
		got, err := collect(rows, err, func(r *sql.Rows, a *desk.Attachment) error { return scanAttachment(r, a) })
		if err != nil {
			return c.mapErr(err, "attachments by message")
		}
		atts = append(atts, got...)
	}
	slices.SortFunc(atts, func(a, b desk.Attachment) int { return cmp.Compare(a.Number, b.Number) })
	for _, a := range atts {
		if m := byID[a.MessageID]; m != nil && a.TicketID == m.TicketID {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return nil
}
