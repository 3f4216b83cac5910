package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// parseNumber reads a positive decimal ticket number.
func parseNumber(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// intParam reads an optional integer query parameter within [lo, hi],
// answering 400 itself when it is malformed.
func intParam(w http.ResponseWriter, s string, def, lo, hi int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("expected an integer from %d to %d, got %q", lo, hi, s))
		return 0, false
	}
	return n, true
}

// ParseInstant reads an RFC 3339 instant or a YYYY-MM-DD date (midnight UTC).
func ParseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 instant or a YYYY-MM-DD date", s)
}

var orderNames = map[string]desk.TicketOrder{
	"": desk.OrderNumberDesc, "newest": desk.OrderNumberDesc, "oldest": desk.OrderNumberAsc,
	"created_desc": desk.OrderCreatedDesc, "created_asc": desk.OrderCreatedAsc,
	"updated_desc": desk.OrderUpdatedDesc, "updated_asc": desk.OrderUpdatedAsc,
}

// EncodeCursor makes the opaque next_cursor of a list.
func EncodeCursor(o desk.TicketOrder, c desk.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%d|%d", o, c.Key, c.Number)))
}

// DecodeCursor reads a cursor made by EncodeCursor for order o.
func DecodeCursor(o desk.TicketOrder, s string) (*desk.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 100 {
		return nil, fmt.Errorf("cursor %q is not one this server made", s)
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != string(o) {
		return nil, fmt.Errorf("cursor %q belongs to another list order", s)
	}
	k, err1 := strconv.ParseInt(parts[1], 10, 64)
	n, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("cursor %q is not one this server made", s)
	}
	return &desk.Cursor{Key: k, Number: n}, nil
}
