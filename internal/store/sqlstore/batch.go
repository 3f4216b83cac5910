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
// one UNION ALL arm each, about 250 bytes; 32 keeps the text under the 16 kB
// the SQLite store keeps prepared (64 arms were parsed on every call).
const batchTickets = 32

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

// byID runs query (with %s for the IN list of ids) per chunk of ids and
// keys the scanned rows of ws by key. Queries select by primary key only
// and leave the workspace to ws: given a workspace term, SQLite's planner
// (without ANALYZE statistics) walks the workspace's index instead.
func byID[T any](ctx context.Context, c *conn, what, query, ws string, ids []string,
	scan func(rowScanner, *T) error, key func(*T) (id, ws string)) (map[string]*T, error) {
	out := map[string]*T{}
	for _, part := range chunks(distinct(ids), batchChunk) {
		args, in := inList(nil, part)
		rows, err := c.q.QueryContext(ctx, fmt.Sprintf(query, in), args...)
		got, err := collect(rows, err, func(r *sql.Rows, v *T) error { return scan(r, v) })
		if err != nil {
			return nil, c.mapErr(err, what)
		}
		for i := range got {
			if id, of := key(&got[i]); of == ws {
				out[id] = &got[i]
			}
		}
	}
	return out, nil
}

func (c *conn) ContactsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	out, err := byID(ctx, c, "contacts by id", `SELECT `+contactCols+` FROM contacts c WHERE c.id IN (%s)`,
		ws, ids, scanContact, func(ct *desk.Contact) (string, string) { return ct.ID, ct.WorkspaceID })
	if err != nil || len(out) == 0 {
		return out, err
	}
	cids := make([]string, 0, len(out))
	for id := range out {
		cids = append(cids, id)
	}
	for _, part := range chunks(cids, batchChunk) {
		args, in := inList(nil, part)
		rows, err := c.q.QueryContext(ctx, `SELECT contact_id, channel, external_id, page_id, screen_name, display_name
			FROM contact_identities WHERE contact_id IN (`+in+`) ORDER BY contact_id, position`, args...)
		if err != nil {
			return nil, c.mapErr(err, "contact identities")
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var cid string
				var id desk.Identity
				if err := rows.Scan(&cid, &id.Channel, &id.ExternalID, &id.PageID, &id.ScreenName, &id.DisplayName); err != nil {
					return err
				}
				out[cid].Identities = append(out[cid].Identities, id)
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, c.mapErr(err, "contact identities")
		}
	}
	return out, nil
}

func (c *conn) AgentsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.Agent, error) {
	return byID(ctx, c, "agents by id", `SELECT `+agentCols+` FROM agents a WHERE a.id IN (%s)`,
		ws, ids, scanAgent, func(a *desk.Agent) (string, string) { return a.ID, a.WorkspaceID })
}

func (c *conn) ChannelAccountsByID(ctx context.Context, ws string, ids []string) (map[string]*desk.ChannelAccount, error) {
	return byID(ctx, c, "channel accounts by id", `SELECT `+channelAccountCols+` FROM channel_accounts WHERE id IN (%s)`,
		ws, ids, scanChannelAccount, func(a *desk.ChannelAccount) (string, string) { return a.ID, a.WorkspaceID })
}

func (c *conn) EventsByTicket(ctx context.Context, ws string, ticketIDs []string) (map[string][]desk.Event, error) {
	if err := c.flushEvents(ctx); err != nil {
		return nil, err
	}
	out := map[string][]desk.Event{}
	for _, part := range chunks(distinct(ticketIDs), batchChunk) {
		args, in := inList([]any{ws}, part)
		rows, err := c.q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = $1 AND ticket_id IN (`+in+`)
			ORDER BY ticket_id, at, id`, args...)
		evs, err := collect(rows, err, scanEvent)
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
// number order as loadAttachments does; selected by message id alone, as
// byID explains.
func (c *conn) attachAll(ctx context.Context, ws string, msgs []*desk.Message) error {
	byID := make(map[string]*desk.Message, len(msgs))
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
		ids = append(ids, m.ID)
	}
	var atts []desk.Attachment
	for _, part := range chunks(ids, batchChunk) {
		args, in := inList(nil, part)
		rows, err := c.q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE message_id IN (`+in+`)`, args...)
		got, err := collect(rows, err, func(r *sql.Rows, a *desk.Attachment) error { return scanAttachment(r, a) })
		if err != nil {
			return c.mapErr(err, "attachments by message")
		}
		atts = append(atts, got...)
	}
	slices.SortFunc(atts, func(a, b desk.Attachment) int { return cmp.Compare(a.Number, b.Number) })
	for _, a := range atts {
		if m := byID[a.MessageID]; m != nil && a.TicketID == m.TicketID && a.WorkspaceID == ws {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return nil
}
