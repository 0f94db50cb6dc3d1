package controllers

import (
	"cmp"
	"slices"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// maxDuties is the most duties a unit's status lists (the CRD's bound).
const maxDuties = 64

// duties are the red and orange warnings published over the unit, the
// III/IV responses running over its incidents (§4.5.1, §5.3) and the
// office's orders to help another unit until the unit acknowledges them
// (§5.2), drills included, oldest first, each with the unit's first
// acknowledgement of it.
func (s *unitScope) duties() []v1alpha1.UnitDuty {
	ns := s.Obj.Namespace
	var out []v1alpha1.UnitDuty
	for i := range s.warnings {
		w := &s.warnings[i]
		if !asksForDutyWarning(w) || !concerns(w, ns) {
			continue
		}
		out = append(out, v1alpha1.UnitDuty{Kind: v1alpha1.DutyWarning, Namespace: w.Namespace, Name: w.Name, Drill: w.Spec.Drill, Since: w.Status.PublishedTime})
	}
	for i := range s.responses {
		resp := &s.responses[i]
		if !started(resp) || ended(resp) || !asksForDuty(resp.Status.Level) || !coversUnit(resp, s.incidents) {
			continue
		}
		out = append(out, v1alpha1.UnitDuty{Kind: v1alpha1.DutyResponse, Namespace: resp.Namespace, Name: resp.Name, Drill: resp.Spec.Drill, Since: resp.Status.StartedTime})
	}
	acks := s.acknowledgements()
	for i := range s.dispatches {
		d := &s.dispatches[i]
		if !orders(d, ns) || acks[targetKey(v1alpha1.DutyDispatch, d.Namespace, d.Name)] != nil {
			continue
		}
		since := d.CreationTimestamp
		out = append(out, v1alpha1.UnitDuty{Kind: v1alpha1.DutyDispatch, Namespace: d.Namespace, Name: d.Name, Drill: d.Spec.Drill, Since: &since})
	}
	for i := range out {
		if ur := acks[targetKey(out[i].Kind, out[i].Namespace, out[i].Name)]; ur != nil {
			out[i].Acknowledgement, out[i].AcknowledgedTime = ur.Name, ur.Status.ReceivedTime
		}
	}
	slices.SortFunc(out, func(a, b v1alpha1.UnitDuty) int {
		if c := sinceOf(a).Compare(sinceOf(b)); c != 0 {
			return c
		}
		return cmp.Compare(targetKey(a.Kind, a.Namespace, a.Name), targetKey(b.Kind, b.Namespace, b.Name))
	})
	if len(out) > maxDuties {
		out = out[:maxDuties]
	}
	return out
}

// acknowledgements are the unit's first acknowledgement of each warning or
// response, by targetKey, as received.
func (s *unitScope) acknowledgements() map[string]*v1alpha1.UnitReport {
	out := map[string]*v1alpha1.UnitReport{}
	for i := range s.reports {
		ur := &s.reports[i]
		if ur.Spec.Type != v1alpha1.UnitReportAcknowledgement || ur.Status.ReceivedTime == nil {
			continue
		}
		k := unitReportTarget(ur)
		if first := out[k]; first == nil || ur.Status.ReceivedTime.Before(first.Status.ReceivedTime) {
			out[k] = ur
		}
	}
	return out
}

// asksForDutyWarning: a red or orange warning asks the units it concerns
// for 24-hour duty while it is published and not lifted (§4.5.1).
func asksForDutyWarning(w *v1alpha1.Warning) bool {
	st := &w.Status
	return st.Phase == v1alpha1.WarningPublished && st.LiftedTime == nil &&
		(st.PublishedLevel == v1alpha1.WarningRed || st.PublishedLevel == v1alpha1.WarningOrange)
}

// sinceOf is when a duty began; the zero time if it does not say.
func sinceOf(d v1alpha1.UnitDuty) time.Time {
	if d.Since == nil {
		return time.Time{}
	}
	return d.Since.Time
}
