package plugin

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/text"
)

// UnitRow is one registered unit as `kubectl incident units` shows it: where
// it stands now (plan, drill, duty) and its record for one year.
type UnitRow struct {
	Namespace, Unit, Type string
	Large                 bool
	// Plan is the PlanFiled reason; AcceptedVersion the version the office
	// accepted, if any.
	Plan, AcceptedVersion string
	// Drill is the DrillHeldThisYear reason: about the current year, whatever
	// year the record is of.
	Drill string
	// Duty is the DutyReachable reason; Unacknowledged the duties in force
	// the unit has not acknowledged.
	Duty           string
	Unacknowledged int32
	// Record is the unit's record of the year asked for; zero counts when the
	// operator has written none for that year.
	Record v1alpha1.YearRecord
}

// CurrentYear is the year now in the plan's zone (Asia/Shanghai), the zone
// the operator counts a unit's records in, whatever zone times are shown in.
func CurrentYear(now time.Time) int {
	return now.In(zoneOr(nil)).Year()
}

// ReadUnits lists the registered units of ns ("" for every namespace the
// caller may list), with their records of year, sorted by namespace.
func ReadUnits(ctx context.Context, c client.Client, ns string, year int) ([]UnitRow, error) {
	var list v1alpha1.ReportingUnitList
	if err := c.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("listing the reporting units: %w", err)
	}
	rows := make([]UnitRow, 0, len(list.Items))
	for i := range list.Items {
		rows = append(rows, unitRow(&list.Items[i], year))
	}
	slices.SortFunc(rows, func(a, b UnitRow) int { return strings.Compare(a.Namespace, b.Namespace) })
	return rows, nil
}

func unitRow(u *v1alpha1.ReportingUnit, year int) UnitRow {
	reason := func(t string) string {
		if c := meta.FindStatusCondition(u.Status.Conditions, t); c != nil {
			return c.Reason
		}
		return ""
	}
	r := UnitRow{Namespace: u.Namespace, Unit: u.Spec.Name, Type: string(u.Spec.Type), Large: u.Spec.Large,
		Plan: reason(v1alpha1.UnitPlanFiledCondition), AcceptedVersion: u.Status.AcceptedPlanVersion,
		Drill: reason(v1alpha1.UnitDrillHeldCondition), Duty: reason(v1alpha1.UnitDutyReachableCondition),
		Unacknowledged: u.Status.Unacknowledged, Record: v1alpha1.YearRecord{Year: int32(year)}}
	for _, rec := range u.Status.Records {
		if int(rec.Year) == year {
			r.Record = rec
		}
	}
	return r
}

// drillScore is one drill's score against the plan's deadlines: met of all.
func drillScore(d v1alpha1.DrillHeld) string {
	return fmt.Sprintf("%d/%d", d.DeadlinesMet, d.DeadlinesMet+d.DeadlinesMissed)
}

// drills says the drills held with their scores: "2 (4/4, 3/4)".
func drills(rec v1alpha1.YearRecord) string {
	if len(rec.Drills) == 0 {
		return "0"
	}
	scores := make([]string, len(rec.Drills))
	for i, d := range rec.Drills {
		scores[i] = drillScore(d)
	}
	return fmt.Sprintf("%d (%s)", len(rec.Drills), strings.Join(scores, ", "))
}

// PrintUnits writes the units as a table: a header naming the year and the
// zone it is counted in, then one unit a line.
func PrintUnits(w io.Writer, rows []UnitRow, year int, where string) {
	fmt.Fprintf(w, "# records of %d, counted in %s; PLAN, DRILL and DUTY as of now\n", year, DefaultZone)
	if len(rows) == 0 {
		fmt.Fprintf(w, "No reporting unit is registered %s.\n", where)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tUNIT\tTYPE\tPLAN\tDRILL\tDUTY\tINCIDENTS\tLATE\tMISSED\tCORRECTIONS\tPROGRESS\tHAZARDS\tSUMMARIES\tDRILLS")
	for _, r := range rows {
		typ := r.Type
		if r.Large {
			typ += " (large)"
		}
		plan := orDash(r.Plan)
		if r.AcceptedVersion != "" {
			plan += " " + r.AcceptedVersion
		}
		dutyText := orDash(r.Duty)
		if r.Unacknowledged > 0 {
			dutyText += fmt.Sprintf(" (%d unacknowledged)", r.Unacknowledged)
		}
		rec := r.Record
		summaries := fmt.Sprintf("%d owed, %d on time, %d missed", rec.SummaryReportsOwed, rec.SummaryReportsOnTime, rec.SummaryReportsMissed)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n",
			r.Namespace, text.Inline(r.Unit), typ, text.Inline(plan), orDash(r.Drill), dutyText,
			rec.Incidents, rec.ReportedLate, rec.DeadlinesMissed, rec.Corrections, rec.ProgressReports, rec.HazardReports,
			summaries, drills(rec))
	}
	_ = tw.Flush()
}

// unitsCSVHeader names the columns of the CSV, one figure each, for the
// yearly assessment's spreadsheet.
var unitsCSVHeader = []string{"namespace", "unit", "type", "large", "plan", "accepted_plan_version",
	"drill_held_this_year", "duty", "unacknowledged", "year", "incidents", "reported_late", "deadlines_missed",
	"corrections", "progress_reports", "hazard_reports", "summary_reports_owed", "summary_reports_on_time",
	"summary_reports_missed", "drills_held", "drill_scores"}

// WriteUnitsCSV writes the same figures as PrintUnits as CSV with a header
// row. A cell that a spreadsheet would read as a formula is written as
// text (a leading apostrophe): a unit's name is data, never a formula.
func WriteUnitsCSV(w io.Writer, rows []UnitRow, year int) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(unitsCSVHeader); err != nil {
		return err
	}
	n := func(v int32) string { return strconv.Itoa(int(v)) }
	for _, r := range rows {
		rec := r.Record
		scores := make([]string, len(rec.Drills))
		for i, d := range rec.Drills {
			scores[i] = drillScore(d)
		}
		row := []string{r.Namespace, r.Unit, r.Type, strconv.FormatBool(r.Large), r.Plan, r.AcceptedVersion,
			r.Drill, r.Duty, n(r.Unacknowledged), strconv.Itoa(year), n(rec.Incidents), n(rec.ReportedLate),
			n(rec.DeadlinesMissed), n(rec.Corrections), n(rec.ProgressReports), n(rec.HazardReports),
			n(rec.SummaryReportsOwed), n(rec.SummaryReportsOnTime), n(rec.SummaryReportsMissed),
			strconv.Itoa(len(rec.Drills)), strings.Join(scores, " ")}
		for i := range row {
			row[i] = notFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// notFormula keeps a spreadsheet from evaluating a cell: one that starts
// with =, +, -, @ or a tab or carriage return gets a leading apostrophe.
func notFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
