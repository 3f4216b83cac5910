package search

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is an *Error
// pointing inside the query, and that with the native fields the canonical
// form parses back to itself.
func FuzzParse(f *testing.F) {
	for _, q := range []string{
		"2444", "ticketStatus:2,4", "field_1:454", "2444 createDT>2017-07-01",
		"ticketStatus:2,4 createDT< =2017-07-01", "ticketStatus:2,4 updateDT>=2017-07-01",
		"createDT:2017-09-01", `"status:已开启"`,
		`refund "card declined" status:open,pending priority>=high -tag:spam assignee:me (channel:email OR channel:webchat) created>7d sort:updated`,
		"a b OR c", "-(a OR b) -(c d)", `"say \"hi\""`, "created<=2017-07-01T10:00:00.5Z",
		"created:today number>=100", "退款　失败 status:open", "(a OR b) sort:number order:asc",
		"tag:billing status:", `"unterminated`, "a OR", "((a)", "a \xff",
	} {
		f.Add(q)
	}
	bw := bangwo8()
	f.Fuzz(func(t *testing.T, q string) {
		for _, opts := range []Options{native(), bw} {
			got, err := Parse(q, opts)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse(%q): %T %v is not an *Error", q, err, err)
				}
				if e.Pos < 0 || e.Pos > len(q) || e.Msg == "" {
					t.Fatalf("Parse(%q): bad error %#v", q, e)
				}
				continue
			}
			s := got.String()
			if opts.Fields != nil || hasCustom(got.Root) {
				continue // canonical names are native syntax only
			}
			// Rendering may add terms (a day becomes two bounds), bytes and,
			// for "a b OR c", a level of parentheses.
			again, err := Parse(s, Options{Now: now, MaxLength: 1 << 20, MaxTerms: 1 << 20})
			if err != nil {
				if strings.Contains(err.Error(), "nested too deeply") {
					continue
				}
				t.Fatalf("Parse(%q) = %q, which does not parse: %v", q, s, err)
			}
			if s2 := again.String(); s2 != s {
				t.Fatalf("Parse(%q) = %q, which parses as %q", q, s, s2)
			}
		}
	})
}

func hasCustom(n Node) bool {
	found := false
	Walk(n, func(n Node) bool {
		if c, ok := n.(Compare); ok && c.Kind == KindCustom {
			found = true
		}
		return !found
	})
	return found
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		q    string
		opts Options
	}{
		{"words+status", "refund late status:open", native()},
		{"full", `refund "card declined" status:open,pending priority>=high -tag:spam assignee:me (channel:email OR channel:webchat) created>7d sort:updated`, native()},
		{"bangwo8", "2444 ticketStatus:2,4 createDT< =2017-07-01", bangwo8()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.q, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
