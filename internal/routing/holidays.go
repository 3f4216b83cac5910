package routing

import (
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// ParseHolidayLines reads holidays as a form takes them: one a line, the
// date (YYYY-MM-DD) then an optional name ("2026-12-25 Christmas Day").
// Blank lines are skipped. Every error names the field "holidays" (the
// form's one textarea); a bad line is the error's value. The list is then
// checked as desk.CheckHolidays does (sorted, no date twice).
func ParseHolidayLines(text string) ([]desk.Holiday, error) {
	var out []desk.Holiday
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		date, name := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			date, name = line[:i], strings.TrimSpace(line[i+1:])
		}
		if _, ok := desk.HolidayDate(date); !ok {
			return nil, desk.Invalid("holidays", desk.CodeFormat, desk.Params{Value: line, Format: "YYYY-MM-DD"})
		}
		if len(name) > desk.MaxHolidayName {
			return nil, desk.TooLong("holidays", desk.MaxHolidayName)
		}
		out = append(out, desk.Holiday{Date: date, Name: name})
	}
	// Dates and names are good: only "holidays" errors remain (too many,
	// a date twice).
	return desk.CheckHolidays(out)
}

// FormatHolidayLines writes holidays back the way ParseHolidayLines reads
// them.
func FormatHolidayLines(hs []desk.Holiday) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(h.Date)
		if h.Name != "" {
			b.WriteString(" " + h.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}
