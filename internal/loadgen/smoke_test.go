package loadgen_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/loadgen"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestBenchSmoke is `ticketd bench` in smoke mode, as CI runs it: every
// scenario for about two seconds in all, against a real server over a real
// store seeded through the bulk path. It checks that each scenario works
// (no errors, some operations), not how fast: speed is measured by
// `ticketd bench` and the Go benchmarks, never by tests.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("bench smoke run skipped in -short mode")
	}
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		e := servertest.New(t, st)
		s := st.(*sqlstore.Store)
		var l desk.BulkLoader = s
		if s.Backend() == "postgres" {
			l = postgres.BulkLoader(s)
		}
		res, err := seed.Run(ctx, e.Deps.Desk, e.Deps.Auth, l, seed.Options{Workspace: "bench", Tickets: 400,
			MessagesPerTicket: 2, Agents: 6, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		// The fixture travels as the JSON `ticketd seed` prints.
		b, _ := json.Marshal(res)
		var fx loadgen.Fixture
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatal(err)
		}
		if err := fx.Check(); err != nil {
			t.Fatal(err)
		}

		c := loadgen.NewClient(e.URL, 64)
		w := loadgen.NewWorker(c, 0)
		body, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/"+fx.TicketIDs[0], "Bearer "+fx.AgentToken(), nil, http.StatusOK)
		if err != nil {
			t.Fatal(err)
		}
		base := httptest.NewServer(loadgen.BaselineHandler(append([]byte(nil), body...)))
		defer base.Close()
		cfg := loadgen.Config{Clients: 4, Duration: 100 * time.Millisecond, RSS: loadgen.MetricsRSS(c, "/metrics")}
		baseline := loadgen.Run(ctx, loadgen.NewClient(base.URL, 4), loadgen.Baseline(), cfg)
		if baseline.Ops == 0 || baseline.Errors != 0 {
			t.Fatalf("baseline: %+v", baseline)
		}
		for _, sc := range loadgen.Suite(&fx) {
			r := loadgen.Run(ctx, c, sc, cfg)
			r.Compare(baseline)
			line, _ := json.Marshal(r)
			t.Logf("%s", line)
			if r.Skipped != "" {
				if !strings.Contains(r.Skipped, "not mounted") {
					t.Errorf("%s skipped: %s", sc.Name, r.Skipped)
				}
				continue
			}
			if r.Ops == 0 || r.Errors != 0 || r.VsBaseline == nil {
				t.Errorf("%s: %d ops, %d errors (first: %s)", sc.Name, r.Ops, r.Errors, r.FirstError)
			}
			if r.RSSMB <= 0 {
				t.Errorf("%s: no server RSS", sc.Name)
			}
			if ce, ok := r.Extra["check_error"]; ok {
				t.Errorf("%s check: %v", sc.Name, ce)
			}
			if sc.Name == "assign_race" && e.Deps.Desk.Router != nil && r.Extra["agents_over_capacity"] != 0 {
				t.Errorf("assignment race put agents over capacity: %v", r.Extra)
			}
		}
	})
}
