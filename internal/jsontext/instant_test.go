package jsontext

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendInstant(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		in   time.Time
		want string // "" = refused
	}{
		{time.Date(2026, 12, 6, 23, 33, 37, 150e6, time.UTC), `"2026-12-06T23:33:37.150Z"`},
		{time.Date(2026, 12, 6, 23, 33, 37, 159e6, time.UTC), `"2026-12-06T23:33:37.159Z"`},
		{time.Date(2026, 12, 6, 23, 33, 37, 0, time.UTC), `"2026-12-06T23:33:37.000Z"`},
		{time.Date(2026, 12, 6, 23, 33, 37, 100e6+999, time.UTC), `"2026-12-06T23:33:37.100Z"`}, // truncated, as stored
		{time.Date(2026, 12, 7, 7, 33, 37, 5e6, shanghai), `"2026-12-06T23:33:37.005Z"`},
		{time.Time{}, `"0001-01-01T00:00:00.000Z"`},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), ""},
	} {
		got, ok := AppendInstant([]byte("x"), c.in)
		if c.want == "" {
			if ok || string(got) != "x" {
				t.Errorf("AppendInstant(%v) = %s, %v; want refused", c.in, got, ok)
			}
			if _, err := json.Marshal(Instant(c.in)); err == nil {
				t.Errorf("Marshal(Instant(%v)) did not fail", c.in)
			}
			continue
		}
		if !ok || string(got) != "x"+c.want {
			t.Errorf("AppendInstant(%v) = %s, %v; want %s", c.in, got, ok, c.want)
		}
		j, err := json.Marshal(struct{ At Instant }{Instant(c.in)})
		if err != nil || string(j) != `{"At":`+c.want+`}` {
			t.Errorf("Marshal(Instant(%v)) = %s, %v", c.in, j, err)
		}
		var back Instant
		if err := json.Unmarshal([]byte(c.want), &back); err != nil || !back.Time().Equal(c.in.Truncate(time.Millisecond)) {
			t.Errorf("Unmarshal(%s) = %v, %v", c.want, back.Time(), err)
		}
	}
}
