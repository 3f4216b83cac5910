package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestMigrateFiles moves a file uploaded to a PostgreSQL node's data folder
// (before files lived in the database) into the database.
func TestMigrateFiles(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshSchemaURL(t)
	st, err := postgres.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := desk.NewService(st)
	ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	saved, err := (&files.Store{Blobs: files.Dir(dir)}).Save(ctx, ws.ID, "a.txt", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.NewAttachment(ctx, ws.ID, desk.Attachment{FileName: "a.txt", Path: saved.Key, Size: saved.Size}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := migrateFiles(ctx, []string{"--db", url, "--data", dir}, &out); err != nil || !strings.HasPrefix(out.String(), "copied 1 files") {
		t.Fatalf("migrate-files: %v, %q", err, out.String())
	}
	b, err := postgres.NewBlobs(st.DB()).Open(ctx, ws.ID, saved.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got, _ := io.ReadAll(b); string(got) != "hello" {
		t.Fatalf("in the database: %q", got)
	}
	if err := migrateFiles(ctx, []string{"--db", filepath.Join(t.TempDir(), "t.db")}, io.Discard); err == nil {
		t.Fatal("migrate-files accepted a SQLite store")
	}
}
