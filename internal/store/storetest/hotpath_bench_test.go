package storetest_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkHotPaths measures the store paths every request of the bench
// scenarios takes, on each backend, over a seeded workspace
// (TICKETD_BENCH_TICKETS tickets, default 10,000). Writes go through the
// desk use cases, as the HTTP doors call them; parallel benchmarks run 32
// goroutines, like `ticketd bench --clients 32`.
//
//	go test -run '^$' -bench HotPaths -benchtime 5s ./internal/store/storetest/
//
// CI runs it with -benchtime=1x only to keep it working.
func BenchmarkHotPaths(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("TICKETD_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			st := be.Open(b)
			d := desk.NewService(st)
			a := auth.NewService(d)
			a.Hasher = auth.Hasher{Memory: 64, Time: 1}
			s := st.(*sqlstore.Store)
			var l desk.BulkLoader = s
			if s.Backend() == "postgres" {
				l = postgres.BulkLoader(s)
			}
			res, err := seed.Run(ctx, d, a, l, seed.Options{Workspace: "bench", Tickets: n, MessagesPerTicket: 2, Seed: 1,
				Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				b.Fatal(err)
			}
			ws := res.WorkspaceID
			agent := func(r *rand.Rand) string { return res.Agents[r.IntN(len(res.Agents))].ID }
			ticket := func(r *rand.Rand) string { return res.TicketIDs[r.IntN(len(res.TicketIDs))] }
			var seq atomic.Uint64
			parallel := func(name string, op func(r *rand.Rand) error) {
				b.Run(name, func(b *testing.B) {
					b.SetParallelism(16)
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						r := rand.New(rand.NewPCG(seq.Add(1), 9))
						for pb.Next() {
							if err := op(r); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
			parallel("CreateTicket", func(r *rand.Rand) error {
				_, err := d.CreateTicket(ctx, ws, desk.Actor{Kind: desk.ActorAgent, ID: agent(r)}, desk.NewTicket{
					Subject: "Pesanan belum sampai", ContactID: res.ContactIDs[r.IntN(len(res.ContactIDs))],
					Channel: desk.ChannelWhatsApp, Priority: desk.PriorityNormal, Tags: []string{"bench"},
					Message: &desk.NewMessage{Text: "Pesanan saya minggu lalu belum sampai sampai sekarang."}})
				return err
			})
			parallel("TicketByID", func(r *rand.Rand) error {
				_, err := st.Ticket(ctx, ws, ticket(r))
				return err
			})
			parallel("InboxFirstPage", func(r *rand.Rand) error {
				_, err := st.Tickets(ctx, ws, desk.TicketFilter{AssigneeID: agent(r), Statuses: desk.ActiveStatuses, Limit: 26})
				return err
			})
			parallel("CursorPage50", func(r *rand.Rand) error {
				k := res.FirstTicket + r.Int64N(res.LastTicket-res.FirstTicket+1)
				_, err := st.Tickets(ctx, ws, desk.TicketFilter{Limit: 51, After: &desk.Cursor{Key: k, Number: k}})
				return err
			})
			parallel("AddMessage", func(r *rand.Rand) error {
				_, _, err := d.AddMessage(ctx, ws, ticket(r), desk.NewMessage{Text: "Hi, we checked your order and it is on its way.",
					Author: desk.Actor{Kind: desk.ActorAgent, ID: agent(r)}})
				return err
			})
		})
	}
}
