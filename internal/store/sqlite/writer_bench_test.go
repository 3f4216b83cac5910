//go:build linux

package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/store/sqlite"
)

// BenchmarkWriter measures the durable writes of `ticketd bench` through
// the desk use cases with routing on, as the server runs them, from 32
// goroutines over a seeded workspace of 10,000 tickets. Besides ns/op it
// reports the single writer's CPU time per operation (writer-µs/op: its
// thread's CPU time, which bounds the throughput, and is steadier than
// wall time on a busy machine), the whole process's (cpu-µs/op), the
// operations per commit and the latency of one operation (p50, p99).
//
//	go test -run '^$' -bench Writer -benchtime 20000x ./internal/store/sqlite/
func BenchmarkWriter(b *testing.B) {
	var writerCPU, commits atomic.Int64
	sqlite.SetWriterHook(func() {
		writerCPU.Store(int64(rusage(1))) // RUSAGE_THREAD
		commits.Add(1)
	})
	defer sqlite.SetWriterHook(nil)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "w.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d := desk.NewService(st)
	routing.New(d)
	a := auth.NewService(d)
	a.Hasher = auth.Hasher{Memory: 64, Time: 1}
	res, err := seed.Run(ctx, d, a, st, seed.Options{Workspace: "bench", Tickets: 10000, MessagesPerTicket: 3, Seed: 1,
		Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	ws := res.WorkspaceID
	agent := func(r *rand.Rand) desk.Actor {
		return desk.Actor{Kind: desk.ActorAgent, ID: res.Agents[r.IntN(len(res.Agents))].ID}
	}
	newTicket := func(contact string) desk.NewTicket {
		return desk.NewTicket{Subject: "Pesanan belum sampai", ContactID: contact, Channel: desk.ChannelWhatsApp,
			Priority: desk.PriorityNormal, Tags: []string{"bench"},
			Message: &desk.NewMessage{Text: "Pesanan saya minggu lalu belum sampai sampai sekarang."}}
	}
	var seq atomic.Uint64
	run := func(name string, op func(r *rand.Rand, i uint64) error) {
		b.Run(name, func(b *testing.B) {
			b.SetParallelism(16) // 32 goroutines on 2 cores, like --clients 32
			var mu sync.Mutex
			var lat []time.Duration
			w0, c0, p0, t0 := writerCPU.Load(), commits.Load(), rusage(0), time.Now()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(seq.Add(1), 9))
				var mine []time.Duration
				for pb.Next() {
					start := time.Now()
					if err := op(r, seq.Add(1)); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			n := float64(b.N)
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "p99-ms")
			}
			b.ReportMetric(n/time.Since(t0).Seconds(), "ops/s")
			b.ReportMetric(float64(writerCPU.Load()-w0)/1e3/n, "writer-µs/op")
			b.ReportMetric(float64(rusage(0)-p0)/1e3/n, "cpu-µs/op")
			b.ReportMetric(n/float64(max(1, commits.Load()-c0)), "ops/commit")
		})
	}
	run("CreateTicket", func(r *rand.Rand, _ uint64) error {
		_, err := d.CreateTicket(ctx, ws, agent(r), newTicket(res.ContactIDs[r.IntN(len(res.ContactIDs))]))
		return err
	})
	run("CreateTicketNewContact", func(r *rand.Rand, i uint64) error {
		c, err := d.CreateContact(ctx, ws, desk.NewContact{Name: fmt.Sprintf("Bench %d", i), Email: fmt.Sprintf("bench-%d@example.com", i),
			Identities: []desk.Identity{{Channel: desk.ChannelWhatsApp, ExternalID: fmt.Sprintf("+62%09d", i)}}})
		if err != nil {
			return err
		}
		_, err = d.CreateTicket(ctx, ws, agent(r), newTicket(c.ID))
		return err
	})
	run("AddMessage", func(r *rand.Rand, _ uint64) error {
		_, _, err := d.AddMessage(ctx, ws, res.TicketIDs[r.IntN(len(res.TicketIDs))],
			desk.NewMessage{Text: "Hi, we checked your order and it is on its way.", Author: agent(r)})
		return err
	})
}

// rusage is the CPU time of the process (who 0) or the calling thread (1).
func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
