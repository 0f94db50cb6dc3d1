package plugin

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/board"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
	"github.com/netsec-io/incident-operator/internal/text"
)

// Kind is what a timeline is about.
type Kind string

// The kinds with a timeline. KindAny looks a name up as an incident, a
// response, then a warning.
const (
	KindAny      Kind = ""
	KindIncident Kind = "securityincident"
	KindResponse Kind = "emergencyresponse"
	KindWarning  Kind = "warning"
)

// ParseKind reads a kind as kubectl would: the resource, its singular, its
// short names, or the plan's word for it.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSuffix(s, ".emergency.netsec.io")) {
	case "securityincident", "securityincidents", "sinc", "secinc", "incident", "incidents":
		return KindIncident, nil
	case "emergencyresponse", "emergencyresponses", "er", "eresp", "response", "responses":
		return KindResponse, nil
	case "warning", "warnings", "warn", "ew":
		return KindWarning, nil
	}
	return "", fmt.Errorf("a timeline is of a securityincident (sinc), an emergencyresponse (er) or a warning (warn), not %q", s)
}

// Entry is one line of a timeline.
type Entry struct {
	Time time.Time
	What string
}

type timeline struct {
	out    []Entry
	hidden []string
	uids   []types.UID
	zone   *time.Location
	// lang is zh or en: a zh timeline says in Chinese what timelineZH
	// words; names, times and the operator's own messages stay as they are.
	lang string
}

// History is a timeline and what RBAC kept out of it.
type History struct {
	Entries []Entry
	// Hidden names, one sentence each, what the caller may not read and
	// the timeline therefore leaves out.
	Hidden []string
}

// hide notes that the caller may not list resource in ns.
func (t *timeline) hide(resource, ns, what string) {
	t.hidden = append(t.hidden, fmt.Sprintf("%s in namespace %s: hidden, your role may not list them (%s)", resource, ns, what))
}

func (t *timeline) add(at *metav1.Time, format string, args ...any) {
	if at != nil && !at.IsZero() {
		t.out = append(t.out, Entry{at.Time, t.phrase(format, args...)})
	}
}

// phrase is a part of an entry in the timeline's language.
func (t *timeline) phrase(format string, args ...any) string {
	if zh, ok := timelineZH[format]; ok && t.lang == "zh" {
		format = zh
	}
	return fmt.Sprintf(format, args...)
}

// Timeline gathers the history of an incident (reports, level changes, its
// response), a response (approvals, work groups, progress reports, end,
// summary-report deadlines) or a warning (publication, adjustments,
// lifting, deliveries), with the events about it, in time order. With
// KindAny the name is looked up as an incident, a response, then a warning.
// Times inside an entry's text are shown in zone (nil: Asia/Shanghai).
func Timeline(ctx context.Context, c client.Client, kind Kind, ns, name string, zone *time.Location) ([]Entry, error) {
	h, err := ReadHistory(ctx, c, kind, ns, name, zone)
	return h.Entries, err
}

// ReadHistory is Timeline, with what the caller's role kept out of it: the
// events, the work groups, the reports.
func ReadHistory(ctx context.Context, c client.Client, kind Kind, ns, name string, zone *time.Location) (History, error) {
	return ReadHistoryIn(ctx, c, kind, ns, name, zone, "en")
}

// ReadHistoryIn is ReadHistory in lang, zh or en.
func ReadHistoryIn(ctx context.Context, c client.Client, kind Kind, ns, name string, zone *time.Location, lang string) (History, error) {
	t := &timeline{zone: zone, lang: lang}
	key := client.ObjectKey{Namespace: ns, Name: name}
	found := false
	for _, k := range []Kind{KindIncident, KindResponse, KindWarning} {
		if kind != KindAny && kind != k {
			continue
		}
		var err error
		switch k {
		case KindIncident:
			err = t.incident(ctx, c, key)
		case KindResponse:
			err = t.response(ctx, c, key)
		case KindWarning:
			err = t.warning(ctx, c, key)
		}
		if err == nil {
			found = true
			break
		}
		if !apierrors.IsNotFound(err) || kind != KindAny {
			return History{}, err
		}
	}
	if !found {
		return History{}, fmt.Errorf("no securityincident, emergencyresponse or warning %s/%s", ns, name)
	}

	evs := &eventsv1.EventList{}
	err := c.List(ctx, evs, client.InNamespace(ns))
	if apierrors.IsForbidden(err) {
		t.hide("events", ns, "what the operator said about it")
	}
	if err == nil {
		for _, e := range evs.Items {
			for _, u := range t.uids {
				if e.Regarding.UID == u {
					at := e.EventTime.Time
					if at.IsZero() {
						at = e.CreationTimestamp.Time
					}
					t.add(&metav1.Time{Time: at}, "event %s %s: %s", e.Type, e.Reason, e.Note)
				}
			}
		}
	}
	sort.SliceStable(t.out, func(i, j int) bool { return t.out[i].Time.Before(t.out[j].Time) })
	return History{Entries: t.out, Hidden: t.hidden}, nil
}

func (t *timeline) incident(ctx context.Context, c client.Client, key client.ObjectKey) error {
	inc := &v1alpha1.SecurityIncident{}
	if err := c.Get(ctx, key, inc); err != nil {
		return err
	}
	t.uids = append(t.uids, inc.UID)
	drill := ""
	if inc.Spec.Drill {
		drill = "drill "
	}
	t.add(&inc.CreationTimestamp, "%sreported by %s (%s)", drill, inc.Spec.Reporter.UnitName, inc.Spec.ReportChannel)
	if sp := inc.Spec.Support; sp != nil && sp.Needed {
		t.add(&inc.CreationTimestamp, "technical support requested: %s", text.Join(sp.Kinds, ", "))
	}
	for _, a := range inc.Status.Support {
		t.add(a.Time, "support sent by %s (dispatch %s/%s): %s; %d experts, %d units ordered to help, %d not yet acknowledged",
			orDash(a.DispatchedBy), a.Namespace, a.Name, text.Join(a.Kinds, ", "), a.Experts, a.Units, a.Unacknowledged)
	}
	for _, h := range inc.Status.LevelHistory {
		t.add(&h.Time, "level %s → %s: %s", orDash(string(h.From)), h.To, h.Cause)
	}
	for _, c := range inc.Status.Corrections {
		what := ""
		for _, m := range c.Times {
			what += fmt.Sprintf("; %s moved from %s to %s", m.Field, stamp(&m.From, t.zone), stamp(&m.To, t.zone))
		}
		t.add(&c.Time, "corrected by %s (generation %d)%s", orDash(c.Writer), c.Generation, what)
	}
	if cf := inc.Status.CountedFrom; cf != nil && !cf.DiscoveredAt.Equal(&inc.Spec.DiscoveredAt) {
		t.add(&inc.CreationTimestamp, "deadlines count from the earliest discovery on record, %s (reported now: %s)",
			stamp(&cf.DiscoveredAt, t.zone), stamp(&inc.Spec.DiscoveredAt, t.zone))
	}
	t.deadlines(inc.Status.Deadlines)
	if w, rec := inc.Spec.Withdrawal, inc.Status.Withdrawal; w != nil && rec != nil {
		why := map[v1alpha1.WithdrawalReason]string{v1alpha1.WithdrawalDuplicate: "as a duplicate of " + w.DuplicateOf,
			v1alpha1.WithdrawalFalseAlarm: "as a false alarm", v1alpha1.WithdrawalOther: "for another reason"}[w.Reason]
		if w.Note != "" {
			why += ": " + w.Note
		}
		t.add(&rec.Time, "WITHDRAWN by %s %s; it stays on record, its deadlines are no longer tracked", orDash(rec.By), why)
	}
	// Each response that covered the incident, with its own times: two
	// responses over one incident (one superseding the other) are told
	// apart, and neither is credited with the other's decision.
	for _, r := range inc.Status.Responses {
		t.add(r.StartedTime, "response %s/%s approved and started (level %s)", r.Namespace, r.Name, r.Level)
		if r.SupersededBy != "" {
			t.add(r.EndedTime, "response %s/%s superseded by %s", r.Namespace, r.Name, r.SupersededBy)
		} else {
			t.add(r.EndedTime, "response %s/%s ended", r.Namespace, r.Name)
		}
	}
	if r := inc.Status.Response; r != nil {
		t.add(inc.Status.Timeline.WorkGroupsReadyTime, "response %s/%s: work groups ready", r.Namespace, r.Name)
	}
	t.notifications(ctx, c, key.Namespace, inc.UID)
	return nil
}

func (t *timeline) response(ctx context.Context, c client.Client, key client.ObjectKey) error {
	resp := &v1alpha1.EmergencyResponse{}
	if err := c.Get(ctx, key, resp); err != nil {
		return err
	}
	t.uids = append(t.uids, resp.UID)
	t.add(&resp.CreationTimestamp, "response requested by %s", resp.Annotations[v1alpha1.AnnotationCreatedBy])
	if a := resp.Status.Approval; a != nil {
		t.add(&a.Time, "approved for level %s by %s%s", a.Level, a.ApprovedBy, a.Directive)
	}
	t.add(resp.Status.StartedTime, "started")
	wgs := &v1alpha1.WorkGroupList{}
	err := c.List(ctx, wgs, client.InNamespace(key.Namespace), client.MatchingLabels{v1alpha1.LabelResponse: key.Name})
	switch {
	case apierrors.IsForbidden(err):
		// The response's status still names them.
		t.hide("workgroups", key.Namespace, "their progress reports")
		if len(resp.Status.WorkGroups) > 0 {
			at := resp.Status.WorkGroupsReadyTime
			if at == nil {
				at = resp.Status.StartedTime
			}
			t.add(at, "work groups %s (from the response's status)", strings.Join(resp.Status.WorkGroups, ", "))
		}
	case err != nil:
		return err
	}
	for _, wg := range wgs.Items {
		t.add(&wg.CreationTimestamp, "work group %s (%s) set up", wg.Name, wg.Spec.Type)
		for _, r := range wg.Spec.Reports {
			t.add(&r.Time, "progress report to %s from %s: %s", wg.Name, r.Unit, r.Measures)
		}
	}
	t.add(resp.Status.WorkGroupsReadyTime, "all work groups ready")
	t.unitReports(resp.Status.Acknowledgements)
	for _, p := range resp.Status.Progress {
		t.add(&p.ReceivedTime, "progress report %s/%s from %s: %s", p.Namespace, p.Report, orDash(p.Unit), p.Measures)
	}
	for _, u := range resp.Status.UnitSummaryReports {
		t.add(u.ReceivedTime, "summary report %s/%s from %s", u.Namespace, u.Report, orDash(u.Unit))
	}
	if a := resp.Status.EndApproval; a != nil {
		t.add(&a.Time, "end approved by %s%s", a.ApprovedBy, a.Directive)
	}
	t.add(resp.Status.EndedTime, "ended")
	t.deadlines(resp.Status.Deadlines)
	t.notifications(ctx, c, key.Namespace, resp.UID)
	return nil
}

// unitReports adds each unit's acknowledgement of a warning or a response,
// with who is on duty (§4.5.1, §5.3); a unit that owes one is not listed
// here: the object's status counts it (unacknowledged).
func (t *timeline) unitReports(acks []v1alpha1.UnitAcknowledgement) {
	for _, a := range acks {
		t.add(a.Time, "acknowledged by %s (%s/%s), on duty: %s", orDash(a.Unit), a.Namespace, a.Report, orDash(a.Duty))
	}
}

func (t *timeline) warning(ctx context.Context, c client.Client, key client.ObjectKey) error {
	w := &v1alpha1.Warning{}
	if err := c.Get(ctx, key, w); err != nil {
		return err
	}
	t.uids = append(t.uids, w.UID)
	st := &w.Status
	drill := ""
	if w.Spec.Drill {
		drill = "drill "
	}
	by := ""
	if creator := w.Annotations[v1alpha1.AnnotationCreatedBy]; creator != "" {
		by = ", written by " + creator
	}
	t.add(&w.CreationTimestamp, "%s%s issued by %s (source %s)%s", drill, warning.Name(w.Spec.Level), w.Spec.Issuer, w.Spec.Source, by)
	t.add(&w.Spec.StartTime, "start of the warning period (spec.startTime)")
	seen := map[v1alpha1.WarningAction]bool{}
	for _, h := range st.History {
		seen[h.Action] = true
		decided := ""
		if who := h.ApprovedBy + h.Directive; h.Directive != "" {
			decided = " on directive " + who
		} else if who != "" {
			decided = ", approved by " + who
		}
		switch h.Action {
		case v1alpha1.WarningActionPublished:
			t.add(&h.Time, "published as %s%s", warning.Name(h.Level), decided)
		case v1alpha1.WarningActionAdjusted:
			t.add(&h.Time, "adjusted to %s%s", warning.Name(h.Level), decided)
		case v1alpha1.WarningActionLifted:
			t.add(&h.Time, "lifted%s; its measures end", decided)
		}
	}
	// The history keeps the latest steps only: the times in status stay.
	if !seen[v1alpha1.WarningActionPublished] {
		t.add(st.PublishedTime, "published")
	}
	if !seen[v1alpha1.WarningActionLifted] {
		t.add(st.LiftedTime, "lifted; its measures end")
	}
	t.unitReports(st.Acknowledgements)
	// The reports it made (publication, adjustments, lifting, the report
	// upward), from the Notifications when the caller may list them, else
	// from the warning's own summary of them.
	if !t.notifications(ctx, c, key.Namespace, w.UID) {
		for _, n := range st.Notifications {
			t.add(n.DeliveredTime, "%s delivered to %s (notification %s)", n.Event, audiences(n.Audiences), n.Name)
		}
	}
	return nil
}

// notifications adds the reports made about the object uid, and each of
// their deliveries. It says whether it found any.
func (t *timeline) notifications(ctx context.Context, c client.Client, ns string, uid types.UID) bool {
	list := &v1alpha1.NotificationList{}
	if err := c.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelSourceUID: string(uid)}); err != nil {
		if apierrors.IsForbidden(err) {
			t.hide("notifications", ns, "the reports made and their deliveries")
		}
		return false
	}
	for _, n := range list.Items {
		ev := n.Spec.Event
		t.add(&n.Spec.Time, "%s for %s (notification %s)", ev, audiences(n.Spec.Audiences), n.Name)
		for _, d := range n.Status.Deliveries {
			to := d.Channel
			if d.Namespace != "" && d.Namespace != n.Namespace {
				to = d.Namespace + "/" + to // a channel of the office's namespace
			}
			if d.Audience != "" {
				to += " (" + string(d.Audience) + ")"
			}
			attempts := ""
			if d.Attempts > 1 {
				attempts = t.phrase(" after %d attempts", d.Attempts)
			}
			if d.MessageID != "" {
				attempts += t.phrase(" in grouped message %s of %d reports", d.MessageID, d.GroupSize)
			}
			switch {
			case d.DeliveredTime != nil:
				t.add(d.DeliveredTime, "%s delivered to %s%s", ev, to, attempts)
			case d.State == v1alpha1.DeliveryFailed:
				t.add(d.LastAttemptTime, "%s to %s failed%s: %s", ev, to, attempts, orDash(d.LastError))
			default:
				t.add(d.LastAttemptTime, "%s to %s not yet delivered%s: %s", ev, to, attempts, orDash(d.LastError))
			}
		}
		// A report that cannot go out says so, with why: never silent.
		if c := meta.FindStatusCondition(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition); c != nil && c.Status == metav1.ConditionFalse &&
			(c.Reason == v1alpha1.NotificationNoChannelReason || c.Reason == v1alpha1.NotificationDeliveryFailingReason) {
			t.add(&c.LastTransitionTime, "%s NOT DELIVERED (%s): %s", ev, c.Reason, c.Message)
		}
		t.add(n.Status.ReleaseApprovedTime, "%s: release to the public approved by %s", ev, n.Status.ReleaseApprovedBy)
		t.add(n.Status.ConfirmedTime, "%s: receipt confirmed by %s", ev, n.Status.ConfirmedBy)
	}
	return len(list.Items) > 0
}

func audiences(as []v1alpha1.Audience) string {
	if len(as) == 0 {
		return "its channels"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	return strings.Join(parts, ", ")
}

func (t *timeline) deadlines(ds []v1alpha1.Deadline) {
	for _, d := range ds {
		switch d.State {
		case v1alpha1.DeadlineMet:
			t.add(d.CompletedTime, "deadline %s met (due %s)", d.Name, stamp(&d.DueTime, t.zone))
		case v1alpha1.DeadlineMissed:
			t.add(&d.DueTime, "deadline %s missed", d.Name)
		case v1alpha1.DeadlineWithdrawn:
			t.add(&d.DueTime, "deadline %s no longer tracked: the incident was withdrawn", d.Name)
		default:
			t.add(&d.DueTime, "deadline %s due", d.Name)
		}
	}
}

// PrintTimeline writes a timeline: a header that names the zone, then one
// entry a line, its time in zone with the offset. An entry's text holds what
// people typed (unit names, causes, approvers, directives, measures, event
// notes): it goes through text.Inline, so that it stays on its line and
// sends the terminal no control sequence.
func PrintTimeline(w io.Writer, entries []Entry, zone *time.Location) {
	zone = zoneOr(zone)
	fmt.Fprintf(w, "# times in %s\n", ZoneName(zone, time.Now()))
	printEntries(w, entries, zone)
}

// PrintHistory is PrintTimeline, with a line for each part of the history
// RBAC hid from the caller, after the header.
func PrintHistory(w io.Writer, h History, zone *time.Location, lang string) {
	zone = zoneOr(zone)
	fmt.Fprintf(w, "%s %s\n", board.Word(lang, "inbox.zone"), ZoneName(zone, time.Now()))
	for _, s := range h.Hidden {
		fmt.Fprintf(w, "%s%s\n", board.Word(lang, "inbox.hidden"), text.Inline(s))
	}
	printEntries(w, h.Entries, zone)
}

func printEntries(w io.Writer, entries []Entry, zone *time.Location) {
	for _, e := range entries {
		fmt.Fprintf(w, "%s  %s\n", e.Time.In(zone).Format(TimeLayout), text.Inline(e.What))
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
