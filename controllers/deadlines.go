package controllers

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// recordDeadlines writes a look at the deadlines into a status: the record,
// the next due time, a wake-up for it, and a count of each decision.
func recordDeadlines[T reconcile.Object](p *reconcile.Pass[T], out deadline.Outcome, record *[]v1alpha1.Deadline, next **metav1.Time) {
	*record = out.Deadlines
	*next = nil
	if out.Next != nil {
		*next = &metav1.Time{Time: *out.Next}
		p.WakeAt(*out.Next)
	}
	for _, d := range out.Decided {
		countDecided(&p.Events, d)
	}
}

// setDeadlinesMet sets a kind's DeadlinesMet: True with onTime, or False
// with missedReason listing the missed deadlines in the plan's time zone.
func setDeadlinesMet[T reconcile.Object](p *reconcile.Pass[T], typ string, missed []v1alpha1.Deadline, loc *time.Location, onTimeReason, onTime, missedReason string) {
	if len(missed) == 0 {
		p.Set(typ, metav1.ConditionTrue, onTimeReason, onTime)
		return
	}
	p.Set(typ, metav1.ConditionFalse, missedReason, "Missed: "+missedList(missed, loc)+".")
}
