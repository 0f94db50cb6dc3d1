package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestUnitYearRecords(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	ns := "gz-telecom"
	// 23:30 on New Year's Eve in Shanghai is the old year; 00:30 the new.
	eve := metav1.NewTime(time.Date(2026, 12, 31, 23, 30, 0, 0, shanghai))
	day := metav1.NewTime(time.Date(2027, 1, 1, 0, 30, 0, 0, shanghai))
	now := time.Date(2027, 1, 2, 9, 0, 0, 0, shanghai)
	deadlines := func(states ...v1alpha1.DeadlineState) []v1alpha1.Deadline {
		names := []string{v1alpha1.DeadlineInitialReport, v1alpha1.DeadlineFullForm}
		var out []v1alpha1.Deadline
		for i, s := range states {
			out = append(out, v1alpha1.Deadline{Name: names[i], State: s})
		}
		return out
	}
	incident := func(name string, reported metav1.Time, drill bool, states ...v1alpha1.DeadlineState) v1alpha1.SecurityIncident {
		inc := v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name)}}
		inc.Spec.Drill = drill
		inc.Status.Timeline.ReportedTime = &reported
		inc.Status.Deadlines = deadlines(states...)
		return inc
	}
	late := incident("late", eve, false, v1alpha1.DeadlineMissed, v1alpha1.DeadlineMissed)
	late.Status.Corrections = make([]v1alpha1.Correction, 2)
	withdrawn := incident("withdrawn", day, false, v1alpha1.DeadlineMet, v1alpha1.DeadlineWithdrawn)
	withdrawn.Spec.Withdrawal = &v1alpha1.Withdrawal{}
	drilled := incident("drill-by-response", eve, true, v1alpha1.DeadlineMet, v1alpha1.DeadlineMissed)
	accepted := incident("drill-accepted", day, true, v1alpha1.DeadlineMet)
	accepted.Annotations = map[string]string{v1alpha1.AnnotationDrillAcceptedBy: "duty-officer"}
	notYet := incident("drill-not-yet", day, true)

	drillResp := v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: "office", Name: "drill"},
		Spec: v1alpha1.EmergencyResponseSpec{Drill: true, IncidentRefs: []v1alpha1.IncidentRef{{Namespace: ns, Name: "drill-by-response"}}}}
	drillResp.Status.EndedTime = &eve
	realResp := v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: "office", Name: "real"},
		Spec: v1alpha1.EmergencyResponseSpec{IncidentRefs: []v1alpha1.IncidentRef{{Namespace: ns, Name: "late"}}}}
	realResp.Status.EndedTime = &day
	realResp.Status.Deadlines = []v1alpha1.Deadline{{Name: v1alpha1.DeadlineUnitSummaryReportPrefix + ns, State: v1alpha1.DeadlineMissed},
		{Name: v1alpha1.DeadlineUnitSummaryReportPrefix + "other", State: v1alpha1.DeadlineMet}}

	report := func(typ v1alpha1.UnitReportType, at *metav1.Time, drill bool) v1alpha1.UnitReport {
		return v1alpha1.UnitReport{Spec: v1alpha1.UnitReportSpec{Type: typ, Drill: drill}, Status: v1alpha1.UnitReportStatus{ReceivedTime: at}}
	}
	s := unitAt(now, &v1alpha1.ReportingUnit{})
	s.incidents = []*v1alpha1.SecurityIncident{&late, &withdrawn, &drilled, &accepted, &notYet}
	s.responses = []v1alpha1.EmergencyResponse{drillResp, realResp}
	s.reports = []v1alpha1.UnitReport{
		report(v1alpha1.UnitReportProgress, &eve, false), report(v1alpha1.UnitReportProgress, &day, true),
		report(v1alpha1.UnitReportHazard, &day, false), report(v1alpha1.UnitReportHazard, nil, false),
		report(v1alpha1.UnitReportAcknowledgement, &day, false),
	}
	records, counted := s.yearRecords(shanghai)
	byYear := map[int32]v1alpha1.YearRecord{}
	for _, r := range records {
		byYear[r.Year] = r
	}
	want := map[int32]v1alpha1.YearRecord{
		2026: {Year: 2026, Incidents: 1, ReportedLate: 1, DeadlinesMissed: 2, Corrections: 2, ProgressReports: 1,
			Drills: []v1alpha1.DrillHeld{{Incident: "drill-by-response", CountedBy: v1alpha1.DrillCountedByResponse, Time: eve, DeadlinesMet: 1, DeadlinesMissed: 1}}},
		2027: {Year: 2027, Incidents: 1, HazardReports: 1, SummaryReportsOwed: 1, SummaryReportsMissed: 1,
			Drills: []v1alpha1.DrillHeld{{Incident: "drill-accepted", CountedBy: v1alpha1.DrillCountedByAcceptance, Time: metav1.NewTime(now), DeadlinesMet: 1}}},
	}
	if diff := cmp.Diff(want, byYear); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(counted) != 2 {
		t.Errorf("counted %d new drills, want 2", len(counted))
	}

	// A pass later, the acceptance keeps the time it was first seen, and
	// nothing counts as new.
	s.Obj.Status.Records = records
	s.Now = now.Add(time.Hour)
	again, counted := s.yearRecords(shanghai)
	for _, r := range again {
		if r.Year == 2027 && !r.Drills[0].Time.Equal(&want[2027].Drills[0].Time) {
			t.Errorf("the acceptance moved to %s", r.Drills[0].Time)
		}
	}
	if len(counted) != 0 {
		t.Errorf("counted again: %v", counted)
	}
}
