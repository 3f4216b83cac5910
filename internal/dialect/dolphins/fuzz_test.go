package dolphins

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

func FuzzParsePage(f *testing.F) {
	for _, s := range []string{"start=0&count=1", "count=100", "start=-1", "count=1e9", "startIndex=3", "start=%00", "count=99999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		for _, key := range []string{"start", "startIndex", ""} {
			pg, err := parsePage(q, key)
			if err != nil {
				continue
			}
			if pg.Start < 0 || pg.Start > maxStart || pg.Count < 1 || pg.Count > MaxCount {
				t.Fatalf("parsePage(%q) = %+v out of bounds", s, pg)
			}
		}
	})
}

func FuzzRelaxJSON(f *testing.F) {
	for _, s := range []string{`{"a": 1,}`, `[1,2,]`, `{"s": "a,}"}`, `"\\",]`, `{"a": [1, {"b": 2,},],}`, `,`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out := relaxJSON(b)
		if len(out) > len(b) {
			t.Fatalf("relaxJSON grew its input")
		}
		// Valid JSON has no trailing commas: it passes through as is.
		if json.Valid(b) && !bytes.Equal(out, b) {
			t.Fatalf("relaxJSON changed valid JSON %q into %q", b, out)
		}
		// Whatever it makes of the rest decodes to what the input meant
		// without its trailing commas.
		var got any
		if json.Unmarshal(out, &got) == nil {
			var again any
			if err := json.Unmarshal(relaxJSON(out), &again); err != nil || !reflect.DeepEqual(got, again) {
				t.Fatalf("relaxJSON(%q) = %q is not stable", b, out)
			}
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`{"channel_type": "webchat"}`, `{"status": ["Open", 1, true, null],}`, `{"x": 1}`, `[]`, `{"a":`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		conds, err := parseFilter(b)
		if err != nil {
			return
		}
		if len(conds) > maxConds {
			t.Fatalf("%d conditions", len(conds))
		}
		for _, c := range conds {
			if !docFields[c.Field] || len(c.Values) == 0 {
				t.Fatalf("bad condition %+v", c)
			}
		}
		_, _ = pushDown(conds)
	})
}

func FuzzParsePatch(f *testing.F) {
	for _, s := range []string{`{"severity": "High", "status": "Closed", "closureType": "x", "customFields": {"a": 1},}`,
		`{"ticketTags": ["default"], "group": "g", "status": "Unassigned"}`, `{"priority": true, "ccList": [], "replyCc": "x"}`,
		`{"status": "Assigned"}`, `{"customFields": {"": 1}}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]json.RawMessage
		if decodeBody(bytes.NewReader(b), &m) != nil {
			return
		}
		for _, tk := range []*desk.Ticket{{Status: desk.StatusOpen, AssigneeID: "a"}, {Status: desk.StatusUnassigned}} {
			pl, err := parsePatch(m, tk, false)
			if err != nil {
				continue
			}
			if pl.patch.Priority != nil {
				if _, err := desk.ParsePriority(string(*pl.patch.Priority)); err != nil {
					t.Fatalf("patch carries a bad priority %q", *pl.patch.Priority)
				}
			}
			if pl.patch.Status != nil && !pl.patch.Status.Valid() {
				t.Fatalf("patch carries a bad status %q", *pl.patch.Status)
			}
		}
	})
}

func FuzzParseTicketRef(f *testing.F) {
	for _, s := range []string{"1", "closed", "6b06d323f2f158355eecefe5", "-1", "99999999999999999999", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, id, ok := parseTicketRef(s)
		if !ok {
			return
		}
		if (n > 0) == (id != "") {
			t.Fatalf("parseTicketRef(%q) = %d, %q", s, n, id)
		}
		if id != "" && !isHexID(id) {
			t.Fatalf("parseTicketRef(%q) id %q", s, id)
		}
	})
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2020-09-01", "2020-02-30", "0000-01-01", "9999-12-31", "2020-9-1"} {
		f.Add(s)
	}
	loc := time.FixedZone("WIB", 7*3600)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDay(s, loc)
		if err != nil {
			return
		}
		if got := d.Format(time.DateOnly); got != strings.TrimSpace(s) {
			t.Fatalf("parseDay(%q) = %s", s, got)
		}
		if h, m, sec := d.Clock(); h != 0 || m != 0 || sec != 0 {
			t.Fatalf("parseDay(%q) is not midnight: %v", s, d)
		}
	})
}

func FuzzTransformButtons(f *testing.F) {
	f.Add([]byte(`{"message": "Pilih:", "buttons": ["A", {"title": "B"}]}`))
	f.Add([]byte(`{"buttons": [1, null, {"label": ""}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in buttonRequest
		if decodeBody(bytes.NewReader(b), &in) != nil {
			return
		}
		out, err := transformButtons(in)
		if err == nil && (out == "" || len(out) > desk.MaxText) {
			t.Fatalf("transformButtons gave %d bytes", len(out))
		}
	})
}
