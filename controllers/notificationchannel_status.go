package controllers

import (
	"errors"

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
