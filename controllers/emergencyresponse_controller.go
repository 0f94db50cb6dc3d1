package controllers

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
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/approval"
	"github.com/netsec-io/incident-operator/internal/level"
	"github.com/netsec-io/incident-operator/internal/report"
)

// Labels the operator puts on work groups.
const (
	labelResponse      = "emergency.netsec.io/response"
	labelWorkGroupType = "emergency.netsec.io/work-group-type"
)

// EmergencyResponseReconciler gates responses on their approval, sets up
// their work groups, ends them, and tracks the summary reports owed.
type EmergencyResponseReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Plan     PlanConfig
	// HolidayCalendar is the name of the HolidayCalendar to count in.
	HolidayCalendar string
}

type responseScope struct {
	response  *v1alpha1.EmergencyResponse
	incidents []v1alpha1.SecurityIncident
	now       time.Time
	events    *eventLog
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=emergencyresponses,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=emergencyresponses/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=workgroups,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=holidaycalendars,verbs=get;list;watch

// Reconcile runs the response's steps in order and writes its status once.
func (r *EmergencyResponseReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	resp := &v1alpha1.EmergencyResponse{}
	if err := r.Get(ctx, req.NamespacedName, resp); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := resp.DeepCopy()
	s := &responseScope{response: resp, now: r.Clock.Now().Truncate(time.Second), events: &eventLog{drill: resp.Spec.Drill}}
	defer func() {
		resp.Status.ObservedGeneration = resp.Generation
		if perr := patchStatus(ctx, r.Client, before, resp, responseStatus); perr != nil {
			err = kerrors.NewAggregate([]error{err, perr})
			return
		}
		s.events.flush(r.Recorder, resp)
	}()

	steps := []func(context.Context, *responseScope) error{
		r.resolveIncidents, r.gate, r.reconcileWorkGroups, r.checkMeasures, r.end, r.trackReports,
	}
	for _, step := range steps {
		if err := step(ctx, s); err != nil {
			return ctrl.Result{}, err
		}
	}
	r.summarise(s)
	if next := report.Next(resp.Status.Deadlines); next != nil {
		res.RequeueAfter = max(next.Sub(s.now), time.Second)
	}
	return res, nil
}

func (r *EmergencyResponseReconciler) setCondition(s *responseScope, typ string, status metav1.ConditionStatus, reason, msg string) {
	setCondition(&s.response.Status.Conditions, s.response.Generation, s.now, typ, status, reason, msg)
}

func started(resp *v1alpha1.EmergencyResponse) bool { return resp.Status.StartedTime != nil }
func ended(resp *v1alpha1.EmergencyResponse) bool   { return resp.Status.EndedTime != nil }

// resolveIncidents reads the incidents and settles the level in force.
func (r *EmergencyResponseReconciler) resolveIncidents(ctx context.Context, s *responseScope) error {
	resp := s.response
	var missing, unclassified []string
	highest := v1alpha1.IncidentLevel("")
	s.incidents = nil
	for _, ref := range resp.Spec.IncidentRefs {
		inc := v1alpha1.SecurityIncident{}
		if err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &inc); err != nil {
			if apierrors.IsNotFound(err) {
				missing = append(missing, ref.Namespace+"/"+ref.Name)
				continue
			}
			return fmt.Errorf("reading incident %s/%s: %w", ref.Namespace, ref.Name, err)
		}
		s.incidents = append(s.incidents, inc)
		if inc.Status.Level == "" {
			unclassified = append(unclassified, ref.Namespace+"/"+ref.Name)
		}
		highest = level.Higher(highest, inc.Status.Level)
	}
	inForce := resp.Spec.Level
	if inForce == "" && level.Rank(highest) > 0 {
		inForce = v1alpha1.Level(highest)
	}
	if started(resp) && inForce == "" {
		inForce = resp.Status.Level // an incident gone after the start does not unset the level
	}
	resp.Status.Level = inForce

	if started(resp) {
		return nil
	}
	resp.Status.Phase = v1alpha1.ResponsePending
	switch {
	case len(missing) > 0:
		r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentsPendingReason,
			"Incidents not found: "+strings.Join(missing, ", ")+".")
	case resp.Spec.Level == "" && len(unclassified) > 0:
		r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentsPendingReason,
			"Incidents not yet classified: "+strings.Join(unclassified, ", ")+".")
	case inForce == "":
		r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseIncidentsPendingReason,
			"Every incident is below threshold: set spec.level if the office decides on a response.")
	default:
		resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
	}
	return nil
}

// gate starts the response once an admitted decision covers its level.
func (r *EmergencyResponseReconciler) gate(_ context.Context, s *responseScope) error {
	resp := s.response
	if resp.Status.Phase == v1alpha1.ResponsePending {
		return nil
	}
	if resp.Spec.Drill {
		for _, inc := range s.incidents {
			if !inc.Spec.Drill {
				r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v1alpha1.ResponseDrillMismatchReason,
					fmt.Sprintf("This drill response covers the real incident %s/%s; a drill approval cannot start it.", inc.Namespace, inc.Name))
				if !started(resp) {
					resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
					return nil
				}
			}
		}
	}
	v := approval.Start(resp.Annotations, resp.Status.Level)
	if !v.Passed {
		old := meta.FindStatusCondition(resp.Status.Conditions, v1alpha1.ResponseApprovedCondition)
		if old == nil || old.Reason != v.Reason || old.Message != v.Message {
			if v.Reason == v1alpha1.ResponseAwaitingApprovalReason {
				s.events.normal(v1alpha1.ResponseAwaitingApprovalEvent, "Gate", v.Message)
			} else {
				s.events.warning(v1alpha1.ResponseNotStartedEvent, "Gate", v.Message)
			}
		}
		r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v.Reason, v.Message)
		if !started(resp) {
			resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
		}
		return nil
	}
	r.setCondition(s, v1alpha1.ResponseApprovedCondition, metav1.ConditionTrue, v.Reason, v.Message)
	if !started(resp) {
		resp.Status.Approval = &v1alpha1.Approval{ApprovedBy: v.ApprovedBy, Directive: v.Directive, Level: v.Level, Time: metav1.NewTime(s.now)}
		resp.Status.StartedTime = &metav1.Time{Time: s.now}
		waited := s.now.Sub(resp.CreationTimestamp.Time).Seconds()
		s.events.then(func() { approvalSeconds.WithLabelValues("EmergencyResponse").Observe(max(waited, 0)) })
		s.events.normal(v1alpha1.ResponseStartedEvent, "Gate", fmt.Sprintf("Level %s response started. %s", v.Level, v.Message))
	}
	resp.Status.Phase = v1alpha1.ResponseActive
	return nil
}

// workGroupName is the work group's deterministic name.
func workGroupName(resp string, t v1alpha1.WorkGroupType) string {
	var b strings.Builder
	for i, c := range string(t) {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return resp + "-" + b.String()
}

func desiredWorkGroups(resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroupType {
	if len(resp.Spec.WorkGroups) == 0 {
		return v1alpha1.AllWorkGroupTypes
	}
	return resp.Spec.WorkGroups
}

// reconcileWorkGroups creates the work groups of a started response, brings
// back deleted ones, removes those no longer asked for, and marks them when
// the response has ended.
func (r *EmergencyResponseReconciler) reconcileWorkGroups(ctx context.Context, s *responseScope) error {
	resp := s.response
	owned := &v1alpha1.WorkGroupList{}
	if err := r.List(ctx, owned, client.InNamespace(resp.Namespace), client.MatchingLabels{labelResponse: resp.Name}); err != nil {
		return fmt.Errorf("listing work groups: %w", err)
	}
	existing := map[string]*v1alpha1.WorkGroup{}
	for i := range owned.Items {
		wg := &owned.Items[i]
		if metav1.IsControlledBy(wg, resp) {
			existing[wg.Name] = wg
		}
	}
	if !started(resp) {
		resp.Status.WorkGroups = nil
		r.setCondition(s, v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionFalse, v1alpha1.ResponseNotStartedReason,
			"Work groups are set up once the response starts.")
		return nil
	}

	desired := map[string]v1alpha1.WorkGroupType{}
	var names []string
	for _, t := range desiredWorkGroups(resp) {
		n := workGroupName(resp.Name, t)
		desired[n] = t
		names = append(names, n)
	}
	if !ended(resp) {
		for name, wg := range existing {
			if _, ok := desired[name]; ok || wg.DeletionTimestamp != nil {
				continue
			}
			if err := r.Delete(ctx, wg); client.IgnoreNotFound(err) != nil {
				return fmt.Errorf("removing work group %s: %w", name, err)
			}
			s.events.normal(v1alpha1.ResponseWorkGroupRemovedEvent, "SetUpWorkGroups", fmt.Sprintf("Work group %s is no longer asked for and was removed.", name))
		}
	}

	var notReady []string
	for _, name := range names {
		wg, ok := existing[name]
		if !ok {
			wg = &v1alpha1.WorkGroup{
				ObjectMeta: metav1.ObjectMeta{
					Name: name, Namespace: resp.Namespace,
					Labels: map[string]string{labelResponse: resp.Name, labelWorkGroupType: string(desired[name])},
				},
				Spec: v1alpha1.WorkGroupSpec{Type: desired[name]},
			}
			if ended(resp) {
				wg.Labels[v1alpha1.LabelResponseEnded] = "true"
			}
			if err := controllerutil.SetControllerReference(resp, wg, r.Scheme()); err != nil {
				return err
			}
			if err := r.Create(ctx, wg); err != nil {
				if apierrors.IsAlreadyExists(err) {
					notReady = append(notReady, name+" (the name is taken by an object this response does not own)")
					continue
				}
				return fmt.Errorf("creating work group %s: %w", name, err)
			}
			s.events.normal(v1alpha1.ResponseWorkGroupCreatedEvent, "SetUpWorkGroups", fmt.Sprintf("Work group %s (%s) set up.", name, desired[name]))
			notReady = append(notReady, name)
			continue
		}
		if ended(resp) && wg.Labels[v1alpha1.LabelResponseEnded] != "true" {
			patch := client.MergeFrom(wg.DeepCopy())
			wg.Labels[v1alpha1.LabelResponseEnded] = "true"
			if err := r.Patch(ctx, wg, patch); err != nil {
				return fmt.Errorf("marking work group %s ended: %w", name, err)
			}
		}
		if c := meta.FindStatusCondition(wg.Status.Conditions, v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue || wg.DeletionTimestamp != nil {
			notReady = append(notReady, name)
		}
	}
	resp.Status.WorkGroups = names
	if len(notReady) > 0 {
		r.setCondition(s, v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionFalse, v1alpha1.ResponseWorkGroupsPendingReason,
			fmt.Sprintf("%d of %d work groups ready; waiting for %s.", len(names)-len(notReady), len(names), strings.Join(notReady, ", ")))
		return nil
	}
	if resp.Status.WorkGroupsReadyTime == nil {
		resp.Status.WorkGroupsReadyTime = &metav1.Time{Time: s.now}
		took := s.now.Sub(resp.Status.StartedTime.Time).Seconds()
		s.events.then(func() { workGroupsReadySeconds.Observe(max(took, 0)) })
	}
	r.setCondition(s, v1alpha1.ResponseWorkGroupsReadyCondition, metav1.ConditionTrue, v1alpha1.ResponseWorkGroupsReadyReason,
		fmt.Sprintf("All %d work groups are set up.", len(names)))
	return nil
}

// checkMeasures applies §5.5: a response to a data leak of level IV or above
// tells the affected users how to reduce the harm.
func (r *EmergencyResponseReconciler) checkMeasures(_ context.Context, s *responseScope) error {
	resp := s.response
	var leaks []string
	for _, inc := range s.incidents {
		if l := inc.Spec.Impact.DataLeak; l != nil && l.Records >= level.RecordsLevelIV {
			leaks = append(leaks, inc.Namespace+"/"+inc.Name)
		}
	}
	if len(leaks) > 0 && !slices.Contains(resp.Spec.Measures, v1alpha1.MeasureAffectedUserNotification) {
		msg := fmt.Sprintf("The leak of users' data in %s requires AffectedUserNotification among spec.measures (§5.5).", strings.Join(leaks, ", "))
		if c := meta.FindStatusCondition(resp.Status.Conditions, v1alpha1.ResponseMeasuresCompleteCondition); c == nil || c.Status != metav1.ConditionFalse {
			s.events.warning(v1alpha1.ResponseMeasureMissingEvent, "CheckMeasures", msg)
		}
		r.setCondition(s, v1alpha1.ResponseMeasuresCompleteCondition, metav1.ConditionFalse, v1alpha1.ResponseUserNotificationMissing, msg)
	} else {
		r.setCondition(s, v1alpha1.ResponseMeasuresCompleteCondition, metav1.ConditionTrue, v1alpha1.ResponseMeasuresCompleteReason,
			"The measures include what the plan requires.")
	}
	if started(resp) && !ended(resp) {
		resp.Status.MeasuresInForce = resp.Spec.Measures
	} else {
		resp.Status.MeasuresInForce = nil
	}
	return nil
}

// end ends a started response on its end approval or directive.
func (r *EmergencyResponseReconciler) end(_ context.Context, s *responseScope) error {
	resp := s.response
	switch {
	case !started(resp):
		r.setCondition(s, v1alpha1.ResponseEndedCondition, metav1.ConditionFalse, v1alpha1.ResponseNotStartedReason, "The response has not started.")
		return nil
	case ended(resp):
		resp.Status.Phase = v1alpha1.ResponseEnded
		return nil
	case !resp.Spec.EndRequested:
		r.setCondition(s, v1alpha1.ResponseEndedCondition, metav1.ConditionFalse, v1alpha1.ResponseActiveReason, "The response is active.")
		return nil
	}
	v := approval.End(resp.Annotations, resp.Status.Approval.Level)
	if !v.Passed {
		r.setCondition(s, v1alpha1.ResponseEndedCondition, metav1.ConditionFalse, v1alpha1.ResponseAwaitingEndApprovalReason, v.Message)
		return nil
	}
	resp.Status.EndApproval = &v1alpha1.Approval{ApprovedBy: v.ApprovedBy, Directive: v.Directive, Level: v.Level, Time: metav1.NewTime(s.now)}
	resp.Status.EndedTime = &metav1.Time{Time: s.now}
	resp.Status.Phase = v1alpha1.ResponseEnded
	resp.Status.MeasuresInForce = nil
	r.setCondition(s, v1alpha1.ResponseEndedCondition, metav1.ConditionTrue, v1alpha1.ResponseEndedReason, "Ended. "+v.Message)
	s.events.normal(v1alpha1.ResponseEndedEvent, "End", "Response ended. "+v.Message)
	return nil
}

// trackReports sets the summary-report deadlines of an ended response (§6.1).
func (r *EmergencyResponseReconciler) trackReports(ctx context.Context, s *responseScope) error {
	resp := s.response
	if !ended(resp) {
		resp.Status.Deadlines, resp.Status.NextDeadline = nil, nil
		meta.RemoveStatusCondition(&resp.Status.Conditions, v1alpha1.ResponseDeadlinesMetCondition)
		meta.RemoveStatusCondition(&resp.Status.Conditions, v1alpha1.ResponseCalendarCoveredCondition)
		return nil
	}
	cal, problem, err := loadCalendar(ctx, r.Client, r.HolidayCalendar, r.Plan.TimeZone)
	if err != nil {
		return fmt.Errorf("reading the holiday calendar: %w", err)
	}
	endedAt := resp.Status.EndedTime.Time
	unitDue, unitGaps := cal.AddWorkingDays(endedAt, 10)
	officeDue, officeGaps := cal.AddWorkingDays(endedAt, 20)

	previous := map[string]v1alpha1.DeadlineState{}
	for _, d := range resp.Status.Deadlines {
		previous[d.Name] = d.State
	}
	submitted := func(rep *v1alpha1.SubmittedReport) *time.Time {
		if rep == nil {
			return nil
		}
		t := rep.SubmittedAt.Time
		return &t
	}
	deadlines := []v1alpha1.Deadline{
		report.Settle(report.Find(resp.Status.Deadlines, v1alpha1.DeadlineUnitSummaryReport), v1alpha1.DeadlineUnitSummaryReport, unitDue, submitted(resp.Spec.SummaryReports.Unit), s.now),
		report.Settle(report.Find(resp.Status.Deadlines, v1alpha1.DeadlineOfficeSummaryReport), v1alpha1.DeadlineOfficeSummaryReport, officeDue, submitted(resp.Spec.SummaryReports.Office), s.now),
	}
	resp.Status.Deadlines = deadlines
	if next := report.Next(deadlines); next != nil {
		resp.Status.NextDeadline = &metav1.Time{Time: *next}
	} else {
		resp.Status.NextDeadline = nil
	}

	var missed []string
	for _, d := range deadlines {
		countDecided(s.events, previous[d.Name], d)
		if d.State == v1alpha1.DeadlineMet && previous[d.Name] != v1alpha1.DeadlineMet {
			s.events.normal(v1alpha1.ResponseReportSubmittedEvent, "TrackReports", fmt.Sprintf("%s submitted on time.", d.Name))
		}
		if d.State != v1alpha1.DeadlineMissed {
			continue
		}
		due := d.DueTime.In(r.Plan.TimeZone).Format(time.RFC3339)
		missed = append(missed, fmt.Sprintf("%s (due %s)", d.Name, due))
		if previous[d.Name] != v1alpha1.DeadlineMissed {
			s.events.warning(v1alpha1.ResponseReportMissedEvent, "TrackReports", fmt.Sprintf("%s was due at %s and was not submitted.", d.Name, due))
		}
	}
	if len(missed) > 0 {
		r.setCondition(s, v1alpha1.ResponseDeadlinesMetCondition, metav1.ConditionFalse, v1alpha1.ResponseReportMissedReason, "Missed: "+strings.Join(missed, ", ")+".")
	} else {
		r.setCondition(s, v1alpha1.ResponseDeadlinesMetCondition, metav1.ConditionTrue, v1alpha1.ResponseReportsOnTimeReason, "No report deadline has been missed.")
	}

	gaps := yearsOf(append(unitGaps, officeGaps...))
	switch {
	case problem != "":
		r.setCondition(s, v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionFalse, v1alpha1.ResponseCalendarNotFoundReason,
			problem+": report deadlines count weekends only.")
	case len(gaps) > 0:
		r.setCondition(s, v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionFalse, v1alpha1.ResponseCalendarYearMissingReason,
			fmt.Sprintf("HolidayCalendar %q lacks %s: those days count weekends only. Add the year's official schedule.", r.HolidayCalendar, gaps))
	default:
		r.setCondition(s, v1alpha1.ResponseCalendarCoveredCondition, metav1.ConditionTrue, v1alpha1.ResponseCalendarCoveredReason,
			fmt.Sprintf("Report deadlines count working days of HolidayCalendar %q.", r.HolidayCalendar))
	}
	return nil
}

func yearsOf(ys []int) string {
	sort.Ints(ys)
	ys = slices.Compact(ys)
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}

// summarise sets Ready.
func (r *EmergencyResponseReconciler) summarise(s *responseScope) {
	resp := s.response
	if ended(resp) {
		r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ResponseEndedReason, "The response has ended; its record is kept.")
		return
	}
	for _, typ := range []string{v1alpha1.ResponseApprovedCondition, v1alpha1.ResponseWorkGroupsReadyCondition, v1alpha1.ResponseMeasuresCompleteCondition} {
		if c := meta.FindStatusCondition(resp.Status.Conditions, typ); c == nil || c.Status != metav1.ConditionTrue {
			reason, msg := "NotReady", typ+" is not yet known."
			if c != nil {
				reason, msg = c.Reason, c.Message
			}
			r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionFalse, reason, msg)
			return
		}
	}
	r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ResponseReadyReason,
		fmt.Sprintf("Level %s response active with its work groups set up.", resp.Status.Level))
}

func responseStatus(r *v1alpha1.EmergencyResponse) any { return r.Status }

// SetupWithManager watches responses (spec and approvals), their work
// groups, the incidents they cover, and the holiday calendar.
func (r *EmergencyResponseReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.EmergencyResponse{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Owns(&v1alpha1.WorkGroup{}).
		Watches(&v1alpha1.SecurityIncident{}, handler.EnqueueRequestsFromMapFunc(r.responsesOfIncident)).
		Watches(&v1alpha1.HolidayCalendar{}, handler.EnqueueRequestsFromMapFunc(r.endedResponses)).
		WithOptions(opts).
		Named("emergencyresponse").
		Complete(r)
}

func (r *EmergencyResponseReconciler) responsesOfIncident(ctx context.Context, o client.Object) []reconcile.Request {
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexIncidentRefs: o.GetNamespace() + "/" + o.GetName()}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the responses of an incident")
		return nil
	}
	return requestsFor(list.Items)
}

func (r *EmergencyResponseReconciler) endedResponses(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetName() != r.HolidayCalendar {
		return nil
	}
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, list); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing responses")
		return nil
	}
	var out []v1alpha1.EmergencyResponse
	for _, resp := range list.Items {
		if ended(&resp) {
			out = append(out, resp)
		}
	}
	return requestsFor(out)
}

func requestsFor(items []v1alpha1.EmergencyResponse) []reconcile.Request {
	out := make([]reconcile.Request, 0, len(items))
	for _, it := range items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&it)})
	}
	return out
}
