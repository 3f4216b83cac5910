package postcenter

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Formats of the vendor's query dates: "DD-MM-AAAA [hh:mm:ss]", UTC.
const (
	dateLayout     = "02-01-2006"
	dateTimeLayout = "02-01-2006 15:04:05"
)

// dateFormats is what a bad date's error message tells the caller.
const dateFormats = "DD-MM-AAAA or DD-MM-AAAA hh:mm:ss (e.g. 12-10-2018 or 09-08-2017 12:22:25)"

var errDate = errors.New("want " + dateFormats)

// parseDate reads "DD-MM-AAAA" or "DD-MM-AAAA hh:mm:ss" as a UTC instant.
// It is strict: zero-padded fields, a four-digit year, seconds whenever a
// time is given, and a real calendar date (the vendor rejects 12/12/2012,
// 12-12-12, 10-12, 03-16-2014 and 12-10-2018 10:23).
func parseDate(s string) (time.Time, error) {
	var layout string
	switch len(s) {
	case len(dateLayout):
		layout = dateLayout
	case len(dateTimeLayout):
		layout = dateTimeLayout
	default:
		return time.Time{}, errDate
	}
	// Check the shape first: time.Parse alone accepts some variants (a
	// sign, fewer digits in places) that the vendor refuses.
	for i := 0; i < len(s); i++ {
		want := layout[i]
		c := s[i]
		switch {
		case want >= '0' && want <= '9':
			if c < '0' || c > '9' {
				return time.Time{}, errDate
			}
		case c != want:
			return time.Time{}, errDate
		}
	}
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return time.Time{}, errDate
	}
	return t, nil
}

// formatDate renders t in the paginated family's "DD-MM-YYYY HH:MM:SS" (UTC).
func formatDate(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

// formatCreated renders "YYYY-MM-DDTHH:MM:SS" (UTC, seconds).
func formatCreated(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// formatUpdated renders "YYYY-MM-DDTHH:MM:SS.mmm" (UTC, milliseconds).
func formatUpdated(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000") }

// wantTicketID and wantIdentifier are what the door answers about
// malformed ids (its own words, never read back from the errors).
const (
	wantTicketID   = "want a 24-character hexadecimal ticket id"
	wantIdentifier = "want the ticket's identifier: decimal digits"
)

var errTicketID = errors.New(wantTicketID)

// parseTicketID accepts a 24-hex ObjectId in either case and returns it in
// the lowercase form ticketd stores.
func parseTicketID(s string) (string, error) {
	if len(s) != 24 {
		return "", errTicketID
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", errTicketID
	}
	return strings.ToLower(s), nil
}

var errIdentifier = errors.New(wantIdentifier)

// parseIdentifier reads the agent-facing ticket number: decimal digits only
// (no sign, no spaces), within int64.
func parseIdentifier(s string) (int64, error) {
	if s == "" || len(s) > 19 {
		return 0, errIdentifier
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errIdentifier
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errIdentifier
	}
	return n, nil
}

// A page cursor ("next_page") is the id of the last ticket of the page with
// its last eight bytes masked by a digest of the query. It looks like the
// vendor's (24 hex whose first four bytes are a creation second), is
// never the id of a returned ticket, and unmasks to a real ticket only with
// the same workspace, network and range that produced it.

// cursorMask is the digest a cursor is masked with.
func cursorMask(ws, network string, from, to time.Time) [8]byte {
	h := sha256.New()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(from.UnixMilli()))
	binary.BigEndian.PutUint64(b[8:], uint64(to.UnixMilli()))
	h.Write([]byte(ws))
	h.Write([]byte{0})
	h.Write([]byte(network))
	h.Write([]byte{0})
	h.Write(b[:])
	var m [8]byte
	copy(m[:], h.Sum(nil))
	return m
}

// encodeCursor masks the id of the last row of a page.
func encodeCursor(lastID string, mask [8]byte) string {
	b, err := hex.DecodeString(lastID)
	if err != nil || len(b) != 12 {
		panic("postcenter: cursor of a malformed ticket id " + strconv.Quote(lastID))
	}
	for i := range mask {
		b[4+i] ^= mask[i]
	}
	return hex.EncodeToString(b)
}

var errCursor = errors.New("invalid next")

// decodeCursor unmasks a cursor to the ticket id it stands for. Whether
// that ticket exists and fits the query is the caller's check.
func decodeCursor(s string, mask [8]byte) (string, error) {
	if len(s) != 24 {
		return "", errCursor
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return "", errCursor
	}
	for i := range mask {
		b[4+i] ^= mask[i]
	}
	return hex.EncodeToString(b), nil
}
