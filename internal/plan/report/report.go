// Package report holds the plan's rules for reports: what the full annex
// form of an incident must contain and when the report and the form are due
// (§4.1), and when the summary reports of an ended response are due (§6.1). It is pure: plain inputs and times in, values out.
package report

import (
	"slices"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/internal/plan/workday"
)

// MissingFields lists, as spec field paths, the boxes of the annex form that
// are still empty. The quick notice's own fields are required by the API
// server; these are the ones that complete the full form.
func MissingFields(s *v1alpha1.SecurityIncidentSpec) []string {
	var missing []string
	need := func(ok bool, path string) {
		if !ok {
			missing = append(missing, path)
		}
	}
	need(s.Reporter.Contact.Email != "", "spec.reporter.contact.email")
	need(s.Reporter.FilledBy != "", "spec.reporter.filledBy")
	need(s.NetworkUnit.Name != "", "spec.networkUnit.name")
	need(s.NetworkUnit.Address != "", "spec.networkUnit.address")
	need(s.SuggestedLevel != "", "spec.suggestedLevel")
	need(s.MeasuresTaken != "", "spec.measuresTaken")
	need(s.ProposedMeasures != "", "spec.proposedMeasures")
	need(s.Support != nil, "spec.support")
	return missing
}

// EndOfLocalDay is the first instant of the day after t's calendar day in loc:
// "the same day" (事发当日) ends there.
func EndOfLocalDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// Owed lists the reporting deadlines an incident owes (§4.1), counted from
// discovered (the earliest discovery on record, see CountedFrom).
//
// InitialReport: the plan asks for a report "immediately" on discovery; a
// report created more than grace after discovery is late. FullForm, for a
// QuickNotice only: the form is owed by the end of the local calendar day of
// discovery, and is done the first time it is found complete
// (formCompleteAt). Both are judged again when discovery is corrected to an
// earlier time: a report on time only against the typo is late.
func Owed(s *v1alpha1.SecurityIncidentSpec, discovered, reportedAt time.Time, formCompleteAt *time.Time, grace time.Duration, loc *time.Location) []deadline.Due {
	owed := []deadline.Due{{Name: v1alpha1.DeadlineInitialReport, At: discovered.Add(grace), DoneAt: &reportedAt, Rejudge: true}}
	if s.ReportChannel == v1alpha1.ReportQuickNotice {
		owed = append(owed, deadline.Due{Name: v1alpha1.DeadlineFullForm, At: EndOfLocalDay(discovered, loc), DoneAt: formCompleteAt, Rejudge: true})
	}
	return owed
}

// Deadlines computes the reporting deadlines of an incident at now, given
// the states already recorded: a deadline once Met or Missed keeps its state
// and time, and a form completed after its deadline stays Missed, with the
// time it came in.
func Deadlines(s *v1alpha1.SecurityIncidentSpec, reportedAt time.Time, formCompleteAt *time.Time, grace time.Duration, loc *time.Location, now time.Time, previous []v1alpha1.Deadline) []v1alpha1.Deadline {
	return deadline.Track(previous, Owed(s, s.DiscoveredAt.Time, reportedAt, formCompleteAt, grace, loc), now).Deadlines
}

// Working days after a response ends within which its summary reports are
// due (§6.1): the unit's to the office, and the office's to the ministry.
const (
	UnitSummaryWorkingDays   = 10
	OfficeSummaryWorkingDays = 20
)

// UnitDone is one unit's summary report: the unit's namespace and when its
// report was received, nil while it was not.
type UnitDone struct {
	Namespace string
	At        *time.Time
}

// SummaryOwed lists the summary reports an ended response owes (§6.1),
// counted in cal's working days from endedAt: one per unit whose incidents
// it covered (named UnitSummaryReport/<namespace>), and the office's; office
// is when the office's report was received, nil while it was not. The years
// returned are those the count crossed without an official schedule in cal,
// in order.
func SummaryOwed(cal *workday.Calendar, endedAt time.Time, units []UnitDone, office *time.Time) ([]deadline.Due, []int) {
	unitDue, unitGaps := cal.AddWorkingDays(endedAt, UnitSummaryWorkingDays)
	officeDue, officeGaps := cal.AddWorkingDays(endedAt, OfficeSummaryWorkingDays)
	gaps := slices.Concat(unitGaps, officeGaps)
	slices.Sort(gaps)
	out := make([]deadline.Due, 0, len(units)+1)
	for _, u := range units {
		out = append(out, deadline.Due{Name: v1alpha1.DeadlineUnitSummaryReportPrefix + u.Namespace, At: unitDue, DoneAt: u.At})
	}
	out = append(out, deadline.Due{Name: v1alpha1.DeadlineOfficeSummaryReport, At: officeDue, DoneAt: office})
	return out, slices.Compact(gaps)
}
