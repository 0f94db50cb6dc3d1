package controllers

import (
	"context"
	"fmt"

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
	return nil
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
