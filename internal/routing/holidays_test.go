package routing_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

func TestParseHolidayLines(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []desk.Holiday
		errValue string // the refused line ("" = no error)
		errCode  desk.Code
	}{
		{name: "empty", in: "", want: nil},
		{name: "blank lines", in: "\n  \r\n\t\n", want: nil},
		{name: "date only", in: "2026-12-25", want: []desk.Holiday{{Date: "2026-12-25"}}},
		{name: "named, sorted, CRLF", in: "2026-12-25 Christmas Day\r\n2026-01-01  New Year \r\n",
			want: []desk.Holiday{{Date: "2026-01-01", Name: "New Year"}, {Date: "2026-12-25", Name: "Christmas Day"}}},
		{name: "tab separates", in: "2027-03-29\tNyepi", want: []desk.Holiday{{Date: "2027-03-29", Name: "Nyepi"}}},
		{name: "unicode name", in: "2026-10-01 国庆节", want: []desk.Holiday{{Date: "2026-10-01", Name: "国庆节"}}},
		{name: "leap day", in: "2028-02-29 leap", want: []desk.Holiday{{Date: "2028-02-29", Name: "leap"}}},
		{name: "not a leap year", in: "2027-02-29", errValue: "2027-02-29", errCode: desk.CodeFormat},
		{name: "month 13", in: "2026-13-01 x", errValue: "2026-13-01 x", errCode: desk.CodeFormat},
		{name: "day/month/year", in: "25/12/2026 Christmas", errValue: "25/12/2026 Christmas", errCode: desk.CodeFormat},
		{name: "short year", in: "26-12-25", errValue: "26-12-25", errCode: desk.CodeFormat},
		{name: "no padding", in: "2026-1-1", errValue: "2026-1-1", errCode: desk.CodeFormat},
		{name: "name first", in: "Christmas 2026-12-25", errValue: "Christmas 2026-12-25", errCode: desk.CodeFormat},
		{name: "second line bad", in: "2026-12-25\n2026-12-32 x\n", errValue: "2026-12-32 x", errCode: desk.CodeFormat},
		{name: "twice", in: "2026-12-25 a\n2026-12-25 b", errValue: "2026-12-25", errCode: desk.CodeDuplicate},
		{name: "name too long", in: "2026-12-25 " + strings.Repeat("x", desk.MaxHolidayName+1), errCode: desk.CodeTooLong},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := routing.ParseHolidayLines(tt.in)
			if tt.errCode == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !slices.Equal(tt.want, got) {
					t.Errorf("holidays %v, want %v", got, tt.want)
				}
				return
			}
			fe, ok := desk.AsFieldError(err)
			if !ok || !errors.Is(err, desk.ErrInvalid) {
				t.Fatalf("error %v, want a field error", err)
			}
			if fe.Field != "holidays" || fe.Code != tt.errCode || fe.Params.Value != tt.errValue {
				t.Errorf("error field %q code %s value %q, want holidays %s %q", fe.Field, fe.Code, fe.Params.Value, tt.errCode, tt.errValue)
			}
		})
	}
}

func TestCheckHolidaysNamesTheEntry(t *testing.T) {
	_, err := desk.CheckHolidays([]desk.Holiday{{Date: "2026-12-25"}, {Date: "2026-12-3"}})
	fe, ok := desk.AsFieldError(err)
	if !ok || fe.Field != "holidays[1].date" || fe.Code != desk.CodeFormat {
		t.Fatalf("error %v, want holidays[1].date format", err)
	}
	many := make([]desk.Holiday, desk.MaxHolidays+1)
	if _, err := desk.CheckHolidays(many); err == nil {
		t.Fatal("more than MaxHolidays accepted")
	}
}

func FuzzParseHolidayLines(f *testing.F) {
	f.Add("2026-12-25 Christmas\n2026-01-01")
	f.Add("2026-02-30")
	f.Add("\r\n\t2026-12-25\tx\n")
	f.Add("2026-12-25 a\n2026-12-25 b")
	f.Add("９９９９-01-01")
	f.Fuzz(func(t *testing.T, in string) {
		hs, err := routing.ParseHolidayLines(in)
		if err != nil {
			if !errors.Is(err, desk.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		for i, h := range hs {
			if _, ok := desk.HolidayDate(h.Date); !ok {
				t.Fatalf("accepted bad date %q", h.Date)
			}
			if i > 0 && hs[i-1].Date >= h.Date {
				t.Fatalf("not sorted or repeated: %v", hs)
			}
			if strings.ContainsAny(h.Name, "\n") || h.Name != strings.TrimSpace(h.Name) {
				t.Fatalf("name %q not one trimmed line", h.Name)
			}
		}
		// What parses formats back to the same list.
		again, err := routing.ParseHolidayLines(routing.FormatHolidayLines(hs))
		if err != nil {
			t.Fatalf("round trip of %v: %v", hs, err)
		}
		if !slices.Equal(hs, again) {
			t.Fatalf("round trip changed %v to %v", hs, again)
		}
		// A holiday never makes business time run faster.
		week := []desk.HoursSpan{{Day: time.Monday, Start: 540, End: 1020}, {Day: time.Tuesday, Start: 540, End: 1020}}
		start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		if plain, closed := routing.AddBusiness(start, 10*time.Hour, week, time.UTC),
			routing.AddBusinessDays(start, 10*time.Hour, week, hs, time.UTC); closed.Before(plain) {
			t.Fatalf("with holidays due %v, before %v", closed, plain)
		}
	})
}

func TestAddBusinessDaysSkipsHolidays(t *testing.T) {
	var week []desk.HoursSpan
	for d := time.Monday; d <= time.Friday; d++ {
		week = append(week, desk.HoursSpan{Day: d, Start: 9 * 60, End: 17 * 60})
	}
	mad, _ := time.LoadLocation("Europe/Madrid")
	xmas := []desk.Holiday{{Date: "2026-12-24"}, {Date: "2026-12-25", Name: "Navidad"}}
	for _, tt := range []struct {
		name     string
		start    time.Time
		d        time.Duration
		holidays []desk.Holiday
		spans    []desk.HoursSpan
		want     time.Time
	}{
		{"no holidays", time.Date(2026, 12, 23, 16, 0, 0, 0, mad), 2 * time.Hour, nil, week, time.Date(2026, 12, 24, 10, 0, 0, 0, mad)},
		// Wed 16:00 + 2h: one hour Wednesday; Thu and Fri closed; the rest Monday.
		{"over two holidays and a weekend", time.Date(2026, 12, 23, 16, 0, 0, 0, mad), 2 * time.Hour, xmas, week, time.Date(2026, 12, 28, 10, 0, 0, 0, mad)},
		{"starting on a holiday", time.Date(2026, 12, 25, 11, 0, 0, 0, mad), time.Hour, xmas, week, time.Date(2026, 12, 28, 10, 0, 0, 0, mad)},
		{"a holiday on a weekend costs nothing", time.Date(2026, 12, 24, 9, 0, 0, 0, mad), time.Hour, []desk.Holiday{{Date: "2026-12-26"}}, week, time.Date(2026, 12, 24, 10, 0, 0, 0, mad)},
		{"24/7 ignores holidays", time.Date(2026, 12, 24, 9, 0, 0, 0, mad), time.Hour, xmas, nil, time.Date(2026, 12, 24, 10, 0, 0, 0, mad)},
		{"a long target over many holidays", time.Date(2026, 12, 21, 9, 0, 0, 0, mad), 5 * 8 * time.Hour,
			[]desk.Holiday{{Date: "2026-12-22"}, {Date: "2026-12-23"}, {Date: "2026-12-24"}, {Date: "2026-12-25"}, {Date: "2026-12-28"}, {Date: "2026-12-29"}},
			week, time.Date(2027, 1, 4, 17, 0, 0, 0, mad)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := routing.AddBusinessDays(tt.start, tt.d, tt.spans, tt.holidays, mad)
			if !got.Equal(tt.want) {
				t.Errorf("due %v, want %v", got.In(mad), tt.want)
			}
		})
	}
}

// TestSLAHolidayMovesDueByABusinessDay: a due time that would fall on a
// holiday moves to the next business day, stamped on the ticket by desk
// and read back by the engine's clock, on every store.
func TestSLAHolidayMovesDueByABusinessDay(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		var week []desk.HoursSpan
		for d := time.Monday; d <= time.Friday; d++ {
			week = append(week, desk.HoursSpan{Day: d, Start: 9 * 60, End: 17 * 60})
		}
		f.policy(desk.SLAPolicy{FirstReply: 4 * time.Hour, Resolve: 8 * time.Hour, Hours: week})
		jkt, _ := time.LoadLocation("Asia/Jakarta")             // the workspace's zone
		f.now = time.Date(2026, 11, 10, 15, 0, 0, 0, jkt).UTC() // a Tuesday
		before := f.inGroup(nil, "")
		if want := time.Date(2026, 11, 11, 11, 0, 0, 0, jkt); !before.FirstReplyDueAt.Equal(want) {
			t.Fatalf("without holidays due %v, want %v", before.FirstReplyDueAt.In(jkt), want)
		}
		// Wednesday 11 November is a holiday: the same ticket now is due a
		// business day later, Thursday.
		if _, err := f.d.SetHolidays(f.ctx, f.ws.ID, []desk.Holiday{{Date: "2026-11-11", Name: "Hari libur"}}); err != nil {
			t.Fatal(err)
		}
		tk := f.inGroup(nil, "")
		if want := time.Date(2026, 11, 12, 11, 0, 0, 0, jkt); !tk.FirstReplyDueAt.Equal(want) {
			t.Errorf("first reply due %v, want %v", tk.FirstReplyDueAt.In(jkt), want)
		}
		if want := time.Date(2026, 11, 12, 15, 0, 0, 0, jkt); !tk.ResolveDueAt.Equal(want) {
			t.Errorf("resolve due %v, want %v", tk.ResolveDueAt.In(jkt), want)
		}
		// The ticket made before keeps its stamp.
		if got := f.reload(before).FirstReplyDueAt; !got.Equal(before.FirstReplyDueAt) {
			t.Errorf("old ticket restamped to %v", got)
		}
		// The clock: on the holiday at noon the new ticket is not breached,
		// the old one is.
		f.now = time.Date(2026, 11, 11, 12, 0, 0, 0, jkt).UTC()
		if s, err := f.e.SLA(f.ctx, f.ws.ID, f.reload(tk)); err != nil || s.FirstReplyBreached || s.State != routing.SLAOngoing {
			t.Errorf("new ticket on the holiday: %+v %v", s, err)
		}
		if s, err := f.e.SLA(f.ctx, f.ws.ID, f.reload(before)); err != nil || !s.FirstReplyBreached {
			t.Errorf("old ticket on the holiday: %+v %v", s, err)
		}
		// A ticket without stamps (made before SLA stamping) gets its due
		// times from Clock with the workspace's calendar.
		bare := *f.reload(tk)
		bare.FirstReplyDueAt, bare.ResolveDueAt = time.Time{}, time.Time{}
		ws, err := f.st.Workspace(f.ctx, f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := routing.Clock(&bare, nil, routing.PolicyFor(mustPolicies(t, f), ""), routing.CalendarOf(ws), f.now)
		if !c.FirstReplyDueAt.Equal(tk.FirstReplyDueAt) {
			t.Errorf("Clock due %v, want %v", c.FirstReplyDueAt.In(jkt), tk.FirstReplyDueAt.In(jkt))
		}
		// The holidays are kept on the workspace, read back sorted.
		if got := ws.Settings.Holidays; len(got) != 1 || got[0].Name != "Hari libur" {
			t.Errorf("stored holidays %v", got)
		}
	})
}

func mustPolicies(t *testing.T, f *fx) []desk.SLAPolicy {
	t.Helper()
	ps, err := f.e.Policies(f.ctx, f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
