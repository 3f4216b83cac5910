// Package jsontext holds fast paths for the JSON texts ticketd writes and
// reads most (ticket rows and ticket pages). Each function does what
// encoding/json does for the same input, byte for byte, or reports that it
// cannot and leaves the work to encoding/json; the tests pin that.
package jsontext

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendString quotes s as encoding/json does with HTML escaping on (its
// default): <, > and & as \u003c…, invalid UTF-8 as \ufffd, U+2028 and
// U+2029 escaped.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// PlainString reads the JSON string at the start of s when it needs no
// unescaping (no backslash, no control byte, valid UTF-8), returning its
// value and the bytes it took, quotes included.
func PlainString(s string) (value string, n int, ok bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", 0, false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			v := s[1:i]
			if !utf8.ValidString(v) {
				return "", 0, false
			}
			return v, i + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// Scalar measures the JSON scalar at the start of s — a number, true,
// false, null or a plain string (see PlainString) — that encoding/json
// would copy unchanged into its output with HTML escaping on: strings
// holding <, >, &, U+2028 or U+2029 do not count. It returns the scalar's
// length, or 0 when s does not start with one.
func Scalar(s string) int {
	if s == "" {
		return 0
	}
	switch c := s[0]; {
	case c == '"':
		v, n, ok := PlainString(s)
		if !ok {
			return 0
		}
		for i := 0; i < len(v); i++ {
			switch v[i] {
			case '<', '>', '&':
				return 0
			case 0xe2: // U+2028 and U+2029 are E2 80 A8/A9
				if i+2 < len(v) && v[i+1] == 0x80 && (v[i+2] == 0xa8 || v[i+2] == 0xa9) {
					return 0
				}
			}
		}
		return n
	case c == 't':
		return literal(s, "true")
	case c == 'f':
		return literal(s, "false")
	case c == 'n':
		return literal(s, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return number(s)
	}
	return 0
}

func literal(s, lit string) int {
	if len(s) >= len(lit) && s[:len(lit)] == lit {
		return len(lit)
	}
	return 0
}

// number measures -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func number(s string) int {
	i := 0
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - i
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() > 0:
		i += digits()
	default:
		return 0
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := digits()
		if d == 0 {
			return 0
		}
		i += d
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := digits()
		if d == 0 {
			return 0
		}
		i += d
	}
	return i
}
