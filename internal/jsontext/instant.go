package jsontext

import (
	"errors"
	"time"
)

// instantLayout is RFC 3339 in UTC with exactly three fractional digits:
// instants of one width sort as text, as clients commonly sort them.
const instantLayout = "2006-01-02T15:04:05.000Z"

// AppendInstant writes t as a JSON string in instantLayout (UTC, always
// three fractional digits); false for the years JSON's RFC 3339 cannot
// hold (outside 0–9999), having written nothing.
func AppendInstant(b []byte, t time.Time) ([]byte, bool) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, instantLayout)
	return append(b, '"'), true
}

// Instant is a time.Time written by AppendInstant: the native API's and
// the event stream's instants.
type Instant time.Time

// MarshalJSON writes "2026-12-06T23:33:37.150Z".
func (t Instant) MarshalJSON() ([]byte, error) {
	b, ok := AppendInstant(make([]byte, 0, 26), time.Time(t))
	if !ok {
		return nil, errors.New("Instant.MarshalJSON: year outside of range [0,9999]")
	}
	return b, nil
}

// UnmarshalJSON reads any RFC 3339 instant.
func (t *Instant) UnmarshalJSON(b []byte) error {
	var tt time.Time
	if err := tt.UnmarshalJSON(b); err != nil {
		return err
	}
	*t = Instant(tt)
	return nil
}

// Time is t as a time.Time.
func (t Instant) Time() time.Time { return time.Time(t) }

// IsZero reports whether t is the zero instant.
func (t Instant) IsZero() bool { return time.Time(t).IsZero() }
