package controllers

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
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

// SupportDispatchReconciler follows the office's answers to support
// requests (§5.2): it checks that a dispatch answers an incident that asks
// for support, with registered units, records who sent it, and lists each
// unit ordered to help with its acknowledgement.
type SupportDispatchReconciler struct {
	reconcile.Kit
}

type dispatchScope struct {
	*reconcile.Pass[*v1alpha1.SupportDispatch]
	// refused is why the dispatch answers nothing, if it does not.
	refused reconcile.Cause
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=supportdispatches,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=supportdispatches/status,verbs=get;update;patch

// Reconcile checks the dispatch and reads the units' acknowledgements.
func (r *SupportDispatchReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	d := &v1alpha1.SupportDispatch{}
	if err := r.Get(ctx, req.NamespacedName, d); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &dispatchScope{Pass: reconcile.Begin(r.Kit, d, d.Spec.Drill)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*dispatchScope]{
		r.checkIncident, r.checkUnits, r.readAcknowledgements,
	}, r.ready)
}

// checkIncident: the incident exists, asks for support, and is a drill
// exactly when the dispatch is.
func (r *SupportDispatchReconciler) checkIncident(ctx context.Context, s *dispatchScope) error {
	d := s.Obj
	d.Status.DispatchedBy = d.Annotations[v1alpha1.AnnotationCreatedBy]
	ref := d.Spec.IncidentRef
	inc := &v1alpha1.SecurityIncident{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, inc); err != nil {
		if apierrors.IsNotFound(err) {
			s.refused = reconcile.Cause{Reason: v1alpha1.DispatchUnknownIncidentReason, Message: fmt.Sprintf(
				"spec.incidentRef: there is no incident %s/%s.", ref.Namespace, ref.Name)}
			return nil
		}
		return fmt.Errorf("reading the incident the dispatch answers: %w", err)
	}
	switch {
	case inc.Spec.Drill != d.Spec.Drill:
		s.refused = reconcile.Cause{Reason: v1alpha1.DispatchDrillMismatchReason, Message: fmt.Sprintf(
			"spec.drill: the dispatch says drill=%t and the incident %s/%s drill=%t; a drill's support is a drill's.", d.Spec.Drill, ref.Namespace, ref.Name, inc.Spec.Drill)}
	case inc.Spec.Support == nil || !inc.Spec.Support.Needed:
		s.refused = reconcile.Cause{Reason: v1alpha1.DispatchNoSupportRequestedReason, Message: fmt.Sprintf(
			"spec.incidentRef: the incident %s/%s asks for no technical support (spec.support.needed is not true).", ref.Namespace, ref.Name)}
	}
	return nil
}

// checkUnits: each unit ordered to help is registered in its namespace.
func (r *SupportDispatchReconciler) checkUnits(ctx context.Context, s *dispatchScope) error {
	var missing []string
	for _, u := range s.Obj.Spec.Units {
		err := r.Get(ctx, client.ObjectKey{Namespace: u.Namespace, Name: u.Namespace}, &v1alpha1.ReportingUnit{})
		switch {
		case apierrors.IsNotFound(err):
			missing = append(missing, u.Namespace)
		case err != nil:
			return fmt.Errorf("reading the register of unit %s: %w", u.Namespace, err)
		}
	}
	if len(missing) > 0 && s.refused.Reason == "" {
		s.refused = reconcile.Cause{Reason: v1alpha1.DispatchUnknownUnitReason, Message: fmt.Sprintf(
			"spec.units: no unit is registered in %s; the office orders registered units only.", strings.Join(missing, ", "))}
	}
	return nil
}

// readAcknowledgements lists each unit ordered to help with its first
// acknowledgement of the order, and counts those still owing one.
func (r *SupportDispatchReconciler) readAcknowledgements(ctx context.Context, s *dispatchScope) error {
	d, st := s.Obj, &s.Obj.Status
	acks, err := firstAcknowledgements(ctx, r.Client, v1alpha1.DutyDispatch, d.Namespace, d.Name)
	if err != nil {
		return err
	}
	before := map[string]bool{}
	for _, a := range st.Acknowledgements {
		before[a.Namespace] = a.Report != ""
	}
	st.Acknowledgements, st.Unacknowledged = nil, 0
	for _, u := range d.Spec.Units {
		a := v1alpha1.UnitAcknowledgement{Namespace: u.Namespace}
		if ur := acks[u.Namespace]; ur != nil {
			a.Unit, a.Report, a.Time, a.Duty = ur.Status.Unit, ur.Name, ur.Status.ReceivedTime, dutyOf(ur)
			if !before[u.Namespace] {
				s.Events.Add(reconcile.NormalEvent(v1alpha1.DispatchAcknowledgedEvent, "Acknowledge",
					fmt.Sprintf("Unit %s acknowledged the order to help (%s).", u.Namespace, ur.Name)))
			}
		} else {
			st.Unacknowledged++
		}
		st.Acknowledgements = append(st.Acknowledgements, a)
	}
	switch {
	case len(d.Spec.Units) == 0:
		s.Set(v1alpha1.DispatchAcknowledgedCondition, metav1.ConditionTrue, v1alpha1.DispatchNoUnitsOrderedReason,
			"Only experts were sent; no unit owes an acknowledgement.")
	case st.Unacknowledged == 0:
		s.Set(v1alpha1.DispatchAcknowledgedCondition, metav1.ConditionTrue, v1alpha1.DispatchAllAcknowledgedReason,
			fmt.Sprintf("All %d units ordered to help acknowledged the order.", len(d.Spec.Units)))
	default:
		var owing []string
		for _, a := range st.Acknowledgements {
			if a.Report == "" {
				owing = append(owing, a.Namespace)
			}
		}
		s.Set(v1alpha1.DispatchAcknowledgedCondition, metav1.ConditionFalse, v1alpha1.DispatchAwaitingAcknowledgementReason,
			fmt.Sprintf("Waiting for the acknowledgement of %s (a UnitReport of type Acknowledgement naming this dispatch in spec.dispatchRef).", strings.Join(owing, ", ")))
	}
	return nil
}

// ready: Dispatched once the dispatch answers a support request with
// registered units; the units' acknowledgements are the Acknowledged
// condition's, not Ready's.
func (r *SupportDispatchReconciler) ready(s *dispatchScope) reconcile.Ready {
	ref := s.Obj.Spec.IncidentRef
	return reconcile.Ready{Reason: v1alpha1.DispatchReadyReason, Failed: s.refused,
		Message: fmt.Sprintf("Support sent to incident %s/%s by %s.", ref.Namespace, ref.Name, orUnknown(s.Obj.Status.DispatchedBy))}
}

func orUnknown(who string) string {
	if who == "" {
		return "(unknown)"
	}
	return who
}

// SetupWithManager watches the dispatches, the incidents they answer, the
// registers of the units they order and the units' acknowledgements.
func (r *SupportDispatchReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.SupportDispatch{}, builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.SecurityIncident{}, handler.EnqueueRequestsFromMapFunc(r.dispatchesOfIncident)).
		Watches(&v1alpha1.ReportingUnit{}, handler.EnqueueRequestsFromMapFunc(r.dispatchesOrdering)).
		Watches(&v1alpha1.UnitReport{}, handler.EnqueueRequestsFromMapFunc(unitTarget(v1alpha1.DutyDispatch))).
		WithOptions(opts).
		Named("supportdispatch").
		Complete(r)
}

// dispatchesOfIncident wakes the dispatches answering an incident.
func (r *SupportDispatchReconciler) dispatchesOfIncident(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.SupportDispatchList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexDispatchIncident: o.GetNamespace() + "/" + o.GetName()}, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the dispatches of an incident")
		return nil
	}
	return requestsOf(list.Items)
}

// dispatchesOrdering wakes the dispatches that order the unit whose register
// changed.
func (r *SupportDispatchReconciler) dispatchesOrdering(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.SupportDispatchList{}
	if err := r.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing dispatches")
		return nil
	}
	var out []ctrl.Request
	for i := range list.Items {
		if orders(&list.Items[i], o.GetNamespace()) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return out
}

// orders says whether a dispatch orders the unit of a namespace to help.
func orders(d *v1alpha1.SupportDispatch, namespace string) bool {
	for _, u := range d.Spec.Units {
		if u.Namespace == namespace {
			return true
		}
	}
	return false
}
