package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
)

// The full-text index holds tokens made by search.Tokens, not by a database
// tokenizer, so both stores match exactly the same text (CJK characters one
// by one, diacritics folded) and the equivalence test can check them.
//
// Triggers (migration 0003) record in search_dirty every ticket whose text
// changed: a new ticket, a new or edited message, a changed subject,
// description or contact, a renamed contact. Before each write transaction
// commits, syncSearch re-indexes those tickets and empties search_dirty, so
// the index is always exactly as current as the rows it describes. A ticket
// is indexed once however many statements of one transaction touched it
// (creating a ticket with its first message and routing it costs one
// index write). On SQLite the writer does it once per group commit
// (Flavor.BatchSearch), for all the use cases it commits together; should
// that fail, it commits their writes and leaves the tickets queued for the
// next commit rather than fail requests for work they share.
//
// SQLite: ticket_fts, a contentless FTS5 table (contentless_delete) with
// the 'ascii' tokenizer, which only splits the space-separated tokens again.
// Its rowid is the ticket's search key (docKey): the workspace number in
// the high bits, the ticket number in the low 40, so a workspace's tickets
// are one rowid range and FTS5's rowid order is newest first.
//
// PostgreSQL: ticket_docs, a narrow row per ticket with a tsvector of its
// distinct tokens (GIN-indexed, for candidates), and ticket_texts with the
// tokens as text (for phrase checks: ' a b ' LIKE-matched on token
// boundaries), read only for candidates.

// keyBits is how many low bits of a search key hold the ticket number.
const keyBits = 40

// docKey is the FTS rowid of ticket number n in workspace number wsNum.
func docKey(wsNum, n int64) int64 { return wsNum<<keyBits | n }

// dirtyDoc is one ticket to re-index.
type dirtyDoc struct {
	id, ws         string
	wsNum, number  int64
	fresh          bool // never indexed (SQLite: nothing to delete first)
	subject, descr string
	names          [3]string
	messages       []string
	found          bool
}

func (c *conn) postgres() bool { return c.fl.Name == "postgres" }

// SyncSearch brings the index up to date in stx, a write transaction of
// the store's flavor that may hold several use cases' writes: a flavor with
// BatchSearch calls it once before committing them together. Each ticket
// is indexed once however many of them touched it.
func (s *Store) SyncSearch(ctx context.Context, stx *sql.Tx) error {
	c := &conn{q: stx, fl: s.fl}
	if err := c.syncSearch(ctx); err != nil {
		return fmt.Errorf("update search index: %w", err)
	}
	return nil
}

// syncSearch brings the index up to date with every ticket marked dirty in
// this transaction.
func (t *tx) syncSearch(ctx context.Context) error {
	if err := t.conn.syncSearch(ctx); err != nil {
		return fmt.Errorf("update search index: %w", err)
	}
	return nil
}

func (c *conn) syncSearch(ctx context.Context) error {
	fresh, lock := "d.fresh", ""
	if c.postgres() {
		// Two transactions indexing one ticket (a message and a contact
		// rename) must not each write a document missing the other's
		// change: the second waits here, then reads the first's rows.
		fresh, lock = "false", " ORDER BY t.id FOR UPDATE OF t"
	}
	// One query reads what is dirty and the ticket text; a write that
	// changed no searchable text pays only for it. CROSS JOIN keeps
	// search_dirty (a few rows) the outer loop on SQLite, whose planner,
	// without statistics, otherwise scanned every ticket on every write
	// (78 % of a creation's time at 10,000 tickets; docs/PERFORMANCE.md).
	from := `FROM search_dirty d CROSS JOIN tickets t JOIN workspaces w ON w.id = t.workspace_id
		LEFT JOIN contacts ct ON ct.id = t.contact_id WHERE t.id = d.ticket_id`
	if c.postgres() {
		// PostgreSQL plans the join from search_dirty's statistics, which a
		// queue table's churn leaves meaningless (never analyzed, or
		// analyzed while a bulk load filled it): it hashed every ticket,
		// 2.7 s a write at 1,000,000 tickets. The dirty ids as an array
		// always give primary-key lookups.
		from = `FROM tickets t JOIN workspaces w ON w.id = t.workspace_id
		LEFT JOIN contacts ct ON ct.id = t.contact_id WHERE t.id = ANY(ARRAY(SELECT ticket_id FROM search_dirty))`
	}
	rows, err := c.q.QueryContext(ctx, `SELECT t.id, `+fresh+`, t.workspace_id, w.number, t.number, t.subject, t.description,
		COALESCE(ct.name, ''), COALESCE(ct.first_name, ''), COALESCE(ct.last_name, '')
		`+from+lock)
	if err != nil {
		return err
	}
	var docs []*dirtyDoc
	byID := map[string]*dirtyDoc{}
	for rows.Next() {
		d := &dirtyDoc{found: true}
		if err := rows.Scan(&d.id, &d.fresh, &d.ws, &d.wsNum, &d.number, &d.subject, &d.descr,
			&d.names[0], &d.names[1], &d.names[2]); err != nil {
			rows.Close()
			return err
		}
		docs = append(docs, d)
		byID[d.id] = d
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(docs) == 0 {
		return nil
	}
	ids := make([]any, len(docs))
	for i, d := range docs {
		ids[i] = d.id
	}
	for start := 0; start < len(ids); start += 500 {
		if err := c.loadMessages(ctx, ids[start:min(start+500, len(ids))], byID); err != nil {
			return err
		}
	}
	// Ascending keys keep FTS5 writing one segment per transaction.
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].wsNum != docs[j].wsNum {
			return docs[i].wsNum < docs[j].wsNum
		}
		return docs[i].number < docs[j].number
	})
	for _, d := range docs {
		doc := search.NewDocument(d.subject, d.descr, d.messages, d.names[:]...)
		if err := c.writeDoc(ctx, d, doc); err != nil {
			return err
		}
	}
	if !c.postgres() {
		// The only writer: every dirty row was read above.
		_, err := c.q.ExecContext(ctx, `DELETE FROM search_dirty`)
		return err
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		if _, err := c.q.ExecContext(ctx, `DELETE FROM search_dirty WHERE ticket_id IN (`+placeholders(1, len(chunk))+`)`, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// loadMessages appends the message texts of the tickets ids, oldest first.
func (c *conn) loadMessages(ctx context.Context, ids []any, byID map[string]*dirtyDoc) error {
	rows, err := c.q.QueryContext(ctx, `SELECT ticket_id, text FROM messages WHERE ticket_id IN (`+placeholders(1, len(ids))+`)
		ORDER BY ticket_id, number`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.messages = append(p.messages, text)
		}
	}
	return rows.Err()
}

func (c *conn) writeDoc(ctx context.Context, d *dirtyDoc, doc search.Document) error {
	if c.postgres() {
		_, err := c.q.ExecContext(ctx, `INSERT INTO ticket_docs (ticket_id, workspace_id, tsv) VALUES ($1, $2, $3::tsvector)
			ON CONFLICT (ticket_id) DO UPDATE SET tsv = excluded.tsv`, d.id, d.ws, tsvector(doc))
		if err != nil {
			return err
		}
		_, err = c.q.ExecContext(ctx, `INSERT INTO ticket_texts (ticket_id, subject, words) VALUES ($1, $2, $3)
			ON CONFLICT (ticket_id) DO UPDATE SET subject = excluded.subject, words = excluded.words`,
			d.id, spaced(doc.Subject), docWords(doc))
		return err
	}
	key := docKey(d.wsNum, d.number)
	if !d.fresh {
		if _, err := c.q.ExecContext(ctx, `DELETE FROM ticket_fts WHERE rowid = $1`, key); err != nil {
			return err
		}
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO ticket_fts (rowid, subject, body, contact) VALUES ($1, $2, $3, $4)`,
		key, strings.Join(doc.Subject, " "), strings.Join(doc.Body, " "), strings.Join(doc.Contact, " "))
	return err
}

// spaced joins tokens with spaces and pads both ends, so ' a b ' finds a
// phrase on token boundaries with LIKE.
func spaced(toks []string) string {
	return " " + strings.Join(toks, " ") + " "
}

// docWords is the PostgreSQL phrase-check text: the three fields spaced,
// separated by a newline that no phrase pattern spans.
func docWords(doc search.Document) string {
	return spaced(doc.Subject) + "\n" + spaced(doc.Body) + "\n" + spaced(doc.Contact)
}

// tsvector renders the distinct tokens of doc as a tsvector literal (no
// positions: phrases are checked on the words text), with every pair of
// adjacent CJK characters as a lexeme too, so a two-character word (the
// common case in Chinese) is one index lookup and no text check.
func tsvector(doc search.Document) string {
	seen := map[string]bool{}
	var b strings.Builder
	add := func(t string) {
		if seen[t] {
			return
		}
		seen[t] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		_, _ = lexemeEscaper.WriteString(&b, t)
		b.WriteByte('\'')
	}
	for _, f := range [][]string{doc.Subject, doc.Body, doc.Contact} {
		for i, t := range f {
			add(t)
			if i > 0 && search.IsIdeograph(t) && search.IsIdeograph(f[i-1]) {
				add(f[i-1] + t) // a CJK pair: 发票 (no word token has two)
			}
		}
	}
	return b.String()
}

// lexemeEscaper escapes a token inside a quoted tsvector or tsquery lexeme.
// Built once: building it per token was 40 % of a PostgreSQL bulk load's
// CPU in the seeder.
var lexemeEscaper = strings.NewReplacer(`'`, `''`, `\`, `\\`)

// lexeme quotes a token for tsvector and tsquery input.
func lexeme(t string) string {
	return "'" + lexemeEscaper.Replace(t) + "'"
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// IndexPending indexes tickets written outside a ticketd transaction (a
// COPY load, an upgrade from before migration 0003), which the triggers
// left marked in search_dirty: every ticketd write does it anyway before it
// commits; this is that step alone.
func (s *Store) IndexPending(ctx context.Context) error {
	return s.Update(ctx, func(desk.Tx) error { return nil })
}
