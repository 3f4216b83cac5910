package postcenter_test

import (
	"net/url"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Benchmarks run the whole door over loopback HTTP on SQLite, one client:
// go test ./internal/dialect/postcenter -run '^$' -bench . -benchtime 2s

func BenchmarkTicketDetail(b *testing.B) {
	f := newFixture(b, servertest.New(b, storetest.OpenSQLite(b)))
	path := "/postcenter/v2/ticket/" + f.tweet.ID + "/"
	for b.Loop() {
		f.ok(f.pc("GET", path, nil))
	}
}

func BenchmarkTicketMessages(b *testing.B) {
	f := newFixture(b, servertest.New(b, storetest.OpenSQLite(b)))
	path := "/postcenter/v2/ticket/" + f.tweet.ID + "/messages/"
	for b.Loop() {
		f.ok(f.pc("GET", path, nil))
	}
}

func BenchmarkPaginatedPage(b *testing.B) {
	f := newFixture(b, servertest.New(b, storetest.OpenSQLite(b)))
	for range 150 {
		f.ok(f.pc("POST", "/postcenter/v2/message/hsm/", map[string]any{"account": "56900000000",
			"phone": "56911111111", "name": "aviso", "close_ticket": true}))
	}
	path := "/postcenter/v2/tickets/paginated/whatsapp/?" + url.Values{"from": {"01-01-2019"}, "to": {"01-01-2020"}}.Encode()
	for b.Loop() {
		f.ok(f.pc("GET", path, nil))
	}
}
