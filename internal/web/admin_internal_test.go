package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
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

func TestParseWeek(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string][]string
		bad  bool
	}{
		{"", map[string][]string{}, false},
		{"mon 09:00-18:00", map[string][]string{"mon": {"09:00-18:00"}}, false},
		{"MON 09:00-13:00, 14:00-18:00\r\n\n tue\t09:00-17:00,", map[string][]string{"mon": {"09:00-13:00", "14:00-18:00"}, "tue": {"09:00-17:00"}}, false},
		{"mon 09:00-12:00\nmon 13:00-18:00", map[string][]string{"mon": {"09:00-12:00", "13:00-18:00"}}, false},
		{"fri", nil, true},
	} {
		got, err := parseWeek(c.in)
		if (err != nil) != c.bad {
			t.Errorf("parseWeek(%q): error %v", c.in, err)
			continue
		}
		if c.bad {
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("parseWeek(%q) = %v, want %v", c.in, got, c.want)
		}
		for k, v := range c.want {
			if !slices.Equal(got[k], v) {
				t.Errorf("parseWeek(%q)[%s] = %v, want %v", c.in, k, got[k], v)
			}
		}
	}
}

// FuzzParseWeek: a week that parses and checks writes back to the same
// business hours.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"", "mon 09:00-18:00", "mon 09:00-13:00, 14:00-18:00\ntue 00:00-24:00", "sun", "xyz 1-2", "mon 18:00-09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		week, err := parseWeek(s)
		if err != nil {
			return
		}
		hours, err := routing.ParseHours(week)
		if err != nil {
			return
		}
		again, err := parseWeek(weekText(routing.FormatHours(hours)))
		if err != nil {
			t.Fatalf("%q: written back, it no longer parses: %v", s, err)
		}
		hours2, err := routing.ParseHours(again)
		if err != nil || !slices.Equal(hours, hours2) {
			t.Fatalf("%q: %v became %v (%v)", s, hours, hours2, err)
		}
	})
}
