// Package files keeps uploaded attachments on disk under the data folder:
// bounded size, content type sniffed from the bytes (never trusted from the
// client), and storage names of our own making so no client-supplied name
// ever reaches the file system.
package files

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// DefaultMaxSize bounds one upload.
const DefaultMaxSize = 20 << 20

// ErrTooLarge reports an upload over the size limit.
var ErrTooLarge = errors.New("file too large")

// Store saves files under Dir.
type Store struct {
	Dir     string
	MaxSize int64
}

// Saved describes a stored file.
type Saved struct {
	Key         string // storage key relative to Dir: ws/ab/<random>
	FileName    string // cleaned display name
	ContentType string
	Size        int64
}

// Save writes r (at most MaxSize bytes) for workspace ws and returns where.
func (s *Store) Save(ws, name string, r io.Reader) (*Saved, error) {
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	id := hex.EncodeToString(rnd[:])
	if !safeSegment(ws) {
		return nil, fmt.Errorf("save file: bad workspace id %q", ws)
	}
	key := filepath.Join(ws, id[:2], id)
	full := filepath.Join(s.Dir, key)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return nil, fmt.Errorf("save file: %w", err)
	}
	f, err := os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("save file: %w", err)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		os.Remove(full)
		return nil, fmt.Errorf("save file: %w", err)
	}
	head = head[:n]
	written, err := io.Copy(f, io.LimitReader(io.MultiReader(strings.NewReader(string(head)), r), max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(full)
		return nil, fmt.Errorf("save file: %w", err)
	}
	if written > max {
		os.Remove(full)
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return &Saved{Key: key, FileName: CleanName(name), ContentType: sniff(head, name), Size: written}, nil
}

// Open opens a stored file by key.
func (s *Store) Open(key string) (*os.File, error) {
	clean := filepath.Clean(key)
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("open file: bad key %q", key)
	}
	return os.Open(filepath.Join(s.Dir, clean))
}

// sniff decides the content type from the bytes; the name's extension only
// refines a generic answer for text.
func sniff(head []byte, name string) string {
	ct := http.DetectContentType(head)
	if strings.HasPrefix(ct, "text/plain") || ct == "application/octet-stream" {
		if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); byExt != "" &&
			(strings.HasPrefix(byExt, "text/") == strings.HasPrefix(ct, "text/")) && !strings.Contains(byExt, "html") {
			return byExt
		}
	}
	return ct
}

// CleanName keeps a display name printable and free of path parts.
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" {
		name = "file"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

func safeSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
