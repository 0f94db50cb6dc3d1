package controllers

import (
	"context"
	"fmt"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/workday"
)

// buildCalendar turns a HolidayCalendar into working-day arithmetic. A year
// counts as covered when any day of it is listed.
func buildCalendar(hc *v1alpha1.HolidayCalendar) (*workday.Calendar, []int, error) {
	loc, err := time.LoadLocation(hc.Spec.TimeZone)
	if err != nil {
		return nil, nil, fmt.Errorf("spec.timeZone %q: %w", hc.Spec.TimeZone, err)
	}
	years := map[int]bool{}
	var holidays, workdays []workday.Date
	for i, h := range hc.Spec.Holidays {
		start, err := workday.ParseDate(h.Start)
		if err != nil {
			return nil, nil, fmt.Errorf("spec.holidays[%d].start: %w", i, err)
		}
		end := start
		if h.End != "" {
			if end, err = workday.ParseDate(h.End); err != nil {
				return nil, nil, fmt.Errorf("spec.holidays[%d].end: %w", i, err)
			}
		}
		for d := start; !after(d, end); d = next(d) {
			holidays = append(holidays, d)
			years[d.Year] = true
		}
	}
	for i, w := range hc.Spec.Workdays {
		d, err := workday.ParseDate(w.Date)
		if err != nil {
			return nil, nil, fmt.Errorf("spec.workdays[%d].date: %w", i, err)
		}
		workdays = append(workdays, d)
		years[d.Year] = true
	}
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	cal, err := workday.New(loc, ys, holidays, workdays)
	if err != nil {
		return nil, nil, err
	}
	return cal, ys, nil
}

func next(d workday.Date) workday.Date {
	t := time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC)
	return workday.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

func after(a, b workday.Date) bool {
	return time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC).After(time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC))
}

// loadCalendar reads the named HolidayCalendar. When it is missing or
// unreadable, weekends alone are skipped, in the plan's time zone, and the
// second result says why.
func loadCalendar(ctx context.Context, c client.Reader, name string, fallback *time.Location) (*workday.Calendar, string, error) {
	hc := &v1alpha1.HolidayCalendar{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, hc); err != nil {
		if apierrors.IsNotFound(err) {
			return workday.Weekends(fallback), fmt.Sprintf("HolidayCalendar %q does not exist", name), nil
		}
		return nil, "", err
	}
	cal, _, err := buildCalendar(hc)
	if err != nil {
		return workday.Weekends(fallback), fmt.Sprintf("HolidayCalendar %q cannot be read: %v", name, err), nil
	}
	return cal, "", nil
}
