// Package bodytext finds, in a request body, text the stores cannot keep
// alike: PostgreSQL refuses the NUL character that SQLite stores, and
// encoding/json turns invalid UTF-8 (and lone UTF-16 surrogates) into
// U+FFFD before any handler sees it. The server checks every JSON body with
// it before a door decodes the body, so both stores answer the same 400.
package bodytext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is the first bad string of a body.
type Problem struct {
	// Field is the path to the string: "ticket.comment.body",
	// "tags[2]"; for a bad key, the path of the key itself.
	Field string
	// NUL is true for a NUL character, false for invalid UTF-8.
	NUL bool
}

// Reason says what is wrong, in words a client may read.
func (p *Problem) Reason() string {
	if p.NUL {
		return "contains a NUL character"
	}
	return "is not valid UTF-8"
}

func (p *Problem) Error() string { return "field " + strconv.Quote(p.Field) + " " + p.Reason() }

// maxDepth stops the scan of absurdly nested bodies (encoding/json refuses
// them anyway).
const maxDepth = 1000

// JSON reports the first string, key or value, of a JSON body that holds a
// NUL character (raw or \u0000) or is not valid UTF-8, with its path; nil
// when there is none. It does not validate: at the first syntax error it
// stops and reports nothing found so far, and the door's own decoder
// answers the malformed body in its words. Trailing commas, which one
// door tolerates, do not stop it.
func JSON(b []byte) *Problem {
	s := scanner{b: b}
	s.value(0)
	return s.found
}

type scanner struct {
	b     []byte
	i     int
	path  []string // keys and "[n]" of the containers around i
	found *Problem
	stop  bool
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) {
	s.ws()
	if s.i >= len(s.b) || depth > maxDepth {
		s.stop = true
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object(depth)
	case '[':
		s.array(depth)
	case '"':
		s.str(false)
	default: // a number or literal: anything up to a delimiter
		start := s.i
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\n\r", rune(s.b[s.i])) {
			s.i++
		}
		s.stop = s.i == start
	}
}

func (s *scanner) object(depth int) {
	s.i++ // {
	for !s.stop {
		s.ws()
		if s.i >= len(s.b) {
			s.stop = true
			return
		}
		if s.b[s.i] == '}' {
			s.i++
			return
		}
		if s.b[s.i] != '"' {
			s.stop = true
			return
		}
		s.path = append(s.path, "")
		key := s.str(true)
		if s.stop {
			return
		}
		s.path[len(s.path)-1] = key
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			s.stop = true
			return
		}
		s.i++
		s.value(depth + 1)
		s.path = s.path[:len(s.path)-1]
		if s.stop {
			return
		}
		s.ws()
		s.next('}')
	}
}

func (s *scanner) array(depth int) {
	s.i++ // [
	for n := 0; !s.stop; n++ {
		s.ws()
		if s.i >= len(s.b) {
			s.stop = true
			return
		}
		if s.b[s.i] == ']' {
			s.i++
			return
		}
		s.path = append(s.path, "["+strconv.Itoa(n)+"]")
		s.value(depth + 1)
		s.path = s.path[:len(s.path)-1]
		if s.stop {
			return
		}
		s.ws()
		s.next(']')
	}
}

// next steps over the comma after a member, or stops the scan at anything
// but a comma or the container's end.
func (s *scanner) next(end byte) {
	switch {
	case s.i < len(s.b) && s.b[s.i] == ',':
		s.i++
	case s.i >= len(s.b) || s.b[s.i] != end:
		s.stop = true
	}
}

// str scans a string at s.i and returns its text when key is set (for the
// path). A bad string records the Problem and stops the scan.
func (s *scanner) str(key bool) string {
	s.i++ // "
	var text []byte
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if key {
				return string(text)
			}
			return ""
		case c == '\\':
			if s.i+1 >= len(s.b) {
				s.stop = true
				return ""
			}
			if s.b[s.i+1] != 'u' {
				if key {
					text = append(text, unescape(s.b[s.i+1]))
				}
				s.i += 2
				continue
			}
			r, n, lone := s.escapedRune()
			if n == 0 {
				s.stop = true
				return ""
			}
			if r == 0 || lone {
				s.bad(text, key, r == 0)
				return ""
			}
			text = utf8.AppendRune(text, r)
			s.i += n
		case c == 0:
			s.bad(text, key, true)
			return ""
		case c < utf8.RuneSelf:
			text = append(text, c)
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				s.bad(text, key, false)
				return ""
			}
			text = append(text, s.b[s.i:s.i+n]...)
			s.i += n
		}
	}
	s.stop = true
	return ""
}

// escapedRune decodes \uXXXX at s.i, pairing surrogates as encoding/json
// does; lone is set for a surrogate without its pair, which encoding/json
// would turn into U+FFFD. n is 0 for a malformed escape.
func (s *scanner) escapedRune() (r rune, n int, lone bool) {
	r1, ok := hex4(s.b[s.i:])
	if !ok {
		return 0, 0, false
	}
	if r1 < 0xD800 || r1 > 0xDFFF {
		return r1, 6, false
	}
	if r1 < 0xDC00 {
		if r2, ok := hex4(s.b[s.i+6:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
			return 0x10000 + (r1-0xD800)<<10 + (r2 - 0xDC00), 12, false
		}
	}
	return utf8.RuneError, 6, true
}

// hex4 reads `\uXXXX` at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[2:6]), 16, 32)
	return rune(v), err == nil
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c
}

// bad records the Problem of the string being scanned; a bad key is named
// by what of it could be read.
func (s *scanner) bad(text []byte, key, nul bool) {
	parts := s.path
	if key {
		parts = append(parts[:len(parts)-1:len(parts)-1], strings.ToValidUTF8(string(text), "\uFFFD")+"\uFFFD")
	}
	s.found = &Problem{Field: joinPath(parts), NUL: nul}
	s.stop = true
}

// joinPath writes keys with dots and indexes in brackets: a.b[0].c.
func joinPath(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		if sb.Len() > 0 && !strings.HasPrefix(p, "[") {
			sb.WriteByte('.')
		}
		sb.WriteString(p)
	}
	return sb.String()
}
