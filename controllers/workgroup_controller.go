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

// WorkGroupReconciler summarises a work group: whether it is staffed, and
// its progress reports.
type WorkGroupReconciler struct {
	kit
}

type workGroupScope struct {
	*pass[*v1alpha1.WorkGroup]
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=workgroups/status,verbs=get;update;patch

// Reconcile writes the work group's status when it changed.
func (r *WorkGroupReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	wg := &v1alpha1.WorkGroup{}
	if err := r.Get(ctx, req.NamespacedName, wg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &workGroupScope{pass: begin(r.kit, wg, false)}
	return run(ctx, r.kit, s.pass, s, []step[*workGroupScope]{r.countReports, r.checkStaffed}, r.summarise)
}

// countReports counts the progress reports and finds the latest.
func (r *WorkGroupReconciler) countReports(_ context.Context, s *workGroupScope) error {
	wg, st := s.obj, &s.obj.Status
	st.ReportCount = int32(len(wg.Spec.Reports))
	st.LastReportTime = nil
	for _, rep := range wg.Spec.Reports {
		if st.LastReportTime == nil || rep.Time.After(st.LastReportTime.Time) {
			t := rep.Time
			st.LastReportTime = &t
		}
	}
	return nil
}

// checkStaffed says whether the work group has a lead.
func (r *WorkGroupReconciler) checkStaffed(_ context.Context, s *workGroupScope) error {
	s.setStaffed(s.obj.Spec.Lead, len(s.obj.Spec.Members))
	return nil
}

// summarise sets Ready: a work group is ready once it exists; Staffed says
// whether it is led.
func (r *WorkGroupReconciler) summarise(s *workGroupScope) {
	summarise(s.pass, v1alpha1.WorkGroupSetUpReason,
		fmt.Sprintf("%s work group set up; %d progress reports.", s.obj.Spec.Type, s.obj.Status.ReportCount))
}

// setStaffed names the lead, or asks for one.
func (s *workGroupScope) setStaffed(lead string, members int) {
	if lead == "" {
		s.set(v1alpha1.WorkGroupStaffedCondition, metav1.ConditionFalse, v1alpha1.WorkGroupNoLeadReason, "No lead yet: set spec.lead.")
		return
	}
	s.set(v1alpha1.WorkGroupStaffedCondition, metav1.ConditionTrue, v1alpha1.WorkGroupLeadAssignedReason,
		fmt.Sprintf("Led by %s with %d members.", lead, members))
}

// SetupWithManager registers the reconciler.
func (r *WorkGroupReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.WorkGroup{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("workgroup").
		Complete(r)
}
