package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/text"
)

// maxSupportAnswers is the most dispatches an incident's status lists (the
// CRD's bound).
const maxSupportAnswers = 16

// readSupport lists the office's answers to the incident's request for
// technical support (§5.2), oldest first, and says while support is asked
// for whether it was answered.
func (r *SecurityIncidentReconciler) readSupport(ctx context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	list := &v1alpha1.SupportDispatchList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexDispatchIncident: inc.Namespace + "/" + inc.Name}); err != nil {
		return fmt.Errorf("listing the support dispatches: %w", err)
	}
	slices.SortFunc(list.Items, func(a, b v1alpha1.SupportDispatch) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	st.Support = nil
	for i := range list.Items {
		d := &list.Items[i]
		if d.Spec.Drill != inc.Spec.Drill || len(st.Support) == maxSupportAnswers {
			continue
		}
		at := d.CreationTimestamp
		st.Support = append(st.Support, v1alpha1.SupportAnswer{Namespace: d.Namespace, Name: d.Name,
			DispatchedBy: d.Annotations[v1alpha1.AnnotationCreatedBy], Time: &at, Kinds: d.Spec.Kinds,
			Experts: int32(len(d.Spec.Experts)), Units: int32(len(d.Spec.Units)), Unacknowledged: unacknowledgedOf(d)})
	}
	if inc.Spec.Support == nil || !inc.Spec.Support.Needed {
		s.Remove(v1alpha1.IncidentSupportAnsweredCondition)
		return nil
	}
	if len(st.Support) == 0 {
		s.Set(v1alpha1.IncidentSupportAnsweredCondition, metav1.ConditionFalse, v1alpha1.IncidentSupportAwaitedReason,
			fmt.Sprintf("The unit asks for technical support (%s); the office has sent none yet (a SupportDispatch naming this incident).", text.Join(inc.Spec.Support.Kinds, ", ")))
		return nil
	}
	last := st.Support[len(st.Support)-1]
	s.Set(v1alpha1.IncidentSupportAnsweredCondition, metav1.ConditionTrue, v1alpha1.IncidentSupportAnsweredReason,
		fmt.Sprintf("The office sent support (%s) by %s in %s/%s: %d experts, %d units ordered to help, %d not yet acknowledged.",
			text.Join(last.Kinds, ", "), orUnknown(last.DispatchedBy), last.Namespace, last.Name, last.Experts, last.Units, last.Unacknowledged))
	return nil
}

// unacknowledgedOf counts the units a dispatch orders that have not yet
// acknowledged, as its status says, or all of them before it says.
func unacknowledgedOf(d *v1alpha1.SupportDispatch) int32 {
	if d.Status.ObservedGeneration == 0 {
		return int32(len(d.Spec.Units))
	}
	return d.Status.Unacknowledged
}

// incidentOfDispatch wakes the incident a dispatch answers.
func incidentOfDispatch(_ context.Context, o client.Object) []ctrl.Request {
	ref := o.(*v1alpha1.SupportDispatch).Spec.IncidentRef
	return []ctrl.Request{{NamespacedName: client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}}}
}
