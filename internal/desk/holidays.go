package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Holiday is a day the business-hours calendar is closed: the SLA clocks
// of policies with business hours skip it whole. Date is YYYY-MM-DD in
// the zone the hours are placed in (the policy's, else the workspace's).
type Holiday struct {
	Date string `json:"date"`
	Name string `json:"name,omitempty"`
}

// Holiday limits.
const (
	MaxHolidays    = 1000
	MaxHolidayName = 200
)

// HolidayDate reads a holiday's date, YYYY-MM-DD (a real calendar day).
func HolidayDate(s string) (time.Time, bool) {
	if len(s) != len("2006-01-02") {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

// CheckHolidays trims, validates, sorts by date and refuses a date given
// twice. Field names say which entry failed: holidays[2].date.
func CheckHolidays(hs []Holiday) ([]Holiday, error) {
	if len(hs) > MaxHolidays {
		return nil, TooMany("holidays", MaxHolidays)
	}
	out := make([]Holiday, 0, len(hs))
	for i, h := range hs {
		h.Date, h.Name = strings.TrimSpace(h.Date), strings.TrimSpace(h.Name)
		if _, ok := HolidayDate(h.Date); !ok {
			return nil, Invalid(fmt.Sprintf("holidays[%d].date", i), CodeFormat, Params{Value: h.Date, Format: "YYYY-MM-DD"})
		}
		if len(h.Name) > MaxHolidayName {
			return nil, TooLong(fmt.Sprintf("holidays[%d].name", i), MaxHolidayName)
		}
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	for i := 1; i < len(out); i++ {
		if out[i].Date == out[i-1].Date {
			return nil, Invalid("holidays", CodeDuplicate, Params{Entity: "date", Value: out[i].Date})
		}
	}
	return out, nil
}

// SetHolidays replaces the workspace's holidays. Tickets keep the SLA due
// times already stamped; new tickets and priority changes skip the new
// days.
func (s *Service) SetHolidays(ctx context.Context, ws string, hs []Holiday) ([]Holiday, error) {
	hs, err := CheckHolidays(hs)
	if err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		w, err := tx.LockWorkspace(ctx, ws)
		if err != nil {
			return err
		}
		w.Settings.Holidays = hs
		return tx.UpdateWorkspaceSettings(ctx, ws, w.Settings)
	})
	if err != nil {
		return nil, fmt.Errorf("set holidays of workspace %s: %w", ws, err)
	}
	return hs, nil
}
