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

func TestName(t *testing.T) {
	cases := map[v1alpha1.WarningLevel]string{
		v1alpha1.WarningRed: "red warning", v1alpha1.WarningBlue: "blue warning", v1alpha1.WarningRiskNotice: "risk notice",
	}
	for l, want := range cases {
		if got := Name(l); got != want {
			t.Errorf("Name(%s) = %q, want %q", l, got, want)
		}
	}
}
