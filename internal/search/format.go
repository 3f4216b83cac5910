package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// String renders q in canonical form: canonical field names, canonical
// values, dates as UTC bounds, sort and order only when not the default.
// For the native field table the result parses back to the same query
// (custom fields aside, whose canonical names are not native syntax).
func (q *Query) String() string {
	var b strings.Builder
	if q.Root != nil {
		extra := q.Sort != "" && q.Sort != SortCreated || q.Order != "" && q.Order != OrderDesc
		_, isOr := q.Root.(Or)
		writeChild(&b, q.Root, extra && isOr)
	}
	if q.Sort != "" && q.Sort != SortCreated {
		space(&b)
		b.WriteString("sort:" + q.Sort)
	}
	if q.Order != "" && q.Order != OrderDesc {
		space(&b)
		b.WriteString("order:" + q.Order)
	}
	return b.String()
}

func (n And) String() string       { return render(n) }
func (n Or) String() string        { return render(n) }
func (n Not) String() string       { return render(n) }
func (n Text) String() string      { return render(n) }
func (n Compare) String() string   { return render(n) }
func (n DateRange) String() string { return render(n) }

func render(n Node) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

func space(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
}

// conjunction reports whether n renders as several ANDed terms, so it needs
// parentheses inside an Or or a Not.
func conjunction(n Node) bool {
	switch n := n.(type) {
	case And:
		return true
	case Text:
		return !n.Phrase && len(n.Words) > 1
	case DateRange:
		return n.From != nil && n.To != nil
	}
	return false
}

func writeChild(b *strings.Builder, n Node, parens bool) {
	if parens {
		b.WriteByte('(')
		writeNode(b, n)
		b.WriteByte(')')
		return
	}
	writeNode(b, n)
}

func writeNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case And:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteByte(' ')
			}
			_, isOr := c.(Or)
			writeChild(b, c, isOr)
		}
	case Or:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" OR ")
			}
			writeChild(b, c, conjunction(c))
		}
	case Not:
		b.WriteByte('-')
		_, isOr := n.Child.(Or)
		writeChild(b, n.Child, isOr || conjunction(n.Child))
	case Text:
		if n.Phrase {
			writeQuoted(b, strings.Join(n.Words, " "))
			return
		}
		for i, w := range n.Words {
			if i > 0 {
				b.WriteByte(' ')
			}
			if bareWord(w) {
				b.WriteString(w)
			} else {
				writeQuoted(b, w)
			}
		}
	case Compare:
		b.WriteString(n.Field)
		b.WriteString(n.Op.String())
		for i, v := range n.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			if bareValue(v) {
				b.WriteString(v)
			} else {
				writeQuoted(b, v)
			}
		}
	case DateRange:
		if n.From != nil {
			b.WriteString(n.Field + ">=" + n.From.UTC().Format(time.RFC3339Nano))
		}
		if n.To != nil {
			if n.From != nil {
				b.WriteByte(' ')
			}
			b.WriteString(n.Field + "<" + n.To.UTC().Format(time.RFC3339Nano))
		}
	case nil:
	default:
		b.WriteString("?")
	}
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// bareWord reports whether w reads back as the same free word when written
// without quotes.
func bareWord(w string) bool {
	if w == "" || w == "OR" || w == "AND" || w[0] == '"' || w[0] == '-' {
		return false
	}
	first, _ := utf8.DecodeRuneInString(w)
	last, _ := utf8.DecodeLastRuneInString(w)
	if unicode.IsPunct(first) || unicode.IsPunct(last) {
		return false
	}
	if strings.IndexFunc(w, func(r rune) bool { return r == '(' || r == ')' || isSpace(r) }) >= 0 {
		return false
	}
	return !looksLikeTerm(w)
}

// bareValue reports whether v reads back as the same field value when
// written without quotes.
func bareValue(v string) bool {
	if v == "" || v[0] == '"' {
		return false
	}
	return strings.IndexFunc(v, func(r rune) bool {
		return r == ',' || r == '(' || r == ')' || isSpace(r)
	}) < 0
}

// looksLikeTerm reports whether s starts like a field term: a name followed
// by an operator.
func looksLikeTerm(s string) bool {
	if s == "" || !identStart(s[0]) {
		return false
	}
	i := 1
	for i < len(s) && identByte(s[i]) {
		i++
	}
	return i < len(s) && (s[i] == ':' || s[i] == '<' || s[i] == '>')
}
