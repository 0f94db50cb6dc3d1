// Package warning holds the plan's rules for warnings (§4.4–§4.6): which
// measures a colour requires, and which decision publishes, adjusts or
// lifts a warning. It is pure: annotations and levels in, verdicts out.
package warning

import (
	"strings"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Annotations of warning decisions (config/admission/warning_approvals.yaml).
const (
	// AnnotationApprovedByPrefix + lower-case colour approves an adjustment
	// to that colour, e.g. emergency.netsec.io/approved-by.blue.
	AnnotationApprovedByPrefix = v1alpha1.AnnotationApprovedBy + "."
	// AnnotationLiftApprovedBy lifts a yellow or blue warning.
	AnnotationLiftApprovedBy = "emergency.netsec.io/lift-approved-by"
	// AnnotationLiftDirective lifts a red or orange warning.
	AnnotationLiftDirective = "emergency.netsec.io/lift-directive"
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

// NeedsApproval says whether publishing or adjusting to a colour waits for
// the leading group: yellow and blue do; red and orange are relayed from
// above at once; a risk notice is the office's own.
func NeedsApproval(l v1alpha1.WarningLevel) bool {
	return l == v1alpha1.WarningYellow || l == v1alpha1.WarningBlue
}

// ApprovedBy returns who approved the warning at colour l, if anyone: the
// publication approval when it was for l, else the adjustment approval for l.
func ApprovedBy(ann map[string]string, l v1alpha1.WarningLevel) string {
	if by := ann[v1alpha1.AnnotationApprovedBy]; by != "" && ann[v1alpha1.AnnotationApprovedLevel] == string(l) {
		return by
	}
	return ann[AnnotationApprovedByPrefix+strings.ToLower(string(l))]
}

// Lift says whether a warning at colour l may be lifted, and on whose word.
func Lift(ann map[string]string, l v1alpha1.WarningLevel) (ok bool, by, directive string) {
	switch l {
	case v1alpha1.WarningYellow, v1alpha1.WarningBlue:
		by = ann[AnnotationLiftApprovedBy]
		return by != "", by, ""
	case v1alpha1.WarningRed, v1alpha1.WarningOrange:
		directive = ann[AnnotationLiftDirective]
		return directive != "", "", directive
	}
	return true, "", ""
}
