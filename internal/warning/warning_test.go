package warning

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestMeasures(t *testing.T) {
	yellowBlue := []string{"CollectAndReport", "TrackAndAssess", "PublishPrecautionsAndHotline"}
	redOrange := append(append([]string{}, yellowBlue...), "Duty24Hours", "ContingencyPlanning", "HardenKeyNetworks", "ExpertsAndToolsOnStandby")
	cases := map[v1alpha1.WarningLevel][]string{
		v1alpha1.WarningRed: redOrange, v1alpha1.WarningOrange: redOrange,
		v1alpha1.WarningYellow: yellowBlue, v1alpha1.WarningBlue: yellowBlue,
		v1alpha1.WarningRiskNotice: {"PublishPrecautionsAndHotline"},
	}
	for l, want := range cases {
		if diff := cmp.Diff(want, Measures(l)); diff != "" {
			t.Errorf("Measures(%s) (-want +got):\n%s", l, diff)
		}
	}
}

func TestApprovedByAndLift(t *testing.T) {
	ann := map[string]string{
		v1alpha1.AnnotationApprovedBy: "li", v1alpha1.AnnotationApprovedLevel: "Yellow",
		"emergency.netsec.io/approved-by.blue": "zhao",
	}
	cases := map[string]struct {
		level v1alpha1.WarningLevel
		want  string
	}{
		"the publication approval covers its colour": {v1alpha1.WarningYellow, "li"},
		"an adjustment approval covers the new one":  {v1alpha1.WarningBlue, "zhao"},
		"nothing covers red":                         {v1alpha1.WarningRed, ""},
	}
	for name, tc := range cases {
		if got := ApprovedBy(ann, tc.level); got != tc.want {
			t.Errorf("%s: ApprovedBy(%s) = %q, want %q", name, tc.level, got, tc.want)
		}
	}
	if ok, _, _ := Lift(ann, v1alpha1.WarningYellow); ok {
		t.Errorf("a yellow warning lifted without lift-approved-by")
	}
	if ok, by, _ := Lift(map[string]string{AnnotationLiftApprovedBy: "li"}, v1alpha1.WarningBlue); !ok || by != "li" {
		t.Errorf("a blue warning with lift-approved-by did not lift")
	}
	if ok, _, d := Lift(map[string]string{AnnotationLiftDirective: "D-3"}, v1alpha1.WarningRed); !ok || d != "D-3" {
		t.Errorf("a red warning with a lift directive did not lift")
	}
	if ok, _, _ := Lift(nil, v1alpha1.WarningRiskNotice); !ok {
		t.Errorf("a risk notice needs no approval to lift")
	}
}
