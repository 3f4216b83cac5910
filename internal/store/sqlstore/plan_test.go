package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// The hot list reads must keep the plans their indexes were made for: a
// plan that walks the wrong index still answers correctly, only slower with
// every ticket added, so no other test would notice.
func TestHotReadPlans(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name string
		f    desk.TicketFilter
		want string
	}{
		{"inbox: assignee, active, newest", desk.TicketFilter{AssigneeID: "a", Statuses: desk.ActiveStatuses, Order: desk.OrderNumberDesc},
			"USING INDEX tickets_inbox_active (workspace_id=? AND assignee_id=?)"},
		{"inbox, statuses in another order", desk.TicketFilter{AssigneeID: "a", Order: desk.OrderNumberDesc,
			Statuses: []desk.Status{desk.StatusOnHold, desk.StatusPending, desk.StatusOpen, desk.StatusAssigned, desk.StatusUnassigned, desk.StatusNew}},
			"USING INDEX tickets_inbox_active (workspace_id=? AND assignee_id=?)"},
		{"assignee, any status, newest", desk.TicketFilter{AssigneeID: "a", Order: desk.OrderNumberDesc},
			"USING INDEX tickets_inbox (workspace_id=? AND assignee_id=?)"},
		{"workspace, newest", desk.TicketFilter{Order: desk.OrderNumberDesc}, "(workspace_id=?)"},
		// The desk's inbox views, most recently updated first (0030).
		{"desk mine: assignee, active, updated", desk.TicketFilter{AssigneeID: "a", Statuses: desk.ActiveStatuses, Order: desk.OrderUpdatedDesc},
			"USING INDEX tickets_inbox_active_updated (workspace_id=? AND assignee_id=?)"},
		{"desk unassigned: no assignee, active, updated", desk.TicketFilter{AssigneeID: "none", Statuses: desk.ActiveStatuses, Order: desk.OrderUpdatedDesc},
			"USING INDEX tickets_inbox_active_updated (workspace_id=? AND assignee_id=?)"},
		{"desk mine in a groups scope", desk.TicketFilter{AssigneeID: "a", Statuses: desk.ActiveStatuses, Order: desk.OrderUpdatedDesc,
			Scope: &desk.TicketScope{AgentID: "a", GroupIDs: []string{"g1", "g2"}}},
			"USING INDEX tickets_inbox_active_updated (workspace_id=? AND assignee_id=?)"},
		{"desk open: active, updated", desk.TicketFilter{Statuses: desk.ActiveStatuses, Order: desk.OrderUpdatedDesc},
			"USING INDEX tickets_active_updated (workspace_id=?)"},
		// The inbox's urgency sorts (migration 0027).
		{"inbox: assignee, active, priority", desk.TicketFilter{AssigneeID: "a", Statuses: desk.ActiveStatuses, Order: desk.OrderPriority},
			"USING INDEX tickets_priority_assignee (workspace_id=? AND assignee_id=?)"},
		{"all open, priority", desk.TicketFilter{Statuses: desk.ActiveStatuses, Order: desk.OrderPriority},
			"USING INDEX tickets_priority_active (workspace_id=?)"},
		{"inbox: assignee, active, SLA due", desk.TicketFilter{AssigneeID: "a", Statuses: desk.ActiveStatuses, Order: desk.OrderSLADue},
			"USING INDEX tickets_sla_due_assignee (workspace_id=? AND assignee_id=?)"},
		{"all open, SLA due", desk.TicketFilter{Statuses: desk.ActiveStatuses, Order: desk.OrderSLADue},
			"USING INDEX tickets_sla_due_active (workspace_id=?)"},
	}
	// One contact's tickets: through tickets_contact whatever the order
	// (a handful of rows, sorted), never an order's index walked over the
	// workspace (1.6 s at 1,000,000 tickets with statistics).
	for _, o := range []desk.TicketOrder{desk.OrderNumberDesc, desk.OrderUpdatedDesc, desk.OrderUpdatedAsc, desk.OrderCreatedDesc,
		desk.OrderCreatedAsc, desk.OrderPriority, desk.OrderSLADue, desk.OrderStatusAsc, desk.OrderQueue} {
		for _, f := range []desk.TicketFilter{{ContactID: "c", Order: o}, {ContactID: "c", Order: o, Scope: &desk.TicketScope{AgentID: "a", GroupIDs: []string{"g"}}},
			{ContactID: "c", Order: o, AssigneeID: "none", Statuses: []desk.Status{desk.StatusNew, desk.StatusUnassigned}}} {
			q, args := sqlstore.TicketsSQL("w", f)
			got := plan(t, db, q, args...)
			ok := strings.Contains(got, "USING INDEX tickets_contact (workspace_id=? AND contact_id=?)")
			if f.AssigneeID == "none" {
				// Without statistics the queue's own index may look as
				// narrow: as bounded, and no order's index either.
				ok = ok || strings.Contains(got, "USING INDEX tickets_assignee (workspace_id=? AND assignee_id=? AND status=?)")
			}
			if !ok {
				t.Errorf("contact's tickets, order %q, scope %v, assignee %q: plan %q, want tickets_contact", o, f.Scope != nil, f.AssigneeID, got)
			}
		}
	}
	// A queue's head: the drain's probe must walk tickets_queue, whose
	// predicate (migration 0013) the queries repeat word for word.
	head := `SELECT t.id FROM tickets t WHERE t.workspace_id = $1 AND ` + sqlstore.WaitingSQL +
		` AND t.group_id = $2 ORDER BY t.queue_rank, t.created_at, t.number LIMIT 1`
	if got := plan(t, db, head, "w", "g"); !strings.Contains(got, "USING INDEX tickets_queue (workspace_id=? AND group_id=?)") ||
		strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("queue head: plan %q, want tickets_queue and no sort", got)
	}
	// Event reads: the feed and its head by seq (events_seq), a ticket's
	// log by ticket (events_ticket); events_workspace (0017) is gone (0019).
	for _, c := range []struct{ name, q, want string }{
		{"feed", `SELECT id FROM events WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT 100`, "USING INDEX events_seq (workspace_id=? AND seq>?)"},
		{"feed head", `SELECT COALESCE(MAX(seq), 0) FROM events WHERE workspace_id = $1`, "events_seq"},
		{"ticket log", `SELECT id FROM events WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY at, id`, "USING INDEX events_ticket (ticket_id=?)"},
		// A ticket's attachments with its messages (0037), not a walk
		// over the workspace's.
		{"ticket's attachments", `SELECT id FROM attachments WHERE workspace_id = $1 AND ticket_id = $2 AND message_id IS NOT NULL ORDER BY number`,
			"USING INDEX attachments_ticket (workspace_id=? AND ticket_id=?)"},
	} {
		if got := plan(t, db, c.q, "w", "t"); !strings.Contains(got, c.want) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want %q and no sort", c.name, got, c.want)
		}
	}
	for _, c := range cases {
		q, args := sqlstore.TicketsSQL("w", c.f)
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, c.want) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want %q and no sort", c.name, got, c.want)
		}
	}
}

func plan(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return strings.Join(out, "; ")
}
