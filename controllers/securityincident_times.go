package controllers

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/report"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// checkTimes keeps the reported times as last seen (so that the next
// correction names what a time was), the times the deadlines count from
// (the earliest on record), and flags a time in the future at once.
func (r *SecurityIncidentReconciler) checkTimes(_ context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	counted := report.CountedFrom(&inc.Spec, inc.Annotations, st.CountedFrom)
	st.CountedFrom = &counted
	st.Reported = &v1alpha1.ReportedTimes{OccurredAt: inc.Spec.OccurredAt, DiscoveredAt: inc.Spec.DiscoveredAt}
	// Now is the operator's clock, or the API server's time of the report
	// if that is later: a report cannot tell of a time after it was made.
	now := s.Now
	if inc.CreationTimestamp.After(now) {
		now = inc.CreationTimestamp.Time
	}
	future := report.InFuture(&inc.Spec, now, v1alpha1.FutureSkew)
	for _, f := range future {
		// The time comes: look again then.
		s.WakeAt(f.At.Add(-v1alpha1.FutureSkew))
	}
	s.setReportedTimesValid(future, r.Plan.TimeZone)
	return nil
}

// withdraw records who withdrew the incident and when the operator saw it,
// once.
func (r *SecurityIncidentReconciler) withdraw(_ context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	w := inc.Spec.Withdrawal
	if w == nil {
		s.setWithdrawn(nil)
		return nil
	}
	if st.Withdrawal == nil {
		st.Withdrawal = &v1alpha1.WithdrawalRecord{By: inc.Annotations[v1alpha1.AnnotationLastWrittenBy], Time: metav1.NewTime(s.Now)}
		s.Events.Add(reconcile.NormalEvent(v1alpha1.IncidentWithdrawnEvent, "Withdraw", withdrawalWords(w, st.Withdrawal.By)+
			" Its deadlines are no longer tracked and no response counts it; it stays on record."))
	}
	s.setWithdrawn(w)
	return nil
}

// countedFrom is what the deadlines count from: as checkTimes recorded it
// in this pass, else the earliest on record.
func countedFrom(inc *v1alpha1.SecurityIncident) v1alpha1.ReportedTimes {
	if c := inc.Status.CountedFrom; c != nil {
		return *c
	}
	return report.CountedFrom(&inc.Spec, inc.Annotations, nil)
}

// withdrawn says whether the reporter withdrew the incident.
func withdrawn(inc *v1alpha1.SecurityIncident) bool { return inc.Spec.Withdrawal != nil }

// withdrawalWords says who withdrew an incident and why, in a sentence.
func withdrawalWords(w *v1alpha1.Withdrawal, by string) string {
	who := ""
	if by != "" {
		who = " by " + by
	}
	var why string
	switch w.Reason {
	case v1alpha1.WithdrawalDuplicate:
		why = "as a duplicate of " + w.DuplicateOf
	case v1alpha1.WithdrawalFalseAlarm:
		why = "as a false alarm"
	default:
		why = "for another reason"
	}
	msg := fmt.Sprintf("Withdrawn%s %s.", who, why)
	if w.Note != "" {
		msg += " Note: " + w.Note
	}
	return msg
}
