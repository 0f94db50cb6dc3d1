package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/unit"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// ReportingUnitReconciler keeps a unit's register: whether its plan is
// filed and accepted (§9.1), whether a drill counted this year (§7.2), the
// duties in force over it and its acknowledgements (§4.5.1, §5.3), and its
// yearly record, which only grows.
type ReportingUnitReconciler struct {
	reconcile.Kit
	Plan PlanConfig
	// Cache, when set, is read directly for the unit's incidents, without
	// copying them (cachedIn).
	Cache cache.Cache
}

type unitScope struct {
	*reconcile.Pass[*v1alpha1.ReportingUnit]
	// incidents of the unit's namespace, drills and withdrawn ones included.
	incidents []*v1alpha1.SecurityIncident
	// reports the unit wrote, in its namespace.
	reports []v1alpha1.UnitReport
	// responses that refer to an incident of the namespace.
	responses []v1alpha1.EmergencyResponse
	// warnings of every namespace.
	warnings []v1alpha1.Warning
	// dispatches of every namespace.
	dispatches []v1alpha1.SupportDispatch
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=reportingunits,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=reportingunits/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=securityincidents;emergencyresponses;warnings;unitreports;supportdispatches,verbs=get;list;watch

// Reconcile reads what the unit's namespace holds and what concerns it,
// then sets its plan, drill and duty, and its record.
func (r *ReportingUnitReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	u := &v1alpha1.ReportingUnit{}
	if err := r.Get(ctx, req.NamespacedName, u); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &unitScope{Pass: reconcile.Begin(r.Kit, u, false)}
	if u.Name != u.Namespace {
		return reconcile.Run(ctx, r.Kit, s.Pass, s, nil, misnamed)
	}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*unitScope]{
		r.read, r.checkPlan, r.keepRecord, r.checkDrill, r.trackDuties,
	}, r.ready)
}

// read lists what the unit's status is made of, from the cache: the cache's
// own objects, read and never changed, so that a storm of incidents in one
// namespace does not copy all of them on every pass.
func (r *ReportingUnitReconciler) read(ctx context.Context, s *unitScope) error {
	ns := s.Obj.Namespace
	incidents, err := cachedIn[*v1alpha1.SecurityIncident](ctx, r.Cache, r, &v1alpha1.SecurityIncidentList{}, ns)
	if err != nil {
		return fmt.Errorf("listing the unit's incidents: %w", err)
	}
	reports := &v1alpha1.UnitReportList{}
	if err := r.List(ctx, reports, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing the unit's reports: %w", err)
	}
	responses := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, responses, client.MatchingFields{IndexIncidentNamespaces: ns}, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing the responses over the unit's incidents: %w", err)
	}
	warnings := &v1alpha1.WarningList{}
	if err := r.List(ctx, warnings, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing warnings: %w", err)
	}
	dispatches := &v1alpha1.SupportDispatchList{}
	if err := r.List(ctx, dispatches, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing support dispatches: %w", err)
	}
	s.incidents, s.reports, s.responses, s.warnings = incidents, reports.Items, responses.Items, warnings.Items
	s.dispatches = dispatches.Items
	return nil
}

// checkPlan sets PlanFiled from the plan the unit filed and the version the
// office accepted.
func (r *ReportingUnitReconciler) checkPlan(_ context.Context, s *unitScope) error {
	s.setPlanFiled()
	return nil
}

// keepRecord computes the unit's yearly record from what is on the cluster
// now and merges it into the record kept: no count goes down.
func (r *ReportingUnitReconciler) keepRecord(_ context.Context, s *unitScope) error {
	st := &s.Obj.Status
	computed, counted := s.yearRecords(r.Plan.TimeZone)
	st.Records = unit.Keep(st.Records, computed)
	for _, d := range counted {
		s.Events.Add(reconcile.NormalEvent(v1alpha1.UnitDrillCountedEvent, "KeepRecord", drillWords(d, r.Plan.TimeZone)))
	}
	return nil
}

// checkDrill sets DrillHeldThisYear, and comes back at the local new year,
// when a new year's drill falls due.
func (r *ReportingUnitReconciler) checkDrill(_ context.Context, s *unitScope) error {
	s.setDrillHeld(r.Plan.TimeZone)
	s.WakeAt(unit.NewYear(s.Now, r.Plan.TimeZone))
	return nil
}

// trackDuties lists the red and orange warnings and the III/IV responses in
// force over the unit with its acknowledgements, and sets DutyReachable.
func (r *ReportingUnitReconciler) trackDuties(_ context.Context, s *unitScope) error {
	st := &s.Obj.Status
	st.Duties = s.duties()
	st.Unacknowledged = 0
	for _, d := range st.Duties {
		if d.Acknowledgement == "" {
			st.Unacknowledged++
		}
	}
	s.setDutyReachable()
	return nil
}

// ready: the plan filed, this year's drill held, the duty reachable. A
// unit's drills count as its real handling does.
func (r *ReportingUnitReconciler) ready(s *unitScope) reconcile.Ready {
	return reconcile.Ready{
		Inputs: []string{v1alpha1.UnitPlanFiledCondition, v1alpha1.UnitDrillHeldCondition, v1alpha1.UnitDutyReachableCondition},
		Reason: v1alpha1.UnitReadyReason, Message: "The plan is filed, this year's drill is held and the duty is reachable.",
	}
}

// misnamed: a register not named as its namespace is no unit's.
func misnamed(s *unitScope) reconcile.Ready {
	return reconcile.Ready{Failed: reconcile.Cause{Reason: v1alpha1.UnitMisnamedReason, Message: fmt.Sprintf(
		"metadata.name: a unit's register is named as its namespace, %s; this one keeps no record.", s.Obj.Namespace)}}
}

// SetupWithManager watches the registers (spec and the office's
// annotations), and what their status is made of: the incidents and the
// reports of a unit's namespace, the warnings that concern it, the
// responses over its incidents.
func (r *ReportingUnitReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ReportingUnit{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.SecurityIncident{}, coalesced(unitOfNamespace, unitRecordWindow)).
		Watches(&v1alpha1.UnitReport{}, coalesced(unitOfNamespace, unitRecordWindow)).
		Watches(&v1alpha1.Warning{}, handler.EnqueueRequestsFromMapFunc(r.unitsOfWarning)).
		Watches(&v1alpha1.EmergencyResponse{}, handler.EnqueueRequestsFromMapFunc(unitsOfResponse)).
		Watches(&v1alpha1.SupportDispatch{}, handler.EnqueueRequestsFromMapFunc(unitsOfDispatch)).
		WithOptions(opts).
		Named("reportingunit").
		Complete(r)
}

// unitOfNamespace wakes the register of the object's namespace.
func unitOfNamespace(_ context.Context, o client.Object) []ctrl.Request {
	return []ctrl.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: o.GetNamespace()}}}
}

// unitsOfDispatch wakes the registers of the units a dispatch orders.
func unitsOfDispatch(_ context.Context, o client.Object) []ctrl.Request {
	var out []ctrl.Request
	for _, u := range o.(*v1alpha1.SupportDispatch).Spec.Units {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: u.Namespace, Name: u.Namespace}})
	}
	return out
}

// unitsOfResponse wakes the registers of the namespaces of a response's
// incidents.
func unitsOfResponse(_ context.Context, o client.Object) []ctrl.Request {
	var out []ctrl.Request
	for _, ns := range incidentNamespaces(o.(*v1alpha1.EmergencyResponse)) {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: ns}})
	}
	return out
}

// unitsOfWarning wakes the registers a warning concerns: those it names,
// or every one.
func (r *ReportingUnitReconciler) unitsOfWarning(ctx context.Context, o client.Object) []ctrl.Request {
	return concernedUnits(ctx, r.Client, o.(*v1alpha1.Warning))
}

// concernedUnits are the registers a warning concerns: those it names, or
// every one when it names none.
func concernedUnits(ctx context.Context, c client.Reader, w *v1alpha1.Warning) []ctrl.Request {
	var out []ctrl.Request
	if len(w.Spec.Units) > 0 {
		for _, ns := range w.Spec.Units {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: ns}})
		}
		return out
	}
	list := &v1alpha1.ReportingUnitList{}
	if err := c.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the reporting units")
		return nil
	}
	for i := range list.Items {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
	}
	return out
}
