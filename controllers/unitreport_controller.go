package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/response"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// UnitReportReconciler receives the units' own reports: it stamps when the
// operator first saw each (deadlines count from then), names the unit that
// wrote it, says whether it names something the unit may report on, and
// records the office's decision on a hazard report.
type UnitReportReconciler struct {
	reconcile.Kit
	// Cache, when set, is read directly for the namespace's incidents,
	// without copying them (cachedIn).
	Cache cache.Cache
}

type unitReportScope struct {
	*reconcile.Pass[*v1alpha1.UnitReport]
	// refused is why the report does not count, if it does not.
	refused reconcile.Cause
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=unitreports,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=unitreports/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=reportingunits;emergencyresponses;warnings;securityincidents;supportdispatches,verbs=get;list;watch

// Reconcile receives the report, checks what it names, and reads the
// office's decision on it.
func (r *UnitReportReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ur := &v1alpha1.UnitReport{}
	if err := r.Get(ctx, req.NamespacedName, ur); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &unitReportScope{Pass: reconcile.Begin(r.Kit, ur, ur.Spec.Drill)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*unitReportScope]{
		r.receive, r.checkUnit, r.checkTarget, r.readConsultation,
	}, r.ready)
}

// receive stamps the report with the operator's clock the first time it is
// seen: what a unit types cannot move when it reported.
func (r *UnitReportReconciler) receive(_ context.Context, s *unitReportScope) error {
	st := &s.Obj.Status
	if st.ReceivedTime != nil {
		return nil
	}
	st.ReceivedTime = &metav1.Time{Time: s.Now}
	s.Events.Add(reconcile.NormalEvent(v1alpha1.UnitReportReceivedEvent, "Receive", fmt.Sprintf("%s report received.", s.Obj.Spec.Type)))
	return nil
}

// checkUnit names the registered unit of the report's namespace; a unit's
// name once recorded stays should its register go.
func (r *UnitReportReconciler) checkUnit(ctx context.Context, s *unitReportScope) error {
	u := &v1alpha1.ReportingUnit{}
	err := r.Get(ctx, client.ObjectKey{Namespace: s.Obj.Namespace, Name: s.Obj.Namespace}, u)
	switch {
	case apierrors.IsNotFound(err):
		s.refused = noUnit(s.Obj.Namespace)
		return nil
	case err != nil:
		return fmt.Errorf("reading the namespace's ReportingUnit: %w", err)
	}
	s.Obj.Status.Unit = u.Spec.Name
	return nil
}

// checkTarget says whether the response or warning the report names exists
// and concerns the unit, and whether a summary report came after its
// response ended.
func (r *UnitReportReconciler) checkTarget(ctx context.Context, s *unitReportScope) error {
	if s.refused.Reason != "" {
		return nil
	}
	spec := &s.Obj.Spec
	switch {
	case spec.ResponseRef != nil:
		resp := &v1alpha1.EmergencyResponse{}
		ref := spec.ResponseRef
		if err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, resp); err != nil {
			if apierrors.IsNotFound(err) {
				s.refused = unknownTarget("spec.responseRef", "EmergencyResponse", ref)
				return nil
			}
			return fmt.Errorf("reading the response the report names: %w", err)
		}
		incidents, err := cachedIn[*v1alpha1.SecurityIncident](ctx, r.Cache, r, &v1alpha1.SecurityIncidentList{}, s.Obj.Namespace)
		if err != nil {
			return fmt.Errorf("listing the namespace's incidents: %w", err)
		}
		if !coversUnit(resp, incidents) {
			s.refused = reconcile.Cause{Reason: v1alpha1.UnitReportNotCoveredReason, Message: fmt.Sprintf(
				"spec.responseRef: the response %s/%s covers no incident of namespace %s; a unit reports only on a response over its own incidents.",
				ref.Namespace, ref.Name, s.Obj.Namespace)}
			return nil
		}
		if spec.Type == v1alpha1.UnitReportSummary {
			s.refused = summaryTooEarly(resp, s.Obj.Status.ReceivedTime)
		}
	case spec.WarningRef != nil:
		w := &v1alpha1.Warning{}
		ref := spec.WarningRef
		if err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, w); err != nil {
			if apierrors.IsNotFound(err) {
				s.refused = unknownTarget("spec.warningRef", "Warning", ref)
				return nil
			}
			return fmt.Errorf("reading the warning the report names: %w", err)
		}
		if !concerns(w, s.Obj.Namespace) {
			s.refused = reconcile.Cause{Reason: v1alpha1.UnitReportNotCoveredReason, Message: fmt.Sprintf(
				"spec.warningRef: the warning %s/%s concerns the units of %v, not namespace %s.", ref.Namespace, ref.Name, w.Spec.Units, s.Obj.Namespace)}
		}
	case spec.DispatchRef != nil:
		d := &v1alpha1.SupportDispatch{}
		ref := spec.DispatchRef
		if err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, d); err != nil {
			if apierrors.IsNotFound(err) {
				s.refused = unknownTarget("spec.dispatchRef", "SupportDispatch", ref)
				return nil
			}
			return fmt.Errorf("reading the dispatch the report names: %w", err)
		}
		if !orders(d, s.Obj.Namespace) {
			s.refused = reconcile.Cause{Reason: v1alpha1.UnitReportNotCoveredReason, Message: fmt.Sprintf(
				"spec.dispatchRef: the dispatch %s/%s orders no help from namespace %s.", ref.Namespace, ref.Name, s.Obj.Namespace)}
		}
	}
	return nil
}

// readConsultation records the office's decision on a hazard report, as the
// API server admitted it: both annotations, the decision one of the three.
func (r *UnitReportReconciler) readConsultation(_ context.Context, s *unitReportScope) error {
	ur, st := s.Obj, &s.Obj.Status
	if ur.Spec.Type != v1alpha1.UnitReportHazard {
		st.Consultation, st.ConsultedBy = "", ""
		return nil
	}
	c, by := v1alpha1.Consultation(ur.Annotations[v1alpha1.AnnotationConsultation]), ur.Annotations[v1alpha1.AnnotationConsultedBy]
	switch c {
	case v1alpha1.ConsultationWarning, v1alpha1.ConsultationRiskNotice, v1alpha1.ConsultationNoAction:
	default:
		c = ""
	}
	if c == "" || by == "" {
		st.Consultation, st.ConsultedBy = "", ""
		return nil
	}
	if st.Consultation != c || st.ConsultedBy != by {
		s.Events.Add(reconcile.NormalEvent(v1alpha1.UnitReportConsultedEvent, "Consult", fmt.Sprintf("The office decided %s on the hazard report (%s).", c, by)))
	}
	st.Consultation, st.ConsultedBy = c, by
	return nil
}

// ready: Accepted once the report names what its unit may report on.
func (r *UnitReportReconciler) ready(s *unitReportScope) reconcile.Ready {
	return reconcile.Ready{Reason: v1alpha1.UnitReportAcceptedReason, Message: s.acceptedMessage(), Failed: s.refused}
}

// SetupWithManager watches the reports (spec and the office's annotations),
// the unit registers of their namespaces, and the responses and warnings
// they name.
func (r *UnitReportReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.UnitReport{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.ReportingUnit{}, handler.EnqueueRequestsFromMapFunc(r.reportsOfNamespace)).
		Watches(&v1alpha1.EmergencyResponse{}, handler.EnqueueRequestsFromMapFunc(r.reportsOn(v1alpha1.DutyResponse))).
		Watches(&v1alpha1.Warning{}, handler.EnqueueRequestsFromMapFunc(r.reportsOn(v1alpha1.DutyWarning))).
		Watches(&v1alpha1.SupportDispatch{}, handler.EnqueueRequestsFromMapFunc(r.reportsOn(v1alpha1.DutyDispatch))).
		WithOptions(opts).
		Named("unitreport").
		Complete(r)
}

// reportsOfNamespace wakes the reports of a unit's namespace when its
// register changes.
func (r *UnitReportReconciler) reportsOfNamespace(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.UnitReportList{}
	if err := r.List(ctx, list, client.InNamespace(o.GetNamespace()), client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the reports of a unit")
		return nil
	}
	return requestsOf(list.Items)
}

// reportsOn wakes the reports naming a response or warning that changed.
func (r *UnitReportReconciler) reportsOn(kind v1alpha1.DutyKind) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []ctrl.Request {
		list := &v1alpha1.UnitReportList{}
		if err := r.List(ctx, list, client.MatchingFields{IndexUnitReportTarget: targetKey(kind, o.GetNamespace(), o.GetName())}, client.UnsafeDisableDeepCopy); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "listing the reports on an object")
			return nil
		}
		return requestsOf(list.Items)
	}
}

// requestsOf are the requests of a list's items, for a map function.
func requestsOf[T any, P interface {
	*T
	client.Object
}](items []T) []ctrl.Request {
	out := make([]ctrl.Request, 0, len(items))
	for i := range items {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(P(&items[i]))})
	}
	return out
}

// coversUnit says whether a response covers an incident of the unit (one of
// incidents, all of its namespace) that its reporter has not withdrawn: the
// units a response counts (coveredUnits).
func coversUnit(resp *v1alpha1.EmergencyResponse, incidents []*v1alpha1.SecurityIncident) bool {
	for _, inc := range incidents {
		if !withdrawn(inc) && response.Covers(resp, inc) {
			return true
		}
	}
	return false
}

// concerns says whether a warning concerns the unit of a namespace: it names
// it, or names no unit and so concerns them all.
func concerns(w *v1alpha1.Warning, namespace string) bool {
	if len(w.Spec.Units) == 0 {
		return true
	}
	for _, u := range w.Spec.Units {
		if u == namespace {
			return true
		}
	}
	return false
}
