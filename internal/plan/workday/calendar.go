// Package workday does working-day arithmetic for deadlines such as
// "submit the summary report within 10 working days after the response ends".
//
// A working day is a Monday to Friday that is not a public holiday, or a
// Saturday or Sunday that has been officially declared a make-up working day
// (调休). Holidays and make-up days come from the official schedule, which is
// published one year at a time; a [Calendar] therefore records which years it
// covers. For a year it does not cover, it can only skip weekends, and
// [Calendar.AddWorkingDays] reports such years so that callers can tell users
// that the deadline is approximate.
//
// # Counting convention
//
// All day boundaries are taken in the calendar's time zone. For
// AddWorkingDays(from, n):
//
//   - the local day on which from falls never counts, even when it is a
//     working day, because the plan counts whole days after the event;
//   - counting starts with the following day, and the deadline is the end of
//     the n-th working day, that is 00:00 local time of the day after it;
//   - for n = 0 (or a negative n) the deadline is the end of from's own local
//     day, and no year is reported as uncovered.
//
// For example, with n = 1 an event that ends on Friday at 21:00 is due at the
// end of the following Monday (if Monday is a working day), i.e. at 00:00 on
// Tuesday.
package workday

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day without a time of day or a time zone,
// e.g. Date{2025, time.January, 28}.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the layout accepted by ParseDate and produced by Date.String.
const dateLayout = "2006-01-02"

// ParseDate parses a day written as YYYY-MM-DD, e.g. "2025-01-28".
// It rejects days that do not exist, such as "2025-02-30".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("workday: invalid date %q: %w", s, err)
	}
	return dateOf(t), nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// dateOf returns the day on which t falls in t's own location.
func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// midnightUTC returns 00:00 UTC of d, normalising out-of-range fields the way
// time.Date does. UTC is used so that day arithmetic is never disturbed by
// daylight saving time.
func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// valid reports whether d names a day that exists.
func (d Date) valid() bool {
	return dateOf(d.midnightUTC()) == d
}

// addDays returns the day n days after d.
func (d Date) addDays(n int) Date {
	return dateOf(d.midnightUTC().AddDate(0, 0, n))
}

// Next returns the day after d.
func (d Date) Next() Date {
	return d.addDays(1)
}

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool {
	return d.midnightUTC().After(o.midnightUTC())
}

// weekend reports whether d is a Saturday or a Sunday.
func (d Date) weekend() bool {
	switch d.midnightUTC().Weekday() {
	case time.Saturday, time.Sunday:
		return true
	}
	return false
}

// Calendar is a holiday calendar in one time zone. Build it with [New] or
// [Weekends]; the zero value is not usable. A Calendar is never modified after
// construction and is safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	covered  map[int]bool
	holidays map[Date]bool
	workdays map[Date]bool
}

// New builds a calendar for the time zone loc.
//
// years lists the years the calendar covers, i.e. the years for which an
// official schedule was entered (a covered year may have no holidays at all).
// holidays are days off; workdays are make-up working days, which must fall on
// a Saturday or a Sunday. A holiday that falls on a weekend is allowed and
// changes nothing.
//
// New returns an error when loc is nil, a listed day does not exist, a day is
// both a holiday and a workday, a workday is not on a weekend, or a listed day
// lies outside the covered years.
func New(loc *time.Location, years []int, holidays, workdays []Date) (*Calendar, error) {
	if loc == nil {
		return nil, errors.New("workday: nil time zone")
	}
	c := &Calendar{
		loc:      loc,
		covered:  make(map[int]bool, len(years)),
		holidays: make(map[Date]bool, len(holidays)),
		workdays: make(map[Date]bool, len(workdays)),
	}
	for _, y := range years {
		c.covered[y] = true
	}
	check := func(kind string, d Date) error {
		if !d.valid() {
			return fmt.Errorf("workday: %s %04d-%02d-%02d does not exist", kind, d.Year, int(d.Month), d.Day)
		}
		if !c.covered[d.Year] {
			return fmt.Errorf("workday: %s %s lies outside the covered years", kind, d)
		}
		return nil
	}
	for _, d := range holidays {
		if err := check("holiday", d); err != nil {
			return nil, err
		}
		c.holidays[d] = true
	}
	for _, d := range workdays {
		if err := check("workday", d); err != nil {
			return nil, err
		}
		if c.holidays[d] {
			return nil, fmt.Errorf("workday: %s is both a holiday and a workday", d)
		}
		if !d.weekend() {
			return nil, fmt.Errorf("workday: workday %s is not a Saturday or Sunday", d)
		}
		c.workdays[d] = true
	}
	return c, nil
}

// Weekends returns a calendar for the time zone loc that covers no year and
// therefore skips Saturdays and Sundays only. It panics if loc is nil.
func Weekends(loc *time.Location) *Calendar {
	c, err := New(loc, nil, nil, nil)
	if err != nil {
		panic(err)
	}
	return c
}

// IsWorkingDay reports whether d is a working day, and whether the calendar
// covers d's year. When the year is not covered, only weekends are treated as
// days off.
func (c *Calendar) IsWorkingDay(d Date) (working, covered bool) {
	covered = c.covered[d.Year]
	switch {
	case c.workdays[d]:
		return true, covered
	case c.holidays[d], d.weekend():
		return false, covered
	}
	return true, covered
}

// AddWorkingDays returns the deadline that lies n working days after the
// instant from: the end (00:00 of the next day, in the calendar's time zone) of
// the n-th working day after the local day of from. The day of from itself
// never counts; for n <= 0 the deadline is the end of that day. See the
// package documentation for the full convention. (Should a clock change skip
// that midnight, the result is normalised the way time.Date does it.)
//
// uncovered lists, in increasing order, the years of the counted days that the
// calendar does not cover, for which only weekends were skipped. It is nil when
// every counted day lies in a covered year.
func (c *Calendar) AddWorkingDays(from time.Time, n int) (due time.Time, uncovered []int) {
	day := dateOf(from.In(c.loc))
	for counted := 0; counted < n; {
		day = day.addDays(1)
		working, covered := c.IsWorkingDay(day)
		if !covered && (len(uncovered) == 0 || uncovered[len(uncovered)-1] != day.Year) {
			uncovered = append(uncovered, day.Year)
		}
		if working {
			counted++
		}
	}
	return time.Date(day.Year, day.Month, day.Day+1, 0, 0, 0, 0, c.loc), uncovered
}
