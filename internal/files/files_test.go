package files

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestSaveAndOpen(t *testing.T) {
	s := &Store{Dir: t.TempDir(), MaxSize: 1 << 10}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	got, err := s.Save("6b06cf18db0f68cd3bd17b0b", "../../etc/passwd.png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentType != "image/png" || got.Size != int64(len(png)) || got.FileName != "passwd.png" {
		t.Fatalf("Save = %+v", got)
	}
	f, err := s.Open(got.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	if !bytes.Equal(b, png) {
		t.Fatal("content changed")
	}
	if _, err := s.Open("../x"); err == nil {
		t.Fatal("Open accepted a path outside the folder")
	}
}

func TestSaveLimits(t *testing.T) {
	s := &Store{Dir: t.TempDir(), MaxSize: 10}
	if _, err := s.Save("ab12", "a.txt", strings.NewReader(strings.Repeat("x", 11))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("11 bytes over a 10-byte limit: %v", err)
	}
	if _, err := s.Save("../x", "a.txt", strings.NewReader("x")); err == nil {
		t.Fatal("accepted a bad workspace id")
	}
	got, err := s.Save("ab12", "notes.txt", strings.NewReader("hello"))
	if err != nil || !strings.HasPrefix(got.ContentType, "text/plain") {
		t.Fatalf("text: %+v %v", got, err)
	}
	s.MaxSize = 100
	html, err := s.Save("ab12", "x.txt", strings.NewReader("<html><script>alert(1)</script>"))
	if err != nil || !strings.HasPrefix(html.ContentType, "text/html") {
		t.Fatalf("html must be sniffed as html whatever the name says: %+v %v", html, err)
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"a.png": "a.png", "..": "file", "": "file", `C:\x\y.doc`: "y.doc", "a\x00b\"c": "abc", "报告.pdf": "报告.pdf",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
