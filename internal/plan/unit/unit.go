// Package unit holds the plan's rules for a reporting unit's register: who
// must file its own emergency plan with the bureau (§9.1) and hold a drill
// every year (§7.2), the local year a record counts in, and a yearly record
// that only grows. It is pure: plain inputs and times in, values out.
package unit

import (
	"slices"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// MustFilePlan says whether a unit must file its own plan with the bureau
// (§9.1): telecom operators, domain registries, and the large internet
// companies.
func MustFilePlan(t v1alpha1.UnitType, large bool) bool {
	switch t {
	case v1alpha1.UnitBasicTelecom, v1alpha1.UnitDomainRegistry:
		return true
	case v1alpha1.UnitInternetCompany:
		return large
	}
	return false
}

// MustDrill says whether a unit must hold a drill every year (§7.2):
// telecom operators, domain registries and internet companies, large or
// not.
func MustDrill(t v1alpha1.UnitType) bool {
	switch t {
	case v1alpha1.UnitBasicTelecom, v1alpha1.UnitDomainRegistry, v1alpha1.UnitInternetCompany:
		return true
	}
	return false
}

// Year is t's calendar year in the plan's time zone: a record counts in the
// year its office sees, not in UTC's.
func Year(t time.Time, loc *time.Location) int32 {
	return int32(t.In(loc).Year())
}

// NewYear is the first instant of the local year after t's: when a year's
// drill falls due again.
func NewYear(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.In(loc).Year()+1, time.January, 1, 0, 0, 0, 0, loc)
}

// Keep merges the records computed now into those on record: each count is
// the larger of the two, a year on record stays, and a drill on record
// stays with its time and how it counted (its score only rises). An
// incident deleted or withdrawn, a report gone, never lowers what the unit
// was held to; the API server refuses a record that goes down. The years
// come out oldest first.
func Keep(old, now []v1alpha1.YearRecord) []v1alpha1.YearRecord {
	byYear := map[int32]v1alpha1.YearRecord{}
	for _, r := range old {
		byYear[r.Year] = *r.DeepCopy()
	}
	for _, n := range now {
		o, ok := byYear[n.Year]
		if !ok {
			o = v1alpha1.YearRecord{Year: n.Year}
		}
		o.Incidents = max(o.Incidents, n.Incidents)
		o.ReportedLate = max(o.ReportedLate, n.ReportedLate)
		o.DeadlinesMissed = max(o.DeadlinesMissed, n.DeadlinesMissed)
		o.Corrections = max(o.Corrections, n.Corrections)
		o.ProgressReports = max(o.ProgressReports, n.ProgressReports)
		o.HazardReports = max(o.HazardReports, n.HazardReports)
		o.SummaryReportsOwed = max(o.SummaryReportsOwed, n.SummaryReportsOwed)
		o.SummaryReportsOnTime = max(o.SummaryReportsOnTime, n.SummaryReportsOnTime)
		o.SummaryReportsMissed = max(o.SummaryReportsMissed, n.SummaryReportsMissed)
		o.Drills = keepDrills(o.Drills, n.Drills)
		byYear[n.Year] = o
	}
	years := slices.Sorted(func(yield func(int32) bool) {
		for y := range byYear {
			if !yield(y) {
				return
			}
		}
	})
	out := make([]v1alpha1.YearRecord, 0, len(years))
	for _, y := range years {
		out = append(out, byYear[y])
	}
	return out
}

// MaxDrills is the most drills one year's record keeps (the CRD's bound).
const MaxDrills = 64

// keepDrills keeps every drill on record, raises their scores to what is
// seen now, and appends the drills newly counted, up to MaxDrills.
func keepDrills(old, now []v1alpha1.DrillHeld) []v1alpha1.DrillHeld {
	out := slices.Clone(old)
	for _, n := range now {
		i := slices.IndexFunc(out, func(d v1alpha1.DrillHeld) bool { return d.Incident == n.Incident })
		switch {
		case i >= 0:
			out[i].DeadlinesMet = max(out[i].DeadlinesMet, n.DeadlinesMet)
			out[i].DeadlinesMissed = max(out[i].DeadlinesMissed, n.DeadlinesMissed)
		case len(out) < MaxDrills:
			out = append(out, n)
		}
	}
	return out
}

// DrillCounted finds a drill incident among the drills on record, in any
// year: a drill counts once, in the year it first counted.
func DrillCounted(records []v1alpha1.YearRecord, incident string) *v1alpha1.DrillHeld {
	for i := range records {
		for j := range records[i].Drills {
			if records[i].Drills[j].Incident == incident {
				return &records[i].Drills[j]
			}
		}
	}
	return nil
}

// Find returns the record of a year, or nil.
func Find(records []v1alpha1.YearRecord, year int32) *v1alpha1.YearRecord {
	for i := range records {
		if records[i].Year == year {
			return &records[i]
		}
	}
	return nil
}
