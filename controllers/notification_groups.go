package controllers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"golang.org/x/sync/errgroup"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/internal/text"
)

// In a storm, hundreds of reports of the same kind fall due for the same
// channel within seconds: a duty group cannot read one robot message per
// incident. Reports are therefore grouped as alerting systems group alerts
// (a group's first message at once, the next after an interval):
//
//   - The first Alone reports of a kind to a channel in an interval go at
//     once, alone: an ordinary day's few incidents are never held back.
//   - A report that falls due after them within the interval waits for
//     its end, and then goes in one message with every other report that
//     waited, up to Max of them (a full message goes at once). The next
//     interval begins with that message, and its reports wait likewise;
//     an interval without a report ends the storm.
//
// Each report stays on record one by one: before the grouped message is
// sent, every report it lists has its delivery claimed with the message's
// id (status.deliveries[].messageID), and the outcome is recorded on each
// after. A report claimed for a message is only ever resent in that
// message, whole and under the same id, so a receiver that drops an id it
// has seen never sees a report twice, across crashes and retries alike.

// ReportGrouping is how reports of the same kind to the same channel are
// grouped in a storm.
type ReportGrouping struct {
	// Interval is how long after a message of a kind to a channel the next
	// reports of that kind to it wait, to go as one message. Zero sends
	// every report alone, at once.
	Interval time.Duration
	// Max is the most reports one message lists; a message with Max
	// reports waiting goes at once. Zero means DefaultReportGroupMax.
	Max int
	// Alone is how many reports of a kind a channel gets alone, at once,
	// in an interval before the rest wait: an ordinary day's few reports
	// never wait. Zero means DefaultReportGroupAlone.
	Alone int
}

// DefaultReportGrouping is the grouping a duty group would choose: a
// message at once, then at most one message of a kind every 30 seconds
// while reports keep falling due, each listing at most 200 reports (a
// robot message of 200 lines is the most a person scrolls through; a
// CloudEvent of 200 reports stays well under a receiver's megabyte).
var DefaultReportGrouping = ReportGrouping{Interval: 30 * time.Second, Max: DefaultReportGroupMax, Alone: DefaultReportGroupAlone}

// DefaultReportGroupAlone is how many reports of a kind a channel gets
// alone in an interval when ReportGrouping.Alone is not set: five
// warnings or incidents within half a minute are a busy day's (a drill
// publishes four warnings to the units at once), the sixth a storm's
// beginning.
const DefaultReportGroupAlone = 5

// DefaultReportGroupMax is the most reports a grouped message lists when
// ReportGrouping.Max is not set.
const DefaultReportGroupMax = 200

// claimWriters is how many claims or outcomes of a grouped message are
// written at once.
const claimWriters = 2

// groupKey is what the reports of one grouped message share: the channel,
// the kind of report, and drill or not.
type groupKey struct {
	channel string
	event   v1alpha1.NotificationEvent
	drill   bool
}

func groupKeyOf(n *v1alpha1.Notification, d v1alpha1.NotificationDelivery) groupKey {
	return groupKey{channel: routing.DeliveryKey(d, n.Namespace), event: n.Spec.Event, drill: n.Spec.Drill}
}

// grouper decides, in memory, which reports wait and which pass sends
// them. What it forgets on a restart costs nothing but a later grouping:
// every claim is on record.
type grouper struct {
	cfg     ReportGrouping
	mu      sync.Mutex
	groups  map[groupKey]*reportGroup
	sending map[string]bool // ids of grouped messages being sent
}

type reportGroup struct {
	// since is when the current interval began, alone how many reports
	// went alone in it.
	since   time.Time
	alone   int
	waiting []types.NamespacedName
	taken   map[types.NamespacedName]bool
}

func newGrouper(cfg ReportGrouping) *grouper {
	if cfg.Max <= 0 {
		cfg.Max = DefaultReportGroupMax
	}
	if cfg.Alone <= 0 {
		cfg.Alone = DefaultReportGroupAlone
	}
	return &grouper{cfg: cfg, groups: map[groupKey]*reportGroup{}, sending: map[string]bool{}}
}

// verdict is what to do now with a report due to a channel.
type verdict int

const (
	// sendAlone: claim and send it alone, now.
	sendAlone verdict = iota
	// waitForGroup: it waits for its group's message, until the time given.
	waitForGroup
	// sendTogether: this pass sends the group's message, with the members
	// given (the report first).
	sendTogether
	// inMessage: another pass is sending it in a grouped message.
	inMessage
)

// off says whether every report goes alone.
func (g *grouper) off() bool { return g == nil || g.cfg.Interval <= 0 }

// join says what becomes of report m, due now for the channel of k.
func (g *grouper) join(k groupKey, m types.NamespacedName, now time.Time) (verdict, time.Time, []types.NamespacedName) {
	if g.off() {
		return sendAlone, time.Time{}, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	gr := g.groups[k]
	if gr == nil {
		gr = &reportGroup{taken: map[types.NamespacedName]bool{}}
		g.groups[k] = gr
	}
	if gr.taken[m] {
		return inMessage, time.Time{}, nil
	}
	if len(gr.waiting) == 0 && !now.Before(gr.since.Add(g.cfg.Interval)) {
		gr.since, gr.alone = now, 0 // quiet for an interval: a new one begins
	}
	waiting := slices.Contains(gr.waiting, m)
	if !waiting && len(gr.waiting) == 0 && gr.alone < g.cfg.Alone {
		gr.alone++
		return sendAlone, time.Time{}, nil
	}
	if !waiting {
		gr.waiting = append(gr.waiting, m)
	}
	due := gr.since.Add(g.cfg.Interval)
	if now.Before(due) && len(gr.waiting) < g.cfg.Max {
		return waitForGroup, due, nil
	}
	// The interval is over, or a full message waits: this pass sends it.
	take := []types.NamespacedName{m}
	for _, w := range gr.waiting {
		if len(take) == g.cfg.Max {
			break
		}
		if w != m {
			take = append(take, w)
		}
	}
	gr.waiting = slices.DeleteFunc(gr.waiting, func(w types.NamespacedName) bool { return slices.Contains(take, w) })
	// The next interval begins with this message, and no report goes
	// alone in it.
	gr.since, gr.alone = now, g.cfg.Alone
	if len(take) == 1 {
		return sendAlone, time.Time{}, nil
	}
	for _, w := range take {
		gr.taken[w] = true
	}
	return sendTogether, time.Time{}, take
}

// sent forgets the members of a message sent (or given up) from k.
func (g *grouper) sent(k groupKey, members []types.NamespacedName) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if gr := g.groups[k]; gr != nil {
		for _, m := range members {
			delete(gr.taken, m)
		}
	}
}

// start marks message id as being sent, and says whether it was not
// already: only one pass sends a message at a time.
func (g *grouper) start(id string) bool {
	if g == nil {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sending[id] {
		return false
	}
	g.sending[id] = true
	return true
}

func (g *grouper) done(id string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.sending, id)
}

// groupedSend is a grouped message a pass sends: a new one (members
// named) or a resend of one on record (members found by its id).
type groupedSend struct {
	id      string
	key     groupKey
	ch      *v1alpha1.NotificationChannel
	members []types.NamespacedName
	// handled: sendGroup took it (and released it when done).
	handled bool
}

// release lets go of the grouped messages a pass took on and never came
// to send (an earlier step failed): their reports are no longer taken, and
// are looked at again.
func (r *NotificationReconciler) release(ctx context.Context, s *notificationScope) {
	for i := range s.grouped {
		gs := &s.grouped[i]
		if gs.handled {
			continue
		}
		r.groups.sent(gs.key, gs.members)
		r.groups.done(gs.id)
		r.wakeMembers(ctx, gs.members, nil)
	}
}

// IndexDeliveryMessage indexes notifications by the ids of the grouped
// messages that carried their deliveries.
const IndexDeliveryMessage = "status.deliveries.messageID"

func deliveryMessages(o client.Object) []string {
	var ids []string
	for _, d := range o.(*v1alpha1.Notification).Status.Deliveries {
		if d.MessageID != "" && !slices.Contains(ids, d.MessageID) {
			ids = append(ids, d.MessageID)
		}
	}
	return ids
}

// member is one report of a grouped message: its notification (with its
// texts), the index of its delivery to the channel, and the claim this
// attempt wrote (nil: delivered before, listed again so that a resend
// carries what the first send did).
type member struct {
	n       *v1alpha1.Notification
	i       int
	claimed *v1alpha1.NotificationDelivery
}

// sendGroups sends the grouped messages this pass took on, then bases the
// rest of the pass on the notification as recorded (its own report is
// among them).
func (r *NotificationReconciler) sendGroups(ctx context.Context, s *notificationScope) error {
	if len(s.grouped) == 0 {
		return nil
	}
	var failures []error
	for i := range s.grouped {
		s.grouped[i].handled = true
		if err := r.sendGroup(ctx, s.Now, s.grouped[i]); err != nil {
			failures = append(failures, err)
		}
	}
	if err := r.refresh(ctx, s); err != nil {
		failures = append(failures, err)
	}
	return errors.Join(failures...)
}

// sendGroup claims each report of a grouped message, sends the message
// once, and records its outcome on each report claimed.
func (r *NotificationReconciler) sendGroup(ctx context.Context, now time.Time, gs groupedSend) error {
	defer r.groups.done(gs.id)
	defer r.groups.sent(gs.key, gs.members)
	members, err := r.claimMembers(ctx, now, gs)
	// Every report it took, listed or not, is looked at again.
	defer r.wakeMembers(ctx, gs.members, members)
	if err != nil {
		return err
	}
	attempt := int32(0)
	for _, m := range members {
		if m.claimed != nil {
			attempt = max(attempt, m.claimed.Attempts)
		}
	}
	if attempt == 0 {
		return nil // nothing left to send: each was delivered, or taken elsewhere
	}
	msgs := make([]notify.Message, 0, len(members))
	for _, m := range members {
		full, err := r.withTexts(ctx, m.n)
		if err != nil {
			return err
		}
		d := full.Status.Deliveries[m.i]
		msgs = append(msgs, messageOf(full, d, r.resourceOf(full.Spec.Source.Kind)))
	}
	msg, err := notify.Group(gs.id, channelSource(gs.ch), msgs)
	if err != nil {
		return err
	}
	msg.Attempt = attempt
	origin, sendErr := r.send(ctx, msg, gs.ch)

	var (
		mu       sync.Mutex
		failures []error
	)
	each(members, func(m member) {
		if m.claimed == nil {
			return
		}
		outcome := *m.claimed
		outcome.GroupSize = int32(len(members))
		if origin != "" {
			outcome.Endpoint = origin
		}
		if sendErr == nil {
			outcome.State, outcome.DeliveredTime, outcome.LastError = v1alpha1.DeliveryDelivered, &metav1.Time{Time: now}, ""
		} else {
			outcome.State, outcome.LastError = v1alpha1.DeliveryFailed, text.Truncate(sendErr.Error(), v1alpha1.MaxDeliveryError)
		}
		if err := r.recordSettled(ctx, m, outcome); err != nil {
			mu.Lock()
			failures = append(failures, err)
			mu.Unlock()
			return
		}
		countOutcome(m.n, outcome)
	})
	r.announceMessage(gs, msg, len(members), sendErr)
	return errors.Join(failures...)
}

// announceMessage is the one event of a grouped message, on its channel:
// each report has the message's id, size and outcome in its own status
// (and its timeline), so a storm costs no event per report.
func (r *NotificationReconciler) announceMessage(gs groupedSend, msg notify.Message, size int, sendErr error) {
	l := reconcile.EventLog{Drill: gs.key.drill}
	if sendErr == nil {
		l.Add(reconcile.NormalEvent(v1alpha1.NotificationDeliveredEvent, "Deliver",
			fmt.Sprintf("Grouped message %s delivered (attempt %d): %d %s reports.", msg.ID, msg.Attempt, size, gs.key.event)))
	} else {
		l.Add(reconcile.WarningEvent(v1alpha1.NotificationDeliveryFailedEvent, "Deliver",
			fmt.Sprintf("Grouped message %s of %d %s reports failed (attempt %d): %s; retrying in %s.", msg.ID, size, gs.key.event, msg.Attempt,
				text.Truncate(sendErr.Error(), v1alpha1.MaxDeliveryError), retryDelay(msg.Attempt))))
	}
	l.Flush(r.Recorder, gs.ch)
}

// recordSettled records the outcome of a grouped message on one of its
// reports, in the same write as the conditions the report's own next pass
// would set (a write saved per report in a storm): the report's pass runs
// on the claimed report with the outcome in it, short of claiming or
// sending, and its status is written with the claim's resourceVersion.
// Should the report have changed since its claim, the outcome alone is
// recorded, as a report sent alone has it, and the report's next pass
// settles the rest.
func (r *NotificationReconciler) recordSettled(ctx context.Context, m member, outcome v1alpha1.NotificationDelivery) error {
	after := m.n.DeepCopy()
	after.Status.Deliveries[m.i] = outcome
	if s, ok := r.passOn(ctx, m.n, after, time.Time{}); ok && r.settle(ctx, s) == nil {
		return nil
	}
	return r.record(ctx, m.n, m.i, *m.claimed, outcome)
}

// passOn runs a report's own pass up to its claim on after, a copy of the
// report as read (read), at now (zero: the clock's), so that another pass
// can write the report's status as its own would. It says whether every
// step ran.
func (r *NotificationReconciler) passOn(ctx context.Context, read, after *v1alpha1.Notification, now time.Time) (*notificationScope, bool) {
	s := &notificationScope{Pass: reconcile.Begin(r.Kit, after, after.Spec.Drill)}
	s.Before = read
	if !now.IsZero() {
		s.Now = now
	}
	for _, step := range []reconcile.Step[*notificationScope]{r.authored, r.confirm, r.consent, r.target} {
		if err := step(ctx, s); err != nil {
			return s, false
		}
	}
	return s, true
}

// settle finishes a pass run by passOn as the report's own would (its
// conditions, observed generation and health) and writes its status with
// the resourceVersion it was read at.
func (r *NotificationReconciler) settle(ctx context.Context, s *notificationScope) error {
	s.countHeld()
	reconcile.Finish(s.Pass, r.ready(s), true)
	if err := reconcile.PatchStatus(ctx, r.Kit, s.Before, s.Obj); err != nil {
		return err
	}
	s.Events.Flush(r.Recorder, s.Obj)
	return nil
}

// claimMembers writes the claim of this attempt on each report of the
// message that is not delivered yet, and returns the reports the message
// lists, in the order it lists them. A claim refused (the report changed
// meanwhile, or is gone) leaves that report out; a claim whose fate is
// unknown is read back. When it cannot be, nothing is sent: the claims on
// record are resent whole, under the same id, once the attempt's time is
// over.
func (r *NotificationReconciler) claimMembers(ctx context.Context, now time.Time, gs groupedSend) ([]member, error) {
	var candidates []*v1alpha1.Notification
	if gs.members != nil {
		for _, key := range gs.members {
			n := &v1alpha1.Notification{}
			if err := r.Get(ctx, key, n); err != nil {
				if apierrors.IsNotFound(err) {
					continue
				}
				return nil, err
			}
			candidates = append(candidates, n)
		}
	} else {
		list := &v1alpha1.NotificationList{}
		if err := r.List(ctx, list, client.MatchingFields{IndexDeliveryMessage: gs.id}); err != nil {
			return nil, err
		}
		for i := range list.Items {
			candidates = append(candidates, &list.Items[i])
		}
	}
	var (
		mu      sync.Mutex
		members []member
		unknown []error
	)
	each(candidates, func(n *v1alpha1.Notification) {
		m, err := r.claimOne(ctx, now, n, gs)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			unknown = append(unknown, err)
		case m != nil:
			members = append(members, *m)
		}
	})
	slices.SortFunc(members, func(a, b member) int {
		return cmp.Or(cmp.Compare(a.n.Namespace, b.n.Namespace), cmp.Compare(a.n.Name, b.n.Name))
	})
	return members, errors.Join(unknown...)
}

// unclaimedID is the message id a delivery of this message has before its
// claim: none for a new message, the message's own for a resend.
func (gs groupedSend) unclaimedID() string {
	if gs.members != nil {
		return ""
	}
	return gs.id
}

// claimOne claims a report's delivery for the message as the report's own
// pass would have: its steps up to the claim run on the report as read,
// the delivery to the message's channel (added now, for a report whose
// first pass held its status back) is claimed with the message's id, and
// the whole status, conditions and all, is written with the resourceVersion
// it was read at. It returns the report as the claim left it, or, for a
// resend, as read when it is delivered already or could not be claimed
// (listed again, so that the message carries what it carried), nil when
// it is not the message's, and an error when the claim's fate is unknown.
func (r *NotificationReconciler) claimOne(ctx context.Context, now time.Time, n *v1alpha1.Notification, gs groupedSend) (*member, error) {
	resend := gs.members == nil
	n, err := r.whole(ctx, n)
	if err != nil {
		return nil, err
	}
	s, ok := r.passOn(ctx, n, n.DeepCopy(), now)
	if !ok {
		return nil, nil // not claimed: it goes another time
	}
	i := slices.IndexFunc(s.Obj.Status.Deliveries, func(d v1alpha1.NotificationDelivery) bool {
		return routing.DeliveryKey(d, n.Namespace) == gs.key.channel && d.MessageID == gs.unclaimedID()
	})
	if s.foreign != "" || i < 0 || n.Spec.Event != gs.key.event || n.Spec.Drill != gs.key.drill {
		return nil, nil
	}
	listed := &member{n: n, i: i}
	if !resend {
		listed = nil
	}
	d := &s.Obj.Status.Deliveries[i]
	if ch, ok := s.outstanding(*d); !ok || s.heldFor(ch) {
		return listed, nil
	}
	d.Attempts++
	d.LastAttemptTime = &metav1.Time{Time: now}
	d.State = v1alpha1.DeliveryPending
	d.MessageID = gs.id
	claim := *d
	err = r.settle(ctx, s)
	if err == nil {
		return &member{n: s.Obj, i: i, claimed: &claim}, nil
	}
	if refused(err) {
		return listed, nil
	}
	// Did it land? Read it back.
	fresh := &v1alpha1.Notification{}
	if rerr := r.APIReader.Get(ctx, client.ObjectKeyFromObject(n), fresh); rerr != nil {
		return nil, fmt.Errorf("claiming the delivery to channel %s of notification %s/%s for message %s: %w (and reading it back: %w)", claim.Channel, n.Namespace, n.Name, gs.id, err, rerr)
	}
	if i < len(fresh.Status.Deliveries) && fresh.Status.Deliveries[i].MessageID == gs.id && fresh.Status.Deliveries[i].Attempts == claim.Attempts {
		return &member{n: fresh, i: i, claimed: &claim}, nil
	}
	return listed, nil
}

// refused says whether the API server refused a write, so that nothing of
// it was written: the object is gone, changed (the patch's test failed),
// or the write is invalid.
func refused(err error) bool {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Code == http.StatusUnprocessableEntity {
		return true
	}
	return apierrors.IsNotFound(err) || apierrors.IsInvalid(err) || apierrors.IsConflict(err) || apierrors.IsBadRequest(err)
}

// each runs f over items, claimWriters at a time.
func each[T any](items []T, f func(T)) {
	var g errgroup.Group
	g.SetLimit(claimWriters)
	for _, it := range items {
		g.Go(func() error { f(it); return nil })
	}
	_ = g.Wait()
}

// wakeMembers has each report of a grouped message reconciled once its
// outcome is recorded: its own conditions follow it (the notification's
// watch does not wake on status).
func (r *NotificationReconciler) wakeMembers(ctx context.Context, taken []types.NamespacedName, members []member) {
	if r.wake == nil {
		return
	}
	keys := slices.Clone(taken)
	for _, m := range members {
		if key := client.ObjectKeyFromObject(m.n); !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	for _, key := range keys {
		o := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
		select {
		case r.wake <- event.GenericEvent{Object: o}:
		case <-ctx.Done():
			return
		}
	}
}

// channelSource is the CloudEvents source of a grouped message: the
// channel it went to.
func channelSource(ch *v1alpha1.NotificationChannel) string {
	return fmt.Sprintf("/apis/%s/namespaces/%s/notificationchannels/%s", v1alpha1.GroupVersion.String(), ch.Namespace, ch.Name)
}

// newMessageID is the id of a new grouped message.
func newMessageID() string { return "group-" + string(uuid.NewUUID()) }
