package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// BulkLoader returns a loader that writes each batch with COPY (binary, one
// COPY per table inside one transaction), PostgreSQL's fastest way in.
// st must be a store opened by Open.
func BulkLoader(st *sqlstore.Store) desk.BulkLoader { return copyLoader{st} }

type copyLoader struct{ st *sqlstore.Store }

func (l copyLoader) ReserveNumbers(ctx context.Context, ws, kind string, n int64) (int64, error) {
	return l.st.ReserveNumbers(ctx, ws, kind, n)
}

func (l copyLoader) BulkLoad(ctx context.Context, b *desk.Bulk) error {
	c, err := l.st.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("not a pgx connection")
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if err := sqlstore.NumberBulkEvents(b.Events, func(ws string, n int64) (int64, error) {
			var last int64
			err := tx.QueryRow(ctx, sqlstore.EventSeqSQL, ws, n).Scan(&last)
			return last, err
		}); err != nil {
			return err
		}
		for _, t := range sqlstore.BulkTables(b) {
			if len(t.Rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Cols, pgx.CopyFromRows(t.Rows)); err != nil {
				return fmt.Errorf("copy %d rows into %s: %w", len(t.Rows), t.Name, err)
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	// COPY runs outside Store.Update, so the tickets the triggers marked for
	// search are not indexed yet: index them now.
	if err := l.st.IndexPending(ctx); err != nil {
		return fmt.Errorf("bulk load: after copy: %w", err)
	}
	return nil
}

// statTables are the tables whose statistics steer the planner's choices
// for ticketd's queries. ticket_docs' decide a search's plan: without them
// PostgreSQL took two common words for 134 matches instead of 124,000 and
// fetched them all (1.1 s at 1,000,000 tickets, 50 ms once analyzed).
var statTables = []string{"contacts", "contact_identities", "tickets", "ticket_tags", "messages", "events",
	"ticket_docs", "ticket_texts"}

// Analyze refreshes the planner's statistics of the tables a load filled;
// autovacuum would, later, and until then the planner guesses.
func (l copyLoader) Analyze(ctx context.Context) error {
	// The load churned the hot tables (search_dirty held each batch until
	// it was indexed, agent_loads counted every ticket): vacuum them, or
	// every later write reads their dead rows (see housekeep).
	if err := VacuumQueues(ctx, l.st.DB()); err != nil {
		return err
	}
	for _, t := range statTables {
		if _, err := l.st.DB().ExecContext(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}
