package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Housekeeping vacuums the hot tables: search_dirty is read whole by every
// write, agent_loads by every routing decision.
func TestVacuumQueuesVacuumsHotTables(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenPostgres(t).(*sqlstore.Store)
	db := st.DB()
	if _, err := db.ExecContext(ctx, `INSERT INTO search_dirty (ticket_id) SELECT 't' || g FROM generate_series(1, 20000) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM search_dirty`); err != nil {
		t.Fatal(err)
	}
	if err := postgres.VacuumQueues(ctx, db); err != nil {
		t.Fatal(err)
	}
	// Whether the dead rows can go depends on other sessions' snapshots
	// (tests of other packages share the server), so check that every hot
	// table was vacuumed, not what PostgreSQL could reclaim.
	for _, table := range []string{"search_dirty", "agent_loads", "counters", "ticket_counts"} {
		var vacuumed bool
		for try := 0; try < 20 && !vacuumed; try++ {
			if err := db.QueryRowContext(ctx, `SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables
				WHERE relname = $1 AND schemaname = current_schema()`, table).Scan(&vacuumed); err != nil {
				t.Fatal(err)
			}
			if !vacuumed {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !vacuumed {
			t.Errorf("%s was not vacuumed", table)
		}
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
