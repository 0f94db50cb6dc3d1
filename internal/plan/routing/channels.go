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

// Consented says whether the audience a channel claims consented to it:
// the API server admits the annotation only from someone who speaks for
// that audience, and takes it away when the channel's spec changes
// (config/admission/channels.yaml).
func Consented(ch *v1alpha1.NotificationChannel) bool {
	return ch.Annotations[v1alpha1.AnnotationConsentedBy] != ""
}

// ChannelReady says whether a channel may be delivered through: its
// audience consented to it and its Ready is True. The consent is read from
// the channel itself, so a consent taken away stops delivery before the
// channel's status says so.
func ChannelReady(ch *v1alpha1.NotificationChannel) bool {
	return Consented(ch) && meta.IsStatusConditionTrue(ch.Status.Conditions, v1alpha1.ConditionReady)
}

// ChannelKey tells apart channels of the same name in the notification's
// namespace and the office's.
func ChannelKey(ch *v1alpha1.NotificationChannel) string {
	return ch.Namespace + "/" + ch.Name
}

// DeliveryKey is the ChannelKey of a delivery of a notification of
// namespace ns; a delivery recorded without a namespace went through a
// channel of ns.
func DeliveryKey(d v1alpha1.NotificationDelivery, ns string) string {
	if d.Namespace != "" {
		ns = d.Namespace
	}
	return ns + "/" + d.Channel
}

// named says whether ch is one of the channels a report names: a channel
// of the report's own namespace ns, for the units or the public, and for
// an audience of the report (an audience owns its address: a warning
// cannot send the public's message to the office's channel by naming it).
func named(ns string, spec *v1alpha1.NotificationSpec, ch *v1alpha1.NotificationChannel) bool {
	a := ch.Spec.Audience
	return ch.Namespace == ns && slices.Contains(spec.Channels, ch.Name) && ThroughNamed(a) && slices.Contains(spec.Audiences, a)
}

// Targets are the channels, by ChannelKey, a report of namespace ns goes
// to: every consented channel of its audiences among channels (those of
// ns and of the office's namespace), and, for the units and the public,
// only the channels it names when it names some. A channel without its
// audience's consent gets nothing, whatever it claims.
func Targets(ns string, spec *v1alpha1.NotificationSpec, channels []v1alpha1.NotificationChannel) map[string]*v1alpha1.NotificationChannel {
	withNames := len(spec.Channels) > 0
	out := map[string]*v1alpha1.NotificationChannel{}
	for i := range channels {
		ch := &channels[i]
		a := ch.Spec.Audience
		if !Consented(ch) {
			continue
		}
		if (withNames && named(ns, spec, ch)) ||
			(slices.Contains(spec.Audiences, a) && (!withNames || !ThroughNamed(a))) {
			out[ChannelKey(ch)] = ch
		}
	}
	return out
}

// Unreached says, for each audience of a report of namespace ns that no
// consented Ready channel reaches, why: the Notification's NoChannel, and
// its source's before the Notification has said so itself.
func Unreached(ns string, spec *v1alpha1.NotificationSpec, channels []v1alpha1.NotificationChannel) []string {
	withNames := len(spec.Channels) > 0
	var out []string
	for _, a := range spec.Audiences {
		if withNames && ThroughNamed(a) {
			continue
		}
		if slices.ContainsFunc(channels, func(ch v1alpha1.NotificationChannel) bool { return ch.Spec.Audience == a && ChannelReady(&ch) }) {
			continue
		}
		why := fmt.Sprintf("no Ready channel for %s", a)
		if slices.ContainsFunc(channels, func(ch v1alpha1.NotificationChannel) bool { return ch.Spec.Audience == a && !Consented(&ch) }) {
			why += fmt.Sprintf(" that %s consented to (annotation %s, written by someone who speaks for %s)", a, v1alpha1.AnnotationConsentedBy, a)
		}
		out = append(out, why)
	}
	if !withNames || !slices.ContainsFunc(spec.Audiences, ThroughNamed) {
		return out
	}
	var missing []string
	for _, name := range spec.Channels {
		i := slices.IndexFunc(channels, func(ch v1alpha1.NotificationChannel) bool { return ch.Namespace == ns && ch.Name == name })
		switch {
		case i < 0:
			missing = append(missing, name+" does not exist")
		case !named(ns, spec, &channels[i]):
			missing = append(missing, fmt.Sprintf("%s reaches %s, not the units or the public", name, channels[i].Spec.Audience))
		case !Consented(&channels[i]):
			missing = append(missing, fmt.Sprintf("%s has no consent of %s", name, channels[i].Spec.Audience))
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

// Unserved are the audiences of a report that no delivery has reached
// yet: each audience needs a Delivered delivery of its own (one channel
// of an audience that failed does not matter once another of the same
// audience has it). The units and the public, when the report names its
// channels, are served together by any named channel that has it.
func Unserved(spec *v1alpha1.NotificationSpec, deliveries []v1alpha1.NotificationDelivery) []v1alpha1.Audience {
	withNames := len(spec.Channels) > 0
	got := map[v1alpha1.Audience]bool{}
	for _, d := range deliveries {
		if d.State == v1alpha1.DeliveryDelivered {
			got[d.Audience] = true
		}
	}
	namedServed := slices.ContainsFunc(spec.Audiences, func(a v1alpha1.Audience) bool { return ThroughNamed(a) && got[a] })
	var out []v1alpha1.Audience
	for _, a := range spec.Audiences {
		if got[a] || (withNames && ThroughNamed(a) && namedServed) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// Undeliverable says whether a report's state (a reason of Delivered or of
// ReportedUpward) means it cannot go out as things stand: no channel for
// an audience, or every attempt failing. Its source is then not Ready.
func Undeliverable(reason string) bool {
	return reason == v1alpha1.NotificationNoChannelReason || reason == v1alpha1.NotificationDeliveryFailingReason
}
