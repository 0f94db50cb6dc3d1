package reconcile

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// stalledReasons are the reasons of the states only a person can clear:
// the object shows Stalled=True (kstatus Failed) with the reason and the
// message of the condition that says what to do.
var stalledReasons = map[string]bool{
	v1alpha1.IncidentFormOverdueReason:         true, // fill in the form's missing boxes
	v1alpha1.IncidentResponseOwedReason:        true, // open a response at the incident's level
	v1alpha1.IncidentTimeInFutureReason:        true, // correct the reported time
	v1alpha1.ResponseApprovalLevelMismatch:     true, // the decision covers another level: a new response
	v1alpha1.ResponseDrillMismatchReason:       true, // a drill response over a real incident
	v1alpha1.ResponseIncidentEscalatedReason:   true, // a response at the new level is owed
	v1alpha1.ResponseUserNotificationMissing:   true, // add AffectedUserNotification (§5.5)
	v1alpha1.CalendarInvalidReason:             true, // correct the calendar's dates
	v1alpha1.ChannelSecretUnusableReason:       true, // create the Secret, or put the address in it
	v1alpha1.ChannelNoConsentReason:            true, // the audience consents to its channel
	v1alpha1.NotificationNotFromOperatorReason: true, // a person wrote it: it is never sent
}

// progressingReasons are the reasons of states the operator works through
// by itself: the object shows Reconciling=True (kstatus InProgress).
var progressingReasons = map[string]bool{
	v1alpha1.ResponseWorkGroupsPendingReason:   true,
	v1alpha1.WarningDeliveryPendingReason:      true,
	v1alpha1.NotificationDeliveryFailingReason: true, // retried with backoff
}

// setHealth sets Stalled and Reconciling from the object's other
// conditions, after its Ready summary: every kind reports health the same
// way, so kstatus, Flux and the Argo CD checks in config/health read it.
func setHealth[T Object](p *Pass[T]) {
	var stalled, progressing *metav1.Condition
	for _, c := range p.Obj.GetConditions() {
		if c.Type == v1alpha1.ConditionStalled || c.Type == v1alpha1.ConditionReconciling || c.Status == metav1.ConditionTrue {
			continue
		}
		if stalled == nil && stalledReasons[c.Reason] {
			stalled = &c
		}
		if progressing == nil && progressingReasons[c.Reason] {
			progressing = &c
		}
	}
	if stalled != nil {
		p.Set(v1alpha1.ConditionStalled, metav1.ConditionTrue, stalled.Reason, stalled.Message)
	} else {
		p.Set(v1alpha1.ConditionStalled, metav1.ConditionFalse, v1alpha1.HealthyReason, "Nothing waits for a person to put it right.")
	}
	if progressing != nil && stalled == nil {
		p.Set(v1alpha1.ConditionReconciling, metav1.ConditionTrue, progressing.Reason, progressing.Message)
	} else {
		p.Set(v1alpha1.ConditionReconciling, metav1.ConditionFalse, v1alpha1.SettledReason, "The operator has nothing left to do by itself.")
	}
}
