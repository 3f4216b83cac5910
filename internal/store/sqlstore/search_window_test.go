package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/search"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// A backlog of new tickets above the matches: PostgreSQL's newest-tickets
// window cannot match `status:open`, its per-status window can. Whatever
// window answers, the pages must be the newest matches, in order, and the
// total exact, on both stores.
func TestSearchStatusBacklog(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			svc := desk.NewService(st)
			ws, _, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			// Numbers 1–40: open and pending refunds (and a few without the
			// word); 41–60: a backlog of unassigned refunds.
			want := map[string][]int64{}
			err = st.Update(ctx, func(tx desk.Tx) error {
				for i := 1; i <= 60; i++ {
					status, subject := desk.StatusOpen, "refund please"
					switch {
					case i > 40:
						status = desk.StatusUnassigned
					case i%3 == 0:
						status = desk.StatusPending
					}
					if i%7 == 0 {
						subject = "something else"
					}
					now := time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)
					tk := &desk.Ticket{ID: objectid.New(now), WorkspaceID: ws.ID, Subject: subject, Status: status,
						Channel: desk.ChannelEmail, CreatedAt: now, UpdatedAt: now}
					if err := tx.CreateTicket(ctx, tk); err != nil {
						return err
					}
					if subject == "refund please" {
						want[string(status)] = append(want[string(status)], tk.Number)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			newestFirst := func(ns ...[]int64) []int64 {
				out := slices.Concat(ns...)
				slices.Sort(out)
				slices.Reverse(out)
				return out
			}
			for _, c := range []struct {
				q    string
				want []int64
			}{
				{"refund status:open", newestFirst(want["open"])},
				{"refund status:open,pending", newestFirst(want["open"], want["pending"])},
			} {
				for _, windows := range [][2]int{{0, 0}, {5, 0}, {5, 4}, {1, 1}} {
					restore := sqlstore.SetWindows(windows[0], windows[1])
					q, err := search.Parse(c.q, search.Options{})
					if err != nil {
						t.Fatal(err)
					}
					var got []int64
					page := desk.SearchPage{Limit: 7, Count: true}
					for {
						res, err := svc.Search(ctx, ws.ID, "", q, page)
						if err != nil {
							t.Fatal(err)
						}
						if res.Total != int64(len(c.want)) {
							t.Errorf("%q windows %v: total %d, want %d", c.q, windows, res.Total, len(c.want))
						}
						for _, tk := range res.Tickets {
							got = append(got, tk.Number)
						}
						if res.Next == nil {
							break
						}
						page.Cursor = res.Next
					}
					restore()
					if !slices.Equal(got, c.want) {
						t.Errorf("%q windows %v:\n got %v\nwant %v", c.q, windows, got, c.want)
					}
				}
			}
		})
	}
}
