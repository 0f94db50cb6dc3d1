// Package deadline keeps the plan's deadlines: each one is Pending until it
// is met or passes, and once decided it keeps its state. Incidents (§4.1)
// and responses (§6.1) keep theirs through the same bookkeeping. It is pure:
// the deadlines owed, the record so far and the time in; the new record and
// what changed out.
package deadline

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Due is one deadline owed: its name, when it falls due, and when the thing
// owed was done (nil while it is not).
type Due struct {
	Name   string
	At     time.Time
	DoneAt *time.Time
	// Rejudge: a Met deadline whose due time moved earlier than when the
	// thing was done turns Missed. For a deadline counted from a reported
	// time that a correction may move earlier; a Missed one never turns Met.
	Rejudge bool
}

// Outcome is the record after a look at the deadlines.
type Outcome struct {
	// Deadlines is the new record, in the order the deadlines were owed.
	Deadlines []v1alpha1.Deadline
	// Decided are the deadlines that became Met or Missed at this look.
	Decided []v1alpha1.Deadline
	// Missed are all the deadlines that are Missed.
	Missed []v1alpha1.Deadline
	// Next is the earliest due time among the pending ones.
	Next *time.Time
}

// Track decides each deadline owed against the record so far. A deadline
// already decided keeps its state and due time; a thing done after its
// deadline passed is noted on the Missed record.
func Track(record []v1alpha1.Deadline, owed []Due, now time.Time) Outcome {
	var out Outcome
	for _, due := range owed {
		old := Find(record, due.Name)
		d := Settle(old, due.Name, due.At, due.DoneAt, now)
		if due.Rejudge {
			d = rejudge(d, due.At)
		}
		out.Deadlines = append(out.Deadlines, d)
		if d.State != v1alpha1.DeadlinePending && d.State != old.State {
			out.Decided = append(out.Decided, d)
		}
		if d.State == v1alpha1.DeadlineMissed {
			out.Missed = append(out.Missed, d)
		}
	}
	out.Next = Next(out.Deadlines)
	return out
}

// Settle decides one deadline. A decided deadline never changes state
// again, whatever happens to the facts it was counted from.
func Settle(old v1alpha1.Deadline, name string, due time.Time, doneAt *time.Time, now time.Time) v1alpha1.Deadline {
	due = due.Truncate(time.Second)
	d := v1alpha1.Deadline{Name: name, DueTime: metaTime(due), State: v1alpha1.DeadlinePending}
	if old.Name == name && old.State != v1alpha1.DeadlinePending {
		if old.State == v1alpha1.DeadlineMissed && old.CompletedTime == nil && doneAt != nil {
			old.CompletedTime = ptrMetaTime(*doneAt)
		}
		return old
	}
	switch {
	case doneAt != nil && !doneAt.After(due):
		d.State = v1alpha1.DeadlineMet
		d.CompletedTime = ptrMetaTime(*doneAt)
	case !now.Before(due):
		d.State = v1alpha1.DeadlineMissed
		if doneAt != nil {
			d.CompletedTime = ptrMetaTime(*doneAt)
		}
	}
	return d
}

// rejudge turns a Met deadline Missed when its due time moved earlier than
// its completion, with the new due time: the report was on time only
// against a time later corrected.
func rejudge(d v1alpha1.Deadline, due time.Time) v1alpha1.Deadline {
	due = due.Truncate(time.Second)
	if d.State != v1alpha1.DeadlineMet || d.CompletedTime == nil || !due.Before(d.DueTime.Time) || !d.CompletedTime.After(due) {
		return d
	}
	d.State, d.DueTime = v1alpha1.DeadlineMissed, metaTime(due)
	return d
}

// Withdraw stops the deadlines of a withdrawn source: the pending ones
// become Withdrawn and are no longer tracked, the decided ones stay as they
// are.
func Withdraw(record []v1alpha1.Deadline) Outcome {
	var out Outcome
	for _, d := range record {
		if d.State == v1alpha1.DeadlinePending {
			d.State = v1alpha1.DeadlineWithdrawn
		}
		out.Deadlines = append(out.Deadlines, d)
		if d.State == v1alpha1.DeadlineMissed {
			out.Missed = append(out.Missed, d)
		}
	}
	return out
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

// metaTime drops what the API cannot store (below a second, and the
// monotonic clock), so that a value read back compares equal and an idle
// reconcile writes nothing.
func metaTime(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second).Round(0)) }

func ptrMetaTime(t time.Time) *metav1.Time {
	m := metaTime(t)
	return &m
}
