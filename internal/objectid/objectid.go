// Package objectid makes the 24-hex, time-ordered identifiers every ticketd
// entity carries. They are MongoDB ObjectId-compatible: the first four bytes
// are the creation second (PostCenter clients read it back), then five random
// bytes fixed per process and a three-byte counter.
package objectid

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sync/atomic"
	"time"
)

var (
	processUnique [5]byte
	counter       atomic.Uint32
)

func init() {
	// rand.Read never fails on supported platforms (Go 1.24+ panics instead).
	_, _ = rand.Read(processUnique[:])
	var c [4]byte
	_, _ = rand.Read(c[:])
	counter.Store(binary.BigEndian.Uint32(c[:]))
}

// New returns a fresh id whose timestamp is t's second.
func New(t time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(t.Unix()))
	copy(b[4:9], processUnique[:])
	n := counter.Add(1)
	b[9], b[10], b[11] = byte(n>>16), byte(n>>8), byte(n)
	return hex.EncodeToString(b[:])
}

// ErrInvalid reports a string that is not 24 lowercase hex digits.
var ErrInvalid = errors.New("objectid: not 24 hex digits")

// Valid reports whether s has the shape of an id.
func Valid(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Time returns the creation second embedded in id.
func Time(id string) (time.Time, error) {
	if !Valid(id) {
		return time.Time{}, ErrInvalid
	}
	b, _ := hex.DecodeString(id[:8])
	return time.Unix(int64(binary.BigEndian.Uint32(b)), 0).UTC(), nil
}
