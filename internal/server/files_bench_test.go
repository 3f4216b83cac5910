package server_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkFiles uploads a 1 MiB file through the Bangwo8 door, and
// downloads one, over HTTP, on each store (a folder on SQLite, chunks in
// the database on PostgreSQL). B/op includes the client's copies.
func BenchmarkFiles(b *testing.B) {
	data := make([]byte, 1<<20)
	_, _ = rand.Read(data)
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			e := servertest.New(b, be.Open(b))
			authz := "Bearer " + e.AdminToken
			upload := func(b *testing.B) string {
				req, _ := http.NewRequest("POST", e.URL+"/bangwo8/api/v1/attachments.json?fileName=a.bin", bytes.NewReader(data))
				req.Header.Set("Authorization", authz)
				req.Header.Set("Content-Type", "application/binary")
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != http.StatusCreated {
					b.Fatalf("upload: %v %v", res, err)
				}
				var out struct{ Attachment struct{ FilePath string } }
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				(&servertest.Response{Body: body}).JSON(b, &out)
				return out.Attachment.FilePath
			}
			b.Run("upload", func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					upload(b)
				}
			})
			b.Run("download", func(b *testing.B) {
				link := upload(b)
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					res, err := http.Get(link)
					if err != nil || res.StatusCode != http.StatusOK {
						b.Fatalf("download: %v %v", res, err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if n != int64(len(data)) {
						b.Fatalf("downloaded %d bytes", n)
					}
				}
			})
		})
	}
}
