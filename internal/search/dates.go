package search

import (
	"strings"
	"time"
)

// A date value denotes an interval [a, b): a day, a second, a minute; a
// relative age denotes the instant now-age (a == b). The operators read it as
//
//	>  after it      From = b
//	>= from it on    From = a
//	<  before it     To = a
//	<= up to its end To = b
//	:  within it     From = a, To = b (for an age: the day it falls on)
func dateRange(field string, op Op, a, b time.Time) DateRange {
	a, b = a.UTC(), b.UTC()
	r := DateRange{Field: field}
	switch op {
	case OpGt:
		r.From = &b
	case OpGe:
		r.From = &a
	case OpLt:
		r.To = &a
	case OpLe:
		r.To = &b
	default:
		r.From, r.To = &a, &b
	}
	return r
}

const dateHelp = "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, today, yesterday or an age such as 7d"

// dateSpan reads a date value in loc, relative to now. It returns the
// interval the value denotes, whether it is a relative age, and an error
// message when it is not a date.
func dateSpan(s string, now time.Time, loc *time.Location) (a, b time.Time, age bool, msg string) {
	switch strings.ToLower(s) {
	case "today":
		a = day(now, loc, 0)
		return a, day(now, loc, 1), false, ""
	case "yesterday":
		a = day(now, loc, -1)
		return a, day(now, loc, 0), false, ""
	}
	if t, ok := relative(s, now.In(loc)); ok {
		if !inRange(t, t) {
			return a, b, false, "date " + quote(s) + " is out of range"
		}
		return t, t, true, ""
	}
	a, b, ok := absolute(s, loc)
	if !ok {
		return a, b, false, "invalid date " + quote(s) + " (" + dateHelp + ")"
	}
	if !inRange(a, b) {
		return a, b, false, "date " + quote(s) + " is out of range"
	}
	return a, b, false, ""
}

// day returns the start of the day of t in loc, shifted by n days.
func day(t time.Time, loc *time.Location, n int) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, loc)
}

// inRange keeps dates within four-digit years, so every bound renders and
// parses back in RFC 3339.
func inRange(a, b time.Time) bool {
	return a.UTC().Year() >= 1000 && b.UTC().Year() <= 9999
}

var ageUnits = map[string]string{
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"d": "d", "day": "d", "days": "d",
	"w": "w", "wk": "w", "week": "w", "weeks": "w",
	"mo": "mo", "month": "mo", "months": "mo",
	"y": "y", "yr": "y", "year": "y", "years": "y",
}

// relative reads an age such as 7d, 12h, 30m, 2w, 3mo, 1y (also 7days,
// 12hours...) and returns now minus it. Days and longer count calendar days
// in now's location.
func relative(s string, now time.Time) (time.Time, bool) {
	i := 0
	for i < len(s) && i < 7 && isDigit(s[i]) {
		i++
	}
	if i == 0 || i == 7 {
		return time.Time{}, false
	}
	unit, ok := ageUnits[strings.ToLower(s[i:])]
	if !ok {
		return time.Time{}, false
	}
	n := atoi(s[:i])
	switch unit {
	case "m":
		return now.Add(-time.Duration(n) * time.Minute), true
	case "h":
		return now.Add(-time.Duration(n) * time.Hour), true
	case "d":
		return now.AddDate(0, 0, -n), true
	case "w":
		return now.AddDate(0, 0, -7*n), true
	case "mo":
		return now.AddDate(0, -n, 0), true
	}
	return now.AddDate(-n, 0, 0), true
}

// absolute reads YYYY-MM-DD (a day), YYYY-MM-DDTHH:MM (a minute) or
// YYYY-MM-DDTHH:MM:SS (a second; a fraction narrows it), with T or a space,
// in loc unless a zone (Z or ±HH:MM) follows.
func absolute(s string, loc *time.Location) (a, b time.Time, ok bool) {
	if len(s) < 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 7) ||
		s[7] != '-' || !digits(s, 8, 10) {
		return a, b, false
	}
	y, mo, d := atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) {
		return a, b, false
	}
	if len(s) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc),
			time.Date(y, time.Month(mo), d+1, 0, 0, 0, 0, loc), true
	}
	if len(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
		!digits(s, 11, 13) || s[13] != ':' || !digits(s, 14, 16) {
		return a, b, false
	}
	h, mi, sec, nsec := atoi(s[11:13]), atoi(s[14:16]), 0, 0
	step := time.Minute
	rest := s[16:]
	if len(rest) >= 3 && rest[0] == ':' && digits(rest, 1, 3) {
		sec, step, rest = atoi(rest[1:3]), time.Second, rest[3:]
		if rest != "" && rest[0] == '.' {
			n := 0
			for 1+n < len(rest) && isDigit(rest[1+n]) {
				n++
			}
			if n == 0 || n > 9 {
				return a, b, false
			}
			step = time.Duration(pow10(9 - n))
			nsec = atoi(rest[1:1+n]) * pow10(9-n)
			rest = rest[1+n:]
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return a, b, false
	}
	if zone, ok := offset(rest); ok {
		if zone != nil {
			loc = zone
		}
	} else {
		return a, b, false
	}
	a = time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	return a, a.Add(step), true
}

// offset reads an empty zone (nil: the default location), Z, or ±HH:MM.
func offset(s string) (*time.Location, bool) {
	switch {
	case s == "":
		return nil, true
	case s == "Z" || s == "z":
		return time.UTC, true
	case len(s) == 6 && (s[0] == '+' || s[0] == '-') && digits(s, 1, 3) &&
		s[3] == ':' && digits(s, 4, 6):
		h, m := atoi(s[1:3]), atoi(s[4:6])
		if h > 23 || m > 59 {
			return nil, false
		}
		sec := h*3600 + m*60
		if s[0] == '-' {
			sec = -sec
		}
		return time.FixedZone("", sec), true
	}
	return nil, false
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits reports whether s[i:j] is all ASCII digits.
func digits(s string, i, j int) bool {
	if j > len(s) {
		return false
	}
	for ; i < j; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi reads a short run of ASCII digits already checked by digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}
