package plugin

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Entry is one line of a timeline.
type Entry struct {
	Time time.Time
	What string
}

// Timeline gathers an incident's or a response's history — level changes,
// approvals, work groups, deadlines and events — in time order. name is
// looked up as a SecurityIncident first, then as an EmergencyResponse.
func Timeline(ctx context.Context, c client.Client, ns, name string) ([]Entry, error) {
	var out []Entry
	add := func(t *metav1.Time, format string, args ...any) {
		if t != nil && !t.IsZero() {
			out = append(out, Entry{t.Time, fmt.Sprintf(format, args...)})
		}
	}
	var uids []types.UID

	inc := &v1alpha1.SecurityIncident{}
	err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, inc)
	switch {
	case err == nil:
		uids = append(uids, inc.UID)
		add(&inc.CreationTimestamp, "reported by %s (%s)", inc.Spec.Reporter.UnitName, inc.Spec.ReportChannel)
		for _, h := range inc.Status.LevelHistory {
			from := string(h.From)
			if from == "" {
				from = "—"
			}
			add(&h.Time, "level %s → %s: %s", from, h.To, h.Cause)
		}
		addDeadlines(add, inc.Status.Deadlines)
		if r := inc.Status.Response; r != nil {
			tl := inc.Status.Timeline
			add(tl.ApprovedTime, "response %s/%s approved", r.Namespace, r.Name)
			add(tl.StartedTime, "response %s/%s started (level %s)", r.Namespace, r.Name, r.Level)
			add(tl.WorkGroupsReadyTime, "response %s/%s: work groups ready", r.Namespace, r.Name)
			add(tl.EndedTime, "response %s/%s ended", r.Namespace, r.Name)
		}
	case apierrors.IsNotFound(err):
		resp := &v1alpha1.EmergencyResponse{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, resp); err != nil {
			return nil, fmt.Errorf("no securityincident or emergencyresponse %s/%s: %w", ns, name, err)
		}
		uids = append(uids, resp.UID)
		add(&resp.CreationTimestamp, "response requested by %s", resp.Annotations[v1alpha1.AnnotationCreatedBy])
		if a := resp.Status.Approval; a != nil {
			add(&a.Time, "approved for level %s by %s%s", a.Level, a.ApprovedBy, a.Directive)
		}
		add(resp.Status.StartedTime, "started")
		wgs := &v1alpha1.WorkGroupList{}
		if err := c.List(ctx, wgs, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelResponse: name}); err != nil {
			return nil, err
		}
		for _, wg := range wgs.Items {
			add(&wg.CreationTimestamp, "work group %s (%s) set up", wg.Name, wg.Spec.Type)
			for _, r := range wg.Spec.Reports {
				add(&r.Time, "progress report to %s from %s: %s", wg.Name, r.Unit, r.Measures)
			}
		}
		add(resp.Status.WorkGroupsReadyTime, "all work groups ready")
		if a := resp.Status.EndApproval; a != nil {
			add(&a.Time, "end approved by %s%s", a.ApprovedBy, a.Directive)
		}
		add(resp.Status.EndedTime, "ended")
		addDeadlines(add, resp.Status.Deadlines)
	default:
		return nil, err
	}

	evs := &eventsv1.EventList{}
	if err := c.List(ctx, evs, client.InNamespace(ns)); err == nil {
		for _, e := range evs.Items {
			for _, u := range uids {
				if e.Regarding.UID == u {
					t := e.EventTime.Time
					if t.IsZero() {
						t = e.CreationTimestamp.Time
					}
					out = append(out, Entry{t, fmt.Sprintf("event %s %s: %s", e.Type, e.Reason, e.Note)})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

func addDeadlines(add func(*metav1.Time, string, ...any), ds []v1alpha1.Deadline) {
	for _, d := range ds {
		switch d.State {
		case v1alpha1.DeadlineMet:
			add(d.CompletedTime, "deadline %s met (due %s)", d.Name, d.DueTime.UTC().Format(time.RFC3339))
		case v1alpha1.DeadlineMissed:
			add(&d.DueTime, "deadline %s missed", d.Name)
		default:
			add(&d.DueTime, "deadline %s due", d.Name)
		}
	}
}

// PrintTimeline writes a timeline, one entry a line, in loc.
func PrintTimeline(w io.Writer, entries []Entry, loc *time.Location) {
	for _, e := range entries {
		fmt.Fprintf(w, "%s  %s\n", e.Time.In(loc).Format("2006-01-02 15:04:05"), e.What)
	}
}
