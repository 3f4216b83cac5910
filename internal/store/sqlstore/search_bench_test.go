package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlite"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkSearchHTTP measures search latency through HTTP on a generated
// workspace: TICKETD_BENCH_TICKETS tickets (default 10,000) with three
// messages each on average, multilingual text. It reports p50 and p99 per
// query kind:
//
//	words   two words + a status filter, newest first
//	fields  fields only (status, priority, assignee, group, channel)
//	dates   a created range + a tag
//
// The data set is built once and kept under TICKETD_BENCH_DIR (SQLite file;
// PostgreSQL schema search_bench_N) when that is set, so a 1,000,000-ticket
// run builds only once:
//
//	TICKETD_BENCH_TICKETS=100000 TICKETD_BENCH_DIR=/tmp/bench \
//	  go test -run X -bench SearchHTTP -benchtime 2000x ./internal/store/sqlstore/
func BenchmarkSearchHTTP(b *testing.B) {
	n := 10000
	if s := os.Getenv("TICKETD_BENCH_TICKETS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(fmt.Sprintf("%s/%d", backend, n), func(b *testing.B) {
			st := openBench(b, backend, n)
			ctx := context.Background()
			ws, err := st.WorkspaceByName(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			deps := server.NewDeps(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			srv := httptest.NewServer(server.Handler(deps, server.NewMetrics()))
			defer srv.Close()
			agents, err := st.Agents(ctx, ws.ID, desk.AgentFilter{})
			if err != nil {
				b.Fatal(err)
			}
			tok, _, err := deps.Auth.IssueToken(ctx, &agents[0], "bench", time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			first, last := benchStart, benchStart.Add(time.Duration(n)*benchStep)
			kinds := map[string]func() string{
				"words": func() string {
					lang := language(r)
					return lang[zipf(r, len(lang))] + " " + lang[zipf(r, len(lang))] + " status:" +
						[]string{"open", "pending", "solved", "assigned"}[r.IntN(4)]
				},
				"fields": func() string {
					return []string{"status:open,pending priority>=high", "assignee:2 status:open",
						"assignee:none channel:email", "group:Soporte status:solved -priority:low",
						"priority:urgent type:incident"}[r.IntN(5)] + " assignee:" + strconv.Itoa(1+r.IntN(len(agents)))
				},
				"dates": func() string {
					from := first.Add(time.Duration(r.Int64N(int64(last.Sub(first)))))
					to := from.AddDate(0, 0, 7+r.IntN(60))
					return "created>=" + from.Format("2006-01-02") + " created<" + to.Format("2006-01-02") +
						" tag:" + benchTags[r.IntN(len(benchTags))]
				},
			}
			client := srv.Client()
			for _, kind := range []string{"words", "fields", "dates"} {
				b.Run(kind, func(b *testing.B) {
					var lat []time.Duration
					hits := 0
					for b.Loop() {
						q := kinds[kind]()
						req, _ := http.NewRequest("GET", srv.URL+"/api/v1/tickets/search?q="+url.QueryEscape(q), nil)
						req.Header.Set("Authorization", "Bearer "+tok)
						start := time.Now()
						res, err := client.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						body, _ := io.ReadAll(res.Body)
						res.Body.Close()
						lat = append(lat, time.Since(start))
						if res.StatusCode != 200 {
							b.Fatalf("%s: %d %s", q, res.StatusCode, body)
						}
						if len(body) > 40 {
							hits++
						}
					}
					slices.Sort(lat)
					pct := func(p float64) float64 {
						return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.99), "p99-ms")
					b.ReportMetric(float64(hits)/float64(len(lat)), "hit-ratio")
				})
			}
			reportSizes(b, st, backend)
		})
	}
}

var (
	benchStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	benchTags  = []string{"vip", "billing", "spam", "urgente", "退款", "refund", "pengiriman"}
)

// benchStep spreads tickets over about a year whatever their number.
var benchStep = 30 * time.Second

// openBench opens (building when missing) the store holding n generated
// tickets in workspace "bench".
func openBench(b *testing.B, backend string, n int) desk.Store {
	ctx := context.Background()
	dir := os.Getenv("TICKETD_BENCH_DIR")
	var st desk.Store
	switch backend {
	case "sqlite":
		if dir == "" {
			st = storetest.OpenSQLite(b)
			break
		}
		s, err := sqlite.Open(ctx, filepath.Join(dir, fmt.Sprintf("search-%d.db", n)), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		st = s
	case "postgres":
		if dir == "" {
			st = storetest.OpenPostgres(b)
			break
		}
		base := storetest.PostgresURL(b)
		schema := fmt.Sprintf("search_bench_%d", n)
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		_, err = c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
		c.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
		u, _ := url.Parse(base)
		qv := u.Query()
		qv.Set("search_path", schema)
		u.RawQuery = qv.Encode()
		s, err := postgres.Open(ctx, u.String(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		st = s
	}
	if ws, err := st.WorkspaceByName(ctx, "bench"); err == nil {
		if got, err := st.CountTickets(ctx, ws.ID, desk.TicketFilter{}); err != nil || got != int64(n) {
			b.Fatalf("%s: the kept bench data set is incomplete (%d tickets, want %d, %v): delete it and run again", backend, got, n, err)
		}
		return st
	}
	start := time.Now()
	if err := loadBench(ctx, st, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: built %d tickets in %s", backend, n, time.Since(start).Round(time.Second))
	return st
}

// loadBench writes n tickets (and ~3n messages) through the store's write
// path — triggers and index sync included — 500 tickets per transaction.
func loadBench(ctx context.Context, st desk.Store, n int) error {
	svc := desk.NewService(st)
	ws, admin, err := svc.NewWorkspace(ctx, "bench", "UTC", "Admin", "admin@bench.test", "x")
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(3, 4))
	agents := []*desk.Agent{admin}
	for i := 0; i < 20; i++ {
		a, err := svc.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: fmt.Sprintf("Agent %d", i), Email: fmt.Sprintf("a%d@bench.test", i)})
		if err != nil {
			return err
		}
		agents = append(agents, a)
	}
	var groups []*desk.Group
	for _, name := range []string{"Billing", "Soporte", "客服", "Pengiriman"} {
		g, err := svc.CreateGroup(ctx, ws.ID, name, "")
		if err != nil {
			return err
		}
		groups = append(groups, g)
	}
	var contacts []string
	for i := 0; i < max(n/5, 10); i += 500 {
		err := st.Update(ctx, func(tx desk.Tx) error {
			for j := i; j < min(i+500, max(n/5, 10)); j++ {
				now := benchStart
				c := &desk.Contact{ID: objectid.New(now), WorkspaceID: ws.ID,
					Name:  firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))],
					Email: fmt.Sprintf("c%d@example.com", j), Phone: fmt.Sprintf("+62812%07d", j), CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				contacts = append(contacts, c.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	statuses := []desk.Status{desk.StatusOpen, desk.StatusPending, desk.StatusSolved, desk.StatusClosed,
		desk.StatusAssigned, desk.StatusUnassigned, desk.StatusOnHold}
	for i := 0; i < n; i += 500 {
		err := st.Update(ctx, func(tx desk.Tx) error {
			for j := i; j < min(i+500, n); j++ {
				at := benchStart.Add(time.Duration(j) * benchStep)
				lang := language(r)
				t := &desk.Ticket{ID: objectid.New(at), WorkspaceID: ws.ID, Subject: sentence(r, lang, 2+r.IntN(6)),
					Status: statuses[r.IntN(len(statuses))], Priority: []desk.Priority{desk.PriorityLow, desk.PriorityNormal,
						desk.PriorityNormal, desk.PriorityHigh, desk.PriorityUrgent}[r.IntN(5)],
					Type: desk.TicketType([]string{"question", "incident", "problem", "task"}[r.IntN(4)]), Channel: desk.Channels[r.IntN(5)],
					Origin: desk.OriginAPI, ContactID: contacts[r.IntN(len(contacts))], CreatedAt: at, UpdatedAt: at.Add(time.Hour)}
				if t.Status != desk.StatusUnassigned && r.IntN(4) > 0 {
					t.AssigneeID = agents[r.IntN(len(agents))].ID
				}
				if r.IntN(2) == 0 {
					t.GroupID = groups[r.IntN(len(groups))].ID
				}
				for k := r.IntN(3); k > 0; k-- {
					t.Tags = append(t.Tags, benchTags[r.IntN(len(benchTags))])
				}
				t.Tags = slices.Compact(slices.Sorted(slices.Values(t.Tags)))
				msgs := 1 + r.IntN(5)
				for k := 0; k < msgs; k++ {
					m := &desk.Message{ID: objectid.New(at), WorkspaceID: ws.ID, TicketID: t.ID, Direction: desk.DirectionIn,
						Public: true, Author: desk.Actor{Kind: desk.ActorContact, ID: t.ContactID}, Text: sentence(r, lang, 8+r.IntN(30)),
						CreatedAt: at.Add(time.Duration(k) * time.Minute)}
					if k == 0 {
						t.Description = m.Text
						if err := tx.CreateTicket(ctx, t); err != nil {
							return err
						}
					}
					if err := tx.CreateMessage(ctx, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reportSizes logs the size of the search index and of the whole store.
func reportSizes(b *testing.B, st desk.Store, backend string) {
	db := st.(*sqlstore.Store).DB()
	var q string
	if backend == "sqlite" {
		q = `SELECT (SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'ticket_fts%'),
			(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())`
	} else {
		q = `SELECT pg_total_relation_size('ticket_docs'), (SELECT SUM(pg_total_relation_size(c.oid))::bigint FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r')`
	}
	var index, total sql.NullInt64
	if err := db.QueryRow(q).Scan(&index, &total); err != nil {
		b.Logf("%s: sizes unavailable: %v", backend, err)
		return
	}
	b.Logf("%s: search index %.1f MB; store %.1f MB", backend, float64(index.Int64)/1e6, float64(total.Int64)/1e6)
}

// BenchmarkCreateTicketIndexed measures durable ticket creation (ticket,
// first message, events, routing status, search index) on SQLite from 32
// goroutines, with the search triggers on and, for comparison in the same
// run, without the created_hours trigger (indexed=true,hours=false) and without any
// (indexed=false). It reports creates/s.
func BenchmarkCreateTicketIndexed(b *testing.B) {
	variants := []struct {
		name string
		drop []string
	}{
		{"indexed=true", nil},
		{"indexed=true,hours=false", []string{"created_hours_insert"}},
		{"indexed=false", []string{"search_ticket_insert", "search_ticket_update", "search_message_insert", "created_hours_insert"}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.OpenSQLite(b)
			if len(v.drop) > 0 {
				err := st.Update(ctx, func(tx desk.Tx) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				// Drop the triggers through a second connection: the store
				// has no DDL method, and this is a benchmark-only switch.
				db := st.(*sqlstore.Store).DB()
				var file string
				if err := db.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
					b.Fatal(err)
				}
				w, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
				if err != nil {
					b.Fatal(err)
				}
				for _, tr := range v.drop {
					if _, err := w.Exec(`DROP TRIGGER ` + tr); err != nil {
						b.Fatal(err)
					}
				}
				w.Close()
			}
			svc := desk.NewService(st)
			ws, _, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(16) // 32 goroutines on 2 cores
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(rand.Uint64(), 1))
				for pb.Next() {
					lang := language(r)
					_, err := svc.CreateTicket(ctx, ws.ID, desk.Actor{Kind: desk.ActorAgent}, desk.NewTicket{
						Subject: sentence(r, lang, 5), Message: &desk.NewMessage{Text: sentence(r, lang, 30)}, NoRoute: true})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
		})
	}
}
