package outbox_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkDrain measures how fast one worker empties the outbox into a
// provider that answers at once: the claim, read, settle and event costs
// per row. b.N replies are queued first, untimed.
func BenchmarkDrain(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			e := newEnv(b, be.Open(b))
			e.s.fn = func(_ context.Context, m channel.Message, _ int) (string, error) { return "p", nil }
			for i := 0; i < b.N; i++ {
				e.Reply(b, "hello")
			}
			w := e.worker(e.Desk)
			w.Concurrency = 8
			b.ResetTimer()
			sent := 0
			for {
				n, err := w.Round(e.Ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
				sent += n
			}
			b.StopTimer()
			if sent != b.N {
				b.Fatalf("sent %d, want %d", sent, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
