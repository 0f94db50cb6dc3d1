package controllers

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
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
	client.Client
	Clock clock.PassiveClock
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=holidaycalendars/status,verbs=get;update;patch

// Reconcile writes the calendar's status when it changed.
func (r *HolidayCalendarReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	hc := &v1alpha1.HolidayCalendar{}
	if err := r.Get(ctx, req.NamespacedName, hc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := hc.DeepCopy()
	now := r.Clock.Now().Truncate(time.Second)
	hc.Status.ObservedGeneration = hc.Generation
	if _, years, err := buildCalendar(hc); err != nil {
		hc.Status.Years = nil
		setCondition(&hc.Status.Conditions, hc.Generation, now, v1alpha1.ConditionReady, metav1.ConditionFalse, "Invalid", err.Error())
	} else {
		hc.Status.Years = make([]int32, len(years))
		for i, y := range years {
			hc.Status.Years[i] = int32(y)
		}
		setCondition(&hc.Status.Conditions, hc.Generation, now, v1alpha1.ConditionReady, metav1.ConditionTrue, "Valid",
			fmt.Sprintf("Covers %d year(s); other years count weekends only.", len(years)))
	}
	return ctrl.Result{}, patchStatus(ctx, r.Client, before, hc, func(o *v1alpha1.HolidayCalendar) any { return o.Status })
}

// SetupWithManager registers the reconciler.
func (r *HolidayCalendarReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.HolidayCalendar{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("holidaycalendar").
		Complete(r)
}
