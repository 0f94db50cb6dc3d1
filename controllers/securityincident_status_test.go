package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/level"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

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
