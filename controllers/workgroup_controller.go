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

// Condition of a WorkGroup: Staffed is True once it has a lead.
const (
	WorkGroupStaffedCondition = "Staffed"
)

// WorkGroupReconciler summarises a work group: whether it is staffed, and
// its progress reports.
type WorkGroupReconciler struct {
	client.Client
	Clock clock.PassiveClock
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=workgroups/status,verbs=get;update;patch

// Reconcile writes the work group's status when it changed.
func (r *WorkGroupReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	wg := &v1alpha1.WorkGroup{}
	if err := r.Get(ctx, req.NamespacedName, wg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := wg.DeepCopy()
	now := r.Clock.Now().Truncate(time.Second)
	st := &wg.Status
	st.ObservedGeneration = wg.Generation
	st.ReportCount = int32(len(wg.Spec.Reports))
	st.LastReportTime = nil
	for _, rep := range wg.Spec.Reports {
		if st.LastReportTime == nil || rep.Time.After(st.LastReportTime.Time) {
			t := rep.Time
			st.LastReportTime = &t
		}
	}
	if wg.Spec.Lead != "" {
		setCondition(&st.Conditions, wg.Generation, now, WorkGroupStaffedCondition, metav1.ConditionTrue, "LeadAssigned",
			fmt.Sprintf("Led by %s with %d members.", wg.Spec.Lead, len(wg.Spec.Members)))
	} else {
		setCondition(&st.Conditions, wg.Generation, now, WorkGroupStaffedCondition, metav1.ConditionFalse, "NoLead",
			"No lead yet: set spec.lead.")
	}
	setCondition(&st.Conditions, wg.Generation, now, v1alpha1.ConditionReady, metav1.ConditionTrue, "SetUp",
		fmt.Sprintf("%s work group set up; %d progress reports.", wg.Spec.Type, st.ReportCount))
	return ctrl.Result{}, patchStatus(ctx, r.Client, before, wg, func(o *v1alpha1.WorkGroup) any { return o.Status })
}

// SetupWithManager registers the reconciler.
func (r *WorkGroupReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.WorkGroup{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("workgroup").
		Complete(r)
}
