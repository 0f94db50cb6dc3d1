package controllers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// setSecretRead keeps what reading the channel's Secret found wrong, if
// anything (never what the Secret holds), for Ready to say.
func (s *channelScope) setSecretRead(err error) {
	if err == nil {
		s.unusable = reconcile.Cause{}
		return
	}
	reason := v1alpha1.ChannelSecretUnreadableReason
	if se := (*secretError)(nil); errors.As(err, &se) {
		reason = se.reason
	}
	s.unusable = reconcile.Cause{Reason: reason, Message: err.Error() + "."}
}

// noConsent is why a channel whose audience has not consented to it is not
// Ready, and what it takes: whoever speaks for the audience annotates it
// with their own name.
func noConsent(ch *v1alpha1.NotificationChannel) reconcile.Cause {
	a := ch.Spec.Audience
	return reconcile.Cause{Reason: v1alpha1.ChannelNoConsentReason, Message: fmt.Sprintf(
		"%s has not consented to this channel, so nothing is delivered through it: someone who may consent for %s "+
			"(the verb consent on audiences/%s in %s) runs kubectl annotate nch %s -n %s %s=$USER.",
		a, a, strings.ToLower(string(a)), v1alpha1.GroupVersion.Group, ch.Name, ch.Namespace, v1alpha1.AnnotationConsentedBy)}
}
