// Package duty gathers what needs someone now: the deadlines an incident or
// a response owes (overdue first), the decisions a response or a warning
// waits for and whose they are, the reports not delivered or not
// confirmed, and the warnings in force. It reads with the caller's own
// client: what RBAC hides from the caller is left out and named in
// Duties.Hidden, never passed over in silence.
//
// `kubectl incident inbox` prints it as a table, `kubectl incident board`
// shows it as panels; both read it from here.
package duty

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
)

// State is how urgent an item is; the lower, the sooner someone must act.
type State int

// The states, most urgent first.
const (
	// Overdue: a deadline passed and what it asks for is still owed.
	Overdue State = iota
	// Decision: a response or a warning waits for someone's decision.
	Decision
	// Undelivered: a report has not reached all of its audiences.
	Undelivered
	// Unconfirmed: a report arrived, and nobody confirmed its receipt.
	Unconfirmed
	// Due: a deadline still to come.
	Due
)

func (s State) String() string {
	return [...]string{"OVERDUE", "DECISION", "UNDELIVERED", "UNCONFIRMED", "DUE"}[s]
}

// Kind is the kind of object an item is about.
type Kind string

// The kinds an item can be about.
const (
	Incident Kind = "securityincident"
	Response Kind = "emergencyresponse"
	Warning  Kind = "warning"
	Report   Kind = "notification"
	Register Kind = "reportingunit"
)

// AcknowledgementGrace is how long a unit has to acknowledge a duty put on
// it (a red or orange warning, a III/IV response, an order to help) before
// the acknowledgement is overdue. The plan asks for the 24-hour duty at
// once (§4.5.1, §5.3); an hour is the time the operator allows for a
// report owed "at once" by default, too.
const AcknowledgementGrace = time.Hour

// Who owes an item: a body of the plan.
type Who string

// The bodies an item can be owed by.
const (
	Unit         Who = "reporting unit"
	Units        Who = "reporting units"
	Office       Who = "office"
	LeadingGroup Who = "leading group"
	// Ministry is the ministry's emergency office (部应急办): it starts level
	// II responses, ends I and II, and directs red and orange warnings.
	Ministry Who = "ministry"
	// MinistryLeadingGroup (部领导小组) starts level I responses.
	MinistryLeadingGroup Who = "ministry leading group"
	DrillPipeline        Who = "drill pipeline"
	Recipients           Who = "recipients"
	Operator             Who = "operator"
)

// Item is one thing that needs someone.
type Item struct {
	State     State
	Kind      Kind
	Namespace string
	Name      string
	Drill     bool
	// Level is an incident's or a response's level, or a warning's colour.
	Level string
	// When is the deadline's due time, or since when the item waits.
	When time.Time
	// Whose is who must act.
	Whose Who
	// Owed is what is owed, as a code the pages translate: a deadline's
	// name, "approval", "end", "lift", "adjustment", "delivery",
	// "confirmation", "consent", "assessment" (of other harm), "support"
	// (a request for technical support not yet answered).
	Owed string
	// Detail says more, in the operator's words (a condition's message, the
	// audiences of a report).
	Detail string
}

// InForce is a published warning that has not been lifted.
type InForce struct {
	Namespace, Name string
	Drill           bool
	Colour          v1alpha1.WarningLevel
	Since           time.Time
	Scope           string
	Measures        []string
}

// Owing is a registered unit with the duties it has not acknowledged.
type Owing struct {
	Namespace, Unit string
	// Duties not acknowledged, the oldest first.
	Duties []OwedDuty
	// Overdue is true once the oldest is older than AcknowledgementGrace.
	Overdue bool
}

// OwedDuty is a duty a unit has not acknowledged.
type OwedDuty struct {
	v1alpha1.UnitDuty
	// Overdue is true once it is older than AcknowledgementGrace.
	Overdue bool
}

// Open is an incident still open: its response, if it has one, has not
// ended.
type Open struct {
	Namespace, Name string
	Drill           bool
	Level           string
	Unit            string
	Reported        time.Time
	// Next is its most urgent deadline, if it owes one.
	Next *Item
}

// Duties is what needs someone now, in one or every namespace.
type Duties struct {
	// Items, most urgent first.
	Items []Item
	// Incidents still open, the most urgent first (an overdue deadline,
	// then the nearest deadline, then the latest reported).
	Incidents []Open
	// Warnings in force, the reddest first.
	Warnings []InForce
	// Units that owe an acknowledgement of a duty, the longest owing first.
	Units []Owing
	// Hidden names, one sentence each, what the caller may not list.
	Hidden []string
}

// Gather reads the duties in namespace ns ("" for every namespace the
// caller may list) at time now.
func Gather(ctx context.Context, c client.Reader, ns string, now time.Time, extra ...client.ListOption) (Duties, error) {
	var d Duties
	opts := slices.Clone(extra)
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	where := "in every namespace"
	if ns != "" {
		where = "in namespace " + ns
	}
	list := func(l client.ObjectList, resource string) (bool, error) {
		err := c.List(ctx, l, opts...)
		switch {
		case apierrors.IsForbidden(err):
			d.Hidden = append(d.Hidden, fmt.Sprintf("%s %s: hidden, your role may not list them", resource, where))
			return false, nil
		case err != nil:
			return false, fmt.Errorf("listing %s %s: %w", resource, where, err)
		}
		return true, nil
	}

	incs := &v1alpha1.SecurityIncidentList{}
	if ok, err := list(incs, "securityincidents"); err != nil {
		return d, err
	} else if ok {
		for i := range incs.Items {
			d.incident(&incs.Items[i], now)
		}
	}
	resps := &v1alpha1.EmergencyResponseList{}
	if ok, err := list(resps, "emergencyresponses"); err != nil {
		return d, err
	} else if ok {
		for i := range resps.Items {
			d.response(&resps.Items[i], now)
		}
	}
	warns := &v1alpha1.WarningList{}
	if ok, err := list(warns, "warnings"); err != nil {
		return d, err
	} else if ok {
		for i := range warns.Items {
			d.warning(&warns.Items[i])
		}
	}
	units := &v1alpha1.ReportingUnitList{}
	if ok, err := list(units, "reportingunits"); err != nil {
		return d, err
	} else if ok {
		for i := range units.Items {
			d.unit(&units.Items[i], now)
		}
	}
	ntfs := &v1alpha1.NotificationList{}
	if ok, err := list(ntfs, "notifications"); err != nil {
		return d, err
	} else if ok {
		for i := range ntfs.Items {
			d.report(&ntfs.Items[i])
		}
	}
	Sort(d.Items)
	sort.SliceStable(d.Incidents, func(i, j int) bool {
		a, b := d.Incidents[i], d.Incidents[j]
		switch {
		case a.Next != nil && b.Next != nil && a.Next.State != b.Next.State:
			return a.Next.State < b.Next.State
		case a.Next != nil && b.Next != nil:
			return a.Next.When.Before(b.Next.When)
		case a.Next != nil || b.Next != nil:
			return a.Next != nil
		}
		return a.Reported.After(b.Reported)
	})
	sort.SliceStable(d.Warnings, func(i, j int) bool {
		return colourRank(d.Warnings[i].Colour) < colourRank(d.Warnings[j].Colour)
	})
	sort.SliceStable(d.Units, func(i, j int) bool {
		return sinceOf(d.Units[i].Duties[0].UnitDuty).Before(sinceOf(d.Units[j].Duties[0].UnitDuty))
	})
	return d, nil
}

// unit adds each duty a registered unit has not acknowledged: due
// AcknowledgementGrace after it began, overdue after that.
func (d *Duties) unit(u *v1alpha1.ReportingUnit, now time.Time) {
	if u.Name != u.Namespace {
		return
	}
	o := Owing{Namespace: u.Namespace, Unit: u.Spec.Name}
	for _, du := range u.Status.Duties {
		if du.Acknowledgement != "" {
			continue
		}
		due := sinceOf(du).Add(AcknowledgementGrace)
		it := Item{State: Due, Kind: Register, Namespace: u.Namespace, Name: u.Name, Drill: du.Drill, When: due, Whose: Unit,
			Owed: "acknowledgement", Detail: fmt.Sprintf("%s %s/%s", du.Kind, du.Namespace, du.Name)}
		late := !due.After(now)
		if late {
			it.State, o.Overdue = Overdue, true
		}
		o.Duties = append(o.Duties, OwedDuty{UnitDuty: du, Overdue: late})
		d.Items = append(d.Items, it)
	}
	if len(o.Duties) > 0 {
		sort.SliceStable(o.Duties, func(i, j int) bool { return sinceOf(o.Duties[i].UnitDuty).Before(sinceOf(o.Duties[j].UnitDuty)) })
		d.Units = append(d.Units, o)
	}
}

func sinceOf(du v1alpha1.UnitDuty) time.Time {
	if du.Since == nil {
		return time.Time{}
	}
	return du.Since.Time
}

// Sort orders items by urgency: overdue first (the longest overdue first),
// then decisions, undelivered and unconfirmed reports (the longest waiting
// first), then deadlines to come (the nearest first).
func Sort(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.State != b.State {
			return a.State < b.State
		}
		if !a.When.Equal(b.When) {
			return a.When.Before(b.When)
		}
		return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
	})
}

func colourRank(l v1alpha1.WarningLevel) int {
	return slices.Index([]v1alpha1.WarningLevel{v1alpha1.WarningRed, v1alpha1.WarningOrange, v1alpha1.WarningYellow, v1alpha1.WarningBlue, v1alpha1.WarningRiskNotice}, l)
}

// deadlines adds the one deadline of an object that needs someone most: the
// first overdue one, else the nearest to come. A deadline missed and since
// completed is owed no more.
func (d *Duties) deadlines(base Item, ds []v1alpha1.Deadline, whose func(string) Who, now time.Time) *Item {
	var next *v1alpha1.Deadline
	overdue := false
	for i := range ds {
		dl := &ds[i]
		late := dl.State == v1alpha1.DeadlineMissed && dl.CompletedTime == nil ||
			dl.State == v1alpha1.DeadlinePending && !dl.DueTime.After(now)
		switch {
		case late && (!overdue || dl.DueTime.Before(&next.DueTime)):
			next, overdue = dl, true
		case !late && !overdue && dl.State == v1alpha1.DeadlinePending && (next == nil || dl.DueTime.Before(&next.DueTime)):
			next = dl
		}
	}
	if next == nil {
		return nil
	}
	base.State, base.When, base.Whose, base.Owed = Due, next.DueTime.Time, whose(next.Name), next.Name
	if overdue {
		base.State = Overdue
	}
	d.Items = append(d.Items, base)
	return &base
}

func (d *Duties) incident(inc *v1alpha1.SecurityIncident, now time.Time) {
	base := Item{Kind: Incident, Namespace: inc.Namespace, Name: inc.Name, Drill: inc.Spec.Drill, Level: string(inc.Status.Level),
		Detail: inc.Spec.Reporter.UnitName}
	next := d.deadlines(base, inc.Status.Deadlines, func(string) Who { return Unit }, now)
	if r := inc.Status.Response; r != nil && r.Phase == v1alpha1.ResponseEnded {
		return
	}
	if c := meta.FindStatusCondition(inc.Status.Conditions, v1alpha1.IncidentSupportAnsweredCondition); c != nil && c.Status == metav1.ConditionFalse {
		it := base
		it.State, it.Whose, it.When, it.Owed, it.Detail = Decision, Office, inc.CreationTimestamp.Time, "support", c.Message
		d.Items = append(d.Items, it)
	}
	if assessmentOwed(inc) {
		it := base
		it.State, it.Whose, it.When, it.Owed = Decision, Office, inc.CreationTimestamp.Time, "assessment"
		if l := inc.Spec.SuggestedLevel; l != "" {
			it.Detail = "the unit suggests level " + string(l)
		}
		d.Items = append(d.Items, it)
	}
	d.Incidents = append(d.Incidents, Open{Namespace: inc.Namespace, Name: inc.Name, Drill: inc.Spec.Drill, Level: string(inc.Status.Level),
		Unit: inc.Spec.Reporter.UnitName, Reported: inc.CreationTimestamp.Time, Next: next})
}

// assessmentOwed says whether an incident reports harm of the event type
// Other that the office has not assessed (§3), and has not been withdrawn.
func assessmentOwed(inc *v1alpha1.SecurityIncident) bool {
	return inc.Spec.Impact.Other != nil && slices.Contains(inc.Spec.EventTypes, v1alpha1.EventOther) &&
		inc.Spec.Withdrawal == nil && inc.Annotations[v1alpha1.AnnotationAssessedLevel] == ""
}

func (d *Duties) response(r *v1alpha1.EmergencyResponse, now time.Time) {
	st := &r.Status
	base := Item{Kind: Response, Namespace: r.Namespace, Name: r.Name, Drill: r.Spec.Drill, Level: string(st.Level)}
	whose := func(name string) Who {
		if name == v1alpha1.DeadlineOfficeSummaryReport {
			return Office
		}
		return Units
	}
	if st.EndedTime == nil {
		d.deadlines(base, st.Deadlines, whose, now)
	}
	decider := LeadingGroup
	switch {
	case r.Spec.Drill:
		decider = DrillPipeline
	case st.Level == v1alpha1.LevelI:
		decider = MinistryLeadingGroup
	case approval.ByDirective(st.Level):
		decider = Ministry
	}
	it := base
	it.State, it.Whose, it.When = Decision, decider, r.CreationTimestamp.Time
	switch {
	case st.Phase == v1alpha1.ResponseAwaitingApproval:
		it.Owed = "approval"
		it.Detail = conditionMessage(st.Conditions, v1alpha1.ResponseApprovedCondition)
		d.Items = append(d.Items, it)
	case st.StartedTime != nil && st.EndedTime == nil && r.Spec.EndRequested:
		if st.Approval != nil && approval.ByDirective(st.Approval.Level) && !r.Spec.Drill {
			it.Whose = Ministry
		}
		it.Owed = "end"
		d.Items = append(d.Items, it)
	}
}

func (d *Duties) warning(w *v1alpha1.Warning) {
	st := &w.Status
	if st.LiftedTime != nil || st.Phase == v1alpha1.WarningLifted {
		return
	}
	whose := Office
	switch {
	case approval.ByDirectiveWarning(w.Spec.Level):
		whose = Ministry
	case approval.NeedsApproval(w.Spec.Level):
		whose = LeadingGroup
	}
	it := Item{State: Decision, Kind: Warning, Namespace: w.Namespace, Name: w.Name, Drill: w.Spec.Drill,
		Level: string(w.Spec.Level), When: w.CreationTimestamp.Time, Whose: whose}
	switch {
	case st.Phase == v1alpha1.WarningAwaitingApproval || st.PublishedTime == nil:
		it.Owed = "approval"
		d.Items = append(d.Items, it)
		return
	case w.Spec.LiftRequested:
		it.Owed = "lift"
		if st.PublishedLevel != "" && approval.ByDirectiveWarning(st.PublishedLevel) {
			it.Whose = Ministry
		}
		d.Items = append(d.Items, it)
	case st.PublishedLevel != "" && st.PublishedLevel != w.Spec.Level:
		it.Owed = "adjustment"
		d.Items = append(d.Items, it)
	}
	measures := st.Measures
	if len(measures) == 0 {
		measures = warning.Measures(st.PublishedLevel)
	}
	d.Warnings = append(d.Warnings, InForce{Namespace: w.Namespace, Name: w.Name, Drill: w.Spec.Drill, Colour: st.PublishedLevel,
		Since: st.PublishedTime.Time, Scope: w.Spec.Scope, Measures: measures})
}

func (d *Duties) report(n *v1alpha1.Notification) {
	st := &n.Status
	it := Item{Kind: Report, Namespace: n.Namespace, Name: n.Name, Drill: n.Spec.Drill, When: n.Spec.Time.Time,
		Detail: string(n.Spec.Event) + " of " + strings.ToLower(n.Spec.Source.Kind) + " " + n.Spec.Source.Name + " to " + audiences(n.Spec.Audiences)}
	c := meta.FindStatusCondition(st.Conditions, v1alpha1.NotificationDeliveredCondition)
	delivered := st.DeliveredTime != nil || c != nil && c.Status == metav1.ConditionTrue
	switch {
	case !delivered && c != nil && c.Reason == v1alpha1.NotificationAwaitingConsentReason:
		it.State, it.Whose, it.Owed = Decision, Office, "consent"
		it.Detail += ": " + c.Message
	case !delivered:
		it.State, it.Whose, it.Owed = Undelivered, Operator, "delivery"
		if c != nil {
			it.Detail += ": " + c.Message
			if c.Reason == v1alpha1.NotificationNoChannelReason {
				it.Whose = Office
			}
		}
	case st.ConfirmedBy == "" && n.Annotations[v1alpha1.AnnotationConfirmedBy] == "" && confirmable(n.Spec.Audiences):
		it.State, it.Whose, it.Owed = Unconfirmed, Recipients, "confirmation"
		if st.DeliveredTime != nil {
			it.When = st.DeliveredTime.Time
		}
	default:
		return
	}
	d.Items = append(d.Items, it)
}

// confirmable: a report to anyone but the public alone can be confirmed
// (the public does not ring back).
func confirmable(as []v1alpha1.Audience) bool {
	return slices.ContainsFunc(as, func(a v1alpha1.Audience) bool { return a != v1alpha1.AudiencePublic })
}

func audiences(as []v1alpha1.Audience) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	if len(parts) == 0 {
		return "its channels"
	}
	return strings.Join(parts, ", ")
}

func conditionMessage(conds []metav1.Condition, typ string) string {
	if c := meta.FindStatusCondition(conds, typ); c != nil {
		return c.Message
	}
	return ""
}
