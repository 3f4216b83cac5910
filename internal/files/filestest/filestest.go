// Package filestest is the conformance suite every files.Blobs must pass
// (the folder and the PostgreSQL store run it), in the manner of
// testing/fstest.TestFS.
package filestest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/files"
)

// Run checks b; each subtest writes its own keys, so b may be shared.
func Run(t *testing.T, b files.Blobs) {
	ctx := context.Background()
	ws, other := "6b06cf18db0f68cd3bd17b0b", "6b06cf18db0f68cd3bd17b0c"

	t.Run("round trip", func(t *testing.T) {
		// Sizes around the chunk sizes implementations use (PostgreSQL:
		// 256 KiB), and nothing at all.
		for _, n := range []int{0, 1, 511, 256 << 10, 256<<10 + 1, 700 << 10} {
			data := random(t, n)
			key := Key(ws)
			got, err := b.Put(ctx, ws, key, bytes.NewReader(data), 1<<20)
			if err != nil || got != int64(n) {
				t.Fatalf("Put %d bytes = %d, %v", n, got, err)
			}
			if back := read(t, b, ws, key); !bytes.Equal(back, data) {
				t.Fatalf("%d bytes came back as %d different bytes", n, len(back))
			}
		}
	})

	t.Run("seek", func(t *testing.T) {
		data := random(t, 600<<10)
		key := Key(ws)
		if _, err := b.Put(ctx, ws, key, bytes.NewReader(data), 1<<20); err != nil {
			t.Fatal(err)
		}
		bl, err := b.Open(ctx, ws, key)
		if err != nil {
			t.Fatal(err)
		}
		defer bl.Close()
		if bl.Size() != int64(len(data)) {
			t.Fatalf("Size = %d, want %d", bl.Size(), len(data))
		}
		if end, err := bl.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
			t.Fatalf("Seek(0, End) = %d, %v", end, err)
		}
		// A range across a chunk boundary, read in small pieces.
		for _, off := range []int64{300 << 10, 256<<10 - 3, 0, 599 << 10} {
			if _, err := bl.Seek(off, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 4<<10)
			n, err := io.ReadFull(bl, buf)
			if want := min(len(buf), len(data)-int(off)); n != want || (err != nil && n == len(buf)) {
				t.Fatalf("read at %d: %d bytes, %v", off, n, err)
			}
			if !bytes.Equal(buf[:n], data[off:off+int64(n)]) {
				t.Fatalf("bytes at %d differ", off)
			}
		}
		if _, err := bl.Seek(-1, io.SeekStart); err == nil {
			t.Fatal("Seek to a negative offset succeeded")
		}
		if _, err := bl.Seek(10, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if n, err := bl.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("read past the end = %d, %v", n, err)
		}
	})

	t.Run("too large keeps nothing", func(t *testing.T) {
		key := Key(ws)
		if _, err := b.Put(ctx, ws, key, bytes.NewReader(random(t, 300<<10)), 300<<10-1); !errors.Is(err, files.ErrTooLarge) {
			t.Fatalf("over the limit: %v", err)
		}
		if _, err := b.Open(ctx, ws, key); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("Open after a refused Put: %v", err)
		}
		// Exactly at the limit is fine.
		if _, err := b.Put(ctx, ws, key, bytes.NewReader(random(t, 1000)), 1000); err != nil {
			t.Fatalf("at the limit: %v", err)
		}
	})

	t.Run("failed reader keeps nothing", func(t *testing.T) {
		key := Key(ws)
		r := io.MultiReader(bytes.NewReader(random(t, 400<<10)), failing{})
		if _, err := b.Put(ctx, ws, key, r, 1<<20); err == nil {
			t.Fatal("Put of a failing reader succeeded")
		}
		if _, err := b.Open(ctx, ws, key); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("Open after a failed Put: %v", err)
		}
	})

	t.Run("workspaces and keys", func(t *testing.T) {
		key := Key(ws)
		if _, err := b.Put(ctx, ws, key, strings.NewReader("mine"), 100); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Open(ctx, other, key); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("another workspace opened the file: %v", err)
		}
		for _, bad := range []string{"", "../" + key, ws + "/../" + key, ws + "/ab", "/etc/passwd", ws + "/00/" + strings.Repeat("0", 31) + "/"} {
			if _, err := b.Open(ctx, ws, bad); !errors.Is(err, files.ErrNotFound) {
				t.Errorf("Open(%q): %v, want ErrNotFound", bad, err)
			}
		}
		if _, err := b.Put(ctx, ws, key, strings.NewReader("again"), 100); err == nil {
			t.Fatal("Put over an existing key succeeded")
		}
		if got := read(t, b, ws, key); string(got) != "mine" {
			t.Fatalf("after a second Put: %q", got)
		}
	})

	t.Run("delete", func(t *testing.T) {
		key := Key(ws)
		if _, err := b.Put(ctx, ws, key, bytes.NewReader(random(t, 300<<10)), 1<<20); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(ctx, other, key); err != nil {
			t.Fatal(err)
		}
		if got := read(t, b, ws, key); len(got) != 300<<10 {
			t.Fatal("another workspace's Delete removed the file")
		}
		if err := b.Delete(ctx, ws, key); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Open(ctx, ws, key); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("Open after Delete: %v", err)
		}
		if err := b.Delete(ctx, ws, key); err != nil {
			t.Fatalf("second Delete: %v", err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := random(t, 100<<10+i)
				key := Key(ws)
				if _, err := b.Put(ctx, ws, key, bytes.NewReader(data), 1<<20); err != nil {
					errs <- err
					return
				}
				bl, err := b.Open(ctx, ws, key)
				if err != nil {
					errs <- err
					return
				}
				defer bl.Close()
				got, err := io.ReadAll(bl)
				if err == nil && !bytes.Equal(got, data) {
					err = errors.New("bytes differ")
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// Key is a fresh key of ws in the shape files.Store makes.
func Key(ws string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	return ws + "/" + id[:2] + "/" + id
}

func random(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func read(t testing.TB, b files.Blobs, ws, key string) []byte {
	t.Helper()
	bl, err := b.Open(context.Background(), ws, key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer bl.Close()
	got, err := io.ReadAll(bl)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return got
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
