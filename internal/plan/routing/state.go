package routing

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Verdict is a condition as a rule decides it.
type Verdict struct {
	Status          metav1.ConditionStatus
	Reason, Message string
}

// DeliveryState is where a report stands as its source sees it: its
// Delivered condition, or, before the Notification controller has looked
// at it, NoChannel when the namespace has no Ready channel for one of its
// audiences (with the very message the Notification will carry, so the
// source's status does not change again when it does).
func DeliveryState(n *v1alpha1.Notification, channels []v1alpha1.NotificationChannel) (reason, message string) {
	c := meta.FindStatusCondition(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
	switch {
	case c != nil && c.Status == metav1.ConditionTrue:
		return v1alpha1.NotificationDeliveredReason, c.Message
	case c != nil && c.Reason == v1alpha1.NotificationDeliveryPendingReason && !strings.Contains(c.Message, "attempt"):
		// On its way, no attempt failed: said the same way from the
		// report's creation to its delivery, so that the source's status
		// is not written again for the report's own progress.
		return v1alpha1.NotificationDeliveryPendingReason, "not yet delivered"
	case c != nil:
		return c.Reason, c.Message
	}
	if u := Unreached(n.Namespace, &n.Spec, channels); len(u) > 0 {
		return v1alpha1.NotificationNoChannelReason, NoChannelMessage(u)
	}
	return v1alpha1.NotificationDeliveryPendingReason, "not yet delivered"
}

// Upward keeps the notifications for someone other than the public.
func Upward(ntfs []v1alpha1.Notification) []v1alpha1.Notification {
	var out []v1alpha1.Notification
	for _, n := range ntfs {
		if slices.ContainsFunc(n.Spec.Audiences, func(a v1alpha1.Audience) bool { return a != v1alpha1.AudiencePublic }) {
			out = append(out, n)
		}
	}
	return out
}

// ReportedUpward says whether a source's reports reached the offices:
// False with NoChannel when an audience has no consented Ready channel
// (never a silent skip), DeliveryFailing when every attempt to reach one
// failed, DeliveryPending while one is on its way.
func ReportedUpward(ntfs []v1alpha1.Notification, channels []v1alpha1.NotificationChannel) Verdict {
	if len(ntfs) == 0 {
		return Verdict{metav1.ConditionTrue, v1alpha1.NothingToReportReason, "No report is owed yet."}
	}
	var noChannel, failing, pending, done []string
	for i := range ntfs {
		n := &ntfs[i]
		reason, msg := DeliveryState(n, channels)
		switch reason {
		case v1alpha1.NotificationDeliveredReason:
			done = append(done, n.Name)
		case v1alpha1.NotificationNoChannelReason:
			noChannel = append(noChannel, fmt.Sprintf("%s (%s): %s", n.Name, n.Spec.Event, msg))
		case v1alpha1.NotificationDeliveryFailingReason:
			failing = append(failing, fmt.Sprintf("%s (%s): %s", n.Name, n.Spec.Event, msg))
		default:
			pending = append(pending, fmt.Sprintf("%s (%s): %s", n.Name, n.Spec.Event, msg))
		}
	}
	switch {
	case len(noChannel) > 0:
		return Verdict{metav1.ConditionFalse, v1alpha1.NotificationNoChannelReason, strings.Join(append(append(noChannel, failing...), pending...), " ")}
	case len(failing) > 0:
		return Verdict{metav1.ConditionFalse, v1alpha1.NotificationDeliveryFailingReason, strings.Join(append(failing, pending...), " ")}
	case len(pending) > 0:
		return Verdict{metav1.ConditionFalse, v1alpha1.NotificationDeliveryPendingReason, strings.Join(pending, " ")}
	default:
		return Verdict{metav1.ConditionTrue, v1alpha1.ReportedUpwardReason, fmt.Sprintf("All %d reports delivered: %s.", len(done), strings.Join(done, ", "))}
	}
}
