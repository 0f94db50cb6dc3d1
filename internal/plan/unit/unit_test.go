package unit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestMustFilePlanAndDrill(t *testing.T) {
	cases := []struct {
		typ         v1alpha1.UnitType
		large       bool
		plan, drill bool
	}{
		{v1alpha1.UnitBasicTelecom, false, true, true},
		{v1alpha1.UnitDomainRegistry, false, true, true},
		{v1alpha1.UnitInternetCompany, false, false, true},
		{v1alpha1.UnitInternetCompany, true, true, true},
		{v1alpha1.UnitSecuritySupport, false, false, false},
		{v1alpha1.UnitSecurityCompany, true, false, false},
		{v1alpha1.UnitOther, false, false, false},
	}
	for _, tc := range cases {
		if got := MustFilePlan(tc.typ, tc.large); got != tc.plan {
			t.Errorf("MustFilePlan(%s, large=%v) = %v, want %v", tc.typ, tc.large, got, tc.plan)
		}
		if got := MustDrill(tc.typ); got != tc.drill {
			t.Errorf("MustDrill(%s) = %v, want %v", tc.typ, got, tc.drill)
		}
	}
}

func TestYearIsLocal(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 16:00 UTC on New Year's Eve is already midnight in Shanghai.
	newYear := time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
	cases := []struct {
		at   time.Time
		year int32
		next time.Time
	}{
		{newYear.Add(-time.Second), 2026, newYear},
		{newYear, 2027, time.Date(2027, 12, 31, 16, 0, 0, 0, time.UTC)},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), 2026, newYear},
	}
	for _, tc := range cases {
		if got := Year(tc.at, shanghai); got != tc.year {
			t.Errorf("Year(%s) = %d, want %d", tc.at, got, tc.year)
		}
		if got := NewYear(tc.at, shanghai); !got.Equal(tc.next) {
			t.Errorf("NewYear(%s) = %s, want %s", tc.at, got.UTC(), tc.next)
		}
	}
}

func TestKeepNeverLowersTheRecord(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	later := metav1.NewTime(at.Add(time.Hour))
	old := []v1alpha1.YearRecord{
		{Year: 2025, Incidents: 4, ReportedLate: 1},
		{Year: 2026, Incidents: 3, ReportedLate: 2, DeadlinesMissed: 2, Corrections: 5, SummaryReportsOwed: 1, SummaryReportsMissed: 1,
			Drills: []v1alpha1.DrillHeld{{Incident: "d1", CountedBy: "Response", Time: at, DeadlinesMet: 1}}},
	}
	now := []v1alpha1.YearRecord{
		// One incident withdrawn and deleted since, one late report
		// corrected: the counts computed now are lower, or higher.
		{Year: 2026, Incidents: 2, ReportedLate: 1, DeadlinesMissed: 3, Corrections: 1, ProgressReports: 2, SummaryReportsOwed: 1, SummaryReportsOnTime: 0,
			Drills: []v1alpha1.DrillHeld{
				{Incident: "d1", CountedBy: "Accepted", Time: later, DeadlinesMet: 2, DeadlinesMissed: 1},
				{Incident: "d2", CountedBy: "Accepted", Time: later},
			}},
		{Year: 2027, HazardReports: 1},
	}
	want := []v1alpha1.YearRecord{
		{Year: 2025, Incidents: 4, ReportedLate: 1},
		{Year: 2026, Incidents: 3, ReportedLate: 2, DeadlinesMissed: 3, Corrections: 5, ProgressReports: 2, SummaryReportsOwed: 1, SummaryReportsMissed: 1,
			Drills: []v1alpha1.DrillHeld{
				{Incident: "d1", CountedBy: "Response", Time: at, DeadlinesMet: 2, DeadlinesMissed: 1},
				{Incident: "d2", CountedBy: "Accepted", Time: later},
			}},
		{Year: 2027, HazardReports: 1},
	}
	got := Keep(old, now)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Keep (-want +got):\n%s", diff)
	}
	if old[1].DeadlinesMissed != 2 || len(old[1].Drills) != 1 {
		t.Errorf("Keep changed the record it was given: %+v", old[1])
	}
	if d := DrillCounted(got, "d2"); d == nil || d.CountedBy != "Accepted" {
		t.Errorf("DrillCounted(d2) = %+v", d)
	}
	if DrillCounted(got, "d3") != nil {
		t.Errorf("DrillCounted found a drill never counted")
	}
}

func TestKeepBoundsTheDrills(t *testing.T) {
	var now []v1alpha1.DrillHeld
	for i := range MaxDrills + 3 {
		now = append(now, v1alpha1.DrillHeld{Incident: string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	for name, old := range map[string][]v1alpha1.YearRecord{"a new year": nil, "a year on record": {{Year: 2026}}} {
		got := Keep(old, []v1alpha1.YearRecord{{Year: 2026, Drills: now}})
		if n := len(got[0].Drills); n != MaxDrills {
			t.Errorf("%s: kept %d drills, want at most %d", name, n, MaxDrills)
		}
	}
}
