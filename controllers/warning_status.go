package controllers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/approval"
	"github.com/netsec-io/incident-operator/internal/warning"
)

// The status of a Warning: one setter per condition type.

// setApproved records the verdict on the step the warning waits for, and
// announces a new wait for the leading group.
func (s *warningScope) setApproved(v approval.Verdict) {
	if v.Passed {
		s.set(v1alpha1.WarningApprovedCondition, metav1.ConditionTrue, v.Reason, v.Message)
		return
	}
	s.announce(v1alpha1.WarningApprovedCondition, metav1.ConditionFalse, v.Reason, v.Message,
		normalEvent(v1alpha1.WarningAwaitingApprovalEvent, "Publish", v.Message))
}

// setPublished says whether the warning is published; while it is not,
// the message is what it waits for.
func (s *warningScope) setPublished() {
	st := &s.obj.Status
	if st.PublishedTime != nil {
		s.set(v1alpha1.WarningPublishedCondition, metav1.ConditionTrue, v1alpha1.WarningPublishedReason,
			fmt.Sprintf("Published as %s.", warning.Name(st.PublishedLevel)))
		return
	}
	msg := "Waiting to be published."
	if c := s.condition(v1alpha1.WarningApprovedCondition); c != nil && c.Status == metav1.ConditionFalse {
		msg = c.Message
	}
	s.set(v1alpha1.WarningPublishedCondition, metav1.ConditionFalse, v1alpha1.WarningAwaitingApprovalReason, msg)
}

// setLiftWaiting says which decision a requested lift waits for.
func (s *warningScope) setLiftWaiting(v approval.Verdict) {
	s.set(v1alpha1.WarningLiftedCondition, metav1.ConditionFalse, v1alpha1.WarningAwaitingApprovalReason, v.Message)
}

// setLifted says whether the warning is lifted, keeping a requested lift's
// wait in view.
func (s *warningScope) setLifted() {
	if s.obj.Status.LiftedTime != nil {
		s.set(v1alpha1.WarningLiftedCondition, metav1.ConditionTrue, v1alpha1.WarningLiftedReason, "Lifted; its measures have ended.")
		return
	}
	if c := s.condition(v1alpha1.WarningLiftedCondition); c != nil && c.Reason == v1alpha1.WarningAwaitingApprovalReason && s.obj.Spec.LiftRequested {
		return
	}
	s.set(v1alpha1.WarningLiftedCondition, metav1.ConditionFalse, v1alpha1.WarningInForceReason, "The warning is not lifted.")
}

// setDelivered counts the messages not yet delivered, with the last error
// of each failing one.
func (s *warningScope) setDelivered() {
	st := &s.obj.Status
	pending := 0
	var failing []string
	for _, d := range st.Deliveries {
		if d.DeliveredTime == nil {
			pending++
			if d.LastError != "" {
				failing = append(failing, fmt.Sprintf("%s to %s: %s", d.Kind, d.Channel, d.LastError))
			}
		}
	}
	switch {
	case len(st.Deliveries) == 0 && st.PublishedTime == nil:
		s.set(v1alpha1.WarningDeliveredCondition, metav1.ConditionUnknown, v1alpha1.WarningNotPublishedReason,
			"Nothing is delivered before the warning is published.")
	case pending > 0:
		msg := fmt.Sprintf("%d of %d messages not yet delivered.", pending, len(st.Deliveries))
		if len(failing) > 0 {
			msg += " " + strings.Join(failing, "; ")
		}
		s.set(v1alpha1.WarningDeliveredCondition, metav1.ConditionFalse, v1alpha1.WarningDeliveryPendingReason, msg)
	default:
		s.set(v1alpha1.WarningDeliveredCondition, metav1.ConditionTrue, v1alpha1.WarningDeliveredReason,
			fmt.Sprintf("All %d messages delivered.", len(st.Deliveries)))
	}
}

// readyMessage is Ready's message when the warning is published and
// delivered.
func (s *warningScope) readyMessage() string {
	return fmt.Sprintf("%s, delivered to every channel.", strings.ToLower(string(s.obj.Status.Phase)))
}
