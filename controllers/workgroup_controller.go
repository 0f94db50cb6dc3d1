package controllers

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
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

// countReports counts the progress reports, those written into the work
// group and the units' own from their namespaces (§5.3), and finds the
// latest.
func (r *WorkGroupReconciler) countReports(ctx context.Context, s *workGroupScope) error {
	wg, st := s.Obj, &s.Obj.Status
	st.LastReportTime = nil
	later := func(t metav1.Time) {
		if st.LastReportTime == nil || t.After(st.LastReportTime.Time) {
			st.LastReportTime = &t
		}
	}
	for _, rep := range wg.Spec.Reports {
		later(rep.Time)
	}
	st.UnitReports = nil
	if resp := workGroupLabel(wg, v1alpha1.LabelResponse); resp != "" {
		reports, err := reportsOn(ctx, r.Client, v1alpha1.DutyResponse, wg.Namespace, resp)
		if err != nil {
			return fmt.Errorf("listing the units' progress reports: %w", err)
		}
		for _, ur := range reports {
			if ur.Spec.Type != v1alpha1.UnitReportProgress || ur.Spec.Progress.WorkGroup != wg.Spec.Type || ur.Status.ReceivedTime == nil {
				continue
			}
			st.UnitReports = append(st.UnitReports, ur.Namespace+"/"+ur.Name)
			later(*ur.Status.ReceivedTime)
		}
	}
	st.ReportCount = int32(len(wg.Spec.Reports) + len(st.UnitReports))
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
		Watches(&v1alpha1.UnitReport{}, handler.EnqueueRequestsFromMapFunc(r.groupOfReport)).
		WithOptions(opts).
		Named("workgroup").
		Complete(r)
}

// groupOfReport wakes the work group a unit's progress report names.
func (r *WorkGroupReconciler) groupOfReport(ctx context.Context, o client.Object) []ctrl.Request {
	ur := o.(*v1alpha1.UnitReport)
	if ur.Spec.Type != v1alpha1.UnitReportProgress || ur.Spec.ResponseRef == nil || ur.Spec.Progress == nil || ur.Spec.Progress.WorkGroup == "" {
		return nil
	}
	// The cache keeps a work group without the labels that repeat its
	// controller and its type (dropWorkGroupLabels): a selector would not
	// find it there.
	groups, err := cachedIn[*v1alpha1.WorkGroup](ctx, nil, r, &v1alpha1.WorkGroupList{}, ur.Spec.ResponseRef.Namespace)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the work groups of a progress report")
		return nil
	}
	var out []ctrl.Request
	for _, wg := range groups {
		if workGroupLabel(wg, v1alpha1.LabelResponse) == ur.Spec.ResponseRef.Name &&
			workGroupLabel(wg, v1alpha1.LabelWorkGroupType) == string(ur.Spec.Progress.WorkGroup) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(wg)})
		}
	}
	return out
}
