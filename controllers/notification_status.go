package controllers

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of a Notification and of a NotificationChannel: one setter per
// condition type.

// setDelivered says whether every audience has the message: NoChannel when
// one has no consented Ready channel, AwaitingConsent while a message to
// the public waits for the office, DeliveryFailing while an audience has
// it through no channel and every attempt at it failed, DeliveryPending
// while an audience does not have it yet (with the last error of each
// channel), Delivered once every audience has it through at least one of
// its channels.
func (s *notificationScope) setDelivered() {
	n, st := s.Obj, &s.Obj.Status
	unserved := routing.Unserved(&n.Spec, st.Deliveries)
	total, pending := 0, 0
	var failing, done []string
	tried := map[v1alpha1.Audience]bool{}      // an attempt at it was made
	succeeding := map[v1alpha1.Audience]bool{} // a channel of it has not failed yet
	for _, d := range st.Deliveries {
		key := routing.DeliveryKey(d, n.Namespace)
		if _, ok := s.targets[key]; !ok && d.State != v1alpha1.DeliveryDelivered {
			continue // its channel is gone, lost its consent, or reaches another audience now
		}
		total++
		switch {
		case d.State == v1alpha1.DeliveryDelivered:
			done = append(done, key)
		case !slices.Contains(unserved, d.Audience):
			// its audience has the message through another channel
		case d.LastError != "":
			pending++
			tried[d.Audience] = true
			failing = append(failing, fmt.Sprintf("%s (attempt %d): %s", key, d.Attempts, d.LastError))
		default:
			pending++
			succeeding[d.Audience] = true
		}
	}
	progress := ""
	if pending > 0 {
		progress = fmt.Sprintf(" %d of %d channels do not have it yet.", pending, total)
		if len(failing) > 0 {
			progress += " " + strings.Join(failing, "; ") + "."
		}
		progress += s.waiting
	}
	var failed []string
	for _, a := range unserved {
		if tried[a] && !succeeding[a] {
			failed = append(failed, string(a))
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
	case len(failed) > 0:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationDeliveryFailingReason,
			fmt.Sprintf("Every channel of %s failed so far; retrying.%s", strings.Join(failed, ", "), progress))
	case len(unserved) > 0 || total == 0:
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
