package postgres_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// A queue table's dead rows must not outlive housekeeping: search_dirty is
// read whole by every write.
func TestVacuumQueuesEmptiesSearchDirty(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenPostgres(t).(*sqlstore.Store)
	db := st.DB()
	if _, err := db.ExecContext(ctx, `INSERT INTO search_dirty (ticket_id) SELECT 't' || g FROM generate_series(1, 20000) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM search_dirty`); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT pg_relation_size('search_dirty')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if size() == 0 {
		t.Fatal("search_dirty should hold dead rows before housekeeping")
	}
	if err := postgres.VacuumQueues(ctx, db); err != nil {
		t.Fatal(err)
	}
	if n := size(); n != 0 {
		t.Fatalf("search_dirty is %d bytes after VacuumQueues, want 0", n)
	}
}

// With autovacuum off (as on this project's machines), housekeeping keeps
// the statistics searches are planned by.
func TestRefreshStatsAnalyzesSearchDocs(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenPostgres(t).(*sqlstore.Store)
	db := st.DB()
	var auto string
	if err := db.QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if err := postgres.RefreshStats(ctx, db); err != nil {
		t.Fatal(err)
	}
	var analyzed bool
	if err := db.QueryRowContext(ctx, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables
		WHERE relname = 'ticket_docs' AND schemaname = current_schema()`).Scan(&analyzed); err != nil {
		t.Fatal(err)
	}
	if auto == "off" && !analyzed {
		t.Fatal("autovacuum is off and ticket_docs was not analyzed")
	}
	if auto == "on" && analyzed {
		t.Log("autovacuum is on: RefreshStats leaves statistics to it (ticket_docs analyzed by it already)")
	}
}
