package response

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

func TestLevelInForce(t *testing.T) {
	cases := map[string]struct {
		spec     v1alpha1.Level
		highest  v1alpha1.IncidentLevel
		started  bool
		approved v1alpha1.Level
		want     v1alpha1.Level
	}{
		"the incidents' highest level":                     {highest: "II", want: v1alpha1.LevelII},
		"the office's level above the incidents'":          {spec: v1alpha1.LevelIII, highest: "IV", want: v1alpha1.LevelIII},
		"never below an incident: I over the office's III": {spec: v1alpha1.LevelIII, highest: "I", want: v1alpha1.LevelI},
		"below threshold gives none":                       {highest: v1alpha1.BelowThreshold},
		"unclassified gives none":                          {},
		"below threshold with the office's level":          {spec: v1alpha1.LevelIV, highest: v1alpha1.BelowThreshold, want: v1alpha1.LevelIV},
		"started keeps the approved level":                 {started: true, approved: v1alpha1.LevelIII, highest: "II", want: v1alpha1.LevelIII},
		"started keeps it when incidents are gone":         {started: true, approved: v1alpha1.LevelIII, want: v1alpha1.LevelIII},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := LevelInForce(tc.spec, tc.highest, tc.started, tc.approved); got != tc.want {
				t.Errorf("LevelInForce() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEscalation(t *testing.T) {
	cases := map[string]struct {
		approved v1alpha1.Level
		highest  v1alpha1.IncidentLevel
		to       v1alpha1.Level
		owed     bool
	}{
		"same level":          {approved: "III", highest: "III"},
		"lower":               {approved: "III", highest: "IV"},
		"below threshold":     {approved: "IV", highest: v1alpha1.BelowThreshold},
		"rose from III to II": {approved: "III", highest: "II", to: "II", owed: true},
		"rose from IV to I":   {approved: "IV", highest: "I", to: "I", owed: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			to, owed := Escalation(tc.approved, tc.highest)
			if to != tc.to || owed != tc.owed {
				t.Errorf("Escalation() = %q, %v; want %q, %v", to, owed, tc.to, tc.owed)
			}
		})
	}
}

func TestBoundAndCovers(t *testing.T) {
	first := *builder.Incident("x", "u").Drill().Obj()
	first.UID = "uid-drill"
	again := *builder.Incident("x", "u").Obj()
	again.UID = "uid-real"
	started := metav1.Now()
	resp := builder.Response("r", "office", &first).Obj()
	resp.Status.StartedTime = &started
	resp.Status.Approval = &v1alpha1.Approval{Incidents: []v1alpha1.ApprovedIncident{{Namespace: "u", Name: "x", UID: "uid-drill", Level: "III"}}}
	if got := Bound(resp.Status.Approval.Incidents, []v1alpha1.SecurityIncident{again}); len(got) != 0 {
		t.Errorf("an incident created again under the same name is bound: %v", got)
	}
	if got := Bound(resp.Status.Approval.Incidents, []v1alpha1.SecurityIncident{first}); len(got) != 1 {
		t.Errorf("the approved incident is not bound: %v", got)
	}
	if Covers(resp, &again) {
		t.Error("a started response covers an incident created again under the name it started on")
	}
	if !Covers(resp, &first) {
		t.Error("a started response does not cover the incident it started on")
	}
	pending := builder.Response("p", "office", &again).Obj()
	if !Covers(pending, &again) {
		t.Error("a response not yet started does not cover the incident it names")
	}
}

func TestHighest(t *testing.T) {
	iii := *builder.Incident("a", "u").Obj()
	iii.Status.Level = "III"
	i := *builder.Incident("b", "u").Obj()
	i.Status.Level = "I"
	below := *builder.Incident("c", "u").Obj()
	below.Status.Level = v1alpha1.BelowThreshold
	cases := map[string]struct {
		incidents []v1alpha1.SecurityIncident
		want      v1alpha1.IncidentLevel
	}{
		"none":                            {},
		"one":                             {incidents: []v1alpha1.SecurityIncident{iii}, want: "III"},
		"the highest wins":                {incidents: []v1alpha1.SecurityIncident{iii, i, below}, want: "I"},
		"below threshold only gives none": {incidents: []v1alpha1.SecurityIncident{below}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Highest(tc.incidents); got != tc.want {
				t.Errorf("Highest() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRealIncidentsOfDrill(t *testing.T) {
	drill := *builder.Incident("drill", "u").Drill().Obj()
	real := *builder.Incident("real", "u").Obj()
	cases := map[string]struct {
		drill     bool
		incidents []v1alpha1.SecurityIncident
		want      []string
	}{
		"a drill over drills":          {drill: true, incidents: []v1alpha1.SecurityIncident{drill}},
		"a drill over a real incident": {drill: true, incidents: []v1alpha1.SecurityIncident{drill, real}, want: []string{"u/real"}},
		"a real response over a drill": {incidents: []v1alpha1.SecurityIncident{drill, real}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, RealIncidentsOfDrill(tc.drill, tc.incidents)); diff != "" {
				t.Errorf("RealIncidentsOfDrill() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeaksWithoutUserNotification(t *testing.T) {
	atThreshold := *builder.Incident("at", "u").Records(100_000).Obj()
	below := *builder.Incident("below", "u").Records(99_999).Obj()
	outage := *builder.Incident("outage", "u").Outage(v1alpha1.ScopeProvince).Obj()
	notify := []v1alpha1.Measure{v1alpha1.MeasureAffectedUserNotification}
	cases := map[string]struct {
		measures  []v1alpha1.Measure
		incidents []v1alpha1.SecurityIncident
		want      []string
	}{
		"100,000 records need the notification": {incidents: []v1alpha1.SecurityIncident{atThreshold}, want: []string{"u/at"}},
		"99,999 records do not":                 {incidents: []v1alpha1.SecurityIncident{below}},
		"the notification among the measures":   {measures: notify, incidents: []v1alpha1.SecurityIncident{atThreshold}},
		"an outage needs none":                  {incidents: []v1alpha1.SecurityIncident{outage}},
		"only the leak is named among several":  {incidents: []v1alpha1.SecurityIncident{outage, below, atThreshold}, want: []string{"u/at"}},
		"other measures do not stand in for it": {measures: []v1alpha1.Measure{v1alpha1.MeasurePortClosure}, incidents: []v1alpha1.SecurityIncident{atThreshold}, want: []string{"u/at"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, LeaksWithoutUserNotification(tc.measures, tc.incidents)); diff != "" {
				t.Errorf("LeaksWithoutUserNotification() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCountedLeavesWithdrawnOut(t *testing.T) {
	iii := *builder.Incident("a", "u").Obj()
	iii.Status.Level = "III"
	i := *builder.Incident("b", "u").Obj()
	i.Status.Level = "I"
	i.Spec.Withdrawal = &v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalFalseAlarm}
	counted := Counted([]v1alpha1.SecurityIncident{iii, i})
	if len(counted) != 1 || counted[0].Name != "a" {
		t.Fatalf("Counted() = %v, want only the incident that stands", counted)
	}
	if got := Highest(counted); got != "III" {
		t.Errorf("a withdrawn level I incident still sets the level: Highest() = %q, want III", got)
	}
	if got := Counted([]v1alpha1.SecurityIncident{i}); len(got) != 0 {
		t.Errorf("Counted() of a withdrawn incident alone = %v, want none", got)
	}
}
