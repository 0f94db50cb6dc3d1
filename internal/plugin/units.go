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

// UnitRow is one unit's line of the yearly table (§6.2, §7.2): its register's
// standing now and its record for one year, as the operator keeps it in the
// unit's status.
type UnitRow struct {
	Namespace, Unit, Type string
	// Plan is PlanFiled's reason, with the accepted version.
	Plan string
	// Drill is DrillHeldThisYear's reason; Duty is DutyReachable's, with
	// the number of duties not acknowledged.
	Drill, Duty string
	Record      v1alpha1.YearRecord
}

// UnitHeader names the columns of the table and of the CSV, in order.
var UnitHeader = []string{"NAMESPACE", "UNIT", "TYPE", "PLAN", "DRILL THIS YEAR", "DUTY", "YEAR", "INCIDENTS", "REPORTED LATE",
	"DEADLINES MISSED", "CORRECTIONS", "PROGRESS REPORTS", "HAZARD REPORTS", "SUMMARIES OWED", "SUMMARIES ON TIME",
	"SUMMARIES MISSED", "DRILLS"}

// Units reads every ReportingUnit of namespace ns ("" for all) and its
// record for year: a unit with no record that year has zeros, never a
// missing row.
func Units(ctx context.Context, c client.Client, ns string, year int) ([]UnitRow, error) {
	list := &v1alpha1.ReportingUnitList{}
	if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	rows := make([]UnitRow, 0, len(list.Items))
	for i := range list.Items {
		u := &list.Items[i]
		row := UnitRow{Namespace: u.Namespace, Unit: u.Spec.Name, Type: string(u.Spec.Type), Record: v1alpha1.YearRecord{Year: int32(year)}}
		if c := meta.FindStatusCondition(u.Status.Conditions, v1alpha1.UnitPlanFiledCondition); c != nil {
			row.Plan = c.Reason
			if v := u.Status.AcceptedPlanVersion; v != "" {
				row.Plan += " (" + v + ")"
			}
		}
		if c := meta.FindStatusCondition(u.Status.Conditions, v1alpha1.UnitDrillHeldCondition); c != nil {
			row.Drill = c.Reason
		}
		if c := meta.FindStatusCondition(u.Status.Conditions, v1alpha1.UnitDutyReachableCondition); c != nil {
			row.Duty = c.Reason
			if n := u.Status.Unacknowledged; n > 0 {
				row.Duty += fmt.Sprintf(" (%d owed)", n)
			}
		}
		for _, r := range u.Status.Records {
			if int(r.Year) == year {
				row.Record = r
			}
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b UnitRow) int { return strings.Compare(a.Namespace, b.Namespace) })
	return rows, nil
}

// cells are a row's values in UnitHeader's order.
func (r UnitRow) cells() []string {
	rec := r.Record
	n := func(v int32) string { return strconv.Itoa(int(v)) }
	drills := n(int32(len(rec.Drills)))
	if len(rec.Drills) > 0 {
		var scores []string
		for _, d := range rec.Drills {
			scores = append(scores, fmt.Sprintf("%d/%d", d.DeadlinesMet, d.DeadlinesMet+d.DeadlinesMissed))
		}
		drills += " (" + strings.Join(scores, ", ") + ")"
	}
	return []string{r.Namespace, r.Unit, r.Type, orDash(r.Plan), orDash(r.Drill), orDash(r.Duty), n(rec.Year), n(rec.Incidents),
		n(rec.ReportedLate), n(rec.DeadlinesMissed), n(rec.Corrections), n(rec.ProgressReports), n(rec.HazardReports),
		n(rec.SummaryReportsOwed), n(rec.SummaryReportsOnTime), n(rec.SummaryReportsMissed), drills}
}

// PrintUnits writes the yearly table; a drill's score is the share of its
// reporting deadlines met.
func PrintUnits(w io.Writer, rows []UnitRow, year int) {
	fmt.Fprintf(w, "# the units' record for %d (drills: deadlines met of the drill's deadlines)\n", year)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(UnitHeader, "\t"))
	for _, r := range rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = text.Inline(cells[i])
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
}

// WriteUnitsCSV writes the same figures as CSV with a header row, for the
// yearly assessment.
func WriteUnitsCSV(w io.Writer, rows []UnitRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(UnitHeader); err != nil {
		return err
	}
	for _, r := range rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = noFormula(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// noFormula keeps a text cell from being read as a formula by a
// spreadsheet that opens the CSV (a unit's name beginning with =, +, - or
// @): it is prefixed with an apostrophe.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.Atoi(s); err != nil {
			return "'" + s
		}
	}
	return s
}

// localYear is the year of now in zone.
func localYear(now time.Time, zone *time.Location) int { return now.In(zoneOr(zone)).Year() }
