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
