package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/text"
)

// A unit's own cluster has no office of its own: its office is the
// province's, reached through the unit's Uplink. So the link is the
// office's channel in the unit's namespace, for the records it carries:
// a report through it is delivered once its source's copy is on the
// province's cluster (status.upstream), where the province's operator
// reports the copy to the office.
//
// The province's link is, the same way, the channel of the ministry's
// office (the audience MinistryOffice) in every namespace it carries. A
// report of an incident goes once the incident's relayed copy is at the
// ministry, whose operator reports it to the ministry's office as the
// province's does a unit's. Every other report the province owes the
// ministry (a response awaiting the ministry's decision, started, ended;
// a warning published; a summary) crosses as itself: the Notification is
// relayed into the province's namespace there, and the ministry's
// operator delivers it through the ministry's own channels. Nothing is
// attempted while the link is down; its connecting wakes what waits.
//
// A link's channel is the operator's own, never stored: it is Ready while
// the link is connected, and consented by the link's existence (a cluster
// administrator made it).

// linkChannelPrefix begins the name of a link's channel.
const linkChannelPrefix = "uplink."

// linkAudience is whom a link of member reaches: the office above.
func linkAudience(member v1alpha1.UplinkMember) v1alpha1.Audience {
	if member == v1alpha1.UplinkProvince {
		return v1alpha1.AudienceMinistryOffice
	}
	return v1alpha1.AudienceOffice
}

// crossesLink says whether reports about a record of the kind go through
// a link of member: a unit's link carries its incidents and reports, the
// province's every report to the ministry.
func crossesLink(member v1alpha1.UplinkMember, kind string) bool {
	return member == v1alpha1.UplinkProvince || kind == "SecurityIncident" || kind == "UnitReport"
}

// reportItselfCrosses says whether a report through a link's channel
// crosses as itself, rather than as its record's copy: the province's,
// about anything but an incident.
func reportItselfCrosses(ch *v1alpha1.NotificationChannel, kind string) bool {
	return ch.Spec.Audience == v1alpha1.AudienceMinistryOffice && kind != "SecurityIncident"
}

// withLinkChannels adds to channels the channels that this cluster's
// Uplinks give namespace ns, for reports about a record of the kind.
func withLinkChannels(ctx context.Context, c client.Reader, ns, kind string, channels []v1alpha1.NotificationChannel) ([]v1alpha1.NotificationChannel, error) {
	list := &v1alpha1.UplinkList{}
	if err := c.List(ctx, list); err != nil {
		return nil, err
	}
	for i := range list.Items {
		l := &list.Items[i]
		if !carries(l, ns) || !crossesLink(l.Spec.Member, kind) {
			continue
		}
		audience := linkAudience(l.Spec.Member)
		ready := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.UplinkConnectedReason,
			Message: fmt.Sprintf("The %s is reached through the link to %s.", audience, l.Spec.Upper.Name)}
		if c := meta.FindStatusCondition(l.Status.Conditions, v1alpha1.UplinkConnectedCondition); c == nil || c.Status != metav1.ConditionTrue {
			ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, v1alpha1.UplinkUnreachableReason,
				"The link to "+l.Spec.Upper.Name+" is not connected (kubectl get uplink "+l.Name+")."
		}
		channels = append(channels, v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{
				Name: linkChannelPrefix + l.Name, Namespace: ns,
				Labels:      map[string]string{v1alpha1.LabelUplinkChannel: l.Name},
				Annotations: map[string]string{v1alpha1.AnnotationConsentedBy: "uplink " + l.Name},
			},
			Spec:   v1alpha1.NotificationChannelSpec{Audience: audience},
			Status: v1alpha1.NotificationChannelStatus{Conditions: []metav1.Condition{ready}},
		})
	}
	return channels, nil
}

// isLinkChannel says whether ch is a link's channel.
func isLinkChannel(ch *v1alpha1.NotificationChannel) bool {
	return ch != nil && ch.Labels[v1alpha1.LabelUplinkChannel] != ""
}

// linkWaits says whether a report's delivery through the link's channel
// ch waits: for the link to connect, or for its record to cross.
func (r *NotificationReconciler) linkWaits(ctx context.Context, n *v1alpha1.Notification, ch *v1alpha1.NotificationChannel) bool {
	if !routing.ChannelReady(ch) {
		return true // the link's connecting wakes it (awaitingLink)
	}
	if reportItselfCrosses(ch, n.Spec.Source.Kind) {
		return r.links.lookup(ch.Labels[v1alpha1.LabelUplinkChannel]) == nil
	}
	return !across(ctx, r.Client, n)
}

// throughLink delivers a report through a link's channel, and says where
// it went. A report whose record crossed (linkWaits let it through then)
// is delivered by that; any other is relayed into the member's namespace
// up there, under a name its origin fixes, so that a second attempt finds
// it there and sends nothing twice.
func (r *NotificationReconciler) throughLink(ctx context.Context, n *v1alpha1.Notification, ch *v1alpha1.NotificationChannel) (string, error) {
	name := ch.Labels[v1alpha1.LabelUplinkChannel]
	if !reportItselfCrosses(ch, n.Spec.Source.Kind) {
		return "uplink " + name, nil
	}
	l := &v1alpha1.Uplink{}
	if err := r.Get(ctx, client.ObjectKey{Name: name}, l); err != nil {
		return "", fmt.Errorf("reading uplink %s: %w", name, err)
	}
	up := r.links.lookup(name)
	if up == nil {
		return "", fmt.Errorf("uplink %s is not connected", name)
	}
	c := link.Report(n, l.Spec.Cluster, l.Spec.Upper.Namespace)
	where := text.Truncate(fmt.Sprintf("uplink %s: %s/%s", name, c.Namespace, c.Name), 300)
	err := up.cluster.GetClient().Create(ctx, c)
	if apierrors.IsAlreadyExists(err) {
		held := &v1alpha1.Notification{}
		if err := up.cluster.GetAPIReader().Get(ctx, client.ObjectKeyFromObject(c), held); err != nil {
			return "", fmt.Errorf("reading the report at %s: %w", l.Spec.Upper.Name, err)
		}
		if !link.SameOrigin(held, n) {
			return "", fmt.Errorf("%s/%s at %s is a copy of another report (origin uid %s): a conflict the link leaves alone",
				c.Namespace, c.Name, l.Spec.Upper.Name, held.Labels[v1alpha1.LabelOriginUID])
		}
		return where, nil
	}
	if err != nil {
		return "", fmt.Errorf("relaying the report to %s: %w", l.Spec.Upper.Name, err)
	}
	return where, nil
}

// awaitingLink wakes the reports a link's connection may let through: the
// undelivered ones of the namespaces the province's link carries, which
// cross as themselves. A unit's link lets nothing through by connecting:
// its reports wait for their records to cross (crossed wakes them), and
// waking them all when it comes back from a partition would write each
// one's status while the link catches up.
func (r *NotificationReconciler) awaitingLink(ctx context.Context, o client.Object) []ctrl.Request {
	l := &v1alpha1.Uplink{}
	if err := r.Get(ctx, client.ObjectKey{Name: o.GetName()}, l); err != nil || l.Spec.Member != v1alpha1.UplinkProvince {
		return nil
	}
	list := &v1alpha1.NotificationList{}
	if err := r.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the reports waiting for a link")
		return nil
	}
	var out []ctrl.Request
	for i := range list.Items {
		n := &list.Items[i]
		if carries(l, n.Namespace) && n.Spec.Source.Kind != "SecurityIncident" && slices.Contains(n.Spec.Audiences, linkAudience(l.Spec.Member)) &&
			!meta.IsStatusConditionTrue(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(n)})
		}
	}
	return out
}

// linkConnected passes an Uplink's change that may let reports through:
// its Connected condition turning true.
var linkConnected = updatesOnly(func(old, new client.Object) bool {
	was, is := old.(*v1alpha1.Uplink), new.(*v1alpha1.Uplink)
	return !meta.IsStatusConditionTrue(was.Status.Conditions, v1alpha1.UplinkConnectedCondition) &&
		meta.IsStatusConditionTrue(is.Status.Conditions, v1alpha1.UplinkConnectedCondition)
})

// updatesOnly passes the updates that changed says matter, and nothing
// else.
func updatesOnly(changed func(old, new client.Object) bool) predicate.Funcs {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc:  func(e event.UpdateEvent) bool { return changed(e.ObjectOld, e.ObjectNew) },
	}
}

// across says whether the source of n has its copy on the upper cluster.
func across(ctx context.Context, c client.Reader, n *v1alpha1.Notification) bool {
	src := n.Spec.Source
	key := client.ObjectKey{Namespace: n.Namespace, Name: src.Name}
	if src.Namespace != "" {
		key.Namespace = src.Namespace
	}
	switch src.Kind {
	case "SecurityIncident":
		in := &v1alpha1.SecurityIncident{}
		return c.Get(ctx, key, in) == nil && string(in.UID) == src.UID && in.Status.Upstream != nil
	case "UnitReport":
		r := &v1alpha1.UnitReport{}
		return c.Get(ctx, key, r) == nil && string(r.UID) == src.UID && r.Status.Upstream != nil
	}
	return false
}

// crossed passes the change that brings a record across its link: its
// status.upstream appears. The reports waiting for it go then.
var crossed = updatesOnly(func(old, new client.Object) bool {
	return upstreamOf(old) == nil && upstreamOf(new) != nil
})

// upstreamOf is a record's status.upstream, for the kinds that cross.
func upstreamOf(o client.Object) *v1alpha1.UpstreamDecision {
	switch o := o.(type) {
	case *v1alpha1.SecurityIncident:
		return o.Status.Upstream
	case *v1alpha1.UnitReport:
		return o.Status.Upstream
	}
	return nil
}

// reportsOfSource wakes the reports a record owes, in its namespace: those
// whose source has the record's uid. The cache keeps no source label on a
// report (interned.notification), so they are found by their source, among
// the cache's own objects of the namespace.
func (r *NotificationReconciler) reportsOfSource(ctx context.Context, o client.Object) []ctrl.Request {
	ntfs, err := cachedIn[*v1alpha1.Notification](ctx, r.Cache, r, &v1alpha1.NotificationList{}, o.GetNamespace())
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the reports of a record that crossed its link")
		return nil
	}
	var out []ctrl.Request
	for _, n := range ntfs {
		if n.Spec.Source.UID == string(o.GetUID()) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(n)})
		}
	}
	return out
}

// reportsUp counts, for the province's link, the reports that crossed it
// as themselves (kind Notification, up) and adds those still waiting for
// it to the link's backlog.
func (r *UplinkReconciler) reportsUp(ctx context.Context, s *uplinkScope) error {
	if s.upper == nil || s.Obj.Spec.Member != v1alpha1.UplinkProvince {
		return nil
	}
	ch := linkChannelPrefix + s.Obj.Name
	list := &v1alpha1.NotificationList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexLinkDelivery: ch}, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	across := int32(0)
	for i := range list.Items {
		n := &list.Items[i]
		for _, d := range n.Status.Deliveries {
			switch {
			case d.Channel != ch:
			case d.State != v1alpha1.DeliveryDelivered:
				s.waiting++
			case n.Spec.Source.Kind != "SecurityIncident":
				across++
			}
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "Notification", Direction: "Up", Copies: across})
	return nil
}

// IndexLinkDelivery indexes notifications by the links' channels
// (uplink.<name>) they have a delivery to: a province's link counts the
// reports that crossed it (reportsUp) without reading every report.
const IndexLinkDelivery = "status.deliveries.linkChannel"

func linkChannels(o client.Object) []string {
	var out []string
	for _, d := range o.(*v1alpha1.Notification).Status.Deliveries {
		if strings.HasPrefix(d.Channel, linkChannelPrefix) && !slices.Contains(out, d.Channel) {
			out = append(out, d.Channel)
		}
	}
	return out
}

// throughLinkChanged passes a report's change that the province's link
// counts: a delivery through a link's channel added or changed.
var throughLinkChanged = updatesOnly(func(old, new client.Object) bool {
	return !slices.Equal(linkDeliveries(old), linkDeliveries(new))
})

// linkDeliveries are the states of a report's deliveries through links.
func linkDeliveries(o client.Object) []string {
	n, ok := o.(*v1alpha1.Notification)
	if !ok {
		return nil
	}
	var out []string
	for _, d := range n.Status.Deliveries {
		if strings.HasPrefix(d.Channel, linkChannelPrefix) {
			out = append(out, d.Channel+"="+string(d.State))
		}
	}
	return out
}
