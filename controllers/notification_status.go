package controllers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of a Notification and of a NotificationChannel: one setter per
// condition type.

// setDelivered says whether every audience has the message: NoChannel when
// one has no Ready channel, AwaitingConsent while a message to the public
// waits for the office, DeliveryPending while a channel does not have it
// yet (with the last error of each), Delivered once all do.
func (s *notificationScope) setDelivered() {
	st := &s.Obj.Status
	total, pending := 0, 0
	var failing, done []string
	for _, d := range st.Deliveries {
		if _, ok := s.targets[d.Channel]; !ok && d.State != v1alpha1.DeliveryDelivered {
			continue // its channel is gone, or reaches another audience now
		}
		total++
		switch {
		case d.State == v1alpha1.DeliveryDelivered:
			done = append(done, d.Channel)
		case d.LastError != "":
			pending++
			failing = append(failing, fmt.Sprintf("%s (attempt %d): %s", d.Channel, d.Attempts, d.LastError))
		default:
			pending++
		}
	}
	progress := ""
	if pending > 0 {
		progress = fmt.Sprintf(" %d of %d channels do not have it yet.", pending, total)
		if len(failing) > 0 {
			progress += " " + strings.Join(failing, "; ") + "."
		}
	}
	typ := v1alpha1.NotificationDeliveredCondition
	switch {
	case len(s.unreached) > 0:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationNoChannelReason, routing.NoChannelMessage(s.unreached)+progress)
	case s.held > 0:
		s.Announce(typ, metav1.ConditionFalse, v1alpha1.NotificationAwaitingConsentReason,
			fmt.Sprintf("%d message(s) to the public wait for the emergency office's consent (annotation %s).%s", s.held, v1alpha1.AnnotationReleaseApprovedBy, progress),
			reconcile.NormalEvent(v1alpha1.NotificationAwaitingConsentEvent, "Consent", "The message to the public waits for the emergency office's consent (§5.5)."))
	case pending > 0 || total == 0:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationDeliveryPendingReason, "Not delivered yet."+progress)
	default:
		s.Set(typ, metav1.ConditionTrue, v1alpha1.NotificationDeliveredReason,
			fmt.Sprintf("Delivered through %d channel(s): %s.", len(done), strings.Join(done, ", ")))
		if st.DeliveredTime == nil {
			st.DeliveredTime = &metav1.Time{Time: s.Now}
		}
	}
}

// readyMessage is Ready's message once the notification is delivered.
func (s *notificationScope) readyMessage() string {
	msg := fmt.Sprintf("%s delivered to %s.", s.Obj.Spec.Event, routing.AudienceList(s.Obj.Spec.Audiences))
	if by := s.Obj.Status.ConfirmedBy; by != "" {
		msg += " Receipt confirmed by " + by + "."
	}
	return msg
}
