package controllers

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/internal/plan/response"
	"github.com/netsec-io/incident-operator/internal/plan/unit"
)

// A unit's yearly record (§6.2, §7.2), computed from what the cluster holds
// now; unit.Keep merges it into the record kept, so that what is deleted or
// withdrawn later never lowers it.

// yearRecords computes the unit's record per local year, and returns the
// drills counted for the first time in this pass.
//
//   - an incident (real, withdrawn ones included) counts in the year it was
//     reported, with its first report late when InitialReport was Missed,
//     its missed deadlines and its corrections;
//   - a progress or hazard report (real) counts in the year it was
//     received;
//   - a summary report owed (UnitSummaryReport/<namespace> of a real
//     response) counts in the year its response ended, on time or missed
//     as its deadline was decided;
//   - a drill counts once, in the year it first counted (drills).
func (s *unitScope) yearRecords(loc *time.Location) ([]v1alpha1.YearRecord, []v1alpha1.DrillHeld) {
	byYear := map[int32]*v1alpha1.YearRecord{}
	at := func(t time.Time) *v1alpha1.YearRecord {
		y := unit.Year(t, loc)
		if byYear[y] == nil {
			byYear[y] = &v1alpha1.YearRecord{Year: y}
		}
		return byYear[y]
	}
	for _, inc := range s.incidents {
		if inc.Spec.Drill {
			continue
		}
		rec := at(reportedAt(inc))
		rec.Incidents++
		if deadline.Find(inc.Status.Deadlines, v1alpha1.DeadlineInitialReport).State == v1alpha1.DeadlineMissed {
			rec.ReportedLate++
		}
		_, missed := score(inc)
		rec.DeadlinesMissed += missed
		rec.Corrections += int32(len(inc.Status.Corrections))
	}
	for i := range s.reports {
		ur := &s.reports[i]
		if ur.Spec.Drill || ur.Status.ReceivedTime == nil {
			continue
		}
		switch ur.Spec.Type {
		case v1alpha1.UnitReportProgress:
			at(ur.Status.ReceivedTime.Time).ProgressReports++
		case v1alpha1.UnitReportHazard:
			at(ur.Status.ReceivedTime.Time).HazardReports++
		}
	}
	for i := range s.responses {
		resp := &s.responses[i]
		if resp.Spec.Drill || !ended(resp) {
			continue
		}
		d := deadline.Find(resp.Status.Deadlines, v1alpha1.DeadlineUnitSummaryReportPrefix+s.Obj.Namespace)
		if d.Name == "" {
			continue
		}
		rec := at(resp.Status.EndedTime.Time)
		rec.SummaryReportsOwed++
		switch d.State {
		case v1alpha1.DeadlineMet:
			rec.SummaryReportsOnTime++
		case v1alpha1.DeadlineMissed:
			rec.SummaryReportsMissed++
		}
	}
	var counted []v1alpha1.DrillHeld
	for _, d := range s.drills() {
		rec := at(d.Time.Time)
		rec.Drills = append(rec.Drills, d)
		if unit.DrillCounted(s.Obj.Status.Records, d.Incident) == nil {
			counted = append(counted, d)
		}
	}
	out := make([]v1alpha1.YearRecord, 0, len(byYear))
	for _, r := range byYear {
		out = append(out, *r)
	}
	return out, counted
}

// drills are the unit's drills that count (§7.2), each once: a drill
// incident of the namespace covered by a drill response that ended, or one
// the office accepted as held (annotation drill-accepted-by). A drill on
// record keeps the time and the way it first counted; an acceptance counts
// from when the operator first saw it.
func (s *unitScope) drills() []v1alpha1.DrillHeld {
	var out []v1alpha1.DrillHeld
	for _, inc := range s.incidents {
		if !inc.Spec.Drill {
			continue
		}
		met, missed := score(inc)
		if kept := unit.DrillCounted(s.Obj.Status.Records, inc.Name); kept != nil {
			d := *kept.DeepCopy()
			d.DeadlinesMet, d.DeadlinesMissed = met, missed
			out = append(out, d)
			continue
		}
		d := v1alpha1.DrillHeld{Incident: inc.Name, DeadlinesMet: met, DeadlinesMissed: missed}
		if end := s.drillResponseEnded(inc); end != nil {
			d.CountedBy, d.Time = v1alpha1.DrillCountedByResponse, *end
		} else if inc.Annotations[v1alpha1.AnnotationDrillAcceptedBy] != "" {
			d.CountedBy, d.Time = v1alpha1.DrillCountedByAcceptance, metav1.NewTime(s.Now)
		} else {
			continue
		}
		out = append(out, d)
	}
	return out
}

// drillResponseEnded is the earliest end of a drill response over the
// incident, or nil while none ended.
func (s *unitScope) drillResponseEnded(inc *v1alpha1.SecurityIncident) *metav1.Time {
	var first *metav1.Time
	for i := range s.responses {
		resp := &s.responses[i]
		if !resp.Spec.Drill || !ended(resp) || !response.Covers(resp, inc) {
			continue
		}
		if first == nil || resp.Status.EndedTime.Before(first) {
			first = resp.Status.EndedTime
		}
	}
	return first
}

// score counts an incident's reporting deadlines met and missed.
func score(inc *v1alpha1.SecurityIncident) (met, missed int32) {
	for _, d := range inc.Status.Deadlines {
		switch d.State {
		case v1alpha1.DeadlineMet:
			met++
		case v1alpha1.DeadlineMissed:
			missed++
		}
	}
	return met, missed
}

// reportedAt is when an incident was reported: when the cluster first had
// it.
func reportedAt(inc *v1alpha1.SecurityIncident) time.Time {
	if t := inc.Status.Timeline.ReportedTime; t != nil {
		return t.Time
	}
	return inc.CreationTimestamp.Time
}

// drillWords says in a sentence why a drill counted.
func drillWords(d v1alpha1.DrillHeld, loc *time.Location) string {
	how := "its drill response ended"
	if d.CountedBy == v1alpha1.DrillCountedByAcceptance {
		how = "the office accepted it as held"
	}
	return fmt.Sprintf("Drill %s counts for %d: %s at %s; %d of its deadlines met, %d missed.",
		d.Incident, unit.Year(d.Time.Time, loc), how, d.Time.In(loc).Format(time.RFC3339), d.DeadlinesMet, d.DeadlinesMissed)
}

// drillNames lists the drills of a year's record in a phrase.
func drillNames(drills []v1alpha1.DrillHeld) string {
	names := make([]string, 0, len(drills))
	for _, d := range drills {
		names = append(names, d.Incident)
	}
	return strings.Join(names, ", ")
}
