package reconcile

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Ready is what a kind's Ready condition summarises in the state a pass
// found: the conditions it depends on, and what it says when all of them
// hold. Each kind declares it in one function; Run builds the condition
// from it, the same way for every kind.
type Ready struct {
	// Inputs are the condition types Ready depends on, in the order a
	// person wants to hear of them: the first that is not True makes Ready
	// False with that condition's reason and message; one not set yet makes
	// it False with InputNotYetKnownReason.
	Inputs []string
	// Reason and Message are Ready's when every input is True.
	Reason, Message string
	// Failed, when it has a reason, makes Ready False with it whatever the
	// inputs: a state the kind judges without a condition of its own (a
	// calendar whose dates do not parse, a channel whose Secret is missing).
	Failed Cause
}

// Cause is a reason and its message.
type Cause struct {
	Reason, Message string
}

// SetReady sets Ready from r.
func SetReady[T Object](p *Pass[T], r Ready) {
	if r.Failed.Reason != "" {
		p.Set(v1alpha1.ConditionReady, metav1.ConditionFalse, r.Failed.Reason, r.Failed.Message)
		return
	}
	for _, typ := range r.Inputs {
		c := meta.FindStatusCondition(p.Obj.GetConditions(), typ)
		if c != nil && c.Status == metav1.ConditionTrue {
			continue
		}
		if c == nil {
			p.Set(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.InputNotYetKnownReason, typ+" is not yet known.")
			return
		}
		p.Set(v1alpha1.ConditionReady, metav1.ConditionFalse, c.Reason, c.Message)
		return
	}
	p.Set(v1alpha1.ConditionReady, metav1.ConditionTrue, r.Reason, r.Message)
}
