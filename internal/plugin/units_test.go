package plugin

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func registered(ns, name string, typ v1alpha1.UnitType, records ...v1alpha1.YearRecord) *v1alpha1.ReportingUnit {
	return &v1alpha1.ReportingUnit{ObjectMeta: metav1.ObjectMeta{Name: ns, Namespace: ns},
		Spec:   v1alpha1.ReportingUnitSpec{Name: name, Type: typ},
		Status: v1alpha1.ReportingUnitStatus{Records: records}}
}

func cond(t, reason string) metav1.Condition {
	return metav1.Condition{Type: t, Status: metav1.ConditionTrue, Reason: reason}
}

func drillHeld(met, missed int32) v1alpha1.DrillHeld {
	return v1alpha1.DrillHeld{Incident: "drill", CountedBy: "Response", DeadlinesMet: met, DeadlinesMissed: missed}
}

// The units' table and CSV show each unit's record of the year asked for,
// and none of another year's.
func TestUnits(t *testing.T) {
	telecom := registered("unit-telecom", "Guizhou Example Telecom", v1alpha1.UnitBasicTelecom,
		v1alpha1.YearRecord{Year: 2025, Incidents: 9, ReportedLate: 9},
		v1alpha1.YearRecord{Year: 2026, Incidents: 3, ReportedLate: 1, DeadlinesMissed: 2, Corrections: 4,
			ProgressReports: 5, HazardReports: 1, SummaryReportsOwed: 2, SummaryReportsOnTime: 1, SummaryReportsMissed: 1,
			Drills: []v1alpha1.DrillHeld{drillHeld(4, 0), drillHeld(3, 1)}})
	telecom.Status.AcceptedPlanVersion = "2026-1"
	telecom.Status.Unacknowledged = 2
	telecom.Status.Conditions = []metav1.Condition{cond(v1alpha1.UnitPlanFiledCondition, v1alpha1.UnitPlanAcceptedReason),
		cond(v1alpha1.UnitDrillHeldCondition, v1alpha1.UnitDrillCountedReason),
		cond(v1alpha1.UnitDutyReachableCondition, v1alpha1.UnitDutyNotAcknowledgedReason)}
	internet := registered("unit-internet", "Example Cloud Platform Co.", v1alpha1.UnitInternetCompany)
	internet.Spec.Large = true
	other := registered("unit-registry", "Example Registry", v1alpha1.UnitDomainRegistry)
	c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(telecom, internet, other).Build()
	ctx := context.Background()

	rows, err := ReadUnits(ctx, c, "", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Namespace != "unit-internet" || rows[2].Namespace != "unit-telecom" {
		t.Fatalf("every namespace, sorted: %+v", rows)
	}
	var out bytes.Buffer
	PrintUnits(&out, rows, 2026, "in any namespace you may list")
	table := out.String()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if !strings.HasPrefix(lines[0], "# records of 2026, counted in Asia/Shanghai") {
		t.Errorf("the header names the year and its zone:\n%s", table)
	}
	tel := strings.Fields(lines[4])
	for _, want := range []string{"unit-telecom", "Accepted", "2026-1", "Held", "NotAcknowledged", "(2", "unacknowledged)",
		"3", "1", "2", "4", "5", "owed,", "on", "missed", "(4/4,", "3/4)"} {
		if !strings.Contains(" "+strings.Join(tel, " ")+" ", " "+want+" ") {
			t.Errorf("the telecom's line lacks %q: %s", want, lines[4])
		}
	}
	if strings.Contains(table, " 9 ") {
		t.Errorf("2025's record shows in 2026's table:\n%s", table)
	}
	if !strings.Contains(lines[2], "InternetCompany (large)") || !strings.Contains(lines[2], "—") {
		t.Errorf("a large company without status yet: %s", lines[2])
	}

	out.Reset()
	if err := WriteUnitsCSV(&out, rows, 2026); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || len(recs[0]) != len(unitsCSVHeader) || recs[0][0] != "namespace" {
		t.Fatalf("a header and a row per unit, as many cells as columns: %v", recs)
	}
	cell := map[string]string{}
	for i, h := range recs[0] {
		cell[h] = recs[3][i]
	}
	for col, want := range map[string]string{"unit": "Guizhou Example Telecom", "year": "2026", "incidents": "3",
		"reported_late": "1", "deadlines_missed": "2", "corrections": "4", "progress_reports": "5", "hazard_reports": "1",
		"summary_reports_owed": "2", "summary_reports_on_time": "1", "summary_reports_missed": "1", "drills_held": "2",
		"drill_scores": "4/4 3/4", "accepted_plan_version": "2026-1", "unacknowledged": "2", "large": "false"} {
		if cell[col] != want {
			t.Errorf("csv %s = %q, want %q", col, cell[col], want)
		}
	}

	// One namespace: only its unit.
	rows, err = ReadUnits(ctx, c, "unit-registry", 2025)
	if err != nil || len(rows) != 1 || rows[0].Record.Year != 2025 || rows[0].Record.Incidents != 0 {
		t.Errorf("one namespace, a year without records: %+v, %v", rows, err)
	}
	out.Reset()
	PrintUnits(&out, nil, 2026, "in namespace default")
	if !strings.Contains(out.String(), "No reporting unit is registered in namespace default.") {
		t.Errorf("no unit: %s", out.String())
	}
}

// A unit's name goes into a spreadsheet as text, never as a formula.
func TestUnitsCSVIsNotAFormula(t *testing.T) {
	var out bytes.Buffer
	rows := []UnitRow{{Namespace: "unit-x", Unit: `=HYPERLINK("http://evil.example","x")`, Type: "Other"}}
	if err := WriteUnitsCSV(&out, rows, 2026); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][1]; !strings.HasPrefix(got, "'=") {
		t.Errorf("a formula-like name is written as %q", got)
	}
}

// The year is the plan's: 2026-12-31 17:00 UTC is already 2027 in Guizhou.
func TestCurrentYear(t *testing.T) {
	if y := CurrentYear(time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)); y != 2027 {
		t.Errorf("CurrentYear = %d, want 2027 (Asia/Shanghai)", y)
	}
}
