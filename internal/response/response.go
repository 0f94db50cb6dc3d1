// Package response holds the plan's rules for an emergency response that do
// not depend on who approved it: the level in force (§5.3), which incidents
// a drill may not cover, and the measures the plan requires (§5.5). It is
// pure: the response's spec, its incidents and its record in; values out.
package response

import (
	"slices"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/level"
)

// LevelInForce is the level a response runs at: the one the office set in
// spec.level, else the highest level among its incidents. Once started, a
// response keeps the level it had when no incident gives one any more (an
// incident removed after the start does not unset it). Empty when there is
// none: every incident is below threshold or unclassified.
func LevelInForce(spec v1alpha1.Level, highest v1alpha1.IncidentLevel, started bool, recorded v1alpha1.Level) v1alpha1.Level {
	inForce := spec
	if inForce == "" && level.Rank(highest) > 0 {
		inForce = v1alpha1.Level(highest)
	}
	if started && inForce == "" {
		inForce = recorded
	}
	return inForce
}

// Highest is the highest level among the incidents: "" when none reaches
// one (unclassified or below threshold).
func Highest(incidents []v1alpha1.SecurityIncident) v1alpha1.IncidentLevel {
	highest := v1alpha1.IncidentLevel("")
	for i := range incidents {
		highest = level.Higher(highest, incidents[i].Status.Level)
	}
	return highest
}

// RealIncidentsOfDrill lists, as namespace/name, the real incidents that a
// drill response covers: a drill's approval cannot start a response to them.
// A real response may cover anything.
func RealIncidentsOfDrill(drill bool, incidents []v1alpha1.SecurityIncident) []string {
	if !drill {
		return nil
	}
	var out []string
	for i := range incidents {
		if !incidents[i].Spec.Drill {
			out = append(out, incidents[i].Namespace+"/"+incidents[i].Name)
		}
	}
	return out
}

// LeaksWithoutUserNotification applies §5.5: a response to a leak of users'
// data large enough for level IV must tell the affected users how to reduce
// the harm. It lists, as namespace/name, the incidents whose leak needs
// AffectedUserNotification when the measures lack it.
func LeaksWithoutUserNotification(measures []v1alpha1.Measure, incidents []v1alpha1.SecurityIncident) []string {
	if slices.Contains(measures, v1alpha1.MeasureAffectedUserNotification) {
		return nil
	}
	var leaks []string
	for i := range incidents {
		if l := incidents[i].Spec.Impact.DataLeak; l != nil && l.Records >= level.RecordsLevelIV {
			leaks = append(leaks, incidents[i].Namespace+"/"+incidents[i].Name)
		}
	}
	return leaks
}
