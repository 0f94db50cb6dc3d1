// Package response holds the plan's rules for an emergency response that do
// not depend on who approved it: the level in force (§5.3), which incidents
// a drill may not cover, and the measures the plan requires (§5.5). It is
// pure: the response's spec, its incidents and its record in; values out.
package response

import (
	"slices"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/level"
)

// LevelInForce is the level a response runs at (§5.3). Before it starts:
// the higher of the level the office set in spec.level and the highest
// level among its incidents, so that a response never starts below an
// incident it covers. Once started: the level its decision covered
// (approved), whatever happens to the incidents afterwards (a rise is an
// escalation, see Escalation). Empty when there is none.
func LevelInForce(spec v1alpha1.Level, highest v1alpha1.IncidentLevel, started bool, approved v1alpha1.Level) v1alpha1.Level {
	if started {
		return approved
	}
	if level.Rank(highest) > level.Rank(v1alpha1.IncidentLevel(spec)) {
		return v1alpha1.Level(highest)
	}
	return spec
}

// Escalation says whether an incident of a started response rose above the
// level its decision covered, and to which level: a response at that level
// is owed (§5.3).
func Escalation(approved v1alpha1.Level, highest v1alpha1.IncidentLevel) (v1alpha1.Level, bool) {
	if level.Rank(highest) > level.Rank(v1alpha1.IncidentLevel(approved)) {
		return v1alpha1.Level(highest), true
	}
	return "", false
}

// Bound keeps the incidents a started response's decision bound to: the
// same objects (by uid) as when it started. An incident deleted and created
// again under the same name is another incident, not covered.
func Bound(approved []v1alpha1.ApprovedIncident, incidents []v1alpha1.SecurityIncident) []v1alpha1.SecurityIncident {
	uids := map[string]bool{}
	for _, a := range approved {
		uids[a.UID] = true
	}
	var out []v1alpha1.SecurityIncident
	for i := range incidents {
		if uids[string(incidents[i].UID)] {
			out = append(out, incidents[i])
		}
	}
	return out
}

// Covers says whether a response covers an incident: a started response
// the very object it started on, one not yet started any incident of that
// name it refers to.
func Covers(resp *v1alpha1.EmergencyResponse, inc *v1alpha1.SecurityIncident) bool {
	if a := resp.Status.Approval; a != nil && resp.Status.StartedTime != nil && len(a.Incidents) > 0 {
		for _, b := range a.Incidents {
			if b.UID == string(inc.UID) {
				return true
			}
		}
		return false
	}
	for _, ref := range resp.Spec.IncidentRefs {
		if ref.Namespace == inc.Namespace && ref.Name == inc.Name {
			return true
		}
	}
	return false
}

// Counted are the incidents that count for a response: those their
// reporter has not withdrawn. A withdrawn incident stays on record and in
// the response's references, but sets no level and owes no measure.
func Counted(incidents []v1alpha1.SecurityIncident) []v1alpha1.SecurityIncident {
	var out []v1alpha1.SecurityIncident
	for i := range incidents {
		if incidents[i].Spec.Withdrawal == nil {
			out = append(out, incidents[i])
		}
	}
	return out
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
