package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// A workspace's default language (desk) must be one the desk speaks.
func TestWorkspaceLanguagesAreTheDesks(t *testing.T) {
	if !slices.Equal(Languages, desk.Languages) {
		t.Fatalf("web speaks %v, desk accepts %v as a workspace's default", Languages, desk.Languages)
	}
}

func TestParseOptions(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []desk.FieldOption
	}{
		{"", nil},
		{"\n  \n", nil},
		{"gold", []desk.FieldOption{{ID: "gold", Value: "gold"}}},
		{"g = Gold\ns=Silver\r\n bronze ", []desk.FieldOption{{ID: "g", Value: "Gold"}, {ID: "s", Value: "Silver"}, {ID: "bronze", Value: "bronze"}}},
		{"a = b = c", []desk.FieldOption{{ID: "a", Value: "b = c"}}},
		{"= no id", []desk.FieldOption{{ID: "", Value: "no id"}}},
	} {
		got := parseOptions(c.in)
		if !slices.Equal(got, c.want) {
			t.Errorf("parseOptions(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// FuzzParseOptions: what optionsText writes, parseOptions reads back.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{"", "gold", "g = Gold\ns = Silver", "a = b = c", "=", "\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		os := parseOptions(s)
		again := parseOptions(optionsText(os))
		if len(os) != len(again) {
			t.Fatalf("%q: %d options, %d after a round trip", s, len(os), len(again))
		}
		for i := range os {
			if os[i].ID != "" && os[i].Value != "" && !strings.Contains(os[i].ID, "=") && os[i] != again[i] {
				t.Fatalf("%q: option %d %+v became %+v", s, i, os[i], again[i])
			}
		}
	})
}
