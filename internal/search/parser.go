package search

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits applied when Options leaves them zero, and the fixed nesting limit.
const (
	DefaultMaxLength = 1024 // bytes
	DefaultMaxTerms  = 32
	MaxDepth         = 10 // levels of parentheses
)

// Options configures Parse.
type Options struct {
	// Fields is the whitelist of field names; nil means NativeFields().
	// Names match ignoring case. "sort" and "order" are reserved.
	Fields map[string]FieldSpec
	// Now anchors relative dates (7d, today); zero means time.Now().
	Now time.Time
	// Location gives days their bounds (created:2017-07-01) and reads dates
	// written without a zone; nil means UTC.
	Location *time.Location
	// MaxLength caps the query in bytes; 0 means DefaultMaxLength.
	MaxLength int
	// MaxTerms caps the number of terms (words, phrases, field terms);
	// 0 means DefaultMaxTerms.
	MaxTerms int
	// UnquoteFieldTerms reads a quoted field term of a known field as the
	// term, not as a phrase: "status:已开启" as status:已开启. Bangwo8's
	// documented next_page link quotes its query this way.
	UnquoteFieldTerms bool
}

// Error is a query the parser rejects: Pos is the byte offset in the query
// where the problem is, Msg says what was expected.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("search: at %d: %s", e.Pos, e.Msg) }

func errAt(pos int, msg string) *Error { return &Error{Pos: pos, Msg: msg} }

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func quote(s string) string { return strconv.Quote(s) }

// Parse reads a search query. Terms separated by white space must all match;
// OR between terms makes a choice (AND binds tighter); parentheses group;
// a leading - negates. Any error is an *Error.
func Parse(q string, opts Options) (*Query, error) {
	maxLen := opts.MaxLength
	if maxLen <= 0 {
		maxLen = DefaultMaxLength
	}
	if len(q) > maxLen {
		return nil, errorf(maxLen, "query is longer than %d bytes", maxLen)
	}
	if !utf8.ValidString(q) {
		for i, r := range q {
			if r == utf8.RuneError {
				if _, n := utf8.DecodeRuneInString(q[i:]); n == 1 {
					return nil, errAt(i, "invalid UTF-8")
				}
			}
		}
	}
	p := &parser{fields: opts.Fields, sortPos: -1,
		now: opts.Now, loc: opts.Location, maxTerms: opts.MaxTerms}
	if p.fields == nil {
		p.fields = nativeFields
	}
	if p.now.IsZero() {
		p.now = time.Now()
	}
	p.now = p.now.Round(0)
	if p.loc == nil {
		p.loc = time.UTC
	}
	if p.maxTerms <= 0 {
		p.maxTerms = DefaultMaxTerms
	}
	p.lex = lexer{q: q}
	if opts.UnquoteFieldTerms {
		p.lex.unwrap = p.known
	}
	if err := p.query(); err != nil {
		return nil, err
	}
	if p.result.Sort == "" {
		p.result.Sort = SortCreated
	}
	if p.result.Order == "" {
		p.result.Order = OrderDesc
	}
	return &p.result, nil
}

type parser struct {
	fields   map[string]FieldSpec
	now      time.Time
	loc      *time.Location
	maxTerms int

	lex     lexer
	tok     token
	terms   int // terms read so far
	depth   int // parentheses open
	sortPos int // offset of the first sort: or order: term, or -1
	result  Query
}

// known reports whether name is a field of the whitelist (or sort/order).
func (p *parser) known(name string) bool {
	if reserved(name) {
		return true
	}
	_, ok := lookup(p.fields, name)
	return ok
}

func reserved(name string) bool {
	return strings.EqualFold(name, "sort") || strings.EqualFold(name, "order")
}

func (p *parser) advance() *Error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// query = or EOF
func (p *parser) query() *Error {
	if err := p.advance(); err != nil {
		return err
	}
	root, _, err := p.or()
	if err != nil {
		return err
	}
	if p.tok.kind == tRParen {
		return errAt(p.tok.pos, `unbalanced parenthesis: no "(" to close`)
	}
	p.result.Root = root
	return nil
}

// or = and { "OR" and }
// It returns the node (nil if it matches everything) and how many terms it
// read.
func (p *parser) or() (Node, int, *Error) {
	first, n, err := p.and()
	if err != nil || p.tok.kind != tOr {
		return first, n, err
	}
	if n == 0 {
		return nil, 0, errAt(p.tok.pos, "expected a term before OR")
	}
	kids := []Node{first}
	for p.tok.kind == tOr {
		orPos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, 0, err
		}
		node, m, err := p.and()
		if err != nil {
			return nil, 0, err
		}
		if m == 0 {
			return nil, 0, errAt(orPos, "expected a term after OR")
		}
		kids = append(kids, node)
		n += m
	}
	if p.depth == 0 && p.sortPos >= 0 {
		return nil, 0, errAt(p.sortPos,
			"sort: and order: cannot be part of an OR (put the OR in parentheses)")
	}
	return newOr(kids), n, nil
}

// and = unary { ["AND"] unary }
func (p *parser) and() (Node, int, *Error) {
	var kids []Node
	n := 0
	for {
		switch p.tok.kind {
		case tEOF, tOr, tRParen:
			return newAnd(kids), n, nil
		case tAnd:
			if n == 0 {
				return nil, 0, errAt(p.tok.pos, "expected a term before AND")
			}
			andPos := p.tok.pos
			if err := p.advance(); err != nil {
				return nil, 0, err
			}
			switch p.tok.kind {
			case tEOF, tOr, tRParen, tAnd:
				return nil, 0, errAt(andPos, "expected a term after AND")
			}
			continue
		}
		node, err := p.unary()
		if err != nil {
			return nil, 0, err
		}
		n++
		if node != nil {
			kids = append(kids, node)
		}
	}
}

// unary = ["-"] primary
func (p *parser) unary() (Node, *Error) {
	if p.tok.kind != tMinus {
		return p.primary(false)
	}
	minus := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tWord, tPhrase, tTerm, tLParen:
	default:
		return nil, errAt(minus, "expected a term after -")
	}
	n, err := p.primary(true)
	if err != nil {
		return nil, err
	}
	if inner, ok := n.(Not); ok {
		return inner.Child, nil
	}
	return Not{Child: n}, nil
}

// primary = word | phrase | term | "(" or ")"
func (p *parser) primary(negated bool) (Node, *Error) {
	t := p.tok
	var node Node
	switch t.kind {
	case tWord, tPhrase:
		if err := p.count(t.pos); err != nil {
			return nil, err
		}
		if t.kind == tWord {
			node = Text{Words: []string{t.text}}
		} else {
			node = Text{Words: strings.Fields(t.text), Phrase: true}
		}
	case tTerm:
		if err := p.count(t.pos); err != nil {
			return nil, err
		}
		var err *Error
		if node, err = p.term(t, negated); err != nil {
			return nil, err
		}
	case tLParen:
		return p.group()
	default:
		return nil, errorf(t.pos, "expected a term")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return node, nil
}

func (p *parser) group() (Node, *Error) {
	open := p.tok.pos
	if p.depth >= MaxDepth {
		return nil, errorf(open, "parentheses nested too deeply (at most %d levels)", MaxDepth)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	p.depth++
	node, n, err := p.or()
	p.depth--
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, errAt(open, `unbalanced parenthesis: expected ")" to close this "("`)
	}
	if n == 0 {
		return nil, errAt(open, "expected a term inside parentheses")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return node, nil
}

func (p *parser) count(pos int) *Error {
	p.terms++
	if p.terms > p.maxTerms {
		return errorf(pos, "too many terms (at most %d)", p.maxTerms)
	}
	return nil
}

// newAnd builds the conjunction of kids: nested Ands flattened, free words
// merged into one Text, a single child returned as is, none as nil.
func newAnd(kids []Node) Node {
	if len(kids) == 1 {
		return kids[0]
	}
	var out []Node
	var words []string
	textAt := -1
	var add func(Node)
	add = func(n Node) {
		switch n := n.(type) {
		case And:
			for _, c := range n.Children {
				add(c)
			}
			return
		case Text:
			if !n.Phrase {
				words = append(words, n.Words...)
				if textAt >= 0 {
					return
				}
				textAt = len(out)
			}
		}
		out = append(out, n)
	}
	for _, k := range kids {
		add(k)
	}
	if textAt >= 0 {
		out[textAt] = Text{Words: words}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return And{Children: out}
}

// newOr builds the disjunction of kids: nested Ors flattened, nil (sort-only)
// children dropped.
func newOr(kids []Node) Node {
	var out []Node
	for _, k := range kids {
		switch k := k.(type) {
		case nil:
		case Or:
			out = append(out, k.Children...)
		default:
			out = append(out, k)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return Or{Children: out}
}
