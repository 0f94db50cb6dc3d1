package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/internal/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/internal/plan/report"
	"github.com/netsec-io/incident-operator/internal/plan/response"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
)

// EmergencyResponseReconciler gates responses on their approval, sets up
// their work groups, ends them, and tracks the summary reports owed.
type EmergencyResponseReconciler struct {
	reconcile.Kit
	Plan PlanConfig
	// HolidayCalendar is the name of the HolidayCalendar to count in.
	HolidayCalendar string
	// APIReader reads a response past the cache before a work group it had
	// is brought back, in case the response is being deleted.
	APIReader client.Reader
	// OfficeNamespace holds the channels that reach the offices from every
	// namespace (Config.OfficeNamespace).
	OfficeNamespace string
}

type responseScope struct {
	*reconcile.Pass[*v1alpha1.EmergencyResponse]
	// incidents are the response's incidents, withdrawn ones included;
	// response.Counted leaves those out of the level, the escalation and
	// the measures.
	incidents []v1alpha1.SecurityIncident
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=emergencyresponses,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=emergencyresponses/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=workgroups,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=holidaycalendars,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=unitreports;reportingunits,verbs=get;list;watch

// Reconcile runs the response's steps in order and writes its status once.
func (r *EmergencyResponseReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	resp := &v1alpha1.EmergencyResponse{}
	if err := r.Get(ctx, req.NamespacedName, resp); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if link.IsCopy(resp) {
		// Another cluster's response, relayed here for a decision or
		// mirrored down: its own operator runs it, and its status is
		// written by the link (docs/links.md).
		return ctrl.Result{}, nil
	}
	s := &responseScope{Pass: reconcile.Begin(r.Kit, resp, resp.Spec.Drill)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*responseScope]{
		r.resolveIncidents, r.gate, r.checkEscalation, r.reconcileWorkGroups, r.checkMeasures, r.end, r.readUnitReports, r.noteSupportRequests, r.trackReports, r.report,
	}, r.ready)
}

func started(resp *v1alpha1.EmergencyResponse) bool { return resp.Status.StartedTime != nil }

// noteSupportRequests records when the operator first saw each of the
// office's requests for support beyond the province: the report to the
// ministry carries that time (§5.4, §5.5). A request, once seen, stays
// noted.
func (r *EmergencyResponseReconciler) noteSupportRequests(_ context.Context, s *responseScope) error {
	st := &s.Obj.Status
	for _, req := range s.Obj.Spec.SupportRequests {
		if slices.ContainsFunc(st.SupportRequests, func(n v1alpha1.SupportRequestSent) bool { return n.Name == req.Name }) {
			continue
		}
		st.SupportRequests = append(st.SupportRequests, v1alpha1.SupportRequestSent{Name: req.Name, SeenTime: metav1.Time{Time: s.Now}})
		s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseSupportRequestedEvent, "Report",
			fmt.Sprintf("The office asks the ministry's emergency office for support (%s): %s", req.Name, req.What)))
	}
	return nil
}

// superseded: ended because a response at a higher level took over, not on
// an end decision.
func superseded(resp *v1alpha1.EmergencyResponse) bool {
	return resp.Status.SupersededBy != "" && resp.Status.EndApproval == nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
func ended(resp *v1alpha1.EmergencyResponse) bool { return resp.Status.EndedTime != nil }

// resolveIncidents reads the incidents and settles the level in force.
func (r *EmergencyResponseReconciler) resolveIncidents(ctx context.Context, s *responseScope) error {
	resp := s.Obj
	var missing, unclassified []string
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
		if inc.Status.Level == "" && !withdrawn(&inc) {
			unclassified = append(unclassified, ref.Namespace+"/"+ref.Name)
		}
	}
	if started(resp) {
		// The decision bound the response to these very objects.
		s.incidents = response.Bound(resp.Status.Approval.Incidents, s.incidents)
	}
	counted := response.Counted(s.incidents)
	s.setIncidentsCounted(s.incidents)
	if started(resp) {
		resp.Status.Level = response.LevelInForce(resp.Spec.Level, "", true, resp.Status.Approval.Level)
		resp.Status.CommandedBy = commandOf(resp.Status.Level)
		return nil
	}
	resp.Status.Level = response.LevelInForce(resp.Spec.Level, response.Highest(counted), false, "")
	resp.Status.CommandedBy = commandOf(resp.Status.Level)
	resp.Status.Phase = v1alpha1.ResponsePending
	if !s.setIncidentsPending(missing, unclassified, len(counted) == 0 && len(s.incidents) > 0) {
		resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
	}
	return nil
}

// gate starts the response once an admitted decision covers its level.
func (r *EmergencyResponseReconciler) gate(ctx context.Context, s *responseScope) error {
	resp := s.Obj
	if resp.Status.Phase == v1alpha1.ResponsePending {
		return nil
	}
	if real := response.RealIncidentsOfDrill(resp.Spec.Drill, s.incidents); len(real) > 0 {
		s.setDrillOverReal(real[0])
		if !started(resp) {
			resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
			return nil
		}
	}
	v := approval.Start(resp.Annotations, resp.Status.Level)
	s.setApproved(v)
	if !v.Passed {
		if !started(resp) {
			resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
		}
		return nil
	}
	if !started(resp) {
		// One command per incident (§5.3, §5.4): while a response at this
		// level or above runs over one of the same incidents, this one
		// does not start; a higher level starts and takes over.
		other, err := r.commanding(ctx, s)
		if err != nil {
			return err
		}
		if other != "" {
			s.setAnotherCommands(other)
			resp.Status.Phase = v1alpha1.ResponseAwaitingApproval
			return nil
		}
	}
	if !started(resp) {
		resp.Status.Approval = &v1alpha1.Approval{ApprovedBy: v.ApprovedBy, Directive: v.Directive, Level: resp.Status.Level, Time: metav1.NewTime(s.Now),
			Incidents: approvedIncidents(s.incidents)}
		resp.Status.StartedTime = &metav1.Time{Time: s.Now}
		waited := s.Now.Sub(resp.CreationTimestamp.Time).Seconds()
		s.Events.Then(func() { approvalSeconds.WithLabelValues("EmergencyResponse").Observe(max(waited, 0)) })
		s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseStartedEvent, "Gate", fmt.Sprintf("Level %s response started. %s", resp.Status.Level, v.Message)))
	}
	resp.Status.Phase = v1alpha1.ResponseActive
	return nil
}

// approvedIncidents records the incidents as a start decision found them.
func approvedIncidents(incidents []v1alpha1.SecurityIncident) []v1alpha1.ApprovedIncident {
	out := make([]v1alpha1.ApprovedIncident, 0, len(incidents))
	for i := range incidents {
		inc := &incidents[i]
		out = append(out, v1alpha1.ApprovedIncident{Namespace: inc.Namespace, Name: inc.Name, UID: string(inc.UID), Level: inc.Status.Level})
	}
	return out
}

// checkEscalation watches a running response's incidents rise above the
// level its decision covered (§5.3: a response at the new level is owed),
// and records the response at a higher level that took over.
func (r *EmergencyResponseReconciler) checkEscalation(ctx context.Context, s *responseScope) error {
	resp := s.Obj
	if !started(resp) {
		s.Remove(v1alpha1.ResponseLevelCoveredCondition)
		s.Remove(v1alpha1.ResponseSupersededCondition)
		return nil
	}
	if resp.Status.SupersededBy == "" && !ended(resp) {
		by, err := r.supersedingResponse(ctx, s)
		if err != nil {
			return err
		}
		resp.Status.SupersededBy = by
	}
	to, owed := response.Escalation(resp.Status.Approval.Level, response.Highest(response.Counted(s.incidents)))
	s.setLevelCovered(to, owed && resp.Status.SupersededBy == "")
	s.setSuperseded()
	return nil
}

// supersedingResponse finds a started response at a higher level than this
// one's decision, started later, over one of the same incidents.
func (r *EmergencyResponseReconciler) supersedingResponse(ctx context.Context, s *responseScope) (string, error) {
	resp := s.Obj
	for i := range s.incidents {
		inc := &s.incidents[i]
		list := &v1alpha1.EmergencyResponseList{}
		if err := r.List(ctx, list, client.MatchingFields{IndexIncidentRefs: inc.Namespace + "/" + inc.Name}, client.UnsafeDisableDeepCopy); err != nil {
			return "", fmt.Errorf("listing the responses of incident %s/%s: %w", inc.Namespace, inc.Name, err)
		}
		for j := range list.Items {
			other := &list.Items[j]
			if other.UID == resp.UID || !started(other) || other.Status.Approval == nil || !response.Covers(other, inc) ||
				other.Status.StartedTime.Before(resp.Status.StartedTime) {
				continue
			}
			if _, higher := response.Escalation(resp.Status.Approval.Level, v1alpha1.IncidentLevel(other.Status.Approval.Level)); higher {
				return other.Namespace + "/" + other.Name, nil
			}
		}
	}
	return "", nil
}

// commanding finds a started, running response over one of the same
// incidents whose approved level is this response's level or above: it
// already commands them.
func (r *EmergencyResponseReconciler) commanding(ctx context.Context, s *responseScope) (string, error) {
	resp := s.Obj
	for _, inc := range response.Counted(s.incidents) {
		list := &v1alpha1.EmergencyResponseList{}
		if err := r.List(ctx, list, client.MatchingFields{IndexIncidentRefs: inc.Namespace + "/" + inc.Name}, client.UnsafeDisableDeepCopy); err != nil {
			return "", fmt.Errorf("listing the responses of incident %s/%s: %w", inc.Namespace, inc.Name, err)
		}
		for j := range list.Items {
			other := &list.Items[j]
			if other.UID == resp.UID || !started(other) || ended(other) || other.Status.SupersededBy != "" ||
				other.Status.Approval == nil || !response.Covers(other, &inc) || other.Spec.Drill != resp.Spec.Drill {
				continue
			}
			if _, higher := response.Escalation(other.Status.Approval.Level, v1alpha1.IncidentLevel(resp.Status.Level)); !higher {
				return other.Namespace + "/" + other.Name, nil
			}
		}
	}
	return "", nil
}

// checkMeasures applies §5.5, and keeps the measures in force while the
// response runs.
func (r *EmergencyResponseReconciler) checkMeasures(_ context.Context, s *responseScope) error {
	resp := s.Obj
	s.setMeasuresComplete(response.LeaksWithoutUserNotification(resp.Spec.Measures, response.Counted(s.incidents)))
	resp.Status.MeasuresInForce = nil
	if started(resp) && !ended(resp) {
		resp.Status.MeasuresInForce = resp.Spec.Measures
	}
	return nil
}

// end ends a started response on its end approval or directive.
func (r *EmergencyResponseReconciler) end(_ context.Context, s *responseScope) error {
	resp := s.Obj
	switch {
	case !started(resp):
		s.setEnded(v1alpha1.ResponseNotStartedReason, "The response has not started.")
		return nil
	case ended(resp):
		resp.Status.Phase = v1alpha1.ResponseEnded
		return nil
	case resp.Status.SupersededBy != "":
		// The response at the higher level commands now (§5.3): this one
		// stops, its measures end, and its work groups are marked ended
		// and named on the response that took over.
		resp.Status.EndedTime = &metav1.Time{Time: s.Now}
		resp.Status.Phase = v1alpha1.ResponseEnded
		resp.Status.MeasuresInForce = nil
		msg := fmt.Sprintf("Ended: %s, at a higher level, commands the same incidents now; the work groups %s are handed over to it.",
			resp.Status.SupersededBy, orNone(resp.Status.WorkGroups))
		s.setEnded(v1alpha1.ResponseSupersededReason, msg)
		s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseEndedEvent, "End", msg))
		return nil
	case !resp.Spec.EndRequested:
		s.setEnded(v1alpha1.ResponseActiveReason, "The response is active.")
		return nil
	}
	v := approval.End(resp.Annotations, resp.Status.Approval.Level)
	if !v.Passed {
		s.setEnded(v1alpha1.ResponseAwaitingEndApprovalReason, v.Message)
		return nil
	}
	resp.Status.EndApproval = &v1alpha1.Approval{ApprovedBy: v.ApprovedBy, Directive: v.Directive, Level: resp.Status.Approval.Level, Time: metav1.NewTime(s.Now)}
	resp.Status.EndedTime = &metav1.Time{Time: s.Now}
	resp.Status.Phase = v1alpha1.ResponseEnded
	resp.Status.MeasuresInForce = nil
	s.setEnded(v1alpha1.ResponseEndedReason, "Ended. "+v.Message)
	s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseEndedEvent, "End", "Response ended. "+v.Message))
	return nil
}

// trackReports sets the summary-report deadlines of an ended response (§6.1).
func (r *EmergencyResponseReconciler) trackReports(ctx context.Context, s *responseScope) error {
	resp, st := s.Obj, &s.Obj.Status
	if !ended(resp) || superseded(resp) {
		// A superseded response owes no summary reports of its own: the
		// response that took over reports on the same incidents.
		st.Deadlines, st.NextDeadline = nil, nil
		s.Remove(v1alpha1.ResponseDeadlinesMetCondition)
		s.Remove(v1alpha1.ResponseCalendarCoveredCondition)
		return nil
	}
	cal, problem, err := loadCalendar(ctx, r.Client, r.HolidayCalendar, r.Plan.TimeZone)
	if err != nil {
		return fmt.Errorf("reading the holiday calendar: %w", err)
	}
	received := s.receiveReports()
	owed, gaps := report.SummaryOwed(cal, st.EndedTime.Time, unitsDone(st), timeOf(received.OfficeTime))
	out := deadline.Track(st.Deadlines, owed, s.Now)
	recordDeadlines(s.Pass, out, &st.Deadlines, &st.NextDeadline)
	for _, d := range out.Decided {
		due := d.DueTime.In(r.Plan.TimeZone).Format(time.RFC3339)
		if d.State == v1alpha1.DeadlineMet {
			s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseReportSubmittedEvent, "TrackReports", fmt.Sprintf("%s submitted on time.", d.Name)))
		} else {
			s.Events.Add(reconcile.WarningEvent(v1alpha1.ResponseReportMissedEvent, "TrackReports", fmt.Sprintf("%s was due at %s and was not submitted.", d.Name, due)))
		}
	}
	s.setReportsOnTime(out.Missed, r.Plan.TimeZone)
	s.setCalendarCovered(r.HolidayCalendar, problem, gaps)
	return nil
}

// receiveReports records when the cluster first saw each summary report
// (§6.1): the deadline counts from then, not from the date typed in it.
func (s *responseScope) receiveReports() *v1alpha1.ReceivedReports {
	st, reports := &s.Obj.Status, s.Obj.Spec.SummaryReports
	if st.SummaryReportsReceived == nil {
		st.SummaryReportsReceived = &v1alpha1.ReceivedReports{}
	}
	got := st.SummaryReportsReceived
	if reports.Office != nil && got.OfficeTime == nil {
		got.OfficeTime = &metav1.Time{Time: s.Now}
	}
	if got.OfficeTime == nil {
		st.SummaryReportsReceived = nil
	}
	return got
}

func timeOf(t *metav1.Time) *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}

// report tells the ministry office and the leading group of the response's
// start, situation, escalation and end, and the office of the summary
// reports (§5.3–§6.1), as Notifications (notification_sources.go).
func (r *EmergencyResponseReconciler) report(ctx context.Context, s *responseScope) error {
	return reportOwed(ctx, r.Kit, s.Pass, r.OfficeNamespace, routing.Response{EmergencyResponse: s.Obj}, nil)
}

// ready: the record of an ended or superseded response, or an active one
// approved, with its work groups and the measures the plan requires; in
// every phase, no report of it stuck (undeliverable).
func (r *EmergencyResponseReconciler) ready(s *responseScope) reconcile.Ready {
	out := r.readyWhen(s)
	out.Failed = undeliverable(s.Pass)
	return out
}

// readyWhen is what Ready depends on in each phase of a response.
func (r *EmergencyResponseReconciler) readyWhen(s *responseScope) reconcile.Ready {
	switch {
	case ended(s.Obj):
		return reconcile.Ready{Reason: v1alpha1.ResponseEndedReason, Message: "The response has ended; its record is kept."}
	case s.Obj.Status.SupersededBy != "":
		return reconcile.Ready{Reason: v1alpha1.ResponseSupersededReason,
			Message: fmt.Sprintf("Superseded by %s at a higher level; its record is kept.", s.Obj.Status.SupersededBy)}
	case started(s.Obj):
		return reconcile.Ready{
			Inputs: []string{v1alpha1.ResponseApprovedCondition, v1alpha1.ResponseLevelCoveredCondition, v1alpha1.ResponseWorkGroupsReadyCondition, v1alpha1.ResponseMeasuresCompleteCondition},
			Reason: v1alpha1.ResponseReadyReason, Message: fmt.Sprintf("Level %s response active with its work groups set up.", s.Obj.Status.Level),
		}
	default:
		return reconcile.Ready{
			Inputs: []string{v1alpha1.ResponseApprovedCondition, v1alpha1.ResponseWorkGroupsReadyCondition, v1alpha1.ResponseMeasuresCompleteCondition},
			Reason: v1alpha1.ResponseReadyReason,
		}
	}
}

// SetupWithManager watches responses (spec and approvals), their work
// groups, the incidents they cover, and the holiday calendar.
func (r *EmergencyResponseReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.EmergencyResponse{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.WorkGroup{}, handler.EnqueueRequestsFromMapFunc(controllerOfKind("EmergencyResponse"))).
		Watches(&v1alpha1.Notification{}, handler.EnqueueRequestsFromMapFunc(controllerOfKind("EmergencyResponse"))).
		Watches(&v1alpha1.SecurityIncident{}, handler.EnqueueRequestsFromMapFunc(r.responsesOfIncident)).
		Watches(&v1alpha1.HolidayCalendar{}, handler.EnqueueRequestsFromMapFunc(r.endedResponses)).
		Watches(&v1alpha1.UnitReport{}, handler.EnqueueRequestsFromMapFunc(unitTarget(v1alpha1.DutyResponse))).
		WithOptions(opts).
		Named("emergencyresponse").
		Complete(r)
}

func (r *EmergencyResponseReconciler) responsesOfIncident(ctx context.Context, o client.Object) []ctrl.Request {
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexIncidentRefs: o.GetNamespace() + "/" + o.GetName()}, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing the responses of an incident")
		return nil
	}
	return requestsOf(list.Items)
}

func (r *EmergencyResponseReconciler) endedResponses(ctx context.Context, o client.Object) []ctrl.Request {
	if o.GetName() != r.HolidayCalendar {
		return nil
	}
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing responses")
		return nil
	}
	var out []v1alpha1.EmergencyResponse
	for _, resp := range list.Items {
		if ended(&resp) {
			out = append(out, resp)
		}
	}
	return requestsOf(out)
}

// yearsOf lists years in a sentence.
func yearsOf(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}
