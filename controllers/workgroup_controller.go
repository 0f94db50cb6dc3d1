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

// WorkGroupReconciler summarises a work group: whether it is staffed, and
// its progress reports.
type WorkGroupReconciler struct {
	reconcile.Kit
}

type workGroupScope struct {
	*reconcile.Pass[*v1alpha1.WorkGroup]
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=workgroups/status,verbs=get;update;patch

// Reconcile writes the work group's status when it changed.
func (r *WorkGroupReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	wg := &v1alpha1.WorkGroup{}
	if err := r.Get(ctx, req.NamespacedName, wg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &workGroupScope{Pass: reconcile.Begin(r.Kit, wg, false)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*workGroupScope]{r.countReports, r.checkStaffed}, r.ready)
}

// countReports counts the progress reports and finds the latest.
func (r *WorkGroupReconciler) countReports(_ context.Context, s *workGroupScope) error {
	wg, st := s.Obj, &s.Obj.Status
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
	s.setStaffed(s.Obj.Spec.Lead, len(s.Obj.Spec.Members))
	return nil
}

// ready: a work group is ready once it exists; Staffed says whether it is
// led.
func (r *WorkGroupReconciler) ready(s *workGroupScope) reconcile.Ready {
	return reconcile.Ready{Reason: v1alpha1.WorkGroupSetUpReason,
		Message: fmt.Sprintf("%s work group set up; %d progress reports.", s.Obj.Spec.Type, s.Obj.Status.ReportCount)}
}

// SetupWithManager registers the reconciler.
func (r *WorkGroupReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.WorkGroup{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(opts).
		Named("workgroup").
		Complete(r)
}
