package routing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Business hours are written per weekday as "HH:MM-HH:MM" spans in the
// policy's time zone, e.g. {"mon": ["09:00-12:00", "13:00-18:00"]}. "24:00"
// ends a span at midnight; spans of one day may touch but not overlap.

// dayNames are the weekday keys of a schedule, Sunday first as time.Weekday.
var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseSpan reads "HH:MM-HH:MM" into minutes since midnight.
func ParseSpan(s string) (start, end int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, 0, badSpan(s)
	}
	if start, err = parseClock(a); err != nil {
		return 0, 0, badSpan(s)
	}
	if end, err = parseClock(b); err != nil {
		return 0, 0, badSpan(s)
	}
	if end <= start {
		return 0, 0, badSpan(s)
	}
	return start, end, nil
}

// badSpan refuses a business-hours span that is not HH:MM-HH:MM with its
// end after its start.
func badSpan(s string) error {
	return desk.Invalid("hours", desk.CodeFormat, desk.Params{Value: s, Format: "HH:MM-HH:MM"})
}

// parseClock reads "HH:MM" (00:00..24:00) into minutes.
func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || h[0] == '+' || h[0] == '-' || m[0] == '+' || m[0] == '-' {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	if hh > 24 || mm > 59 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

// ParseHours reads a weekly schedule keyed by mon..sun into sorted spans.
func ParseHours(week map[string][]string) ([]desk.HoursSpan, error) {
	var out []desk.HoursSpan
	for key, spans := range week {
		day := slices.Index(dayNames[:], strings.ToLower(strings.TrimSpace(key)))
		if day < 0 {
			return nil, desk.OneOf("hours", key, dayNames[1:]...)
		}
		for _, s := range spans {
			a, b, err := ParseSpan(s)
			if err != nil {
				return nil, err
			}
			out = append(out, desk.HoursSpan{Day: time.Weekday(day), Start: a, End: b})
		}
	}
	if err := CheckHours(out); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckHours sorts spans by day and start and rejects bad or overlapping ones.
func CheckHours(spans []desk.HoursSpan) error {
	slices.SortFunc(spans, func(a, b desk.HoursSpan) int {
		if a.Day != b.Day {
			return int(a.Day) - int(b.Day)
		}
		return a.Start - b.Start
	})
	for i, s := range spans {
		if s.Day < time.Sunday || s.Day > time.Saturday || s.Start < 0 || s.End > 24*60 || s.End <= s.Start {
			return badSpan(fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60))
		}
		if i > 0 && spans[i-1].Day == s.Day && spans[i-1].End > s.Start {
			return desk.Invalid("hours", desk.CodeOverlap, desk.Params{Value: dayNames[s.Day]})
		}
	}
	return nil
}

// FormatHours writes spans back as a schedule keyed by mon..sun.
func FormatHours(spans []desk.HoursSpan) map[string][]string {
	out := map[string][]string{}
	for _, s := range spans {
		k := dayNames[s.Day]
		out[k] = append(out[k], fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60))
	}
	return out
}

// AddBusiness returns the instant d of business time after start, counting
// only the spans (in loc). With no spans every hour counts.
func AddBusiness(start time.Time, d time.Duration, spans []desk.HoursSpan, loc *time.Location) time.Time {
	return AddBusinessDays(start, d, spans, nil, loc)
}

// AddBusinessDays is AddBusiness on a calendar that is also closed all day
// on the holidays (dates in loc). Holidays only close business hours: with
// no spans every hour counts, holidays included.
func AddBusinessDays(start time.Time, d time.Duration, spans []desk.HoursSpan, holidays []desk.Holiday, loc *time.Location) time.Time {
	if d <= 0 {
		return start
	}
	var week [7][]desk.HoursSpan
	var weekly time.Duration
	for _, s := range spans {
		if s.Day < time.Sunday || s.Day > time.Saturday || s.End <= s.Start {
			continue
		}
		week[s.Day] = append(week[s.Day], s)
		weekly += time.Duration(s.End-s.Start) * time.Minute
	}
	if weekly <= 0 {
		return start.Add(d)
	}
	for i := range week {
		slices.SortFunc(week[i], func(a, b desk.HoursSpan) int { return a.Start - b.Start })
	}
	if loc == nil {
		loc = time.UTC
	}
	t := start.In(loc)
	y, m, day := t.Date()
	// Every week holds `weekly` of business time; two spare weeks cover
	// daylight-saving shifts and the partial first week.
	closed := make(map[string]bool, len(holidays))
	for _, h := range holidays {
		closed[h.Date] = true
	}
	// Each holiday may cost one more day.
	days := int(d/weekly+3)*7 + len(closed)
	for i := 0; i <= days; i++ {
		noon := time.Date(y, m, day+i, 12, 0, 0, 0, loc)
		if closed[noon.Format(time.DateOnly)] {
			continue
		}
		for _, s := range week[noon.Weekday()] {
			from := time.Date(y, m, day+i, 0, s.Start, 0, 0, loc)
			to := time.Date(y, m, day+i, 0, s.End, 0, 0, loc)
			if !to.After(t) {
				continue
			}
			if from.Before(t) {
				from = t
			}
			if avail := to.Sub(from); d <= avail {
				return from.Add(d).UTC()
			} else {
				d -= avail
			}
		}
	}
	return t.Add(d).UTC()
}
