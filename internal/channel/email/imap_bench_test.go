package email_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel/email/imaptest"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkIMAPPoll seeds Dovecot's INBOX maildir with b.N mails of 20 KB
// (written as files: the fast way in) and times one poll that turns them
// all into tickets on SQLite, each a new sender (a contact and a routed
// ticket each). The bar: 10,000 in under a minute —
// go test -run '^$' -bench IMAPPoll -benchtime 10000x ./internal/channel/email/
// Figures in docs/PERFORMANCE.md "Inbound IMAP".
func BenchmarkIMAPPoll(b *testing.B) {
	body := strings.Repeat("The parcel has not arrived and the tracking page says nothing new.\r\n", 400)[:20<<10]
	dv := imaptest.Start(b, imapUser, imapPass)
	e := newIMAPEnv(b, storetest.OpenSQLite(b), dv, nil)
	dv.WriteMaildir(b, func(i int) []byte {
		return []byte(fmt.Sprintf("From: c%d@cust.test\r\nTo: %s\r\nSubject: Order %d\r\nMessage-ID: <m%d@cust.test>\r\n"+
			"Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n%s\r\n", i, imapUser, i, i, body))
	}, b.N)
	p := poller(e.Deps.Desk)
	if n, err := strconv.Atoi(os.Getenv("TICKETD_BENCH_IMAP_BATCH")); err == nil {
		p.Batch = n
	}
	b.SetBytes(20 << 10)
	b.ResetTimer()
	start := time.Now()
	r, err := p.Poll(context.Background(), e.Workspace.ID, e.acct.ID)
	el := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if r.Stored != b.N {
		b.Fatalf("stored %d of %d", r.Stored, b.N)
	}
	if n, err := e.Store.CountTickets(context.Background(), e.Workspace.ID, desk.TicketFilter{}); err != nil || n != int64(b.N) {
		b.Fatalf("%d tickets (%v), want %d", n, err, b.N)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
	b.ReportMetric(el.Seconds(), "s")
}
