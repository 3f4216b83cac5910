// Package files keeps uploaded attachments: bounded size, content type
// sniffed from the bytes (never trusted from the client), storage keys of
// our own making so no client-supplied name ever reaches storage, and one
// way of serving them back (serve.go) that never lets a browser render an
// upload as a page of ours.
//
// Where the bytes live is a Blobs: Dir keeps them under a folder (SQLite,
// one node, zero set-up); store/postgres keeps them in the database, so
// every node of a PostgreSQL deployment reads every file. An S3-compatible
// bucket would be a third Blobs (Put streams an object, Open a ranged GET);
// none is built yet.
package files

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"unicode"
)

// DefaultMaxSize bounds one upload.
const DefaultMaxSize = 20 << 20

// ErrTooLarge reports an upload over the size limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotFound reports a key with no stored contents.
var ErrNotFound = errors.New("file not found")

// Blobs stores file contents by workspace and key. Keys come from Store
// (ws/ab/<32 hex>); an implementation may rely on that shape.
type Blobs interface {
	// Put stores at most max bytes of r under key and returns how many it
	// stored. Beyond max it returns ErrTooLarge and keeps nothing; on any
	// error nothing is kept. Open never sees a blob before Put returns.
	Put(ctx context.Context, ws, key string, r io.Reader, max int64) (int64, error)
	// Open returns the contents under key, or ErrNotFound (also when key
	// belongs to another workspace).
	Open(ctx context.Context, ws, key string) (Blob, error)
	// Delete removes the contents under key; a missing key is no error.
	Delete(ctx context.Context, ws, key string) error
}

// Blob is stored contents, read (and seeked, for ranges) without holding
// them all in memory.
type Blob interface {
	io.ReadSeekCloser
	Size() int64
}

// Store saves uploads into Blobs.
type Store struct {
	Blobs   Blobs
	MaxSize int64 // 0: DefaultMaxSize
}

// Saved describes a stored file.
type Saved struct {
	Key         string // storage key: ws/ab/<random>
	FileName    string // cleaned display name
	ContentType string
	Size        int64
}

// Save stores r (at most MaxSize bytes) for workspace ws under a fresh key.
func (s *Store) Save(ctx context.Context, ws, name string, r io.Reader) (*Saved, error) {
	if !safeSegment(ws) {
		return nil, fmt.Errorf("save file: bad workspace id %q", ws)
	}
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	id := hex.EncodeToString(rnd[:])
	key := path.Join(ws, id[:2], id)
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("save file: %w", err)
	}
	head = head[:n]
	size, err := s.Blobs.Put(ctx, ws, key, io.MultiReader(bytes.NewReader(head), r), max)
	if err != nil {
		return nil, fmt.Errorf("save file: %w", err)
	}
	return &Saved{Key: key, FileName: CleanName(name), ContentType: sniff(head, name), Size: size}, nil
}

// Open opens the contents stored under key for workspace ws.
func (s *Store) Open(ctx context.Context, ws, key string) (Blob, error) {
	if !ValidKey(ws, key) {
		return nil, fmt.Errorf("open file %q: %w", key, ErrNotFound)
	}
	b, err := s.Blobs.Open(ctx, ws, key)
	if err != nil {
		return nil, fmt.Errorf("open file %q: %w", key, err)
	}
	return b, nil
}

// ValidKey reports whether key has the shape Save makes for ws
// (ws/ab/<32 hex>), so nothing else ever reaches a Blobs.
func ValidKey(ws, key string) bool {
	parts := strings.Split(key, "/")
	return len(parts) == 3 && safeSegment(ws) && parts[0] == ws && len(parts[2]) == 32 &&
		isLowerHex(parts[2]) && parts[1] == parts[2][:2]
}

// sniff decides the content type from the bytes; the name's extension only
// refines a generic answer, and never into an image or anything a browser
// runs: an image type must come from the bytes, as serving inline trusts it.
func sniff(head []byte, name string) string {
	ct := http.DetectContentType(head)
	if strings.HasPrefix(ct, "text/plain") || ct == "application/octet-stream" {
		if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); byExt != "" &&
			(strings.HasPrefix(byExt, "text/") == strings.HasPrefix(ct, "text/")) &&
			!strings.HasPrefix(byExt, "image/") && !active(byExt) {
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
		name = strings.ToValidUTF8(name[:200], "")
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

func isLowerHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
