package desk_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

func lookup(name string) (string, bool) {
	v, ok := map[string]string{"contact.name": "Ana", "ticket.number": "7", "empty": "", "evil": "{{contact.name}}"}[name]
	return v, ok
}

func TestFillPlaceholders(t *testing.T) {
	for _, c := range []struct {
		in, want string
		unknown  []string
	}{
		{"", "", nil},
		{"no braces", "no braces", nil},
		{"Hi {{contact.name}}", "Hi Ana", nil},
		{"Hi {{ contact.name }}!", "Hi Ana!", nil},
		{"#{{ticket.number}}{{ticket.number}}", "#77", nil},
		{"{{empty}}x", "x", nil},
		{"{{nope}} and {{nope}} {{other}}", "{{nope}} and {{nope}} {{other}}", []string{"nope", "other"}},
		{"{{ contact name }}", "{{ contact name }}", nil},
		{"{{}}", "{{}}", nil},
		{"{{contact.name", "{{contact.name", nil},
		{"{{{contact.name}}}", "{Ana}", nil},
		{"a }} b {{", "a }} b {{", nil},
		{"{{evil}}", "{{contact.name}}", nil}, // values are not read again
		{"{{contact.name}} {{ticket.number", "Ana {{ticket.number", nil},
	} {
		got, unknown := desk.FillPlaceholders(c.in, lookup)
		if got != c.want || !slices.Equal(unknown, c.unknown) {
			t.Errorf("FillPlaceholders(%q) = %q, %q; want %q, %q", c.in, got, unknown, c.want, c.unknown)
		}
	}
}

// FuzzFillPlaceholders: any text renders; with a lookup that knows
// nothing, the text comes back as it was.
func FuzzFillPlaceholders(f *testing.F) {
	for _, s := range []string{"Hi {{contact.name}}", "{{", "}}{{x}}", "{{ a.b }}{{c", "{{{{x}}}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, unknown := desk.FillPlaceholders(s, func(string) (string, bool) { return "", false })
		if got != s {
			t.Fatalf("unknown-only render changed %q to %q", s, got)
		}
		for _, u := range unknown {
			if !strings.Contains(s, u) {
				t.Fatalf("unknown %q not in %q", u, s)
			}
		}
		desk.FillPlaceholders(s, lookup)
	})
}
