package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// HolidayCalendarReconciler says whether a calendar can be read, and which
// years it covers.
type HolidayCalendarReconciler struct {
	kit
}

type calendarScope struct {
	*pass[*v1alpha1.HolidayCalendar]
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=holidaycalendars/status,verbs=get;update;patch

// Reconcile writes the calendar's status when it changed.
func (r *HolidayCalendarReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	hc := &v1alpha1.HolidayCalendar{}
	if err := r.Get(ctx, req.NamespacedName, hc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &calendarScope{pass: begin(r.kit, hc, false)}
	return run(ctx, r.kit, s.pass, s, []step[*calendarScope]{r.read}, func(*calendarScope) {})
}

// read checks every date and lists the years covered. Ready is the verdict
// itself: a calendar that cannot be read is not ready.
func (r *HolidayCalendarReconciler) read(_ context.Context, s *calendarScope) error {
	_, years, err := buildCalendar(s.obj)
	s.setValid(years, err)
	if err == nil {
		s.setComingYearCovered(years)
	}
	return nil
}

// setComingYearCovered says whether this year, and from November the next,
// has its official schedule, and comes back when that question changes
// (on 1 November and on 1 January, in the calendar's time zone).
func (s *calendarScope) setComingYearCovered(years []int) {
	loc, err := time.LoadLocation(s.obj.Spec.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.now.In(loc)
	year := now.Year()
	november := time.Date(year, time.November, 1, 0, 0, 0, 0, loc)
	if now.Before(november) {
		s.wakeAt(november)
	} else {
		s.wakeAt(time.Date(year+1, time.January, 1, 0, 0, 0, 0, loc))
	}
	switch {
	case !slices.Contains(years, year):
		s.set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionFalse, v1alpha1.CalendarCurrentYearMissingReason,
			fmt.Sprintf("%d has no official schedule: report deadlines count weekends only. Add the State Council's notice for %d.", year, year))
	case !now.Before(november) && !slices.Contains(years, year+1):
		s.set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionFalse, v1alpha1.CalendarComingYearMissingReason,
			fmt.Sprintf("%d has no official schedule yet: add the State Council's notice for %d when it is published.", year+1, year+1))
	default:
		s.set(v1alpha1.CalendarComingYearCoveredCondition, metav1.ConditionTrue, v1alpha1.CalendarYearsCoveredReason,
			fmt.Sprintf("%d has its official schedule.", year))
	}
}

// setValid lists the years covered, or says what cannot be read.
func (s *calendarScope) setValid(years []int, err error) {
	st := &s.obj.Status
	if err != nil {
		st.Years = nil
		s.set(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.CalendarInvalidReason, err.Error())
		return
	}
	st.Years = make([]int32, len(years))
	for i, y := range years {
		st.Years[i] = int32(y)
	}
	s.set(v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.CalendarValidReason,
		fmt.Sprintf("Covers %d year(s); other years count weekends only.", len(years)))
}

// SetupWithManager registers the reconciler.
func (r *HolidayCalendarReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.HolidayCalendar{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("holidaycalendar").
		Complete(r)
}
