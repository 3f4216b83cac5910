package routing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

func TestParseSpan(t *testing.T) {
	tests := []struct {
		in         string
		start, end int
		ok         bool
	}{
		{"09:00-18:00", 540, 1080, true},
		{" 9:30 - 12:15 ", 570, 735, true},
		{"00:00-24:00", 0, 1440, true},
		{"23:59-24:00", 1439, 1440, true},
		{"18:00-09:00", 0, 0, false}, // ends before it starts
		{"09:00-09:00", 0, 0, false}, // empty
		{"09:00", 0, 0, false},
		{"9-18", 0, 0, false},
		{"09:60-10:00", 0, 0, false},
		{"25:00-26:00", 0, 0, false},
		{"24:01-24:30", 0, 0, false},
		{"-1:00-02:00", 0, 0, false},
		{"+1:00-02:00", 0, 0, false},
		{"09:+1-10:00", 0, 0, false},
		{"009:00-10:00", 0, 0, false},
		{"09:0-10:00", 0, 0, false},
		{"ab:cd-ef:gh", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		s, e, err := routing.ParseSpan(tt.in)
		if tt.ok != (err == nil) || s != tt.start || e != tt.end {
			t.Errorf("ParseSpan(%q) = %d, %d, %v; want %d, %d, ok=%v", tt.in, s, e, err, tt.start, tt.end, tt.ok)
		}
		if err != nil && !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("ParseSpan(%q) error %v is not ErrInvalid", tt.in, err)
		}
	}
}

func TestParseHours(t *testing.T) {
	spans, err := routing.ParseHours(map[string][]string{"Mon": {"13:00-18:00", "09:00-12:00"}, "sat": {"10:00-14:00"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []desk.HoursSpan{{Day: time.Monday, Start: 540, End: 720}, {Day: time.Monday, Start: 780, End: 1080},
		{Day: time.Saturday, Start: 600, End: 840}}
	if len(spans) != len(want) {
		t.Fatalf("spans %+v", spans)
	}
	for i := range want {
		if spans[i] != want[i] {
			t.Fatalf("span %d = %+v, want %+v", i, spans[i], want[i])
		}
	}
	back := routing.FormatHours(spans)
	if len(back["mon"]) != 2 || back["mon"][0] != "09:00-12:00" || back["sat"][0] != "10:00-14:00" {
		t.Fatalf("FormatHours %v", back)
	}
	for _, bad := range []map[string][]string{
		{"monday": {"09:00-10:00"}},
		{"mon": {"09:00-12:00", "11:00-13:00"}}, // overlap
		{"tue": {"nine to five"}},
	} {
		if _, err := routing.ParseHours(bad); !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("ParseHours(%v) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestAddBusiness(t *testing.T) {
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	ny, _ := time.LoadLocation("America/New_York")
	weekdays := func(start, end int) []desk.HoursSpan {
		var out []desk.HoursSpan
		for d := time.Monday; d <= time.Friday; d++ {
			out = append(out, desk.HoursSpan{Day: d, Start: start, End: end})
		}
		return out
	}
	nine5 := weekdays(9*60, 17*60)
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		spans []desk.HoursSpan
		loc   *time.Location
		want  time.Time
	}{
		{"no hours: wall clock", time.Date(2026, 11, 6, 16, 30, 0, 0, jkt), 90 * time.Minute, nil, jkt,
			time.Date(2026, 11, 6, 18, 0, 0, 0, jkt)},
		{"inside hours", time.Date(2026, 11, 6, 10, 0, 0, 0, jkt), time.Hour, nine5, jkt,
			time.Date(2026, 11, 6, 11, 0, 0, 0, jkt)},
		{"friday evening to monday", time.Date(2026, 11, 6, 16, 30, 0, 0, jkt), time.Hour, nine5, jkt,
			time.Date(2026, 11, 9, 9, 30, 0, 0, jkt)},
		{"before opening", time.Date(2026, 11, 4, 6, 0, 0, 0, jkt), 30 * time.Minute, nine5, jkt,
			time.Date(2026, 11, 4, 9, 30, 0, 0, jkt)},
		{"saturday", time.Date(2026, 11, 7, 12, 0, 0, 0, jkt), 8 * time.Hour, nine5, jkt,
			time.Date(2026, 11, 9, 17, 0, 0, 0, jkt)},
		{"exact end of day stays there", time.Date(2026, 11, 4, 16, 0, 0, 0, jkt), time.Hour, nine5, jkt,
			time.Date(2026, 11, 4, 17, 0, 0, 0, jkt)},
		{"two weeks of work", time.Date(2026, 11, 2, 9, 0, 0, 0, jkt), 80 * time.Hour, nine5, jkt,
			time.Date(2026, 11, 13, 17, 0, 0, 0, jkt)},
		{"split day", time.Date(2026, 11, 2, 11, 0, 0, 0, jkt), 3 * time.Hour,
			[]desk.HoursSpan{{Day: time.Monday, Start: 9 * 60, End: 12 * 60}, {Day: time.Monday, Start: 13 * 60, End: 18 * 60}}, jkt,
			time.Date(2026, 11, 2, 15, 0, 0, 0, jkt)},
		{"round the clock", time.Date(2026, 11, 2, 23, 0, 0, 0, jkt), 2 * time.Hour,
			[]desk.HoursSpan{{Day: time.Monday, Start: 0, End: 1440}, {Day: time.Tuesday, Start: 0, End: 1440}}, jkt,
			time.Date(2026, 11, 3, 1, 0, 0, 0, jkt)},
		{"across a daylight-saving change", time.Date(2026, 3, 6, 16, 0, 0, 0, ny), 2 * time.Hour, nine5, ny,
			time.Date(2026, 3, 9, 10, 0, 0, 0, ny)},
		{"zero target", time.Date(2026, 11, 7, 12, 0, 0, 0, jkt), 0, nine5, jkt, time.Date(2026, 11, 7, 12, 0, 0, 0, jkt)},
	}
	for _, tt := range tests {
		got := routing.AddBusiness(tt.start, tt.d, tt.spans, tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got.In(tt.loc), tt.want)
		}
	}
}

func FuzzParseHours(f *testing.F) {
	f.Add("mon", "09:00-18:00", "13:00-14:00")
	f.Add("sun", "00:00-24:00", "")
	f.Add("fri", "9:5-10:00", "x")
	f.Fuzz(func(t *testing.T, day, a, b string) {
		spans, err := routing.ParseHours(map[string][]string{day: {a, b}})
		if err != nil {
			if !errors.Is(err, desk.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		// What parses formats back to spans that parse to the same.
		again, err := routing.ParseHours(routing.FormatHours(spans))
		if err != nil || len(again) != len(spans) {
			t.Fatalf("round trip of %v: %v %v", spans, again, err)
		}
		for i := range spans {
			if again[i] != spans[i] {
				t.Fatalf("round trip changed %+v to %+v", spans[i], again[i])
			}
		}
		// Business time never runs faster than the wall clock.
		start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		due := routing.AddBusiness(start, 3*time.Hour, spans, time.UTC)
		if due.Sub(start) < 3*time.Hour {
			t.Fatalf("3h of business time from %v ends at %v", start, due)
		}
	})
}
