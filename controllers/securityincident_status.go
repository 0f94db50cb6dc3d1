package controllers

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/level"
	"github.com/netsec-io/incident-operator/internal/plan/report"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/internal/text"
)

// The status of a SecurityIncident: one setter per condition type, each
// taking what the step found and writing the condition a duty officer reads.

// recordLevelChange appends a change of level to the history (the latest
// MaxLevelHistory kept) and announces a change of an existing level. The
// first classification is no event: it is routine for every incident, and
// the history, the Classified condition and the report to the office say
// why the level was set.
func (s *incidentScope) recordLevelChange(got level.Result) {
	inc, st := s.Obj, &s.Obj.Status
	cause := "no criterion of §3 is reached"
	if len(got.Reasons) > 0 {
		cause = strings.Join(got.Reasons, "; ")
	}
	st.LevelHistory = append(st.LevelHistory, v1alpha1.LevelChange{
		Time: metav1.NewTime(s.Now), From: st.Level, To: got.Level,
		Generation: inc.Generation, Cause: text.Truncate(cause, v1alpha1.MaxLevelCause),
	})
	if n := len(st.LevelHistory); n > v1alpha1.MaxLevelHistory {
		st.LevelHistory = st.LevelHistory[n-v1alpha1.MaxLevelHistory:]
	}
	switch {
	case st.Level == "":
		took := s.Now.Sub(inc.CreationTimestamp.Time).Seconds()
		s.Events.Then(func() { classificationSeconds.Observe(max(took, 0)) })
	case level.Rank(got.Level) > level.Rank(st.Level):
		s.Events.Add(reconcile.NormalEvent(v1alpha1.IncidentLevelRaisedEvent, "Classify",
			fmt.Sprintf("Level raised from %s to %s: %s", levelWords(st.Level), levelWords(got.Level), cause)))
	default:
		s.Events.Add(reconcile.WarningEvent(v1alpha1.IncidentLevelLoweredEvent, "Classify",
			fmt.Sprintf("Level lowered from %s to %s after the facts were corrected: %s", levelWords(st.Level), levelWords(got.Level), cause)))
	}
}

// setClassified says which criteria gave the level, or which fell short.
func (s *incidentScope) setClassified(got level.Result) {
	if got.Level == v1alpha1.BelowThreshold {
		msg := "No criterion of §3 is reached"
		if len(got.Below) > 0 {
			msg += ": " + strings.Join(got.Below, "; ")
		}
		s.Set(v1alpha1.IncidentClassifiedCondition, metav1.ConditionTrue, v1alpha1.IncidentBelowThresholdReason, msg+".")
		return
	}
	s.Set(v1alpha1.IncidentClassifiedCondition, metav1.ConditionTrue, v1alpha1.IncidentLevelComputedReason,
		strings.Join(got.Reasons, "; ")+".")
}

// setSuggestionMatched compares the reporter's suggested level with the
// computed one, and announces a difference.
func (s *incidentScope) setSuggestionMatched(suggested v1alpha1.Level, got v1alpha1.IncidentLevel) {
	switch {
	case suggested == "":
		s.Set(v1alpha1.IncidentSuggestionMatchedCondition, metav1.ConditionTrue, v1alpha1.IncidentSuggestionMatchesReason,
			"No level was suggested.")
	case v1alpha1.IncidentLevel(suggested) == got:
		s.Set(v1alpha1.IncidentSuggestionMatchedCondition, metav1.ConditionTrue, v1alpha1.IncidentSuggestionMatchesReason,
			fmt.Sprintf("The reporter suggested level %s, as the criteria give.", suggested))
	default:
		msg := fmt.Sprintf("The reporter suggested level %s; the criteria of §3 give %s.", suggested, levelWords(got))
		s.Announce(v1alpha1.IncidentSuggestionMatchedCondition, metav1.ConditionFalse, v1alpha1.IncidentSuggestionDiffersReason, msg,
			reconcile.WarningEvent(v1alpha1.IncidentSuggestionDiffersEvent, "Classify", msg))
	}
}

// setFormComplete says which boxes of the annex form are empty, and for a
// quick notice whether the full form is still owed (due) or overdue. It
// announces the form coming in after it was found incomplete.
func (s *incidentScope) setFormComplete(missing []string, due *time.Time) {
	if len(missing) == 0 {
		wasIncomplete := s.Condition(v1alpha1.IncidentFormCompleteCondition) != nil &&
			s.Condition(v1alpha1.IncidentFormCompleteCondition).Status == metav1.ConditionFalse
		s.Set(v1alpha1.IncidentFormCompleteCondition, metav1.ConditionTrue, v1alpha1.IncidentFormCompleteReason,
			"Every box of the report form is filled in.")
		if wasIncomplete {
			s.Events.Add(reconcile.NormalEvent(v1alpha1.IncidentFormCompletedEvent, "CheckForm", "The full report form is in."))
		}
		return
	}
	list := strings.Join(missing, ", ")
	reason, msg := v1alpha1.IncidentFormIncompleteReason, "The report form lacks "+list+"."
	if due != nil {
		reason, msg = v1alpha1.IncidentFormPendingReason, fmt.Sprintf("The full form is owed by %s and still lacks %s.", due.Format(time.RFC3339), list)
		if !s.Now.Before(*due) {
			reason, msg = v1alpha1.IncidentFormOverdueReason, fmt.Sprintf("The full form was due by %s and still lacks %s.", due.Format(time.RFC3339), list)
		}
	}
	s.Set(v1alpha1.IncidentFormCompleteCondition, metav1.ConditionFalse, reason, msg)
}

// setDeadlinesMet lists the missed reporting deadlines.
func (s *incidentScope) setDeadlinesMet(missed []v1alpha1.Deadline, loc *time.Location) {
	setDeadlinesMet(s.Pass, v1alpha1.IncidentDeadlinesMetCondition, missed, loc,
		v1alpha1.IncidentDeadlinesOnTimeReason, "No deadline has been missed.", v1alpha1.IncidentDeadlineMissedReason)
}

// missedList names missed deadlines with their due times.
func missedList(missed []v1alpha1.Deadline, loc *time.Location) string {
	parts := make([]string, len(missed))
	for i, d := range missed {
		parts[i] = fmt.Sprintf("%s (due %s)", d.Name, d.DueTime.In(loc).Format(time.RFC3339))
	}
	return strings.Join(parts, ", ")
}

// setResponseLevelCovered says whether a response at the incident's level
// is owed because the running one was approved below it (§5.3).
func (s *incidentScope) setResponseLevelCovered(below *v1alpha1.CoveringResponse) {
	if below == nil {
		s.Set(v1alpha1.IncidentResponseLevelCoveredCondition, metav1.ConditionTrue, v1alpha1.IncidentResponseCoversReason,
			"No running response is below the incident's level.")
		return
	}
	msg := fmt.Sprintf("A %s response is owed: %s/%s runs at level %s.", levelWords(s.Obj.Status.Level), below.Namespace, below.Name, below.Level)
	s.Announce(v1alpha1.IncidentResponseLevelCoveredCondition, metav1.ConditionFalse, v1alpha1.IncidentResponseOwedReason, msg,
		reconcile.WarningEvent(v1alpha1.IncidentResponseOwedEvent, "LinkResponse", msg))
}

// setReportedTimesValid flags the reported times later than the operator's
// clock, naming each field, and announces it with a Warning.
func (s *incidentScope) setReportedTimesValid(future []report.TimeInFuture, loc *time.Location) {
	if len(future) == 0 {
		s.Set(v1alpha1.IncidentReportedTimesValidCondition, metav1.ConditionTrue, v1alpha1.IncidentTimesInPastReason,
			"The reported times are not in the future.")
		return
	}
	parts := make([]string, len(future))
	for i, f := range future {
		parts[i] = fmt.Sprintf("%s (%s)", f.Field, f.At.In(loc).Format(time.RFC3339))
	}
	msg := fmt.Sprintf("%s is later than now (%s): a time not yet come cannot have been reported; correct it.",
		strings.Join(parts, " and "), s.Now.In(loc).Format(time.RFC3339))
	s.Announce(v1alpha1.IncidentReportedTimesValidCondition, metav1.ConditionFalse, v1alpha1.IncidentTimeInFutureReason, msg,
		reconcile.WarningEvent(v1alpha1.IncidentTimeInFutureEvent, "CheckTimes", msg))
}

// setWithdrawn says whether the reporter withdrew the incident; the
// reason is the withdrawal's.
func (s *incidentScope) setWithdrawn(w *v1alpha1.Withdrawal) {
	if w == nil {
		s.Set(v1alpha1.IncidentWithdrawnCondition, metav1.ConditionFalse, v1alpha1.IncidentNotWithdrawnReason, "The incident stands.")
		return
	}
	by := ""
	if rec := s.Obj.Status.Withdrawal; rec != nil {
		by = rec.By
	}
	s.Set(v1alpha1.IncidentWithdrawnCondition, metav1.ConditionTrue, string(w.Reason), withdrawalWords(w, by))
}
