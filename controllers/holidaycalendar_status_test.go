package controllers

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

func TestCalendarReady(t *testing.T) {
	s := &calendarScope{Pass: reconcile.Begin(testKit(setterNow), &v1alpha1.HolidayCalendar{}, false)}
	r := &HolidayCalendarReconciler{}
	s.setValid([]int{2025, 2026}, nil)
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "True", Reason: v1alpha1.CalendarValidReason, Message: "Covers 2 year(s); other years count weekends only."},
		outcome(s.Obj.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready of a valid calendar (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{2025, 2026}, s.Obj.Status.Years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	s.setValid(nil, errBadDate)
	reconcile.SetReady(s.Pass, r.ready(s))
	if c := conditionOf(s.Obj.Status.Conditions, v1alpha1.ConditionReady); c.Status != "False" || c.Reason != v1alpha1.CalendarInvalidReason || c.Message != errBadDate.Error() || s.Obj.Status.Years != nil {
		t.Errorf("Ready of an invalid calendar: %+v, years %v", c, s.Obj.Status.Years)
	}
}

func TestCalendarSetComingYearCovered(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	cases := map[string]struct {
		now    time.Time
		years  []int
		reason string
		wake   time.Time
	}{
		"this year, before November":             {now: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), years: []int{2026}, reason: v1alpha1.CalendarYearsCoveredReason, wake: time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
		"this year missing":                      {now: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), years: []int{2025}, reason: v1alpha1.CalendarCurrentYearMissingReason, wake: time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
		"from November, the coming year missing": {now: time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai), years: []int{2025, 2026}, reason: v1alpha1.CalendarComingYearMissingReason, wake: time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)},
		"from November, the coming year in":      {now: time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai), years: []int{2026, 2027}, reason: v1alpha1.CalendarYearsCoveredReason, wake: time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			hc := &v1alpha1.HolidayCalendar{Spec: v1alpha1.HolidayCalendarSpec{TimeZone: "Asia/Shanghai"}}
			s := &calendarScope{Pass: reconcile.Begin(testKit(tc.now), hc, false)}
			s.setComingYearCovered(tc.years)
			if c := conditionOf(hc.Status.Conditions, v1alpha1.CalendarComingYearCoveredCondition); c.Reason != tc.reason {
				t.Errorf("ComingYearCovered %s (%s), want %s", c.Reason, c.Message, tc.reason)
			}
			if !s.WakeTime().Equal(tc.wake) {
				t.Errorf("wakes at %s, want %s", s.WakeTime(), tc.wake)
			}
		})
	}
}

var errBadDate = errors.New(`spec.holidays[1].end: "2026-02-30" is not a date`)
