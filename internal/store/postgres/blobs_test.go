package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/files/filestest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

func TestBlobs(t *testing.T) {
	st := storetest.OpenPostgres(t).(*sqlstore.Store)
	filestest.Run(t, postgres.NewBlobs(st.DB()))
}

// A failed upload leaves no chunk behind, and the sweep removes chunks of
// uploads whose node stopped before finishing them.
func TestBlobsLeaveNoChunks(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenPostgres(t).(*sqlstore.Store).DB()
	b := &postgres.Blobs{DB: db, ChunkSize: 1000}
	ws := "6b06cf18db0f68cd3bd17b0b"
	if _, err := b.Put(ctx, ws, filestest.Key(ws), strings.NewReader(strings.Repeat("x", 5000)), 4999); !errors.Is(err, files.ErrTooLarge) {
		t.Fatal(err)
	}
	chunks := func() (n int) {
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachment_chunks`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := chunks(); n != 0 {
		t.Fatalf("a refused upload left %d chunks", n)
	}
	key := filestest.Key(ws)
	if _, err := b.Put(ctx, ws, key, strings.NewReader(strings.Repeat("y", 2500)), 1<<20); err != nil {
		t.Fatal(err)
	}
	if n := chunks(); n != 3 {
		t.Fatalf("2,500 bytes in 1,000-byte chunks: %d rows", n)
	}
	// An unfinished upload: chunks without their attachment_blobs row.
	if _, err := db.ExecContext(ctx, `INSERT INTO attachment_chunks (workspace_id, key, n, bytes, created_at) VALUES ($1, $2, 0, '\x00', $3)`,
		ws, filestest.Key(ws), time.Now().Add(-48*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if n, err := postgres.SweepBlobs(ctx, db, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("sweep = %d, %v", n, err)
	}
	if n := chunks(); n != 3 {
		t.Fatalf("the sweep touched a finished file: %d rows", n)
	}
}

// ImportFiles moves a PostgreSQL deployment's files from its data folder
// into the database, once.
func TestImportFiles(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenPostgres(t).(*sqlstore.Store)
	d := desk.NewService(st)
	ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	dir := &files.Store{Blobs: files.Dir(t.TempDir())}
	data := make([]byte, 600<<10)
	_, _ = rand.Read(data)
	var keys []string
	for i := 0; i < 3; i++ {
		saved, err := dir.Save(ctx, ws.ID, "f.bin", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.NewAttachment(ctx, ws.ID, desk.Attachment{FileName: saved.FileName, ContentType: saved.ContentType,
			Size: saved.Size, Path: saved.Key}); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, saved.Key)
	}
	if err := dir.Blobs.Delete(ctx, ws.ID, keys[2]); err != nil { // lost before the move
		t.Fatal(err)
	}
	if _, err := d.NewAttachment(ctx, ws.ID, desk.Attachment{FileName: "x", Path: "https://cdn.example/x.png"}); err != nil {
		t.Fatal(err)
	}
	copied, missing, err := postgres.ImportFiles(ctx, st.DB(), dir.Blobs, nil)
	if err != nil || copied != 2 || missing != 1 {
		t.Fatalf("ImportFiles = %d copied, %d missing, %v", copied, missing, err)
	}
	pg := postgres.NewBlobs(st.DB())
	for _, key := range keys[:2] {
		b, err := pg.Open(ctx, ws.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(b)
		b.Close()
		if !bytes.Equal(got, data) {
			t.Fatalf("%s changed on the way", key)
		}
	}
	if copied, missing, err = postgres.ImportFiles(ctx, st.DB(), dir.Blobs, nil); err != nil || copied != 0 || missing != 1 {
		t.Fatalf("second run = %d copied, %d missing, %v", copied, missing, err)
	}
}
