package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// FuzzSearchCompile parses any query and runs it on a real store (SQLite,
// and PostgreSQL when TICKETD_TEST_POSTGRES is set): compiling and running
// must never panic and never fail but with desk.ErrInvalid or
// desk.ErrTimeout — an SQL syntax error, a bad argument or a wrong type
// would surface here as another error.
func FuzzSearchCompile(f *testing.F) {
	for _, q := range []string{
		"refund", `"card declined" status:open,pending`, "priority>=high -tag:spam assignee:me",
		"(channel:email OR channel:webchat) created>7d sort:updated", "退款 失败", "-(a OR b) -(c d)",
		"number>=2 number<100 order:asc", "email:ANA phone:812 contact:none group:Soporte",
		"field_1:454 custom.x:'y'", "subject:\"a b\" OR 2444", "sort:relevance reembolso", "sort:priority order:asc",
		`a'b "c\"d" %_\ ;--`, "created:2026-01-01 updated<=2026-02-01T10:00:00Z",
	} {
		f.Add(q)
	}
	ctx := context.Background()
	type target struct {
		svc *desk.Service
		w   *world
	}
	var targets []target
	for _, b := range storetest.Backends() {
		if b.Name == "postgres" && os.Getenv("TICKETD_TEST_POSTGRES") == "" {
			continue
		}
		st := b.Open(f)
		w := build(f, st, 1, 20)
		targets = append(targets, target{desk.NewService(st), w})
	}
	f.Fuzz(func(t *testing.T, qs string) {
		q, err := search.Parse(qs, search.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return
		}
		for _, tg := range targets {
			for _, page := range []desk.SearchPage{{Limit: 3, Count: true}, {Limit: 2, Offset: 1}} {
				res, err := tg.svc.Search(ctx, tg.w.ws.ID, tg.w.me.ID, q, page)
				if err != nil {
					if errors.Is(err, desk.ErrInvalid) || errors.Is(err, desk.ErrTimeout) {
						continue
					}
					t.Fatalf("%s: query %q (%s): %v", tg.svc.Store.Backend(), qs, q, err)
				}
				if len(res.Tickets) > 0 && res.Next == nil && page.Count && res.Total > int64(len(res.Tickets)) {
					t.Fatalf("query %q: %d of %d tickets but no next page", qs, len(res.Tickets), res.Total)
				}
				if res.Next != nil && q.Sort != search.SortRelevance {
					if _, err := tg.svc.Search(ctx, tg.w.ws.ID, tg.w.me.ID, q, desk.SearchPage{Limit: 3, Cursor: res.Next}); err != nil {
						t.Fatalf("query %q, next page: %v", qs, err)
					}
				}
			}
		}
	})
}
