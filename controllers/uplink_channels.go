package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// A unit's own cluster has no office of its own: its office is the
// province's, reached through the unit's Uplink. So the link is the
// office's channel in the unit's namespace, for the records it carries:
// a report through it is delivered once its source's copy is on the
// province's cluster (status.upstream), where the province's operator
// reports the copy to the office. The channel is the operator's own, never
// stored: it is Ready while the link is connected, and consented by the
// link's existence (a cluster administrator made it).

// linkChannelPrefix begins the name of a link's channel.
const linkChannelPrefix = "uplink."

// crossesLink says whether records of the kind go up a unit's link.
func crossesLink(kind string) bool {
	return kind == "SecurityIncident" || kind == "UnitReport"
}

// withLinkChannels adds to channels the channels that the Uplinks of a
// unit give namespace ns, for reports about a record of the kind.
func withLinkChannels(ctx context.Context, c client.Reader, ns, kind string, channels []v1alpha1.NotificationChannel) ([]v1alpha1.NotificationChannel, error) {
	if !crossesLink(kind) {
		return channels, nil
	}
	list := &v1alpha1.UplinkList{}
	if err := c.List(ctx, list); err != nil {
		return nil, err
	}
	for i := range list.Items {
		l := &list.Items[i]
		if l.Spec.Member != v1alpha1.UplinkUnit || !carries(l, ns) {
			continue
		}
		ready := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.UplinkConnectedReason,
			Message: "The office is reached through the link to " + l.Spec.Upper.Name + "."}
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
			Spec:   v1alpha1.NotificationChannelSpec{Audience: v1alpha1.AudienceOffice},
			Status: v1alpha1.NotificationChannelStatus{Conditions: []metav1.Condition{ready}},
		})
	}
	return channels, nil
}

// isLinkChannel says whether ch is a link's channel.
func isLinkChannel(ch *v1alpha1.NotificationChannel) bool {
	return ch != nil && ch.Labels[v1alpha1.LabelUplinkChannel] != ""
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
var crossed = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		return upstreamOf(e.ObjectOld) == nil && upstreamOf(e.ObjectNew) != nil
	},
}

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

// reportsOfSource wakes the reports a record owes, in its namespace.
func (r *NotificationReconciler) reportsOfSource(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.NotificationList{}
	if err := r.List(ctx, list, client.InNamespace(o.GetNamespace()),
		client.MatchingLabels{v1alpha1.LabelSourceUID: string(o.GetUID())}, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the reports of a record that crossed its link")
		return nil
	}
	out := make([]ctrl.Request, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
	}
	return out
}
