package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

var _ desk.BulkLoader = (*Store)(nil)

// BulkTable is the rows of one table, each in the order of Cols.
type BulkTable struct {
	Name string
	Cols []string
	Rows [][]any
}

var (
	contactBulkCols  = []string{"id", "workspace_id", "number", "name", "first_name", "last_name", "email", "phone", "national_id", "external_id", "custom_fields", "meta", "created_at", "updated_at"}
	identityBulkCols = []string{"workspace_id", "contact_id", "position", "channel", "external_id", "page_id", "screen_name", "display_name"}
	ticketBulkCols   = strings.Split(strings.NewReplacer("t.", "", " ", "", "\n", "", "\t", "").Replace(ticketCols)+",queue_rank", ",")
	tagBulkCols      = []string{"workspace_id", "ticket_id", "tag"}
	messageBulkCols  = strings.Split(strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(messageCols), ",")
	eventBulkCols    = strings.Split(strings.ReplaceAll(eventCols, " ", ""), ",")
)

// BulkTables lays b out as table rows in foreign-key order, with the same
// column values the row-at-a-time writes use. Events keep the Seq they
// carry: the loader numbers them first (NumberBulkEvents).
func BulkTables(b *desk.Bulk) []BulkTable {
	contacts := BulkTable{Name: "contacts", Cols: contactBulkCols, Rows: make([][]any, 0, len(b.Contacts))}
	idents := BulkTable{Name: "contact_identities", Cols: identityBulkCols}
	for i := range b.Contacts {
		ct := &b.Contacts[i]
		contacts.Rows = append(contacts.Rows, []any{ct.ID, ct.WorkspaceID, ct.Number, ct.Name, ct.FirstName, ct.LastName,
			ct.Email, ct.Phone, ct.NationalID, ct.ExternalID, js(nonNil(ct.CustomFields)), metaJSON(ct.Meta), ms(ct.CreatedAt), ms(ct.UpdatedAt)})
		for j, id := range ct.Identities {
			idents.Rows = append(idents.Rows, []any{ct.WorkspaceID, ct.ID, j, string(id.Channel), id.ExternalID,
				id.PageID, id.ScreenName, id.DisplayName})
		}
	}
	tickets := BulkTable{Name: "tickets", Cols: ticketBulkCols, Rows: make([][]any, 0, len(b.Tickets))}
	tags := BulkTable{Name: "ticket_tags", Cols: tagBulkCols}
	for i := range b.Tickets {
		t := &b.Tickets[i]
		tickets.Rows = append(tickets.Rows, ticketArgs(t))
		for _, tag := range t.Tags {
			tags.Rows = append(tags.Rows, []any{t.WorkspaceID, t.ID, tag})
		}
	}
	msgs := BulkTable{Name: "messages", Cols: messageBulkCols, Rows: make([][]any, 0, len(b.Messages))}
	for i := range b.Messages {
		m := &b.Messages[i]
		msgs.Rows = append(msgs.Rows, []any{m.ID, m.WorkspaceID, m.Number, m.TicketID, string(m.Direction), m.Public,
			string(m.Author.Kind), m.Author.ID, m.AuthorName, m.Text, js(m.Meta), ms(m.CreatedAt), m.ChannelAccountID, m.ProviderID, m.HTML})
	}
	events := BulkTable{Name: "events", Cols: eventBulkCols, Rows: make([][]any, 0, len(b.Events))}
	for i := range b.Events {
		e := &b.Events[i]
		events.Rows = append(events.Rows, []any{e.ID, e.WorkspaceID, e.TicketID, ms(e.At), string(e.Actor.Kind), e.Actor.ID,
			e.Type, e.From, e.To, e.Reason, e.Seq})
	}
	return []BulkTable{contacts, idents, tickets, tags, msgs, events}
}

// NumberBulkEvents sets the Seq of evs, in their order, from numbers
// reserve takes from each workspace's event counter (it returns the last of
// n). The loader calls it inside the transaction that writes them, so the
// numbers follow commit order as every other write's do (events.go).
func NumberBulkEvents(evs []desk.Event, reserve func(ws string, n int64) (last int64, err error)) error {
	count := map[string]int64{}
	var wss []string
	for i := range evs {
		if count[evs[i].WorkspaceID] == 0 {
			wss = append(wss, evs[i].WorkspaceID)
		}
		count[evs[i].WorkspaceID]++
	}
	slices.Sort(wss)
	next := map[string]int64{}
	for _, ws := range wss {
		last, err := reserve(ws, count[ws])
		if err != nil {
			return fmt.Errorf("number %d events of %s: %w", count[ws], ws, err)
		}
		next[ws] = last - count[ws] + 1
	}
	for i := range evs {
		evs[i].Seq = next[evs[i].WorkspaceID]
		next[evs[i].WorkspaceID]++
	}
	return nil
}

// EventSeqSQL reserves $2 event numbers of workspace $1 and returns the
// last, for loaders outside database/sql (package postgres's COPY).
const EventSeqSQL = eventSeqSQL

// ReserveNumbers allocates n consecutive numbers of kind in ws in one
// statement and returns the first.
func (s *Store) ReserveNumbers(ctx context.Context, ws, kind string, n int64) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("%w: reserve %d %s numbers", desk.ErrInvalid, n, kind)
	}
	var last int64
	err := s.fl.RunTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO counters (workspace_id, kind, value) VALUES ($1, $2, $3)
			ON CONFLICT (workspace_id, kind) DO UPDATE SET value = counters.value + excluded.value
			RETURNING value`, ws, kind, n).Scan(&last)
	})
	if err != nil {
		return 0, fmt.Errorf("reserve %d %s numbers: %w", n, kind, err)
	}
	return last - n + 1, nil
}

// bulkRowsPerInsert is how many rows one multi-row INSERT carries: enough to
// amortize the per-statement cost, few enough to stay far below both
// backends' bound-parameter limits (48 ticket columns × 64 = 3,072).
const bulkRowsPerInsert = 64

// BulkLoad writes b in one transaction through multi-row INSERTs prepared
// once per batch. It runs inside Update, so whatever every write does before
// it commits (the search index sync) covers these rows too. On SQLite this
// is the writer connection like any other write; package postgres offers a
// COPY loader that is faster there.
func (s *Store) BulkLoad(ctx context.Context, b *desk.Bulk) error {
	err := s.Update(ctx, func(dtx desk.Tx) error {
		stx := dtx.(*tx).tx
		if err := NumberBulkEvents(b.Events, func(ws string, n int64) (int64, error) {
			var last int64
			err := stx.QueryRowContext(ctx, eventSeqSQL, ws, n).Scan(&last)
			return last, err
		}); err != nil {
			return err
		}
		tables := BulkTables(b)
		// SQLite looks up every $N parameter's name in a list, a cost
		// quadratic in the parameters of a statement; anonymous ? skips it.
		anon := s.fl.Name == "sqlite"
		for _, t := range tables {
			if err := insertRows(ctx, stx, t, anon); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

func insertRows(ctx context.Context, tx *sql.Tx, t BulkTable, anon bool) error {
	if len(t.Rows) == 0 {
		return nil
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, bulkRowsPerInsert*len(t.Cols))
	for start := 0; start < len(t.Rows); start += bulkRowsPerInsert {
		chunk := t.Rows[start:min(start+bulkRowsPerInsert, len(t.Rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		var err error
		if len(chunk) == bulkRowsPerInsert {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, multiInsertSQL(t.Name, t.Cols, bulkRowsPerInsert, anon)); err != nil {
					return fmt.Errorf("prepare %s insert: %w", t.Name, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, multiInsertSQL(t.Name, t.Cols, len(chunk), anon), args...)
		}
		if err != nil {
			return fmt.Errorf("insert %d %s rows: %w", len(chunk), t.Name, err)
		}
	}
	return nil
}

// multiInsertSQL is INSERT INTO name (cols) VALUES (…), (…) for rows rows,
// with $N placeholders or, when anon, ? ones.
func multiInsertSQL(name string, cols []string, rows int, anon bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", name, strings.Join(cols, ", "))
	n := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			if anon {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
