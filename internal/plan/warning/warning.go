// Package warning holds the plan's rules for what a warning's colour means
// (§4.5): the measures it requires, and its name in a sentence. Who may
// publish, adjust or lift a warning is decided in internal/plan/approval. It is
// pure: a colour in, values out.
package warning

import (
	"strings"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Measures of §4.5.
const (
	MeasureCollectAndReport    = "CollectAndReport"
	MeasureTrackAndAssess      = "TrackAndAssess"
	MeasurePublishPrecautions  = "PublishPrecautionsAndHotline"
	MeasureDuty24h             = "Duty24Hours"
	MeasureContingencyPlanning = "ContingencyPlanning"
	MeasureHardenKeyNetworks   = "HardenKeyNetworks"
	MeasureExpertsOnStandby    = "ExpertsAndToolsOnStandby"
)

// Measures lists what a colour requires (§4.5): yellow and blue collect and
// report information, track and assess, publish precautions and the hotline;
// red and orange add 24-hour duty, contingency planning, hardening of key
// networks, and experts and tools on standby. A risk notice only informs.
func Measures(l v1alpha1.WarningLevel) []string {
	base := []string{MeasureCollectAndReport, MeasureTrackAndAssess, MeasurePublishPrecautions}
	switch l {
	case v1alpha1.WarningRed, v1alpha1.WarningOrange:
		return append(base, MeasureDuty24h, MeasureContingencyPlanning, MeasureHardenKeyNetworks, MeasureExpertsOnStandby)
	case v1alpha1.WarningYellow, v1alpha1.WarningBlue:
		return base
	}
	return []string{MeasurePublishPrecautions}
}

// Name is the colour's name in an English sentence: "yellow warning",
// "risk notice".
func Name(l v1alpha1.WarningLevel) string {
	if l == v1alpha1.WarningRiskNotice {
		return "risk notice"
	}
	return strings.ToLower(string(l)) + " warning"
}
