package controllers

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// A source (an incident, a response, a warning) does not send anything: it
// writes each report it owes as a Notification, named after the source and
// the event, as one of its steps; the Notification controller delivers it.
// Creating the same report twice finds the first, so a step can run as
// often as it likes.

// ensureNotifications writes down the reports owner owes (src is owner as
// the routing rules read it), as Notifications in namespace ns, owned by
// owner when it is in the same namespace (a source elsewhere is not woken
// by its notifications' progress unless it watches them itself), and
// returns them as they stand, with the names of those it created. A report
// already written is left as it is: its spec never changes. A source being
// deleted gets no new report: the garbage collector is removing its
// notifications (Run leaves such a source alone already; this holds for
// any caller).
func ensureNotifications(ctx context.Context, k reconcile.Kit, owner client.Object, src routing.Source, ns string, recheck func(time.Duration), reqs ...routing.Report) ([]v1alpha1.Notification, []string, error) {
	ntfs, created, _, err := reportsOf(ctx, k, owner, src, ns, true, recheck, reqs...)
	return ntfs, created, err
}

// reportsOf is ensureNotifications, or, when write is false, its
// dry run: the reports not written yet are returned as they would be
// written, and counted in owed, without a write. A report this process
// created and the cache does not hold yet is taken as it was created
// (Written.Unseen; this pass would otherwise create it again), and
// recheck is told when to look again should it never come.
func reportsOf(ctx context.Context, k reconcile.Kit, owner client.Object, src routing.Source, ns string, write bool, recheck func(time.Duration), reqs ...routing.Report) (out []v1alpha1.Notification, created []string, owed int, err error) {
	c := k.Client
	out = make([]v1alpha1.Notification, 0, len(reqs))
	deleting := owner.GetDeletionTimestamp() != nil
	for _, req := range reqs {
		name := routing.NotificationName(owner.GetName(), req.Key, string(owner.GetUID()))
		existing := &v1alpha1.Notification{}
		err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, existing)
		switch {
		case err == nil:
			if existing.Spec.Source.UID != string(owner.GetUID()) {
				return out, created, owed, fmt.Errorf("notification %s/%s reports on another %s of the same name", ns, name, src.SourceKind())
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
		n := routing.NewNotification(src, ns, req)
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
		if err := routing.Compose(n, req); err != nil {
			return out, created, owed, err
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
// them (Pass.Later). So a report is only made of a status on record, and in
// a burst every incident is classified before its report's writes compete
// with the next incident's level for the API server. A crash in between
// loses nothing: the next pass finds the report owed and writes it.
//
// hold, when not nil, is asked before a report owed is written: while it
// says so (a storm of incidents, storm.go), the reports stay owed, and the
// pass comes back when hold says at the latest.
func reportUpward[T reconcile.Object](ctx context.Context, k reconcile.Kit, p *reconcile.Pass[T], office string, src routing.Source, hold func() (time.Duration, bool), reqs ...routing.Report) error {
	write := !p.StatusChanged()
	// With a hold to ask, the reports owed are counted before any is
	// written, and written only when it lets them go.
	ntfs, _, owed, err := reportsOf(ctx, k, p.Obj, src, p.Obj.GetNamespace(), write && hold == nil, p.RecheckIn, reqs...)
	if err != nil {
		return err
	}
	if owed > 0 && write && hold != nil {
		if left, held := hold(); held {
			p.RecheckIn(left)
			owed = 0
		} else if ntfs, _, owed, err = reportsOf(ctx, k, p.Obj, src, p.Obj.GetNamespace(), true, p.RecheckIn, reqs...); err != nil {
			return err
		}
	}
	if owed > 0 {
		p.Later = true
	}
	channels, err := channelsOf(ctx, k, p.Obj.GetNamespace(), office)
	if err != nil {
		return err
	}
	if channels, err = withLinkChannels(ctx, k, p.Obj.GetNamespace(), kindOf(p.Obj), channels); err != nil {
		return err
	}
	setReportedUpward(p, routing.Upward(ntfs), channels)
	announceUndeliverable(p, p.Condition(v1alpha1.ConditionReportedUpward))
	return nil
}

// setReportedUpward sets a source's ReportedUpward as the routing rules
// judge its reports.
func setReportedUpward[T reconcile.Object](p *reconcile.Pass[T], ntfs []v1alpha1.Notification, channels []v1alpha1.NotificationChannel) {
	v := routing.ReportedUpward(ntfs, channels)
	p.Set(v1alpha1.ConditionReportedUpward, v.Status, v.Reason, v.Message)
}

// channelsOf lists the channels that reach the audiences of a report of
// namespace ns: those of ns and those of the office's namespace (office,
// when set), whose channels serve every namespace.
func channelsOf(ctx context.Context, c client.Client, ns, office string) ([]v1alpha1.NotificationChannel, error) {
	namespaces := []string{ns}
	if office != "" && office != ns {
		namespaces = append(namespaces, office)
	}
	var out []v1alpha1.NotificationChannel
	for _, n := range namespaces {
		list := &v1alpha1.NotificationChannelList{}
		if err := c.List(ctx, list, client.InNamespace(n)); err != nil {
			return nil, fmt.Errorf("listing the notification channels of namespace %s: %w", n, err)
		}
		out = append(out, list.Items...)
	}
	return out, nil
}

// undeliverable is why a source is not Ready when a report it owes cannot
// go out (no consented Ready channel for an audience, or every attempt
// failing): never Ready while the office or an audience waits in vain.
func undeliverable[T reconcile.Object](p *reconcile.Pass[T]) reconcile.Cause {
	for _, typ := range []string{v1alpha1.ConditionReportedUpward, v1alpha1.WarningDeliveredCondition} {
		if c := p.Condition(typ); c != nil && c.Status != metav1.ConditionTrue && routing.Undeliverable(c.Reason) {
			return reconcile.Cause{Reason: c.Reason, Message: "A report cannot go out: " + c.Message}
		}
	}
	return reconcile.Cause{}
}

// announceUndeliverable raises a Warning event on a source whose report
// cannot go out, once per cause: when c says so now and did not say the
// same when the pass began.
func announceUndeliverable[T reconcile.Object](p *reconcile.Pass[T], c *metav1.Condition) {
	if c == nil || c.Status == metav1.ConditionTrue || !routing.Undeliverable(c.Reason) {
		return
	}
	if old := meta.FindStatusCondition(p.Before.GetConditions(), c.Type); old != nil && old.Reason == c.Reason && old.Message == c.Message {
		return
	}
	p.Events.Add(reconcile.WarningEvent(v1alpha1.ReportUndeliverableEvent, "Report", c.Type+": "+c.Message))
}

// reportOwed is the step a reporting kind adds to its list: src is the
// pass's object as the routing rules read it; the reports it owes are
// written down and summed up (reportUpward), or held while hold says so.
func reportOwed[T reconcile.Object](ctx context.Context, k reconcile.Kit, p *reconcile.Pass[T], office string, src routing.Source, hold func() (time.Duration, bool)) error {
	reports, err := src.Owed()
	if err != nil {
		return err
	}
	return reportUpward(ctx, k, p, office, src, hold, reports...)
}
