package search

import (
	"strings"
	"testing"
)

// BenchmarkNewDocument indexes a ticket whose one message is a 20 KB mail,
// as the SMTP ingest benchmark's do: the store's writer runs this per new
// ticket.
func BenchmarkNewDocument(b *testing.B) {
	body := strings.Repeat("The parcel has not arrived and the tracking page says nothing new.\r\n", 400)[:20<<10]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDocument("Order 123", body, []string{body}, "Carla Pérez")
		if len(d.Body) == 0 {
			b.Fatal("no tokens")
		}
	}
}
