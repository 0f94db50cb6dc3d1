package controllers

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
)

// summarise sets Ready, the summary every kind has: True with reason and
// message when every condition it depends on is True, else False with the
// reason and message of the first that is not.
func summarise[T object](p *pass[T], reason, message string, dependsOn ...string) {
	for _, typ := range dependsOn {
		c := meta.FindStatusCondition(p.obj.GetConditions(), typ)
		if c != nil && c.Status == metav1.ConditionTrue {
			continue
		}
		if c == nil {
			p.set(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ResponseNotReadyReason, typ+" is not yet known.")
			return
		}
		p.set(v1alpha1.ConditionReady, metav1.ConditionFalse, c.Reason, c.Message)
		return
	}
	p.set(v1alpha1.ConditionReady, metav1.ConditionTrue, reason, message)
}

// recordDeadlines writes a look at the deadlines into a status: the record,
// the next due time, a wake-up for it, and a count of each decision.
func recordDeadlines[T object](p *pass[T], out deadline.Outcome, record *[]v1alpha1.Deadline, next **metav1.Time) {
	*record = out.Deadlines
	*next = nil
	if out.Next != nil {
		*next = &metav1.Time{Time: *out.Next}
		p.wakeAt(*out.Next)
	}
	for _, d := range out.Decided {
		countDecided(&p.events, d)
	}
}

// setDeadlinesMet sets a kind's DeadlinesMet: True with onTime, or False
// with missedReason listing the missed deadlines in the plan's time zone.
func setDeadlinesMet[T object](p *pass[T], typ string, missed []v1alpha1.Deadline, loc *time.Location, onTimeReason, onTime, missedReason string) {
	if len(missed) == 0 {
		p.set(typ, metav1.ConditionTrue, onTimeReason, onTime)
		return
	}
	p.set(typ, metav1.ConditionFalse, missedReason, "Missed: "+missedList(missed, loc)+".")
}
