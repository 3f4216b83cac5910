package email_test

import (
	"fmt"
	"net/smtp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkSMTPIngest sends 20 KB mails over SMTP (loopback, Go's client,
// one connection per client) into tickets on SQLite: each mail is a new
// sender, so each makes a contact and a routed ticket. Figures in
// docs/PERFORMANCE.md "Inbound SMTP".
func BenchmarkSMTPIngest(b *testing.B) {
	body := strings.Repeat("The parcel has not arrived and the tracking page says nothing new.\r\n", 400)[:20<<10]
	for _, clients := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			m := newMailEnv(b, storetest.OpenSQLite(b), 0)
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			b.SetBytes(20 << 10)
			b.ResetTimer()
			start := time.Now()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cl, err := smtp.Dial(m.addr)
					if err != nil {
						errs <- err
						return
					}
					defer cl.Close()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						from := fmt.Sprintf("c%d@cust.test", i)
						raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Order %d\r\nMessage-ID: <m%d@cust.test>\r\n"+
							"Content-Type: text/plain\r\n\r\n%s\r\n", from, inbox, i, i, body)
						if err := sendOn(cl, from, raw); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			el := time.Since(start)
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
		})
	}
}

func sendOn(cl *smtp.Client, from, raw string) error {
	if err := cl.Mail(from); err != nil {
		return err
	}
	if err := cl.Rcpt(inbox); err != nil {
		return err
	}
	w, err := cl.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(raw)); err != nil {
		return err
	}
	return w.Close() // returns once the server answered 250: stored
}
