package desk

import (
	"reflect"
	"testing"
)

func TestShadowShortcuts(t *testing.T) {
	shared := func(name, sc string) Macro { return Macro{Name: name, Shortcut: sc} }
	own := func(name, sc string) Macro { return Macro{Name: name, Shortcut: sc, OwnerID: "a1"} }
	for _, tc := range []struct {
		name string
		in   []Macro
		want []string // shortcuts after, in order
	}{
		{"none", nil, nil},
		{"no clash", []Macro{shared("s", "g1"), own("o", "g2")}, []string{"g1", "g2"}},
		{"own wins", []Macro{shared("s", "g1"), own("o", "g1")}, []string{"", "g1"}},
		{"own first", []Macro{own("o", "g1"), shared("s", "g1"), shared("t", "g2")}, []string{"g1", "", "g2"}},
		{"case differs", []Macro{shared("s", "G1"), own("o", "g1")}, []string{"G1", "g1"}},
		{"empty shortcuts", []Macro{shared("s", ""), own("o", "")}, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := make([]string, len(tc.in))
			for i, m := range tc.in {
				before[i] = m.Shortcut
			}
			out := ShadowShortcuts(tc.in)
			var got []string
			for _, m := range out {
				got = append(got, m.Shortcut)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("shortcuts = %q, want %q", got, tc.want)
			}
			for i, m := range tc.in {
				if m.Shortcut != before[i] {
					t.Fatalf("input changed at %d: %q, was %q", i, m.Shortcut, before[i])
				}
			}
		})
	}
}
