package plugin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/board"
	"github.com/netsec-io/incident-operator/internal/duty"
	"github.com/netsec-io/incident-operator/internal/text"
)

// ConfirmReport confirms, as the caller, that a report arrived (the plan's
// 电话确认): the confirmed-by annotation with the caller's own name. The
// API server checks that the caller speaks for one of its audiences.
func ConfirmReport(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	n := &v1alpha1.Notification{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, n); err != nil {
		return "", err
	}
	obj := "notification " + ns + "/" + name
	if by := n.Annotations[v1alpha1.AnnotationConfirmedBy]; by != "" {
		at := ""
		if n.Status.ConfirmedTime != nil {
			at = " at " + stamp(n.Status.ConfirmedTime, d.Zone)
		}
		return "", refuse(obj, "its receipt was already confirmed by %s%s; a confirmation is recorded once", by, at)
	}
	if d.Directive != "" || d.Level != "" {
		return "", refuse(obj, "a confirmation of receipt takes no --directive or --level")
	}
	if err := patch(ctx, c, n, map[string]string{v1alpha1.AnnotationConfirmedBy: d.User}, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("notification %s/%s: %s to %s, receipt confirmed by %s", ns, name, n.Spec.Event, joinAudiences(n.Spec.Audiences), d.User), nil
}

func joinAudiences(as []v1alpha1.Audience) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	return strings.Join(parts, ", ")
}

// PrintInbox writes the duties as a table, most urgent first: a header that
// names the zone, a line for each part RBAC hid, then one item a line.
// Times are in zone with their offset; an overdue item says by how long.
// lang is zh or en: the words of the board, whose states, kinds, bodies
// and duties it shares; the details are the operator's, in English.
func PrintInbox(w io.Writer, d duty.Duties, zone *time.Location, now time.Time, lang string) {
	zone = zoneOr(zone)
	say := func(key string) string { return board.Word(lang, key) }
	fmt.Fprintf(w, "%s %s\n", say("inbox.zone"), ZoneName(zone, now))
	for _, s := range d.Hidden {
		fmt.Fprintf(w, "%s%s\n", say("inbox.hidden"), text.Inline(s))
	}
	if len(d.Items) == 0 {
		fmt.Fprintln(w, say("inbox.empty"))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, say("inbox.header"))
	for _, it := range d.Items {
		name := it.Namespace + "/" + it.Name
		if it.Drill {
			name += say("inbox.drill")
		}
		when := "—"
		if !it.When.IsZero() {
			when = it.When.In(zone).Format(TimeLayout)
			if it.State == duty.Overdue {
				when += " (" + Ago(now.Sub(it.When)) + " " + say("inbox.ago") + ")"
			}
		}
		state, kind, whose, owed := it.State.String(), string(it.Kind), string(it.Whose), it.Owed
		if lang == "zh" {
			prefix, rest, split := strings.Cut(owed, "/") // UnitSummaryReport/<namespace>
			state, kind, whose, owed = say(state), say(kind), say(whose), say(prefix)
			if split {
				owed += "/" + rest
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", state, when, kind, text.Inline(name), orDash(it.Level),
			whose, owed, text.Inline(it.Detail))
	}
	_ = tw.Flush()
}

// Ago says a duration as a person reads it: "3d4h", "2h05m", "12m".
func Ago(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
