package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF    tokKind = iota
	tWord           // a free word, punctuation stripped
	tPhrase         // a quoted phrase, unescaped
	tTerm           // a field term: name, operator, values
	tOr             // OR
	tAnd            // AND
	tLParen         // (
	tRParen         // )
	tMinus          // - directly before a term
)

// value is one value of a field term.
type value struct {
	text string
	pos  int // byte offset of the value, or of its opening quote
}

type token struct {
	kind   tokKind
	pos    int     // byte offset where the token starts
	text   string  // tWord, tPhrase: the text; tTerm: the field name as typed
	op     Op      // tTerm
	opPos  int     // tTerm
	values []value // tTerm
	err    *Error  // tTerm: the values could not be read
}

// lexer splits a query into tokens. It knows no field names except through
// unwrap, which, when set, says whether a quoted "name:value" is a field
// term rather than a phrase.
type lexer struct {
	q      string
	pos    int
	unwrap func(name string) bool
}

func (l *lexer) next() (token, *Error) {
	for {
		l.pos = skipSpace(l.q, l.pos, len(l.q))
		if l.pos >= len(l.q) {
			return token{kind: tEOF, pos: len(l.q)}, nil
		}
		start := l.pos
		switch c := l.q[start]; {
		case c == '(':
			l.pos++
			return token{kind: tLParen, pos: start}, nil
		case c == ')':
			l.pos++
			return token{kind: tRParen, pos: start}, nil
		case c == '"':
			return l.quoted()
		case c == '-' && l.negates():
			l.pos++
			return token{kind: tMinus, pos: start}, nil
		case identStart(c):
			if t, end, ok := l.term(start, len(l.q)); ok {
				l.pos = end
				return t, nil
			}
		}
		end := wordEnd(l.q, start)
		raw := l.q[start:end]
		l.pos = end
		switch raw {
		case "OR":
			return token{kind: tOr, pos: start}, nil
		case "AND":
			return token{kind: tAnd, pos: start}, nil
		}
		if w := trimPunct(raw); w != "" {
			if !bareWord(w) {
				// "!status:open" or "OR," stripped: text that only reads back
				// quoted, so a one-word phrase.
				return token{kind: tPhrase, pos: start, text: w}, nil
			}
			return token{kind: tWord, pos: start, text: w}, nil
		}
		// Punctuation alone ("-", "…", "!!") is no term: skip it.
	}
}

// negates reports whether the "-" at l.pos negates the term right after it:
// "-tag:spam", "-(a OR b)", "-\"a b\"", "-word", but not "- word", "--" or a
// dash followed by punctuation only.
func (l *lexer) negates() bool {
	i := l.pos + 1
	if i >= len(l.q) {
		return false
	}
	switch c := l.q[i]; {
	case c == '(' || c == '"' || identStart(c):
		return true
	case c == '-' || c == ')':
		return false
	}
	return trimPunct(l.q[i:wordEnd(l.q, i)]) != ""
}

// quoted reads a quoted phrase at l.pos, or with unwrap a whole quoted field
// term such as Bangwo8's "status:已开启".
func (l *lexer) quoted() (token, *Error) {
	start := l.pos
	text, end, escaped, err := readQuoted(l.q, start, len(l.q))
	if err != nil {
		return token{}, err
	}
	if l.unwrap != nil && !escaped && looksLikeTerm(text) &&
		strings.IndexFunc(text, isSpace) < 0 {
		closing := end - 1
		if t, tend, ok := l.term(start+1, closing); ok && tend == closing &&
			t.err == nil && l.unwrap(t.text) {
			l.pos = end
			return t, nil
		}
	}
	if strings.IndexFunc(text, func(r rune) bool { return !isSpace(r) }) < 0 {
		return token{}, errAt(start, "expected text inside the quotes")
	}
	l.pos = end
	return token{kind: tPhrase, pos: start, text: text}, nil
}

// term reads a field term starting at i and ending before limit: a name,
// an operator, and one or more comma-separated values. ok is false when the
// text at i is not a name followed by an operator. A term whose values
// cannot be read is returned with err set, so the parser can first report an
// unknown field.
func (l *lexer) term(i, limit int) (t token, end int, ok bool) {
	q := l.q
	j := i + 1
	for j < limit && identByte(q[j]) {
		j++
	}
	if j >= limit {
		return t, 0, false
	}
	t = token{kind: tTerm, pos: i, text: q[i:j], opPos: j}
	switch q[j] {
	case ':':
		t.op, j = OpEq, j+1
	case '<', '>':
		t.op = OpLt
		if q[j] == '>' {
			t.op = OpGt
		}
		j++
		// "<=", and "< =" as in Bangwo8's own example.
		if k := skipSpace(q, j, limit); k < limit && q[k] == '=' {
			t.op, j = t.op+1, k+1
		}
	default:
		return t, 0, false
	}
	for {
		if j >= limit || valueStop(q, j) {
			t.err = errAt(i, "expected a value after "+quote(q[i:j]))
			return t, j, true
		}
		v := value{pos: j}
		if q[j] == '"' {
			text, qend, _, err := readQuoted(q, j, limit)
			if err != nil {
				t.err = err
				return t, j, true
			}
			if text == "" {
				t.err = errAt(j, "expected a value inside the quotes")
				return t, j, true
			}
			v.text, j = text, qend
		} else {
			k := j
			for k < limit && !valueStop(q, k) {
				k++
			}
			v.text, j = q[j:k], k
		}
		t.values = append(t.values, v)
		if j < limit && q[j] == ',' {
			j++
			continue
		}
		return t, j, true
	}
}

// readQuoted reads the quoted string whose opening quote is at i, ending
// before limit. \" and \\ are escapes; any other backslash is kept.
func readQuoted(q string, i, limit int) (text string, end int, escaped bool, err *Error) {
	var b []byte
	from := i + 1
	for j := i + 1; j < limit; j++ {
		switch q[j] {
		case '\\':
			if j+1 < limit && (q[j+1] == '"' || q[j+1] == '\\') {
				b = append(b, q[from:j]...)
				escaped, from = true, j+1
				j++
			}
		case '"':
			if !escaped {
				return q[i+1 : j], j + 1, false, nil
			}
			return string(append(b, q[from:j]...)), j + 1, true, nil
		}
	}
	return "", 0, false, errAt(i, `unterminated quote (expected a closing ")`)
}

// wordEnd returns where the free word starting at i ends: at white space or
// a parenthesis.
func wordEnd(q string, i int) int {
	for i < len(q) {
		if c := q[i]; c == '(' || c == ')' || spaceAt(q, i) > 0 {
			return i
		}
		i++
	}
	return i
}

// valueStop reports whether a bare value ends at q[i].
func valueStop(q string, i int) bool {
	c := q[i]
	return c == ',' || c == '(' || c == ')' || spaceAt(q, i) > 0
}

func skipSpace(q string, i, limit int) int {
	for i < limit {
		n := spaceAt(q, i)
		if n == 0 {
			break
		}
		i += n
	}
	return i
}

// spaceAt returns the byte length of the white space (or control) character
// at q[i], or 0.
func spaceAt(q string, i int) int {
	if c := q[i]; c < utf8.RuneSelf {
		if c <= ' ' || c == 0x7f {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(q[i:])
	if isSpace(r) {
		return n
	}
	return 0
}

// isSpace reports whether r separates terms: Unicode white space (including
// the ideographic space U+3000) and control characters.
func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// trimPunct strips leading and trailing Unicode punctuation.
func trimPunct(s string) string { return strings.TrimFunc(s, unicode.IsPunct) }

func identStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func identByte(c byte) bool { return identStart(c) || isDigit(c) || c == '.' }
