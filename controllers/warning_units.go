package controllers

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// maxWarningAcknowledgements is the most units a warning's status lists
// (the CRD's bound).
const maxWarningAcknowledgements = 256

// readAcknowledgements shows, while a red or orange warning is published,
// each registered unit it concerns (those spec.units names, or every one)
// with its acknowledgement and 24-hour duty once received (§4.5.1), and
// counts those that owe one. Nothing is owed once it is lifted, or at a
// colour that asks for no duty.
func (r *WarningReconciler) readAcknowledgements(ctx context.Context, s *warningScope) error {
	w, st := s.Obj, &s.Obj.Status
	st.Acknowledgements, st.Unacknowledged = nil, 0
	if !asksForDutyWarning(w) {
		return nil
	}
	units := &v1alpha1.ReportingUnitList{}
	if err := r.List(ctx, units); err != nil {
		return fmt.Errorf("listing the reporting units: %w", err)
	}
	acks, err := firstAcknowledgements(ctx, r.Client, v1alpha1.DutyWarning, w.Namespace, w.Name)
	if err != nil {
		return err
	}
	slices.SortFunc(units.Items, func(a, b v1alpha1.ReportingUnit) int {
		switch {
		case a.Namespace < b.Namespace:
			return -1
		case a.Namespace > b.Namespace:
			return 1
		}
		return 0
	})
	for i := range units.Items {
		u := &units.Items[i]
		if u.Name != u.Namespace || !concerns(w, u.Namespace) || len(st.Acknowledgements) == maxWarningAcknowledgements {
			continue
		}
		a := v1alpha1.UnitAcknowledgement{Namespace: u.Namespace, Unit: u.Spec.Name}
		if ur := acks[u.Namespace]; ur != nil {
			a.Report, a.Time, a.Duty = ur.Name, ur.Status.ReceivedTime, dutyOf(ur)
		} else {
			st.Unacknowledged++
		}
		st.Acknowledgements = append(st.Acknowledgements, a)
	}
	return nil
}

// warningsOfUnit wakes the red and orange warnings in force that concern a
// unit whose register changed.
func (r *WarningReconciler) warningsOfUnit(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.WarningList{}
	if err := r.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing warnings")
		return nil
	}
	var out []ctrl.Request
	for i := range list.Items {
		w := &list.Items[i]
		if asksForDutyWarning(w) && concerns(w, o.GetNamespace()) {
			out = append(out, ctrl.Request{NamespacedName: types.NamespacedName{Namespace: w.Namespace, Name: w.Name}})
		}
	}
	return out
}
