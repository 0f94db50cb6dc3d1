package controllers

import (
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// setComingYearCovered says whether this year, and from November the next,
// has its official schedule, and comes back when that question changes
// (on 1 November and on 1 January, in the calendar's time zone).
func (s *calendarScope) setComingYearCovered(years []int) {
	loc, err := time.LoadLocation(s.Obj.Spec.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.Now.In(loc)
	year := now.Year()
	november := time.Date(year, time.November, 1, 0, 0, 0, 0, loc)
	if now.Before(november) {
		s.WakeAt(november)
	} else {
		s.WakeAt(time.Date(year+1, time.January, 1, 0, 0, 0, 0, loc))
	}
	switch {
	case !slices.Contains(years, year):
		s.Set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionFalse, v1alpha1.CalendarCurrentYearMissingReason,
			fmt.Sprintf("%d has no official schedule: report deadlines count weekends only. Add the State Council's notice for %d.", year, year))
	case !now.Before(november) && !slices.Contains(years, year+1):
		s.Set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionFalse, v1alpha1.CalendarComingYearMissingReason,
			fmt.Sprintf("%d has no official schedule yet: add the State Council's notice for %d when it is published.", year+1, year+1))
	default:
		s.Set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionTrue, v1alpha1.CalendarYearsCoveredReason,
			fmt.Sprintf("%d has its official schedule.", year))
	}
}

// setValid lists the years covered, or keeps what cannot be read for
// Ready to say.
func (s *calendarScope) setValid(years []int, err error) {
	st := &s.Obj.Status
	if err != nil {
		st.Years = nil
		s.invalid = reconcile.Cause{Reason: v1alpha1.CalendarInvalidReason, Message: err.Error()}
		return
	}
	s.invalid = reconcile.Cause{}
	st.Years = make([]int32, len(years))
	for i, y := range years {
		st.Years[i] = int32(y)
	}
}
