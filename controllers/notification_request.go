package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/internal/text"
)

// A source (an incident, a response, a warning) does not send anything: it
// writes each report it owes as a Notification, named after the source and
// the event, as one of its steps; the Notification controller delivers it.
// Creating the same report twice finds the first, so a step can run as
// often as it likes.

// NotificationRequest is one report a source owes.
type NotificationRequest struct {
	// Event is what the report tells.
	Event v1alpha1.NotificationEvent
	// Key tells this report from the source's others: lower-case letters,
	// digits and dashes, e.g. "reported", "levelchanged-2",
	// "deadlinemissed-fullform". With the source's uid it makes the event
	// id, with the source's name the Notification's name: the same key is
	// the same report.
	Key string
	// Audiences are who must receive it.
	Audiences []v1alpha1.Audience
	// Channels, when given, are the only channels for the Units and the
	// Public.
	Channels []string
	// Drill marks an exercise.
	Drill bool
	// Time is when the reported event happened.
	Time time.Time
	// Report is the message (internal/notify composes it).
	Report notify.Report
}

// sourceKinds are the kinds that make reports, by Go type.
func sourceKind(o client.Object) string {
	switch o.(type) {
	case *v1alpha1.SecurityIncident:
		return "SecurityIncident"
	case *v1alpha1.EmergencyResponse:
		return "EmergencyResponse"
	case *v1alpha1.Warning:
		return "Warning"
	}
	return fmt.Sprintf("%T", o)
}

// notificationName is the name of a source's report: the source's name, the
// report's key and the start of the source's uid (a drill recreated under
// the same name makes new reports), cut to fit a name.
func notificationName(source, key string, uid string) string {
	tail := "-" + key
	if u := strings.ReplaceAll(uid, "-", ""); u != "" {
		tail += "-" + u[:min(8, len(u))]
	}
	head := source
	if n := 253 - len(tail); len(head) > n {
		head = strings.TrimRight(head[:n], ".-")
	}
	return head + tail
}

// ensureNotifications writes down the reports owner owes, as Notifications
// in namespace ns (owned by owner when it is in the same namespace: a source
// elsewhere is not woken by its notifications' progress unless it watches
// them itself), and
// returns them as they stand, with the names of those it created. A report
// already written is left as it is: its spec never changes. A source being
// deleted gets no new report: the garbage collector is removing its
// notifications (run leaves such a source alone already; this holds for
// any caller).
func ensureNotifications(ctx context.Context, k reconcile.Kit, owner client.Object, ns string, recheck func(time.Duration), reqs ...NotificationRequest) ([]v1alpha1.Notification, []string, error) {
	ntfs, created, _, err := reportsOf(ctx, k, owner, ns, true, recheck, reqs...)
	return ntfs, created, err
}

// reportsOf is ensureNotifications, or, when write is false, its
// dry run: the reports not written yet are returned as they would be
// written, and counted in owed, without a write. A report this process
// created and the cache does not hold yet is taken as it was created
// (written.unseen; this pass would otherwise create it again), and
// recheck is told when to look again should it never come.
func reportsOf(ctx context.Context, k reconcile.Kit, owner client.Object, ns string, write bool, recheck func(time.Duration), reqs ...NotificationRequest) (out []v1alpha1.Notification, created []string, owed int, err error) {
	c := k.Client
	out = make([]v1alpha1.Notification, 0, len(reqs))
	deleting := owner.GetDeletionTimestamp() != nil
	for _, req := range reqs {
		name := notificationName(owner.GetName(), req.Key, string(owner.GetUID()))
		existing := &v1alpha1.Notification{}
		err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, existing)
		switch {
		case err == nil:
			if existing.Spec.Source.UID != string(owner.GetUID()) {
				return out, created, owed, fmt.Errorf("notification %s/%s reports on another %s of the same name", ns, name, sourceKind(owner))
			}
			k.Written.Behind(existing) // the cache has it: forgotten
			out = append(out, *existing)
			continue
		case !apierrors.IsNotFound(err):
			return out, created, owed, fmt.Errorf("reading notification %s/%s: %w", ns, name, err)
		}
		if deleting {
			continue
		}
		n := newNotification(owner, ns, name, req)
		if left, ok := k.Written.Unseen(n, owner.GetUID()); ok {
			recheck(left)
			out = append(out, *n)
			continue
		}
		if !write {
			owed++
			out = append(out, *n)
			continue
		}
		if ns == owner.GetNamespace() {
			if err := controllerutil.SetControllerReference(owner, n, c.Scheme()); err != nil {
				return out, created, owed, err
			}
		}
		if err := c.Create(ctx, n); err != nil {
			if !apierrors.IsAlreadyExists(err) {
				return out, created, owed, fmt.Errorf("creating notification %s/%s: %w", ns, name, err)
			}
			// Created by an earlier pass that the cache has not seen yet.
		} else {
			created = append(created, name)
			k.Written.NoteCreated(n, owner.GetUID())
		}
		out = append(out, *n)
	}
	return out, created, owed, nil
}

func newNotification(owner client.Object, ns, name string, req NotificationRequest) *v1alpha1.Notification {
	n := &v1alpha1.Notification{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelSourceUID: string(owner.GetUID())},
		},
		Spec: v1alpha1.NotificationSpec{
			Source: v1alpha1.NotificationSource{
				Kind: sourceKind(owner), Name: owner.GetName(), UID: string(owner.GetUID()),
				WrittenBy: writersOf(owner),
			},
			Event:     req.Event,
			Audiences: req.Audiences,
			Channels:  req.Channels,
			Drill:     req.Drill,
			EventID:   string(owner.GetUID()) + "-" + req.Key,
			Time:      metav1.NewTime(req.Time),
			Message: v1alpha1.NotificationMessage{
				ZH: text.Truncate(req.Report.ZH, v1alpha1.MaxNotificationText),
				EN: text.Truncate(req.Report.EN, v1alpha1.MaxNotificationText),
			},
		},
	}
	if len(req.Report.Data) <= v1alpha1.MaxNotificationData {
		n.Spec.Data = string(req.Report.Data)
	}
	if ns != owner.GetNamespace() {
		n.Spec.Source.Namespace = owner.GetNamespace()
	}
	if req.Drill {
		n.Labels[v1alpha1.LabelDrill] = "true"
	}
	return n
}

// writersOf are the users the API server recorded as having written the
// source: its creator, every writer of its approvable content, and the last
// writer of an incident's facts.
func writersOf(o client.Object) []string {
	ann := o.GetAnnotations()
	var out []string
	add := func(v string) {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	add(ann[v1alpha1.AnnotationCreatedBy])
	add(ann[v1alpha1.AnnotationWrittenBy])
	add(ann[v1alpha1.AnnotationLastWrittenBy])
	return out
}

// reportUpward is a step for any source: it writes down the reports the
// source owes (all of them, each time: those written already are found) and
// sets the source's ReportedUpward from where they stand. A report for the
// public only is not an upward report and is left out of the condition. A
// report written is no event on its source: the Notification is the
// record, with its own events, and ReportedUpward names it.
//
// The record comes first: while this pass is changing the source's status
// (a level decided, a response started), the reports it newly owes are
// not written in the same pass. The pass writes the status, naming those
// reports as pending, and comes back after the queue's other work to write
// them (pass.later). So a report is only made of a status on record, and in
// a burst every incident is classified before its report's writes compete
// with the next incident's level for the API server. A crash in between
// loses nothing: the next pass finds the report owed and writes it.
func reportUpward[T reconcile.Object](ctx context.Context, k reconcile.Kit, p *reconcile.Pass[T], reqs ...NotificationRequest) error {
	ntfs, _, owed, err := reportsOf(ctx, k, p.Obj, p.Obj.GetNamespace(), !p.StatusChanged(), p.RecheckIn, reqs...)
	if err != nil {
		return err
	}
	if owed > 0 {
		p.Later = true
	}
	channels, err := channelsOf(ctx, k, p.Obj.GetNamespace())
	if err != nil {
		return err
	}
	setReportedUpward(p, upward(ntfs), channels)
	return nil
}

// channelsOf lists the channels of a namespace.
func channelsOf(ctx context.Context, c client.Client, ns string) ([]v1alpha1.NotificationChannel, error) {
	list := &v1alpha1.NotificationChannelList{}
	if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("listing notification channels: %w", err)
	}
	return list.Items, nil
}

// deliveryState is where a report stands as its source sees it: its
// Delivered condition, or, before the Notification controller has looked
// at it, NoChannel when the namespace has no Ready channel for one of its
// audiences (with the very message the Notification will carry, so the
// source's status does not change again when it does).
func deliveryState(n *v1alpha1.Notification, channels []v1alpha1.NotificationChannel) (reason, message string) {
	c := meta.FindStatusCondition(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
	switch {
	case c != nil && c.Status == metav1.ConditionTrue:
		return v1alpha1.NotificationDeliveredReason, c.Message
	case c != nil:
		return c.Reason, c.Message
	}
	if u := unreached(&n.Spec, channels); len(u) > 0 {
		return v1alpha1.NotificationNoChannelReason, noChannelMessage(u)
	}
	return v1alpha1.NotificationDeliveryPendingReason, "not yet delivered"
}

// reportOwed is the step a source adds to its list: owed lists the reports
// its status records (incidentReports, responseReports), which reportUpward
// writes down and sums up.
func reportOwed[T reconcile.Object](ctx context.Context, k reconcile.Kit, p *reconcile.Pass[T], owed func(T) ([]NotificationRequest, error)) error {
	reqs, err := owed(p.Obj)
	if err != nil {
		return err
	}
	return reportUpward(ctx, k, p, reqs...)
}

// upward keeps the notifications for someone other than the public.
func upward(ntfs []v1alpha1.Notification) []v1alpha1.Notification {
	var out []v1alpha1.Notification
	for _, n := range ntfs {
		if slices.ContainsFunc(n.Spec.Audiences, func(a v1alpha1.Audience) bool { return a != v1alpha1.AudiencePublic }) {
			out = append(out, n)
		}
	}
	return out
}

// setReportedUpward says whether the source's reports reached the offices:
// False with NoChannel when an audience has no Ready channel (never a
// silent skip), DeliveryPending while one is on its way.
func setReportedUpward[T reconcile.Object](p *reconcile.Pass[T], ntfs []v1alpha1.Notification, channels []v1alpha1.NotificationChannel) {
	typ, reason, status := v1alpha1.ConditionReportedUpward, v1alpha1.ReportedUpwardReason, metav1.ConditionTrue
	if len(ntfs) == 0 {
		p.Set(typ, status, v1alpha1.NothingToReportReason, "No report is owed yet.")
		return
	}
	var noChannel, pending, done []string
	for i := range ntfs {
		n := &ntfs[i]
		reason, msg := deliveryState(n, channels)
		switch reason {
		case v1alpha1.NotificationDeliveredReason:
			done = append(done, n.Name)
		case v1alpha1.NotificationNoChannelReason:
			noChannel = append(noChannel, fmt.Sprintf("%s (%s): %s", n.Name, n.Spec.Event, msg))
		default:
			pending = append(pending, fmt.Sprintf("%s (%s): %s", n.Name, n.Spec.Event, msg))
		}
	}
	switch {
	case len(noChannel) > 0:
		p.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationNoChannelReason, strings.Join(append(noChannel, pending...), " "))
	case len(pending) > 0:
		p.Set(typ, metav1.ConditionFalse, v1alpha1.NotificationDeliveryPendingReason, strings.Join(pending, " "))
	default:
		p.Set(typ, status, reason, fmt.Sprintf("All %d reports delivered: %s.", len(done), strings.Join(done, ", ")))
	}
}

// audienceList names audiences in a sentence.
func audienceList(as []v1alpha1.Audience) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}
