package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// HolidayCalendarReconciler says whether a calendar can be read, and which
// years it covers.
type HolidayCalendarReconciler struct {
	reconcile.Kit
}

type calendarScope struct {
	*reconcile.Pass[*v1alpha1.HolidayCalendar]
	// invalid says what in the calendar cannot be read, if anything.
	invalid reconcile.Cause
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=holidaycalendars/status,verbs=get;update;patch

// Reconcile writes the calendar's status when it changed.
func (r *HolidayCalendarReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	hc := &v1alpha1.HolidayCalendar{}
	if err := r.Get(ctx, req.NamespacedName, hc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &calendarScope{Pass: reconcile.Begin(r.Kit, hc, false)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*calendarScope]{r.read}, r.ready)
}

// read checks every date and lists the years covered. Ready is the verdict
// itself: a calendar that cannot be read is not ready.
func (r *HolidayCalendarReconciler) read(_ context.Context, s *calendarScope) error {
	_, years, err := buildCalendar(s.Obj)
	s.setValid(years, err)
	if err == nil {
		s.setComingYearCovered(years)
	}
	return nil
}

// ready: a calendar is ready when every date in it can be read.
func (r *HolidayCalendarReconciler) ready(s *calendarScope) reconcile.Ready {
	return reconcile.Ready{Reason: v1alpha1.CalendarValidReason,
		Message: fmt.Sprintf("Covers %d year(s); other years count weekends only.", len(s.Obj.Status.Years)),
		Failed:  s.invalid}
}

// SetupWithManager registers the reconciler.
func (r *HolidayCalendarReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.HolidayCalendar{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("holidaycalendar").
		Complete(r)
}
