package workday

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// FromSpec builds the calendar that a HolidayCalendar's spec describes and
// returns the years it covers, in increasing order. A year counts as covered
// when any day of it is listed, as a holiday or as a make-up working day. A
// holiday without an end is a single day.
//
// An error about one field names it by its path, e.g.
// "spec.holidays[1].end: ...", so that it can go into the object's status as
// it is.
func FromSpec(spec v1alpha1.HolidayCalendarSpec) (*Calendar, []int, error) {
	loc, err := time.LoadLocation(spec.TimeZone)
	if err != nil {
		return nil, nil, fmt.Errorf("spec.timeZone %q: %w", spec.TimeZone, err)
	}
	years := map[int]bool{}
	var holidays, workdays []Date
	for i, h := range spec.Holidays {
		start, err := ParseDate(h.Start)
		if err != nil {
			return nil, nil, fmt.Errorf("spec.holidays[%d].start: %w", i, err)
		}
		end := start
		if h.End != "" {
			if end, err = ParseDate(h.End); err != nil {
				return nil, nil, fmt.Errorf("spec.holidays[%d].end: %w", i, err)
			}
		}
		for d := start; !d.After(end); d = d.Next() {
			holidays = append(holidays, d)
			years[d.Year] = true
		}
	}
	for i, w := range spec.Workdays {
		d, err := ParseDate(w.Date)
		if err != nil {
			return nil, nil, fmt.Errorf("spec.workdays[%d].date: %w", i, err)
		}
		workdays = append(workdays, d)
		years[d.Year] = true
	}
	ys := slices.Sorted(maps.Keys(years))
	cal, err := New(loc, ys, holidays, workdays)
	if err != nil {
		return nil, nil, err
	}
	return cal, ys, nil
}
