// Package report holds the plan's rules for reporting an incident (§4.1):
// what the full annex form must contain, and when the report and the form
// are due. It is pure: plain inputs and times in, values out.
package report

import (
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
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

// Deadlines computes the reporting deadlines of an incident at now.
//
// InitialReport: the plan asks for a report "immediately" on discovery; a
// report created more than grace after discovery is late. FullForm, for a
// QuickNotice only: the form is owed by the end of the local calendar day of
// discovery, and is met the first time it is found complete (formCompleteAt).
//
// previous carries the states already recorded, so that a deadline once Met
// or Missed keeps its state and time: a form completed after its deadline
// stays Missed, with the time it came in.
func Deadlines(s *v1alpha1.SecurityIncidentSpec, reportedAt time.Time, formCompleteAt *time.Time, grace time.Duration, loc *time.Location, now time.Time, previous []v1alpha1.Deadline) []v1alpha1.Deadline {
	prev := map[string]v1alpha1.Deadline{}
	for _, d := range previous {
		prev[d.Name] = d
	}
	discovered := s.DiscoveredAt.Time

	var out []v1alpha1.Deadline
	initial := Settle(prev[v1alpha1.DeadlineInitialReport], v1alpha1.DeadlineInitialReport, discovered.Add(grace), &reportedAt, now)
	out = append(out, initial)
	if s.ReportChannel == v1alpha1.ReportQuickNotice {
		out = append(out, Settle(prev[v1alpha1.DeadlineFullForm], v1alpha1.DeadlineFullForm, EndOfLocalDay(discovered, loc), formCompleteAt, now))
	}
	return out
}

// Settle decides one deadline. A decided deadline whose due time did not
// move keeps its state; one whose due time moved (discoveredAt corrected)
// is decided again.
func Settle(old v1alpha1.Deadline, name string, due time.Time, doneAt *time.Time, now time.Time) v1alpha1.Deadline {
	due = due.Truncate(time.Second)
	d := v1alpha1.Deadline{Name: name, DueTime: metaTime(due), State: v1alpha1.DeadlinePending}
	if old.Name == name && old.DueTime.Time.Equal(due) && old.State != v1alpha1.DeadlinePending {
		if old.State == v1alpha1.DeadlineMissed && old.CompletedTime == nil && doneAt != nil {
			old.CompletedTime = ptrMetaTime(*doneAt)
		}
		return old
	}
	switch {
	case doneAt != nil && !doneAt.After(due):
		d.State = v1alpha1.DeadlineMet
		d.CompletedTime = ptrMetaTime(*doneAt)
	case now.After(due) || now.Equal(due):
		d.State = v1alpha1.DeadlineMissed
		if doneAt != nil {
			d.CompletedTime = ptrMetaTime(*doneAt)
		}
	}
	return d
}

// Next returns the earliest due time among pending deadlines.
func Next(ds []v1alpha1.Deadline) *time.Time {
	var next *time.Time
	for _, d := range ds {
		if d.State == v1alpha1.DeadlinePending && (next == nil || d.DueTime.Time.Before(*next)) {
			t := d.DueTime.Time
			next = &t
		}
	}
	return next
}

// Find returns the deadline of that name, or a zero one.
func Find(ds []v1alpha1.Deadline, name string) v1alpha1.Deadline {
	for _, d := range ds {
		if d.Name == name {
			return d
		}
	}
	return v1alpha1.Deadline{}
}
