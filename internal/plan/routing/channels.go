package routing

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// NeedsConsent: a message for the public leaves only with the office's
// consent (§5.5), except a warning's own publication, adjustment and
// lifting, each of which is itself approved.
func NeedsConsent(n *v1alpha1.Notification) bool {
	if !slices.Contains(n.Spec.Audiences, v1alpha1.AudiencePublic) {
		return false
	}
	switch n.Spec.Event {
	case v1alpha1.EventWarningPublished, v1alpha1.EventWarningAdjusted, v1alpha1.EventWarningLifted:
		return false
	}
	return true
}

// ThroughNamed: the audiences a warning reaches through the channels it
// names.
func ThroughNamed(a v1alpha1.Audience) bool {
	return a == v1alpha1.AudienceUnits || a == v1alpha1.AudiencePublic
}

// ChannelReady says whether a channel's Ready is True.
func ChannelReady(ch *v1alpha1.NotificationChannel) bool {
	return meta.IsStatusConditionTrue(ch.Status.Conditions, v1alpha1.ConditionReady)
}

// Targets are the channels a report goes to: every channel of its
// audiences, and, for the units and the public, only the channels it
// names when it names some.
func Targets(spec *v1alpha1.NotificationSpec, channels []v1alpha1.NotificationChannel) map[string]*v1alpha1.NotificationChannel {
	named := len(spec.Channels) > 0
	out := map[string]*v1alpha1.NotificationChannel{}
	for i := range channels {
		ch := &channels[i]
		a := ch.Spec.Audience
		if (named && slices.Contains(spec.Channels, ch.Name)) ||
			(slices.Contains(spec.Audiences, a) && (!named || !ThroughNamed(a))) {
			out[ch.Name] = ch
		}
	}
	return out
}

// Unreached says, for each audience of a report that no Ready channel of
// the namespace reaches, why: the Notification's NoChannel, and its
// source's before the Notification has said so itself.
func Unreached(spec *v1alpha1.NotificationSpec, channels []v1alpha1.NotificationChannel) []string {
	named := len(spec.Channels) > 0
	var out []string
	for _, a := range spec.Audiences {
		if named && ThroughNamed(a) {
			continue
		}
		if !slices.ContainsFunc(channels, func(ch v1alpha1.NotificationChannel) bool { return ch.Spec.Audience == a && ChannelReady(&ch) }) {
			out = append(out, fmt.Sprintf("no Ready channel for %s", a))
		}
	}
	if !named || !slices.ContainsFunc(spec.Audiences, ThroughNamed) {
		return out
	}
	var missing []string
	for _, name := range spec.Channels {
		i := slices.IndexFunc(channels, func(ch v1alpha1.NotificationChannel) bool { return ch.Name == name })
		switch {
		case i < 0:
			missing = append(missing, name+" does not exist")
		case !ChannelReady(&channels[i]):
			missing = append(missing, name+" is not Ready")
		default:
			return out
		}
	}
	return append(out, "no Ready channel of those named for the units and the public: "+strings.Join(missing, ", "))
}

// NoChannelMessage is the NoChannel message of a report.
func NoChannelMessage(unreached []string) string {
	return "Cannot reach every audience: " + strings.Join(unreached, "; ") + "."
}
