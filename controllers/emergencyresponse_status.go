package controllers

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of an EmergencyResponse: one setter per condition type.

// setIncidentsPending holds the response back while its incidents do not
// give it a level: some are missing, unclassified (when the office set no
// level), all withdrawn, or all below threshold. It reports whether it held
// it back.
func (s *responseScope) setIncidentsPending(missing, unclassified []string, allWithdrawn bool) bool {
	resp := s.Obj
	var msg string
	switch {
	case len(missing) > 0:
		msg = "Incidents not found: " + strings.Join(missing, ", ") + "."
	case resp.Spec.Level == "" && len(unclassified) > 0:
		msg = "Incidents not yet classified: " + strings.Join(unclassified, ", ") + "."
	case resp.Status.Level == "" && allWithdrawn:
		msg = "Every incident was withdrawn by its reporter: set spec.level if the office still decides on a response."
	case resp.Status.Level == "":
		msg = "Every incident is below threshold: set spec.level if the office decides on a response."
	default:
		return false
	}
	s.Set(v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentsPendingReason, msg)
	return true
}

// setApproved records the start gate's verdict. A gate that stays shut is
// announced when its reason or message changes: waiting as a Normal event, a
// decision that does not start the response as a Warning.
func (s *responseScope) setApproved(v approval.Verdict) {
	if v.Passed {
		s.Set(v1alpha1.ResponseApprovedCondition, metav1.ConditionTrue, v.Reason, v.Message)
		return
	}
	e := reconcile.WarningEvent(v1alpha1.ResponseNotStartedEvent, "Gate", v.Message)
	if v.Reason == v1alpha1.ResponseAwaitingApprovalReason {
		e = reconcile.NormalEvent(v1alpha1.ResponseAwaitingApprovalEvent, "Gate", v.Message)
	}
	s.Announce(v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v.Reason, v.Message, e)
}

// setWorkGroupsReady says whether the work groups are set up. While they are
// not, the message names them all and the names taken by objects the
// response does not own, not how many are ready so far: it stays the same
// as they become Ready one by one, so that the response is written once at
// its start and once when all are ready, not once for each.
func (s *responseScope) setWorkGroupsReady(names, waiting, taken []string) {
	resp := s.Obj
	if !started(resp) {
		s.Set(v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionFalse, v1alpha1.ResponseNotStartedReason,
			"Work groups are set up once the response starts.")
		return
	}
	if len(waiting) > 0 || len(taken) > 0 {
		msg := fmt.Sprintf("Setting up the work groups %s.", strings.Join(names, ", "))
		if len(taken) > 0 {
			msg += fmt.Sprintf(" The names %s are taken by objects this response does not own: rename or remove them.", strings.Join(taken, ", "))
		}
		s.Set(v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionFalse, v1alpha1.ResponseWorkGroupsPendingReason, msg)
		return
	}
	if resp.Status.WorkGroupsReadyTime == nil {
		resp.Status.WorkGroupsReadyTime = &metav1.Time{Time: s.Now}
		took := s.Now.Sub(resp.Status.StartedTime.Time).Seconds()
		s.Events.Then(func() { workGroupsReadySeconds.Observe(max(took, 0)) })
	}
	if len(names) == 0 && commandedByMinistry(resp.Status.Level) {
		s.Set(v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionTrue, v1alpha1.ResponseCommandedByMinistryReason,
			fmt.Sprintf("A level %s response runs under the command of %s (§5.3): the office works under it and sets up no work groups of its own; name some in spec.workGroups to set them up.",
				resp.Status.Level, map[v1alpha1.Level]string{v1alpha1.LevelI: "the ministry's leading group", v1alpha1.LevelII: "the ministry's emergency office"}[resp.Status.Level]))
		return
	}
	s.Set(v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionTrue, v1alpha1.ResponseWorkGroupsReadyReason,
		fmt.Sprintf("All %d work groups are set up.", len(names)))
}

// setMeasuresComplete applies §5.5: leaks names the incidents whose leak of
// users' data needs AffectedUserNotification among the measures.
func (s *responseScope) setMeasuresComplete(leaks []string) {
	if len(leaks) == 0 {
		s.Set(v1alpha1.ResponseMeasuresCompleteCondition, metav1.ConditionTrue, v1alpha1.ResponseMeasuresCompleteReason,
			"The measures include what the plan requires.")
		return
	}
	msg := fmt.Sprintf("The leak of users' data in %s requires AffectedUserNotification among spec.measures (§5.5).", strings.Join(leaks, ", "))
	wasFalse := s.Condition(v1alpha1.ResponseMeasuresCompleteCondition) != nil &&
		s.Condition(v1alpha1.ResponseMeasuresCompleteCondition).Status == metav1.ConditionFalse
	s.Set(v1alpha1.ResponseMeasuresCompleteCondition, metav1.ConditionFalse, v1alpha1.ResponseUserNotificationMissing, msg)
	if !wasFalse {
		s.Events.Add(reconcile.WarningEvent(v1alpha1.ResponseMeasureMissingEvent, "CheckMeasures", msg))
	}
}

// setReportsOnTime lists the summary reports whose deadline passed.
func (s *responseScope) setReportsOnTime(missed []v1alpha1.Deadline, loc *time.Location) {
	setDeadlinesMet(s.Pass, v1alpha1.ResponseDeadlinesMetCondition, missed, loc,
		v1alpha1.ResponseReportsOnTimeReason, "No report deadline has been missed.", v1alpha1.ResponseReportMissedReason)
}

// setCalendarCovered says whether the report deadlines were counted in an
// official schedule: problem is why the calendar could not be used, gaps
// the years it lacks.
func (s *responseScope) setCalendarCovered(calendar, problem string, gaps []int) {
	switch {
	case problem != "":
		s.Set(v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionFalse, v1alpha1.ResponseCalendarNotFoundReason,
			problem+": report deadlines count weekends only.")
	case len(gaps) > 0:
		s.Set(v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionFalse, v1alpha1.ResponseCalendarYearMissingReason,
			fmt.Sprintf("HolidayCalendar %q lacks %s: those days count weekends only. Add the year's official schedule.", calendar, yearsOf(gaps)))
	default:
		s.Set(v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionTrue, v1alpha1.ResponseCalendarCoveredReason,
			fmt.Sprintf("Report deadlines count working days of HolidayCalendar %q.", calendar))
	}
}

// setLevelCovered says whether the decision still covers every incident's
// level, and announces an escalation: a response at level to is owed.
func (s *responseScope) setLevelCovered(to v1alpha1.Level, owed bool) {
	approved := s.Obj.Status.Approval.Level
	if by := s.Obj.Status.SupersededBy; by != "" {
		s.Set(v1alpha1.ResponseLevelCoveredCondition, metav1.ConditionTrue, v1alpha1.ResponseSupersededReason,
			fmt.Sprintf("Response %s covers the incidents at their level now.", by))
		return
	}
	if !owed {
		s.Set(v1alpha1.ResponseLevelCoveredCondition, metav1.ConditionTrue, v1alpha1.ResponseLevelCoveredReason,
			fmt.Sprintf("The level %s decision covers every incident's level.", approved))
		return
	}
	msg := fmt.Sprintf("An incident rose to level %s, above the level %s this response was started for: a level %s response is owed (§5.3); open one over the same incidents.", to, approved, to)
	s.Announce(v1alpha1.ResponseLevelCoveredCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentEscalatedReason, msg,
		reconcile.WarningEvent(v1alpha1.ResponseEscalatedEvent, "CheckEscalation", msg))
}

// setSuperseded records the response at a higher level that took over.
func (s *responseScope) setSuperseded() {
	by := s.Obj.Status.SupersededBy
	if by == "" {
		s.Set(v1alpha1.ResponseSupersededCondition, metav1.ConditionFalse, v1alpha1.ResponseNotSupersededReason, "No response at a higher level took over.")
		return
	}
	msg := fmt.Sprintf("Response %s, at a higher level, took over the same incidents.", by)
	s.Announce(v1alpha1.ResponseSupersededCondition, metav1.ConditionTrue, v1alpha1.ResponseSupersededReason, msg,
		reconcile.NormalEvent(v1alpha1.ResponseSupersededEvent, "CheckEscalation", msg))
}

// setAnotherCommands says that the response does not start, though
// approved: other already commands one of its incidents at its level or
// above (§5.3).
func (s *responseScope) setAnotherCommands(other string) {
	s.Set(v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseAnotherCommandsReason,
		fmt.Sprintf("Response %s already commands the same incidents at this level or above: one command per incident (§5.3). End it, or open a response at a higher level to take over.", other))
}

// setDrillOverReal says that a drill approval cannot start this drill
// response, which covers the real incident real.
func (s *responseScope) setDrillOverReal(real string) {
	s.Set(v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseDrillMismatchReason,
		fmt.Sprintf("This drill response covers the real incident %s; a drill approval cannot start it.", real))
}

// setEnded says where the response's end stands: not started, active,
// waiting for the end's approval, or ended (the only True).
func (s *responseScope) setEnded(reason, message string) {
	status := metav1.ConditionFalse
	if reason == v1alpha1.ResponseEndedReason {
		status = metav1.ConditionTrue
	}
	s.Set(v1alpha1.ResponseEndedCondition, status, reason, message)
}

// setIncidentsCounted names the incidents left out because their reporter
// withdrew them, with why; it is absent while none is.
func (s *responseScope) setIncidentsCounted(incidents []v1alpha1.SecurityIncident) {
	var out []string
	for i := range incidents {
		inc := &incidents[i]
		if w := inc.Spec.Withdrawal; w != nil {
			out = append(out, fmt.Sprintf("%s/%s (%s)", inc.Namespace, inc.Name, strings.TrimSuffix(withdrawalWords(w, ""), ".")))
		}
	}
	if len(out) == 0 {
		s.Remove(v1alpha1.ResponseIncidentsCountedCondition)
		return
	}
	s.Set(v1alpha1.ResponseIncidentsCountedCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentsWithdrawnReason,
		"Withdrawn by their reporter and not counted for the level, the escalation or the measures: "+strings.Join(out, "; ")+".")
}
