package sqlstore

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitSteps(t *testing.T) {
	cases := []struct {
		name, body string
		want       []migrationPart
		bad        bool
	}{
		{"plain SQL", "CREATE TABLE a (x INT);\n", []migrationPart{{sql: "CREATE TABLE a (x INT);\n"}}, false},
		{"empty", " \n\t", nil, false},
		{"a step between", "ALTER A;\n-- migrate:go merge\nCREATE INDEX b;\n",
			[]migrationPart{{sql: "ALTER A;\n"}, {step: "merge"}, {sql: "CREATE INDEX b;\n"}}, false},
		{"a step first and last", "-- migrate:go one\n-- migrate:go two",
			[]migrationPart{{step: "one"}, {step: "two"}}, false},
		{"CRLF line end", "-- migrate:go one\r\nSELECT 1;", []migrationPart{{step: "one"}, {sql: "SELECT 1;"}}, false},
		{"mark inside a line", "SELECT 1; -- migrate:go one\n", nil, true},
		{"no name", "-- migrate:go \nSELECT 1;", nil, true},
		{"two names", "-- migrate:go one two\n", nil, true},
		{"no space after the mark", "-- migrate:goone\n", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := splitSteps(c.body)
			if c.bad {
				if err == nil {
					t.Fatalf("splitSteps(%q) = %v, want an error", c.body, got)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("splitSteps(%q) = %q, %v; want %q", c.body, got, err, c.want)
			}
		})
	}
}

// FuzzSplitSteps checks that splitting loses no SQL and invents none: the
// parts, with the marks put back, are the body less blank parts.
func FuzzSplitSteps(f *testing.F) {
	f.Add("ALTER A;\n-- migrate:go merge\nCREATE INDEX b;\n")
	f.Add("-- migrate:go one\n-- migrate:go two")
	f.Add("SELECT '-- migrate:go x';")
	f.Fuzz(func(t *testing.T, body string) {
		parts, err := splitSteps(body)
		if err != nil {
			return
		}
		var sql strings.Builder
		for _, p := range parts {
			if (p.sql == "") == (p.step == "") {
				t.Fatalf("part %q is neither SQL nor a step, or both", p)
			}
			if p.step != "" && (strings.TrimSpace(p.step) != p.step || strings.ContainsAny(p.step, " \t\n")) {
				t.Fatalf("step name %q", p.step)
			}
			sql.WriteString(p.sql)
		}
		// Every non-blank byte of the body outside the mark lines is in
		// exactly one SQL part, in order.
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		want := body
		for _, p := range parts {
			if p.step != "" {
				i := strings.Index(want, goStepMark)
				end := strings.IndexByte(want[i:], '\n')
				if end < 0 {
					want = want[:i]
				} else {
					want = want[:i] + want[i+end+1:]
				}
			}
		}
		if strip(sql.String()) != strip(want) {
			t.Fatalf("SQL parts %q differ from the body without marks %q", sql.String(), want)
		}
	})
}
