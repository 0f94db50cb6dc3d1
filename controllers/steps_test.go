package controllers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The steps below need no cluster: they read and write the scope only.

func TestWorkGroupName(t *testing.T) {
	cases := map[v1alpha1.WorkGroupType]string{
		v1alpha1.WorkGroupRecovery:                    "resp-recovery",
		v1alpha1.WorkGroupAttackTracing:               "resp-attack-tracing",
		v1alpha1.WorkGroupImpactAssessment:            "resp-impact-assessment",
		v1alpha1.WorkGroupInformationRelease:          "resp-information-release",
		v1alpha1.WorkGroupCrossDepartmentCoordination: "resp-cross-department-coordination",
	}
	for typ, want := range cases {
		if got := workGroupName("resp", typ); got != want {
			t.Errorf("workGroupName(%s) = %q, want %q", typ, got, want)
		}
	}
}

func TestGateAndMeasures(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	leak := *builder.Incident("leak", "unit").Records(2_000_000).Obj()
	drillLeak := *builder.Incident("drill", "unit").Drill().Records(2_000_000).Obj()
	approved := map[string]string{v1alpha1.AnnotationApprovedBy: "li", v1alpha1.AnnotationApprovedLevel: "III"}

	type want struct {
		Phase     v1alpha1.ResponsePhase
		Approved  string // reason
		Measures  string // reason
		Started   bool
		InForce   []v1alpha1.Measure
		EventReas []string
	}
	cases := map[string]struct {
		resp      *v1alpha1.EmergencyResponse
		incidents []v1alpha1.SecurityIncident
		want      want
	}{
		"awaiting approval": {
			resp:      builder.Response("r", "office").Measures(v1alpha1.MeasureAffectedUserNotification).Obj(),
			incidents: []v1alpha1.SecurityIncident{leak},
			want: want{Phase: v1alpha1.ResponseAwaitingApproval, Approved: "AwaitingApproval", Measures: "MeasuresComplete",
				EventReas: []string{"AwaitingApproval"}},
		},
		"approved, with the leak's notification": {
			resp: builder.Response("r", "office").Measures(v1alpha1.MeasureAffectedUserNotification, v1alpha1.MeasurePortClosure).
				Edit(func(r *v1alpha1.EmergencyResponse) { r.Annotations = approved }).Obj(),
			incidents: []v1alpha1.SecurityIncident{leak},
			want: want{Phase: v1alpha1.ResponseActive, Approved: "Approved", Measures: "MeasuresComplete", Started: true,
				InForce: []v1alpha1.Measure{v1alpha1.MeasureAffectedUserNotification, v1alpha1.MeasurePortClosure}, EventReas: []string{"Started"}},
		},
		"approved, without the leak's notification": {
			resp:      builder.Response("r", "office").Edit(func(r *v1alpha1.EmergencyResponse) { r.Annotations = approved }).Obj(),
			incidents: []v1alpha1.SecurityIncident{leak},
			want: want{Phase: v1alpha1.ResponseActive, Approved: "Approved", Measures: "AffectedUserNotificationMissing", Started: true,
				EventReas: []string{"Started", "MeasureMissing"}},
		},
		"a drill response over a real incident": {
			resp:      builder.Response("r", "office").Drill().Edit(func(r *v1alpha1.EmergencyResponse) { r.Annotations = approved }).Obj(),
			incidents: []v1alpha1.SecurityIncident{drillLeak, leak},
			want:      want{Phase: v1alpha1.ResponseAwaitingApproval, Approved: "DrillMismatch", Measures: "AffectedUserNotificationMissing", EventReas: []string{"MeasureMissing"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := testKit(now)
			k.Client = responsesClient(t)
			r := &EmergencyResponseReconciler{Kit: k}
			tc.resp.Status.Level, tc.resp.Status.Phase = v1alpha1.LevelIII, v1alpha1.ResponseAwaitingApproval
			s := &responseScope{Pass: reconcile.Begin(k, tc.resp, tc.resp.Spec.Drill), incidents: tc.incidents}
			if err := r.gate(t.Context(), s); err != nil {
				t.Fatal(err)
			}
			if err := r.checkMeasures(t.Context(), s); err != nil {
				t.Fatal(err)
			}
			var reasons []string
			for _, e := range s.Events.Reasons() {
				reasons = append(reasons, e[strings.Index(e, "/")+1:])
			}
			got := want{
				Phase:     tc.resp.Status.Phase,
				Approved:  conditionReason(tc.resp.Status.Conditions, v1alpha1.ResponseApprovedCondition),
				Measures:  conditionReason(tc.resp.Status.Conditions, v1alpha1.ResponseMeasuresCompleteCondition),
				Started:   tc.resp.Status.StartedTime != nil,
				InForce:   tc.resp.Status.MeasuresInForce,
				EventReas: reasons,
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("after gate and checkMeasures (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIncidentSummarise(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, loc)
	cases := map[string]struct {
		inc         *v1alpha1.SecurityIncident
		ready, form string
		times       string // ReportedTimesValid's reason, when not InPast
	}{
		"full form": {inc: builder.Incident("a", "u").Records(1_000_000).Discovered(now.Add(-time.Hour)).Obj(), ready: "True", form: "Complete"},
		"full form, discovered in the future": {inc: builder.Incident("f", "u").Records(1_000_000).Discovered(now.Add(10 * 24 * time.Hour)).Obj(),
			ready: "False", form: "Complete", times: v1alpha1.IncidentTimeInFutureReason},
		"quick notice, before due": {inc: builder.Incident("b", "u").QuickNotice().Discovered(now.Add(-time.Hour)).Obj(), ready: "False", form: "Pending"},
		"quick notice, overdue":    {inc: builder.Incident("c", "u").QuickNotice().Discovered(now.Add(-24 * time.Hour)).Obj(), ready: "False", form: "Overdue"},
		"form with boxes missing": {inc: builder.Incident("d", "u").Discovered(now.Add(-time.Hour)).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.MeasuresTaken = ""
		}).Obj(), ready: "False", form: "Incomplete"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := &SecurityIncidentReconciler{Plan: PlanConfig{TimeZone: loc, ReportGrace: time.Hour}}
			s := &incidentScope{Pass: reconcile.Begin(testKit(now), tc.inc, false)}
			for _, step := range []reconcile.Step[*incidentScope]{r.classify, r.checkTimes, r.checkForm} {
				if err := step(t.Context(), s); err != nil {
					t.Fatal(err)
				}
			}
			reconcile.SetReady(s.Pass, r.ready(s))
			got := [2]string{string(conditionOf(tc.inc.Status.Conditions, v1alpha1.ConditionReady).Status),
				conditionReason(tc.inc.Status.Conditions, v1alpha1.IncidentFormCompleteCondition)}
			if diff := cmp.Diff([2]string{tc.ready, tc.form}, got); diff != "" {
				t.Errorf("Ready, FormComplete reason (-want +got):\n%s", diff)
			}
			want := tc.times
			if want == "" {
				want = v1alpha1.IncidentTimesInPastReason
			}
			if conditionReason(tc.inc.Status.Conditions, v1alpha1.IncidentReportedTimesValidCondition) != want {
				t.Errorf("ReportedTimesValid %s, want %s", conditionReason(tc.inc.Status.Conditions, v1alpha1.IncidentReportedTimesValidCondition), want)
			}
			for _, c := range tc.inc.Status.Conditions {
				if c.LastTransitionTime.Time != now || c.Message == "" {
					t.Errorf("condition %s: time %s, message %q", c.Type, c.LastTransitionTime, c.Message)
				}
			}
		})
	}
}

// testKit is a kit with only a clock, for steps that need no cluster.
// responsesClient is a fake client holding no response, with the index of
// responses by incident that the gate reads.
func responsesClient(t *testing.T) client.Client {
	t.Helper()
	scheme := apiScheme(t)
	return fake.NewClientBuilder().WithScheme(scheme).WithIndex(&v1alpha1.EmergencyResponse{}, IndexIncidentRefs, func(o client.Object) []string {
		var keys []string
		for _, ref := range o.(*v1alpha1.EmergencyResponse).Spec.IncidentRefs {
			keys = append(keys, ref.Namespace+"/"+ref.Name)
		}
		return keys
	}).Build()
}

func testKit(now time.Time) reconcile.Kit {
	return reconcile.Kit{Clock: clocktesting.NewFakePassiveClock(now)}
}

func conditionReason(conds []metav1.Condition, typ string) string {
	return conditionOf(conds, typ).Reason
}
