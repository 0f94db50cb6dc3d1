package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

func TestSetIncidentsPending(t *testing.T) {
	cases := map[string]struct {
		spec, inForce         v1alpha1.Level
		missing, unclassified []string
		allWithdrawn          bool
		held                  bool
		message               string
	}{
		"missing":                          {missing: []string{"u/a"}, held: true, message: "Incidents not found: u/a."},
		"unclassified":                     {unclassified: []string{"u/a"}, held: true, message: "Incidents not yet classified: u/a."},
		"unclassified with office's level": {spec: "III", inForce: "III", unclassified: []string{"u/a"}},
		"all below threshold":              {held: true, message: "Every incident is below threshold: set spec.level if the office decides on a response."},
		"all withdrawn": {allWithdrawn: true, held: true,
			message: "Every incident was withdrawn by its reporter: set spec.level if the office still decides on a response."},
		"all withdrawn, the office's level": {spec: "IV", inForce: "IV", allWithdrawn: true},
		"a level in force":                  {inForce: "IV"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := builder.Response("r", "office").Obj()
			resp.Spec.Level, resp.Status.Level = tc.spec, tc.inForce
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), resp, false)}
			if held := s.setIncidentsPending(tc.missing, tc.unclassified, tc.allWithdrawn); held != tc.held {
				t.Fatalf("held back = %v, want %v", held, tc.held)
			}
			c := conditionOf(resp.Status.Conditions, v1alpha1.ResponseApprovedCondition)
			if tc.held && (c.Reason != v1alpha1.ResponseIncidentsPendingReason || c.Message != tc.message) {
				t.Errorf("Approved %s %q, want %s %q", c.Reason, c.Message, v1alpha1.ResponseIncidentsPendingReason, tc.message)
			}
			if !tc.held && c.Type != "" {
				t.Errorf("a response with a level in force got %+v", c)
			}
		})
	}
}

func TestSetApproved(t *testing.T) {
	cases := map[string]struct {
		verdict approval.Verdict
		want    got
	}{
		"passed":  {verdict: approval.Verdict{Passed: true, Reason: "Approved", Message: "Approved by li."}, want: got{Status: "True", Reason: "Approved", Message: "Approved by li."}},
		"waiting": {verdict: approval.Verdict{Reason: v1alpha1.ResponseAwaitingApprovalReason, Message: "Waits."}, want: got{Status: "False", Reason: "AwaitingApproval", Message: "Waits.", Events: []string{"Normal/AwaitingApproval"}}},
		"a decision that does not start it": {verdict: approval.Verdict{Reason: v1alpha1.ResponseApprovalLevelMismatch, Message: "Other level."},
			want: got{Status: "False", Reason: v1alpha1.ResponseApprovalLevelMismatch, Message: "Other level.", Events: []string{"Warning/NotStarted"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), builder.Response("r", "office").Obj(), false)}
			s.setApproved(tc.verdict)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.ResponseApprovedCondition, s.Events)); diff != "" {
				t.Errorf("Approved (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetWorkGroupsReady(t *testing.T) {
	startedAt := metav1.NewTime(setterNow.Add(-time.Minute))
	cases := map[string]struct {
		started               bool
		names, waiting, taken []string
		want                  got
		readyTime             bool
	}{
		"not started": {want: got{Status: "False", Reason: v1alpha1.ResponseNotStartedReason, Message: "Work groups are set up once the response starts."}},
		// The same message whichever are still waited for: the response is
		// not written again as each becomes Ready.
		"waiting for one": {started: true, names: []string{"r-a", "r-b"}, waiting: []string{"r-b"},
			want: got{Status: "False", Reason: v1alpha1.ResponseWorkGroupsPendingReason, Message: "Setting up the work groups r-a, r-b."}},
		"waiting for both": {started: true, names: []string{"r-a", "r-b"}, waiting: []string{"r-a", "r-b"},
			want: got{Status: "False", Reason: v1alpha1.ResponseWorkGroupsPendingReason, Message: "Setting up the work groups r-a, r-b."}},
		"a name taken": {started: true, names: []string{"r-a", "r-b"}, taken: []string{"r-b"},
			want: got{Status: "False", Reason: v1alpha1.ResponseWorkGroupsPendingReason,
				Message: "Setting up the work groups r-a, r-b. The names r-b are taken by objects this response does not own: rename or remove them."}},
		"all ready": {started: true, names: []string{"r-a", "r-b"}, readyTime: true,
			want: got{Status: "True", Reason: v1alpha1.ResponseWorkGroupsReadyReason, Message: "All 2 work groups are set up."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := builder.Response("r", "office").Obj()
			if tc.started {
				resp.Status.StartedTime = &startedAt
			}
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), resp, false)}
			s.setWorkGroupsReady(tc.names, tc.waiting, tc.taken)
			if diff := cmp.Diff(tc.want, outcome(resp.Status.Conditions, v1alpha1.ResponseWorkGroupsReadyCondition, s.Events)); diff != "" {
				t.Errorf("WorkGroupsReady (-want +got):\n%s", diff)
			}
			if (resp.Status.WorkGroupsReadyTime != nil) != tc.readyTime {
				t.Errorf("workGroupsReadyTime = %v", resp.Status.WorkGroupsReadyTime)
			}
		})
	}
}

func TestSetMeasuresComplete(t *testing.T) {
	missing := &metav1.Condition{Type: v1alpha1.ResponseMeasuresCompleteCondition, Status: "False", Reason: v1alpha1.ResponseUserNotificationMissing, Message: "old"}
	msg := "The leak of users' data in u/a requires AffectedUserNotification among spec.measures (§5.5)."
	cases := map[string]struct {
		leaks  []string
		before *metav1.Condition
		want   got
	}{
		"complete": {want: got{Status: "True", Reason: v1alpha1.ResponseMeasuresCompleteReason, Message: "The measures include what the plan requires."}},
		"missing, announced": {leaks: []string{"u/a"},
			want: got{Status: "False", Reason: v1alpha1.ResponseUserNotificationMissing, Message: msg, Events: []string{"Warning/MeasureMissing"}}},
		"still missing: not announced again": {leaks: []string{"u/a"}, before: missing,
			want: got{Status: "False", Reason: v1alpha1.ResponseUserNotificationMissing, Message: msg}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := builder.Response("r", "office").Obj()
			if tc.before != nil {
				resp.Status.Conditions = []metav1.Condition{*tc.before}
			}
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), resp, false)}
			s.setMeasuresComplete(tc.leaks)
			if diff := cmp.Diff(tc.want, outcome(resp.Status.Conditions, v1alpha1.ResponseMeasuresCompleteCondition, s.Events)); diff != "" {
				t.Errorf("MeasuresComplete (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetReportsOnTimeAndCalendarCovered(t *testing.T) {
	s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), builder.Response("r", "office").Obj(), false)}
	s.setReportsOnTime([]v1alpha1.Deadline{{Name: "UnitSummaryReport", DueTime: metav1.NewTime(setterNow)}}, time.UTC)
	if diff := cmp.Diff(got{Status: "False", Reason: v1alpha1.ResponseReportMissedReason, Message: "Missed: UnitSummaryReport (due 2026-03-02T10:00:00Z)."},
		outcome(s.Obj.Status.Conditions, v1alpha1.ResponseDeadlinesMetCondition, s.Events)); diff != "" {
		t.Errorf("DeadlinesMet (-want +got):\n%s", diff)
	}
	cases := map[string]struct {
		problem string
		gaps    []int
		want    got
	}{
		"covered": {want: got{Status: "True", Reason: v1alpha1.ResponseCalendarCoveredReason, Message: `Report deadlines count working days of HolidayCalendar "default".`}},
		"not found": {problem: `HolidayCalendar "default" does not exist`,
			want: got{Status: "False", Reason: v1alpha1.ResponseCalendarNotFoundReason, Message: `HolidayCalendar "default" does not exist: report deadlines count weekends only.`}},
		"years missing": {gaps: []int{2026, 2027},
			want: got{Status: "False", Reason: v1alpha1.ResponseCalendarYearMissingReason,
				Message: `HolidayCalendar "default" lacks 2026, 2027: those days count weekends only. Add the year's official schedule.`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s.setCalendarCovered("default", tc.problem, tc.gaps)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.ResponseCalendarCoveredCondition, reconcile.EventLog{})); diff != "" {
				t.Errorf("CalendarCovered (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetEndedAndDrillOverReal(t *testing.T) {
	cases := map[string]struct {
		reason string
		want   metav1.ConditionStatus
	}{
		"not started":          {reason: v1alpha1.ResponseNotStartedReason, want: metav1.ConditionFalse},
		"active":               {reason: v1alpha1.ResponseActiveReason, want: metav1.ConditionFalse},
		"waiting for the end":  {reason: v1alpha1.ResponseAwaitingEndApprovalReason, want: metav1.ConditionFalse},
		"ended, the only True": {reason: v1alpha1.ResponseEndedReason, want: metav1.ConditionTrue},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), builder.Response("r", "u").Obj(), false)}
			s.setEnded(tc.reason, "Said.")
			if diff := cmp.Diff(got{Status: tc.want, Reason: tc.reason, Message: "Said."}, outcome(s.Obj.Status.Conditions, v1alpha1.ResponseEndedCondition, s.Events)); diff != "" {
				t.Errorf("Ended (-want +got):\n%s", diff)
			}
		})
	}
	s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), builder.Response("r", "u").Obj(), true)}
	s.setDrillOverReal("u/real")
	want := got{Status: "False", Reason: v1alpha1.ResponseDrillMismatchReason, Message: "This drill response covers the real incident u/real; a drill approval cannot start it."}
	if diff := cmp.Diff(want, outcome(s.Obj.Status.Conditions, v1alpha1.ResponseApprovedCondition, s.Events)); diff != "" {
		t.Errorf("Approved of a drill over a real incident (-want +got):\n%s", diff)
	}
}
