package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/files/filestest"
)

const ws = "6b06cf18db0f68cd3bd17b0b"

func TestDir(t *testing.T) {
	filestest.Run(t, files.Dir(t.TempDir()))
}

func TestDirLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	s := &files.Store{Blobs: files.Dir(dir), MaxSize: 10}
	if _, err := s.Save(context.Background(), ws, "a.txt", strings.NewReader(strings.Repeat("x", 11))); !errors.Is(err, files.ErrTooLarge) {
		t.Fatalf("11 bytes over a 10-byte limit: %v", err)
	}
	var left []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 0 {
		t.Fatalf("refused upload left %v", left)
	}
}

func TestSaveAndOpen(t *testing.T) {
	ctx := context.Background()
	s := &files.Store{Blobs: files.Dir(t.TempDir()), MaxSize: 1 << 10}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	got, err := s.Save(ctx, ws, "../../etc/passwd.png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentType != "image/png" || got.Size != int64(len(png)) || got.FileName != "passwd.png" || !files.ValidKey(ws, got.Key) {
		t.Fatalf("Save = %+v", got)
	}
	f, err := s.Open(ctx, ws, got.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	if !bytes.Equal(b, png) {
		t.Fatal("content changed")
	}
	for _, bad := range []string{"../x", ws + "/../../x", "6b06cf18db0f68cd3bd17b0c/" + got.Key[len(ws)+1:]} {
		if _, err := s.Open(ctx, ws, bad); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("Open(%q) = %v", bad, err)
		}
	}
}

func TestSaveLimits(t *testing.T) {
	ctx := context.Background()
	s := &files.Store{Blobs: files.Dir(t.TempDir()), MaxSize: 10}
	if _, err := s.Save(ctx, "ab12", "a.txt", strings.NewReader(strings.Repeat("x", 11))); !errors.Is(err, files.ErrTooLarge) {
		t.Fatalf("11 bytes over a 10-byte limit: %v", err)
	}
	if _, err := s.Save(ctx, "../x", "a.txt", strings.NewReader("x")); err == nil {
		t.Fatal("accepted a bad workspace id")
	}
	got, err := s.Save(ctx, "ab12", "notes.txt", strings.NewReader("hello"))
	if err != nil || !strings.HasPrefix(got.ContentType, "text/plain") {
		t.Fatalf("text: %+v %v", got, err)
	}
	s.MaxSize = 100
	html, err := s.Save(ctx, "ab12", "x.txt", strings.NewReader("<html><script>alert(1)</script>"))
	if err != nil || !strings.HasPrefix(html.ContentType, "text/html") {
		t.Fatalf("html must be sniffed as html whatever the name says: %+v %v", html, err)
	}
	// An image type comes from the bytes only: a name never makes one.
	for name, body := range map[string]string{"a.png": "\x00\x01binary", "a.svg": "\x00<svg onload=alert(1)>"} {
		got, err := s.Save(ctx, "ab12", name, strings.NewReader(body))
		if err != nil || got.ContentType != "application/octet-stream" {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"a.png": "a.png", "..": "file", "": "file", `C:\x\y.doc`: "y.doc", "a\x00b\"c": "abc", "报告.pdf": "报告.pdf",
	} {
		if got := files.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct{ kind, name, want string }{
		{"attachment", "report.pdf", `attachment; filename="report.pdf"`},
		{"attachment", "说明.txt", `attachment; filename="__.txt"; filename*=utf-8''%E8%AF%B4%E6%98%8E.txt`},
		{"inline", `a"b;c=d 'e'.png`, `inline; filename="ab;c=d 'e'.png"`},
		{"attachment", `é;x'=1 2.png`, `attachment; filename="_;x'=1 2.png"; filename*=utf-8''%C3%A9%3Bx%27%3D1%202.png`},
		{"attachment", "../\r\nx.html", `attachment; filename="x.html"`},
	} {
		if got := files.ContentDisposition(c.kind, c.name); got != c.want {
			t.Errorf("ContentDisposition(%q, %q) = %s, want %s", c.kind, c.name, got, c.want)
		}
	}
}

// TestServe checks what a browser is told about each kind of upload.
func TestServe(t *testing.T) {
	ctx := context.Background()
	s := &files.Store{Blobs: files.Dir(t.TempDir())}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	for _, c := range []struct {
		name, body string
		inline     bool
		wantType   string
		wantInline bool
	}{
		{"cat.png", string(png), true, "image/png", true},
		{"cat.png", string(png), false, "image/png", false},
		{"x.html", "<html><script>alert(1)</script></html>", true, "application/octet-stream", false},
		{"x.svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, true, "application/octet-stream", false},
		{"x.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, true, "text/plain; charset=utf-8", false},
		{"notes.txt", "hello", true, "text/plain; charset=utf-8", false},
	} {
		saved, err := s.Save(ctx, ws, c.name, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Open(ctx, ws, saved.Key)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		files.Serve(rec, httptest.NewRequest("GET", "/", nil), b, files.Download{FileName: saved.FileName,
			ContentType: saved.ContentType, ModTime: time.Unix(0, 0), InlineImages: c.inline})
		b.Close()
		h := rec.Header()
		disp := h.Get("Content-Disposition")
		if rec.Code != http.StatusOK || rec.Body.String() != c.body || h.Get("Content-Type") != c.wantType ||
			strings.HasPrefix(disp, "inline") != c.wantInline || !strings.HasPrefix(disp, "inline") && !strings.HasPrefix(disp, "attachment") ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s (inline images %v): %d %q %q %v", c.name, c.inline, rec.Code, h.Get("Content-Type"), disp, h)
		}
	}
}
