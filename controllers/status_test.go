package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/level"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The condition setters of every kind, without a cluster: what each writes
// for what a step found, and which events it announces.

var setterNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// got is what a setter left: the condition it wrote and the event reasons.
type got struct {
	Status  metav1.ConditionStatus
	Reason  string
	Message string
	Events  []string
}

func outcome(conds []metav1.Condition, typ string, l reconcile.EventLog) got {
	c := conditionOf(conds, typ)
	return got{Status: c.Status, Reason: c.Reason, Message: c.Message, Events: l.Reasons()}
}

func TestSetClassified(t *testing.T) {
	cases := map[string]struct {
		result level.Result
		want   got
	}{
		"a level": {result: level.Result{Level: "III", Reasons: []string{"3.3(1) ...", "3.4(2) ..."}},
			want: got{Status: "True", Reason: v1alpha1.IncidentLevelComputedReason, Message: "3.3(1) ...; 3.4(2) ...."}},
		"below threshold, with what fell short": {result: level.Result{Level: v1alpha1.BelowThreshold, Below: []string{"10 records"}},
			want: got{Status: "True", Reason: v1alpha1.IncidentBelowThresholdReason, Message: "No criterion of §3 is reached: 10 records."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &incidentScope{Pass: reconcile.Begin(testKit(setterNow), builder.Incident("a", "u").Obj(), false)}
			s.setClassified(tc.result)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.IncidentClassifiedCondition, s.Events)); diff != "" {
				t.Errorf("Classified (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecordLevelChange(t *testing.T) {
	cases := map[string]struct {
		from, to v1alpha1.IncidentLevel
		events   []string
	}{
		// Routine for every incident: the history and the Classified
		// condition say why, with no event.
		"first classification": {to: "III"},
		"raised":               {from: "III", to: "II", events: []string{"Normal/LevelRaised"}},
		"lowered":              {from: "II", to: "IV", events: []string{"Warning/LevelLowered"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inc := builder.Incident("a", "u").Obj()
			inc.Status.Level = tc.from
			for i := 0; i < v1alpha1.MaxLevelHistory; i++ {
				inc.Status.LevelHistory = append(inc.Status.LevelHistory, v1alpha1.LevelChange{To: "IV"})
			}
			s := &incidentScope{Pass: reconcile.Begin(testKit(setterNow), inc, false)}
			s.recordLevelChange(level.Result{Level: tc.to, Reasons: []string{"why"}})
			h := inc.Status.LevelHistory
			if len(h) != v1alpha1.MaxLevelHistory || h[len(h)-1].From != tc.from || h[len(h)-1].To != tc.to {
				t.Errorf("history of %d, last %+v", len(h), h[len(h)-1])
			}
			if diff := cmp.Diff(tc.events, outcome(nil, "", s.Events).Events); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetSuggestionMatched(t *testing.T) {
	cases := map[string]struct {
		suggested v1alpha1.Level
		level     v1alpha1.IncidentLevel
		before    *metav1.Condition
		want      got
	}{
		"none suggested": {level: "III", want: got{Status: "True", Reason: v1alpha1.IncidentSuggestionMatchesReason, Message: "No level was suggested."}},
		"as computed": {suggested: "III", level: "III",
			want: got{Status: "True", Reason: v1alpha1.IncidentSuggestionMatchesReason, Message: "The reporter suggested level III, as the criteria give."}},
		"differs, announced once": {suggested: "II", level: "III",
			want: got{Status: "False", Reason: v1alpha1.IncidentSuggestionDiffersReason,
				Message: "The reporter suggested level II; the criteria of §3 give level III.", Events: []string{"Warning/SuggestionDiffers"}}},
		"differs as already recorded: no new event": {suggested: "II", level: "III",
			before: &metav1.Condition{Type: v1alpha1.IncidentSuggestionMatchedCondition, Status: "False", Reason: v1alpha1.IncidentSuggestionDiffersReason,
				Message: "The reporter suggested level II; the criteria of §3 give level III."},
			want: got{Status: "False", Reason: v1alpha1.IncidentSuggestionDiffersReason,
				Message: "The reporter suggested level II; the criteria of §3 give level III."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inc := builder.Incident("a", "u").Obj()
			if tc.before != nil {
				inc.Status.Conditions = []metav1.Condition{*tc.before}
			}
			s := &incidentScope{Pass: reconcile.Begin(testKit(setterNow), inc, false)}
			s.setSuggestionMatched(tc.suggested, tc.level)
			if diff := cmp.Diff(tc.want, outcome(inc.Status.Conditions, v1alpha1.IncidentSuggestionMatchedCondition, s.Events)); diff != "" {
				t.Errorf("SuggestionMatched (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetFormComplete(t *testing.T) {
	due := setterNow.Add(time.Hour)
	past := setterNow.Add(-time.Hour)
	incomplete := &metav1.Condition{Type: v1alpha1.IncidentFormCompleteCondition, Status: "False", Reason: "Pending", Message: "x"}
	cases := map[string]struct {
		missing []string
		due     *time.Time
		before  *metav1.Condition
		want    got
	}{
		"complete from the start: no event": {want: got{Status: "True", Reason: v1alpha1.IncidentFormCompleteReason, Message: "Every box of the report form is filled in."}},
		"completed after it lacked boxes": {before: incomplete,
			want: got{Status: "True", Reason: v1alpha1.IncidentFormCompleteReason, Message: "Every box of the report form is filled in.", Events: []string{"Normal/FormCompleted"}}},
		"a form report lacking boxes": {missing: []string{"spec.support"},
			want: got{Status: "False", Reason: v1alpha1.IncidentFormIncompleteReason, Message: "The report form lacks spec.support."}},
		"a quick notice before its form is due": {missing: []string{"spec.support", "spec.measuresTaken"}, due: &due,
			want: got{Status: "False", Reason: v1alpha1.IncidentFormPendingReason,
				Message: "The full form is owed by 2026-03-02T11:00:00Z and still lacks spec.support, spec.measuresTaken."}},
		"a quick notice past its form's deadline": {missing: []string{"spec.support"}, due: &past,
			want: got{Status: "False", Reason: v1alpha1.IncidentFormOverdueReason, Message: "The full form was due by 2026-03-02T09:00:00Z and still lacks spec.support."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inc := builder.Incident("a", "u").Obj()
			if tc.before != nil {
				inc.Status.Conditions = []metav1.Condition{*tc.before}
			}
			s := &incidentScope{Pass: reconcile.Begin(testKit(setterNow), inc, false)}
			s.setFormComplete(tc.missing, tc.due)
			if diff := cmp.Diff(tc.want, outcome(inc.Status.Conditions, v1alpha1.IncidentFormCompleteCondition, s.Events)); diff != "" {
				t.Errorf("FormComplete (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetDeadlinesMet(t *testing.T) {
	missed := []v1alpha1.Deadline{{Name: "InitialReport", DueTime: metav1.NewTime(time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)), State: "Missed"}}
	shanghai := time.FixedZone("CST", 8*3600)
	cases := map[string]struct {
		missed []v1alpha1.Deadline
		want   got
	}{
		"none missed": {want: got{Status: "True", Reason: v1alpha1.IncidentDeadlinesOnTimeReason, Message: "No deadline has been missed."}},
		"one missed, in the plan's time": {missed: missed,
			want: got{Status: "False", Reason: v1alpha1.IncidentDeadlineMissedReason, Message: "Missed: InitialReport (due 2026-03-01T10:00:00+08:00)."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &incidentScope{Pass: reconcile.Begin(testKit(setterNow), builder.Incident("a", "u").Obj(), false)}
			s.setDeadlinesMet(tc.missed, shanghai)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.IncidentDeadlinesMetCondition, s.Events)); diff != "" {
				t.Errorf("DeadlinesMet (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetIncidentsPending(t *testing.T) {
	cases := map[string]struct {
		spec, inForce         v1alpha1.Level
		missing, unclassified []string
		held                  bool
		message               string
	}{
		"missing":                          {missing: []string{"u/a"}, held: true, message: "Incidents not found: u/a."},
		"unclassified":                     {unclassified: []string{"u/a"}, held: true, message: "Incidents not yet classified: u/a."},
		"unclassified with office's level": {spec: "III", inForce: "III", unclassified: []string{"u/a"}},
		"all below threshold":              {held: true, message: "Every incident is below threshold: set spec.level if the office decides on a response."},
		"a level in force":                 {inForce: "IV"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := builder.Response("r", "office").Obj()
			resp.Spec.Level, resp.Status.Level = tc.spec, tc.inForce
			s := &responseScope{Pass: reconcile.Begin(testKit(setterNow), resp, false)}
			if held := s.setIncidentsPending(tc.missing, tc.unclassified); held != tc.held {
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
