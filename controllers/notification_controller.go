package controllers

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/netsec-io/incident-operator/internal/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
)

// NotificationReconciler delivers each Notification to every channel of
// its audiences, once: each attempt is written down before it is made, and
// its outcome after, in the Notification's own status, which nothing but
// this controller writes.
type NotificationReconciler struct {
	reconcile.Kit
	// APIReader reads channel Secrets without caching every Secret, and
	// the notification afresh once its deliveries are recorded.
	APIReader client.Reader
	// Cache is read without copies where a record's reports are looked
	// for among all of its namespace's (reportsOfSource); nil lists them
	// through the client.
	Cache cache.Cache
	// HTTP sends; each attempt is bounded by the channel's timeout.
	HTTP *http.Client
	// Mapper names a source's resource for the CloudEvents source.
	Mapper meta.RESTMapper
	// OfficeNamespace holds the channels that serve the notifications of
	// every namespace (Config.OfficeNamespace).
	OfficeNamespace string
	// Self is the operator's own user name, as the API server knows it:
	// only a notification it created (the API server stamps created-by) is
	// sent. Empty, every notification is (a test of this controller alone).
	Self string
	// Grouping groups the reports of a storm (ReportGrouping); zero sends
	// every report alone.
	Grouping ReportGrouping

	groups *grouper
	// wake has the reports of a grouped message reconciled once it is
	// recorded.
	wake chan event.GenericEvent
	// links are the Uplinks' connections, through which the province's
	// reports to the ministry are relayed; nil, no report is.
	links *uppers
}

type notificationScope struct {
	*reconcile.Pass[*v1alpha1.Notification]
	// targets are the channels the message goes to now, by
	// routing.ChannelKey.
	targets map[string]*v1alpha1.NotificationChannel
	// unreached says, per audience with no Ready channel, why.
	unreached []string
	// held counts the messages to the public waiting for consent.
	held int
	// due are the deliveries claimed in this pass, to be sent.
	due []int
	// foreign is who created the notification, when not the operator.
	foreign string
	// grouped are the grouped messages this pass sends.
	grouped []groupedSend
	// waiting says, for a report waiting for its group's message, when
	// that message goes.
	waiting string
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notifications,verbs=get;list;watch;create
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notifications/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notificationchannels,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile records the recipient's confirmation and the office's consent,
// finds the channels, writes down the attempts it is about to make, makes
// them, and records each outcome.
func (r *NotificationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	n, err := r.wholeNotification(ctx, req.NamespacedName)
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &notificationScope{Pass: reconcile.Begin(r.Kit, n, n.Spec.Drill)}
	defer r.release(ctx, s)
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*notificationScope]{
		r.authored, r.confirm, r.consent, r.target, r.claim, r.deliver, r.sendGroups,
	}, r.ready)
}

// wholeNotification is the report as the cache holds it, or, when the
// cache keeps less of it (a delivered report: slimNotification), as the
// API server holds it at the same resourceVersion (answered from its watch
// cache). A pass compares the status it makes with the one it read, so it
// must read the status whole: conditions missing from it would be written
// again, with new transition times.
func (r *NotificationReconciler) wholeNotification(ctx context.Context, key client.ObjectKey) (*v1alpha1.Notification, error) {
	cached := &v1alpha1.Notification{}
	if err := r.Get(ctx, key, cached); err != nil {
		return nil, err
	}
	return r.whole(ctx, cached)
}

// whole is n, read from the cache, or, when the cache keeps less of it, n
// as the API server holds it at the same resourceVersion, its texts left
// out as the cache leaves them out.
func (r *NotificationReconciler) whole(ctx context.Context, n *v1alpha1.Notification) (*v1alpha1.Notification, error) {
	if !notificationSlimmed(n) || r.APIReader == nil {
		return n, nil
	}
	w := &v1alpha1.Notification{}
	at := &client.GetOptions{Raw: &metav1.GetOptions{ResourceVersion: n.ResourceVersion}}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(n), w, at); err != nil {
		return nil, fmt.Errorf("reading notification %s/%s whole: %w", n.Namespace, n.Name, err)
	}
	return w, nil
}

// authored finds out whether the operator wrote the notification: a
// message written by anyone else (a cluster administrator may create one)
// could say anything in the plan's name, and is not sent. A report
// relayed from the province's cluster was written by the province's
// operator and brought by its link, which alone may write one here
// (config/admission/copies.yaml, rule origin): it is sent.
func (r *NotificationReconciler) authored(_ context.Context, s *notificationScope) error {
	if s.Obj.Labels[v1alpha1.LabelCopy] == v1alpha1.CopyRelayed {
		return nil
	}
	if by := s.Obj.Annotations[v1alpha1.AnnotationCreatedBy]; r.Self != "" && by != r.Self {
		s.foreign = by
		if s.foreign == "" {
			s.foreign = "nobody on record"
		}
	}
	return nil
}

// confirm records who confirmed receipt (电话确认), once.
func (r *NotificationReconciler) confirm(_ context.Context, s *notificationScope) error {
	n, st := s.Obj, &s.Obj.Status
	by := n.Annotations[v1alpha1.AnnotationConfirmedBy]
	if by == "" || st.ConfirmedBy != "" {
		return nil
	}
	st.ConfirmedBy, st.ConfirmedTime = by, &metav1.Time{Time: s.Now}
	s.Events.Add(reconcile.NormalEvent(v1alpha1.NotificationConfirmedEvent, "Confirm", fmt.Sprintf("Receipt of %s confirmed by %s.", n.Spec.Event, by)))
	return nil
}

// consent records the office's consent to a release to the public, once.
func (r *NotificationReconciler) consent(_ context.Context, s *notificationScope) error {
	n, st := s.Obj, &s.Obj.Status
	by := n.Annotations[v1alpha1.AnnotationReleaseApprovedBy]
	if !routing.NeedsConsent(n) || by == "" || st.ReleaseApprovedBy != "" {
		return nil
	}
	st.ReleaseApprovedBy, st.ReleaseApprovedTime = by, &metav1.Time{Time: s.Now}
	s.Events.Add(reconcile.NormalEvent(v1alpha1.NotificationReleaseApprovedEvent, "Consent", fmt.Sprintf("Release to the public approved by %s.", by)))
	return nil
}

// held says whether the message to a channel waits for consent.
func (s *notificationScope) heldFor(ch *v1alpha1.NotificationChannel) bool {
	return ch.Spec.Audience == v1alpha1.AudiencePublic && routing.NeedsConsent(s.Obj) && s.Obj.Status.ReleaseApprovedBy == ""
}

// target finds the consented channels of the notification's audiences, in
// its namespace and the office's, and adds a delivery for each new one:
// every channel of an audience that nobody of it has received the message
// through yet, and every channel named.
func (r *NotificationReconciler) target(ctx context.Context, s *notificationScope) error {
	n, st := s.Obj, &s.Obj.Status
	if s.foreign != "" {
		s.targets, s.unreached = nil, nil
		return nil
	}
	channels, err := channelsOf(ctx, r.Client, n.Namespace, r.OfficeNamespace)
	if err != nil {
		return err
	}
	if channels, err = withLinkChannels(ctx, r.Client, n.Namespace, n.Spec.Source.Kind, channels); err != nil {
		return err
	}
	s.targets = routing.Targets(n.Namespace, &n.Spec, channels)
	s.unreached = routing.Unreached(n.Namespace, &n.Spec, channels)

	for _, key := range slices.Sorted(maps.Keys(s.targets)) {
		ch := s.targets[key]
		if slices.ContainsFunc(st.Deliveries, func(d v1alpha1.NotificationDelivery) bool { return routing.DeliveryKey(d, n.Namespace) == key }) {
			continue
		}
		if s.served(ch) {
			continue // this audience has the message already
		}
		if len(st.Deliveries) >= v1alpha1.MaxNotificationDeliveries {
			break
		}
		st.Deliveries = append(st.Deliveries, v1alpha1.NotificationDelivery{
			Channel: ch.Name, Namespace: ch.Namespace, Audience: ch.Spec.Audience, EventID: n.Spec.EventID, State: v1alpha1.DeliveryPending,
		})
	}
	return nil
}

// served says whether the audience of ch has the message through another
// channel already, so ch need not get it: a channel the notification
// names gets it whatever.
func (s *notificationScope) served(ch *v1alpha1.NotificationChannel) bool {
	n := s.Obj
	if ch.Namespace == n.Namespace && slices.Contains(n.Spec.Channels, ch.Name) {
		return false
	}
	return slices.ContainsFunc(n.Status.Deliveries, func(d v1alpha1.NotificationDelivery) bool {
		return d.State == v1alpha1.DeliveryDelivered && d.Audience == ch.Spec.Audience
	})
}

// outstanding is the channel of a delivery that its audience still waits
// for, if it does.
func (s *notificationScope) outstanding(d v1alpha1.NotificationDelivery) (*v1alpha1.NotificationChannel, bool) {
	ch, ok := s.targets[routing.DeliveryKey(d, s.Obj.Namespace)]
	if d.State == v1alpha1.DeliveryDelivered || !ok || s.served(ch) {
		return nil, false
	}
	return ch, true
}

// countHeld counts the messages to the public waiting for consent, as
// claim does, without claiming anything.
func (s *notificationScope) countHeld() {
	s.held = 0
	for _, d := range s.Obj.Status.Deliveries {
		if ch, ok := s.outstanding(d); ok && s.heldFor(ch) {
			s.held++
		}
	}
}

// claim writes down, before anything is sent, each attempt about to be
// made (attempts and lastAttemptTime): a restart finds it and knows the
// message may have left. A delivery is due when it was never tried, or its
// backoff has passed; a message to the public waits for consent.
func (r *NotificationReconciler) claim(ctx context.Context, s *notificationScope) error {
	st := &s.Obj.Status
	s.held, s.due = 0, nil
	linkWaiting, carried := 0, 0
	unclaimed := slices.Clone(st.Deliveries)
	for i := range st.Deliveries {
		d := &st.Deliveries[i]
		ch, ok := s.outstanding(*d)
		if !ok {
			continue
		}
		if s.heldFor(ch) {
			s.held++
			continue
		}
		if next, waiting := nextAttempt(*d, ch); waiting && next.After(s.Now) {
			s.WakeAt(next)
			continue
		}
		if isLinkChannel(ch) {
			// Through a link, nothing is attempted while the link is down,
			// and a report that is its source's copy up there is delivered
			// once the link has carried it (the source's status.upstream
			// wakes it, crossed): nothing is sent then, and the delivery is
			// recorded in the pass's one status write.
			if r.linkWaits(ctx, s.Obj, ch) {
				if routing.ChannelReady(ch) {
					linkWaiting++ // connected: the record crosses in a moment
				}
				continue
			}
			if !reportItselfCrosses(ch, s.Obj.Spec.Source.Kind) {
				d.Attempts++
				d.LastAttemptTime, d.DeliveredTime = &metav1.Time{Time: s.Now}, &metav1.Time{Time: s.Now}
				d.State, d.LastError, d.Endpoint = v1alpha1.DeliveryDelivered, "", "uplink "+ch.Labels[v1alpha1.LabelUplinkChannel]
				carried++
				continue
			}
		}
		if r.together(s, *d, ch) {
			continue
		}
		d.Attempts++
		d.LastAttemptTime = &metav1.Time{Time: s.Now}
		d.State = v1alpha1.DeliveryPending
		s.due = append(s.due, i)
	}
	if len(s.due) == 0 {
		// A new report that waits for its grouped message, or for its
		// record to cross a connected link, writes nothing yet: its claim, when the
		// message goes or the record is across, writes its status whole.
		// In a storm that is one write fewer for each.
		fresh := len(s.Before.Status.Deliveries) == 0 && len(s.Before.Status.Conditions) == 0
		s.Hold = fresh && carried == 0 && len(s.grouped) == 0 && (s.waiting != "" || linkWaiting > 0)
		return nil
	}
	reconcile.SetReady(s.Pass, r.ready(s))
	if err := s.Checkpoint(ctx, r.Kit); err != nil {
		// Not written down, so not made: the status written at the end of
		// the pass must not say otherwise.
		st.Deliveries, s.due = unclaimed, nil
		return err
	}
	return nil
}

// together says whether a delivery due now goes in a grouped message
// rather than alone in this pass: one that a grouped message carried
// before is resent in it, whole; any other waits for its group, or this
// pass sends the group (groupedSend), or another pass is sending it.
func (r *NotificationReconciler) together(s *notificationScope, d v1alpha1.NotificationDelivery, ch *v1alpha1.NotificationChannel) bool {
	if isLinkChannel(ch) {
		return false // nothing is sent: the copy up there is the report
	}
	key := groupKeyOf(s.Obj, d)
	if d.MessageID != "" {
		// Resent whole under its id, even by an operator that groups no
		// more: sent alone, under its own id, it would arrive twice.
		if r.groups.start(d.MessageID) {
			s.grouped = append(s.grouped, groupedSend{id: d.MessageID, key: key, ch: ch})
		}
		return true
	}
	if r.groups.off() {
		return false
	}
	if d.Attempts > 0 {
		return false // it went alone: its retries go alone, as the same message
	}
	verdict, at, members := r.groups.join(key, client.ObjectKeyFromObject(s.Obj), s.Now)
	// The same words while it waits and while its message is sent, so
	// that its status is not written for the difference.
	waiting := fmt.Sprintf(" In a storm, it goes in one message with the other %s reports to %s (--report-group-interval).", s.Obj.Spec.Event, key.channel)
	switch verdict {
	case waitForGroup:
		s.WakeAt(at)
		s.waiting = waiting
	case sendTogether:
		id := newMessageID()
		r.groups.start(id)
		s.grouped = append(s.grouped, groupedSend{id: id, key: key, ch: ch, members: members})
	case inMessage:
		s.waiting = waiting
	default:
		return false
	}
	return true
}

// ready sets Delivered; Ready follows it.
func (r *NotificationReconciler) ready(s *notificationScope) reconcile.Ready {
	if s.foreign != "" {
		why := fmt.Sprintf("Created by %s, not by the operator: a report is the operator's record of what the plan requires, so this one is sent to nobody.", s.foreign)
		if c := meta.FindStatusCondition(s.Obj.Status.Conditions, v1alpha1.NotificationDeliveredCondition); c == nil || c.Reason != v1alpha1.NotificationNotFromOperatorReason {
			s.Events.Add(reconcile.WarningEvent(v1alpha1.NotificationNotFromOperatorReason, "Authored", why))
		}
		s.Set(v1alpha1.NotificationDeliveredCondition, metav1.ConditionFalse, v1alpha1.NotificationNotFromOperatorReason, why)
		return reconcile.Ready{Reason: v1alpha1.NotificationDeliveredReason, Failed: reconcile.Cause{Reason: v1alpha1.NotificationNotFromOperatorReason, Message: why}}
	}
	s.setDelivered()
	return reconcile.Ready{Inputs: []string{v1alpha1.NotificationDeliveredCondition},
		Reason: v1alpha1.NotificationDeliveredReason, Message: s.readyMessage()}
}

// SetupWithManager watches notifications (created, confirmed, consented)
// and the channels that serve them: of their namespace, and of the
// office's for every namespace. Several notifications are delivered
// at once, so that a slow receiver holds up no other report.
func (r *NotificationReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	r.groups = newGrouper(r.Grouping)
	r.wake = make(chan event.GenericEvent, 1024)
	b := ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Notification{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.NotificationChannel{}, handler.EnqueueRequestsFromMapFunc(r.undelivered)).
		WatchesRawSource(source.Channel(r.wake, &handler.EnqueueRequestForObject{})).
		Watches(&v1alpha1.SecurityIncident{}, handler.EnqueueRequestsFromMapFunc(r.reportsOfSource), builder.WithPredicates(crossed)).
		Watches(&v1alpha1.UnitReport{}, handler.EnqueueRequestsFromMapFunc(r.reportsOfSource), builder.WithPredicates(crossed)).
		Watches(&v1alpha1.Uplink{}, handler.EnqueueRequestsFromMapFunc(r.awaitingLink), builder.WithPredicates(linkConnected))
	if r.links != nil {
		b = b.WatchesRawSource(source.Channel(r.links.connected, handler.EnqueueRequestsFromMapFunc(r.awaitingLink)))
	}
	return b.WithOptions(opts).
		Named("notification").
		Complete(r)
}

// undelivered wakes the notifications that some audience still waits for
// and that the channel o serves: those of its namespace, or, for a channel
// of the office's namespace, of every namespace.
func (r *NotificationReconciler) undelivered(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.NotificationList{}
	var opts []client.ListOption
	if o.GetNamespace() != r.OfficeNamespace {
		opts = append(opts, client.InNamespace(o.GetNamespace()))
	}
	if err := r.List(ctx, list, opts...); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the notifications of a channel's namespace")
		return nil
	}
	var out []ctrl.Request
	for _, n := range list.Items {
		if !meta.IsStatusConditionTrue(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&n)})
		}
	}
	return out
}
