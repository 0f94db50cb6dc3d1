package controllers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of a Warning: one setter per condition type.

// setApproved records the verdict on the step the warning waits for, and
// announces a new wait for the leading group.
func (s *warningScope) setApproved(v approval.Verdict) {
	if v.Passed {
		s.Set(v1alpha1.WarningApprovedCondition, metav1.ConditionTrue, v.Reason, v.Message)
		return
	}
	s.Announce(v1alpha1.WarningApprovedCondition, metav1.ConditionFalse, v.Reason, v.Message,
		reconcile.NormalEvent(v1alpha1.WarningAwaitingApprovalEvent, "Publish", v.Message))
}

// setPublished says whether the warning is published; while it is not,
// the message is what it waits for.
func (s *warningScope) setPublished() {
	st := &s.Obj.Status
	if st.PublishedTime != nil {
		s.Set(v1alpha1.WarningPublishedCondition, metav1.ConditionTrue, v1alpha1.WarningPublishedReason,
			fmt.Sprintf("Published as %s.", warning.Name(st.PublishedLevel)))
		return
	}
	msg := "Waiting to be published."
	if c := s.Condition(v1alpha1.WarningApprovedCondition); c != nil && c.Status == metav1.ConditionFalse {
		msg = c.Message
	}
	s.Set(v1alpha1.WarningPublishedCondition, metav1.ConditionFalse, v1alpha1.WarningAwaitingApprovalReason, msg)
}

// setLiftWaiting says which decision a requested lift waits for.
func (s *warningScope) setLiftWaiting(v approval.Verdict) {
	s.Set(v1alpha1.WarningLiftedCondition, metav1.ConditionFalse, v1alpha1.WarningAwaitingApprovalReason, v.Message)
}

// setLifted says whether the warning is lifted, keeping a requested lift's
// wait in view.
func (s *warningScope) setLifted() {
	if s.Obj.Status.LiftedTime != nil {
		s.Set(v1alpha1.WarningLiftedCondition, metav1.ConditionTrue, v1alpha1.WarningLiftedReason, "Lifted; its measures have ended.")
		return
	}
	if c := s.Condition(v1alpha1.WarningLiftedCondition); c != nil && c.Reason == v1alpha1.WarningAwaitingApprovalReason && s.Obj.Spec.LiftRequested {
		return
	}
	s.Set(v1alpha1.WarningLiftedCondition, metav1.ConditionFalse, v1alpha1.WarningInForceReason, "The warning is not lifted.")
}

// setDelivered says whether the warning's messages to the units and the
// public reached every channel: NoChannel when one has no Ready channel,
// DeliveryPending with what each waits for, Delivered once all are through.
func (s *warningScope) setDelivered(ntfs []v1alpha1.Notification, channels []v1alpha1.NotificationChannel) {
	typ := v1alpha1.WarningDeliveredCondition
	if len(ntfs) == 0 && s.Obj.Status.PublishedTime == nil {
		s.Set(typ, metav1.ConditionUnknown, v1alpha1.WarningNotPublishedReason, "Nothing is delivered before the warning is published.")
		return
	}
	var noChannel, pending []string
	for i := range ntfs {
		switch reason, msg := routing.DeliveryState(&ntfs[i], channels); reason {
		case v1alpha1.NotificationDeliveredReason:
		case v1alpha1.NotificationNoChannelReason:
			noChannel = append(noChannel, ntfs[i].Name+": "+msg)
		default:
			pending = append(pending, ntfs[i].Name+": "+msg)
		}
	}
	undelivered := len(noChannel) + len(pending)
	msg := fmt.Sprintf("%d of %d messages not yet delivered. %s", undelivered, len(ntfs), strings.Join(append(noChannel, pending...), " "))
	switch {
	case len(noChannel) > 0:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationNoChannelReason, msg)
	case len(pending) > 0:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.WarningDeliveryPendingReason, msg)
	default:
		s.Set(typ, metav1.ConditionTrue, v1alpha1.WarningDeliveredReason, fmt.Sprintf("All %d messages delivered.", len(ntfs)))
	}
}

// readyMessage is Ready's message when the warning is published and
// delivered.
func (s *warningScope) readyMessage() string {
	return fmt.Sprintf("%s, delivered to every channel.", strings.ToLower(string(s.Obj.Status.Phase)))
}
