package workday

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai must load even without system zoneinfo.

	"github.com/google/go-cmp/cmp"
)

// shanghai loads the time zone used by the fixtures.
func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("LoadLocation: %v", err)
	}
	return loc
}

// dates parses a list of YYYY-MM-DD strings.
func dates(t *testing.T, ss ...string) []Date {
	t.Helper()
	var out []Date
	for _, s := range ss {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", s, err)
		}
		out = append(out, d)
	}
	return out
}

// span returns every day from first to last inclusive.
func span(t *testing.T, first, last string) []Date {
	t.Helper()
	f, l := dates(t, first)[0], dates(t, last)[0]
	var out []Date
	for d := f; d != l; d = d.addDays(1) {
		out = append(out, d)
	}
	return append(out, l)
}

// calendar2025 is the State Council's official 2025 holiday schedule.
func calendar2025(t *testing.T) *Calendar {
	t.Helper()
	var holidays []Date
	holidays = append(holidays, dates(t, "2025-01-01")...)              // New Year
	holidays = append(holidays, span(t, "2025-01-28", "2025-02-04")...) // Spring Festival
	holidays = append(holidays, span(t, "2025-04-04", "2025-04-06")...) // Qingming
	holidays = append(holidays, span(t, "2025-05-01", "2025-05-05")...) // Labour Day
	holidays = append(holidays, span(t, "2025-05-31", "2025-06-02")...) // Dragon Boat
	holidays = append(holidays, span(t, "2025-10-01", "2025-10-08")...) // National Day, Mid-Autumn
	workdays := dates(t,
		"2025-01-26", // Sun
		"2025-02-08", // Sat
		"2025-04-27", // Sun
		"2025-09-28", // Sun
		"2025-10-11", // Sat
	)
	c, err := New(shanghai(t), []int{2025}, holidays, workdays)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestParseDate(t *testing.T) {
	cases := map[string]struct {
		in      string
		want    Date
		wantErr bool
	}{
		"valid":           {in: "2025-01-28", want: Date{2025, time.January, 28}},
		"leap day":        {in: "2024-02-29", want: Date{2024, time.February, 29}},
		"no such day":     {in: "2025-02-29", wantErr: true},
		"single digits":   {in: "2025-1-28", wantErr: true},
		"with time":       {in: "2025-01-28T00:00:00Z", wantErr: true},
		"empty":           {in: "", wantErr: true},
		"day-month-year":  {in: "28-01-2025", wantErr: true},
		"trailing spaces": {in: "2025-01-28 ", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseDate(%q) error = %v, want error: %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseDate(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if !tc.wantErr && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	loc := shanghai(t)
	cases := map[string]struct {
		loc      *time.Location
		years    []int
		holidays []Date
		workdays []Date
		wantErr  string // substring of the error; empty means no error
	}{
		"valid": {
			loc: loc, years: []int{2025},
			holidays: dates(t, "2025-01-01"), workdays: dates(t, "2025-01-26"),
		},
		"holiday on a weekend is allowed": {
			loc: loc, years: []int{2025}, holidays: dates(t, "2025-01-04"),
		},
		"covered year without any entries": {
			loc: loc, years: []int{2025, 2026},
		},
		"nil location": {
			years: []int{2025}, wantErr: "nil time zone",
		},
		"both holiday and workday": {
			loc: loc, years: []int{2025},
			holidays: dates(t, "2025-01-26"), workdays: dates(t, "2025-01-26"),
			wantErr: "both a holiday and a workday",
		},
		"holiday outside covered years": {
			loc: loc, years: []int{2025}, holidays: dates(t, "2026-01-01"),
			wantErr: "holiday 2026-01-01 lies outside the covered years",
		},
		"workday outside covered years": {
			loc: loc, years: []int{2025}, workdays: dates(t, "2024-12-28"),
			wantErr: "workday 2024-12-28 lies outside the covered years",
		},
		"no years at all": {
			loc: loc, holidays: dates(t, "2025-01-01"),
			wantErr: "outside the covered years",
		},
		"workday on a weekday": {
			// 2025-01-27 is a Monday, so it cannot be a make-up day.
			loc: loc, years: []int{2025}, workdays: dates(t, "2025-01-27"),
			wantErr: "not a Saturday or Sunday",
		},
		"day that does not exist": {
			loc: loc, years: []int{2025}, holidays: []Date{{2025, time.February, 30}},
			wantErr: "2025-02-30 does not exist",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := New(tc.loc, tc.years, tc.holidays, tc.workdays)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New() = %v, %v; want a calendar", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New() error = %v, want it to contain %q", err, tc.wantErr)
			}
			if c != nil {
				t.Errorf("New() returned a calendar together with an error")
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := calendar2025(t)
	type result struct{ Working, Covered bool }
	cases := map[string]struct {
		day  string
		want result
	}{
		"plain weekday":                   {day: "2025-03-12", want: result{true, true}},  // Wed
		"plain Saturday":                  {day: "2025-03-15", want: result{false, true}}, // Sat
		"plain Sunday":                    {day: "2025-03-16", want: result{false, true}}, // Sun
		"holiday on a weekday":            {day: "2025-01-28", want: result{false, true}}, // Tue, Spring Festival eve
		"holiday on a weekend":            {day: "2025-10-04", want: result{false, true}}, // Sat, National Day
		"make-up Sunday":                  {day: "2025-01-26", want: result{true, true}},
		"make-up Saturday":                {day: "2025-10-11", want: result{true, true}},
		"weekday next to holiday":         {day: "2025-01-27", want: result{true, true}},  // Mon before Spring Festival
		"uncovered weekday":               {day: "2026-01-01", want: result{true, false}}, // Thu; real 2026 schedule unknown here
		"uncovered weekend":               {day: "2026-01-03", want: result{false, false}},
		"uncovered year entirely (2027)":  {day: "2027-01-04", want: result{true, false}},  // Mon
		"uncovered Saturday in 2027":      {day: "2027-01-02", want: result{false, false}}, // Sat
		"last day of covered year (Wed)":  {day: "2025-12-31", want: result{true, true}},
		"first day of covered year (Wed)": {day: "2025-01-01", want: result{false, true}}, // New Year
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got result
			got.Working, got.Covered = c.IsWorkingDay(dates(t, tc.day)[0])
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("IsWorkingDay(%s) mismatch (-want +got):\n%s", tc.day, diff)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := calendar2025(t)
	loc := shanghai(t)
	at := func(year int, month time.Month, day, hour, min int) time.Time {
		return time.Date(year, month, day, hour, min, 0, 0, loc)
	}
	type result struct {
		Due       string // RFC 3339, so the offset is checked as well
		Uncovered []int
	}
	cases := map[string]struct {
		from time.Time
		n    int
		want result
	}{
		"across a plain weekend": {
			// Thu 03-13: Fri 14 (1), Sat 15 + Sun 16 off, Mon 17 (2), Tue 18 (3).
			from: at(2025, time.March, 13, 10, 0), n: 3,
			want: result{Due: "2025-03-19T00:00:00+08:00"},
		},
		"from a Friday evening": {
			// Fri 03-07 21:00: Sat 8 + Sun 9 off, Mon 10 (1) -> end of Mon 10.
			from: at(2025, time.March, 7, 21, 0), n: 1,
			want: result{Due: "2025-03-11T00:00:00+08:00"},
		},
		"day of from never counts, even a working day": {
			// Mon 03-10 09:00 is a working day but is excluded; Tue 11 (1).
			from: at(2025, time.March, 10, 9, 0), n: 1,
			want: result{Due: "2025-03-12T00:00:00+08:00"},
		},
		"just before midnight still belongs to that day": {
			// Thu 03-13 23:59: Fri 14 (1).
			from: at(2025, time.March, 13, 23, 59), n: 1,
			want: result{Due: "2025-03-15T00:00:00+08:00"},
		},
		"across the Spring Festival with its make-up days": {
			// Fri 01-24: Sat 25 off, Sun 26 make-up (1), Mon 27 (2),
			// Tue 28 .. Tue 02-04 holiday, Wed 5 (3), Thu 6 (4), Fri 7 (5),
			// Sat 8 make-up (6), Sun 9 off, Mon 10 (7), Tue 11 (8),
			// Wed 12 (9), Thu 13 (10) -> end of Thu 02-13.
			from: at(2025, time.January, 24, 18, 0), n: 10,
			want: result{Due: "2025-02-14T00:00:00+08:00"},
		},
		"20 working days across the Spring Festival": {
			// Continuing the case above from Thu 02-13 (10): Fri 14 (11),
			// Sat 15 + Sun 16 off, Mon 17 .. Fri 21 (12..16),
			// Sat 22 + Sun 23 off, Mon 24 .. Thu 27 (17..20).
			from: at(2025, time.January, 24, 18, 0), n: 20,
			want: result{Due: "2025-02-28T00:00:00+08:00"},
		},
		"make-up Saturday counts as a working day": {
			// Fri 02-07: Sat 02-08 is a make-up working day (1).
			from: at(2025, time.February, 7, 12, 0), n: 1,
			want: result{Due: "2025-02-09T00:00:00+08:00"},
		},
		"make-up Sunday counts as a working day": {
			// Fri 04-25: Sat 26 off, Sun 04-27 is a make-up working day (1).
			from: at(2025, time.April, 25, 12, 0), n: 1,
			want: result{Due: "2025-04-28T00:00:00+08:00"},
		},
		"from a make-up Saturday": {
			// Sat 02-08 is a working day but is the day of from; Sun 9 off, Mon 10 (1).
			from: at(2025, time.February, 8, 10, 0), n: 1,
			want: result{Due: "2025-02-11T00:00:00+08:00"},
		},
		"across Labour Day": {
			// Wed 04-30: Thu 05-01 .. Mon 05-05 holiday, Tue 6 (1), Wed 7 (2).
			from: at(2025, time.April, 30, 16, 0), n: 2,
			want: result{Due: "2025-05-08T00:00:00+08:00"},
		},
		"from inside the National Day holiday": {
			// Fri 10-03 (holiday): Sat 4 .. Wed 8 holiday, Thu 9 (1), Fri 10 (2),
			// Sat 11 make-up (3), Sun 12 off, Mon 13 .. Fri 17 (4..8),
			// Sat 18 + Sun 19 off, Mon 20 (9), Tue 21 (10).
			from: at(2025, time.October, 3, 11, 0), n: 10,
			want: result{Due: "2025-10-22T00:00:00+08:00"},
		},
		"UTC instant that is already the next day in Shanghai": {
			// 2025-01-23 17:30 UTC is Fri 01-24 01:30 in Shanghai, so Fri 24 is
			// the day of from: Sat 25 off, Sun 26 make-up (1). Counting from the
			// UTC day (Thu 23) would wrongly give end of Fri 24.
			from: time.Date(2025, time.January, 23, 17, 30, 0, 0, time.UTC), n: 1,
			want: result{Due: "2025-01-27T00:00:00+08:00"},
		},
		"ends on the last day of the covered year": {
			// Mon 12-29: Tue 30 (1), Wed 31 (2). Only 2025 days were counted,
			// although the deadline instant falls on 2026-01-01.
			from: at(2025, time.December, 29, 15, 0), n: 2,
			want: result{Due: "2026-01-01T00:00:00+08:00"},
		},
		"across the year's edge into an uncovered year": {
			// Mon 12-29: Tue 30 (1), Wed 31 (2); 2026 is not covered, so only
			// weekends are skipped: Thu 01-01 (3), Fri 2 (4), Sat 3 + Sun 4 off,
			// Mon 5 (5).
			from: at(2025, time.December, 29, 15, 0), n: 5,
			want: result{Due: "2026-01-06T00:00:00+08:00", Uncovered: []int{2026}},
		},
		"year the calendar lacks entirely": {
			// Fri 2027-01-01: Sat 2 + Sun 3 off, Mon 4 (1), Tue 5 (2), Wed 6 (3).
			from: at(2027, time.January, 1, 9, 0), n: 3,
			want: result{Due: "2027-01-07T00:00:00+08:00", Uncovered: []int{2027}},
		},
		"through two uncovered years": {
			// Wed 2025-12-31: 2026 starts on a Thursday and has 365 days, i.e.
			// 52 whole weeks (260 weekdays) plus Thu 12-31, so 261 working days
			// when only weekends are skipped. Day 262 is Fri 2027-01-01.
			from: at(2025, time.December, 31, 8, 0), n: 262,
			want: result{Due: "2027-01-02T00:00:00+08:00", Uncovered: []int{2026, 2027}},
		},
		"n=0 is the end of the day of from": {
			// No day is counted; the deadline is the end of Fri 01-24.
			from: at(2025, time.January, 24, 15, 0), n: 0,
			want: result{Due: "2025-01-25T00:00:00+08:00"},
		},
		"n=0 on a holiday is still the end of that day": {
			from: at(2025, time.October, 3, 15, 0), n: 0,
			want: result{Due: "2025-10-04T00:00:00+08:00"},
		},
		"n=0 in an uncovered year reports nothing": {
			from: at(2027, time.January, 1, 9, 0), n: 0,
			want: result{Due: "2027-01-02T00:00:00+08:00"},
		},
		"negative n behaves like n=0": {
			from: at(2025, time.January, 24, 15, 0), n: -3,
			want: result{Due: "2025-01-25T00:00:00+08:00"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			due, uncovered := c.AddWorkingDays(tc.from, tc.n)
			got := result{Due: due.Format(time.RFC3339), Uncovered: uncovered}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("AddWorkingDays(%s, %d) mismatch (-want +got):\n%s", tc.from, tc.n, diff)
			}
			if due.Location().String() != loc.String() {
				t.Errorf("due is in %v, want the calendar's zone %v", due.Location(), loc)
			}
		})
	}
}

func TestWeekends(t *testing.T) {
	cases := map[string]struct {
		from          time.Time
		n             int
		wantDue       string
		wantUncovered []int
	}{
		"holidays are not known": {
			// Wed 2025-01-01 00:00 UTC: Thu 2 (1), Fri 3 (2), Sat 4 + Sun 5 off,
			// Mon 6 (3). New Year and the Spring Festival mean nothing here.
			from: time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC), n: 3,
			wantDue: "2025-01-07T00:00:00Z", wantUncovered: []int{2025},
		},
		"make-up days are not known": {
			// Fri 2025-01-24: Sat 25 + Sun 26 off, Mon 27 (1).
			from: time.Date(2025, time.January, 24, 12, 0, 0, 0, time.UTC), n: 1,
			wantDue: "2025-01-28T00:00:00Z", wantUncovered: []int{2025},
		},
	}
	c := Weekends(time.UTC)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			due, uncovered := c.AddWorkingDays(tc.from, tc.n)
			if diff := cmp.Diff(tc.wantDue, due.Format(time.RFC3339)); diff != "" {
				t.Errorf("due mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantUncovered, uncovered); diff != "" {
				t.Errorf("uncovered mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
