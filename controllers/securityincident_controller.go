package controllers

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/netsec-io/incident-operator/internal/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/internal/plan/level"
	"github.com/netsec-io/incident-operator/internal/plan/report"
	"github.com/netsec-io/incident-operator/internal/plan/response"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
)

// PlanConfig holds the plan's settings that the operator is started with.
type PlanConfig struct {
	// TimeZone is the plan's local time: "the same day" ends at its midnight.
	TimeZone *time.Location
	// ReportGrace is how long after discovery a report still counts as
	// immediate (§4.1 says 立即).
	ReportGrace time.Duration
}

// SecurityIncidentReconciler classifies incidents and tracks their
// reporting deadlines.
type SecurityIncidentReconciler struct {
	reconcile.Kit
	Plan PlanConfig
	// OfficeNamespace holds the channels that reach the office from every
	// namespace (Config.OfficeNamespace).
	OfficeNamespace string
	// APIReader reads an incident whole past the cache (wholeIncident).
	APIReader client.Reader
	// storm holds the incidents' reports while incidents arrive as a
	// storm (storm.go); nil holds none.
	storm *storm
}

// incidentScope is what the steps of one reconcile share.
type incidentScope struct {
	*reconcile.Pass[*v1alpha1.SecurityIncident]
	// formCompleteAt is now when the full form is in, else nil.
	formCompleteAt *time.Time
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=securityincidents,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=securityincidents/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile computes the incident's level, its form's completeness and its
// deadlines, writes the status once if it changed, and comes back when the
// next deadline falls due.
func (r *SecurityIncidentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	incident, err := r.wholeIncident(ctx, req.NamespacedName)
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &incidentScope{Pass: reconcile.Begin(r.Kit, incident, incident.Spec.Drill)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*incidentScope]{
		r.classify, r.recordCorrections, r.checkTimes, r.withdraw, r.checkSuggestion, r.checkForm, r.trackDeadlines, r.linkResponse, r.readSupport, r.report,
	}, r.ready)
}

// wholeIncident is the incident as the API server holds it. The cache
// keeps less of an incident the operator has written to (slimIncident);
// such an incident is read again, at the resourceVersion the cache holds,
// which the API server answers from its own watch cache. An incident not
// yet written to, as every incident of a storm is on its first pass, is
// taken from the cache as it is.
func (r *SecurityIncidentReconciler) wholeIncident(ctx context.Context, key client.ObjectKey) (*v1alpha1.SecurityIncident, error) {
	cached := &v1alpha1.SecurityIncident{}
	if err := r.Get(ctx, key, cached); err != nil {
		return nil, err
	}
	if !incidentSlimmed(cached) {
		return cached, nil
	}
	whole := &v1alpha1.SecurityIncident{}
	at := &client.GetOptions{Raw: &metav1.GetOptions{ResourceVersion: cached.ResourceVersion}}
	if err := r.APIReader.Get(ctx, key, whole, at); err != nil {
		return nil, fmt.Errorf("reading incident %s whole: %w", key, err)
	}
	return whole, nil
}

// classify applies §3 and records every change of level.
func (r *SecurityIncidentReconciler) classify(_ context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	got := level.Classify(&inc.Spec, level.AssessmentOf(inc))
	if got.Level != st.Level {
		s.recordLevelChange(got)
	}
	st.Level = got.Level
	st.LevelReasons = got.Reasons
	if st.ClassifiedTime == nil {
		st.ClassifiedTime = &metav1.Time{Time: s.Now}
		r.storm.arrived()
	}
	s.setClassified(got)
	return nil
}

// checkSuggestion flags a reporter's suggested level that differs.
func (r *SecurityIncidentReconciler) checkSuggestion(_ context.Context, s *incidentScope) error {
	s.setSuggestionMatched(s.Obj.Spec.SuggestedLevel, s.Obj.Status.Level)
	return nil
}

// checkForm says whether the annex form is complete, and by when a quick
// notice owes it.
func (r *SecurityIncidentReconciler) checkForm(_ context.Context, s *incidentScope) error {
	inc := s.Obj
	missing := report.MissingFields(&inc.Spec)
	if len(missing) == 0 {
		s.formCompleteAt = &s.Now
	}
	var due *time.Time
	if inc.Spec.ReportChannel == v1alpha1.ReportQuickNotice && !withdrawn(inc) {
		t := report.EndOfLocalDay(countedFrom(inc).DiscoveredAt.Time, r.Plan.TimeZone)
		due = &t
	}
	s.setFormComplete(missing, due)
	return nil
}

// trackDeadlines decides the reporting deadlines, counted from the earliest
// reported discovery, and announces misses. A withdrawn incident's pending
// deadlines stop: they are no longer tracked, and none is missed after.
func (r *SecurityIncidentReconciler) trackDeadlines(_ context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	if withdrawn(inc) {
		out := deadline.Withdraw(st.Deadlines)
		recordDeadlines(s.Pass, out, &st.Deadlines, &st.NextDeadline)
		s.setDeadlinesMet(out.Missed, r.Plan.TimeZone)
		return nil
	}
	owed := report.Owed(&inc.Spec, countedFrom(inc).DiscoveredAt.Time, inc.CreationTimestamp.Time, s.formCompleteAt, r.Plan.ReportGrace, r.Plan.TimeZone)
	out := deadline.Track(st.Deadlines, owed, s.Now)
	recordDeadlines(s.Pass, out, &st.Deadlines, &st.NextDeadline)
	for _, d := range out.Decided {
		if d.State == v1alpha1.DeadlineMissed {
			s.Events.Add(r.missedEvent(inc, d))
		}
	}
	s.setDeadlinesMet(out.Missed, r.Plan.TimeZone)
	return nil
}

// missedEvent tells a missed deadline: a late first report says by how much.
func (r *SecurityIncidentReconciler) missedEvent(inc *v1alpha1.SecurityIncident, d v1alpha1.Deadline) reconcile.Event {
	if d.Name == v1alpha1.DeadlineInitialReport {
		late := inc.CreationTimestamp.Sub(countedFrom(inc).DiscoveredAt.Time)
		return reconcile.WarningEvent(v1alpha1.IncidentReportedLateEvent, "TrackDeadlines", fmt.Sprintf(
			"Reported %s after discovery; the plan asks for an immediate report (allowed: %s).",
			duration.HumanDuration(late), duration.ShortHumanDuration(r.Plan.ReportGrace)))
	}
	return reconcile.WarningEvent(v1alpha1.IncidentDeadlineMissedEvent, "TrackDeadlines", fmt.Sprintf(
		"%s was due at %s and was not met.", d.Name, d.DueTime.In(r.Plan.TimeZone).Format(time.RFC3339)))
}

// recordCorrections keeps every change of the reported facts after the
// first report, with the writer the API server recorded and, for a
// reported time, what it was and what it is now (status.reported holds the
// times as last seen; checkTimes, after this step, moves it on).
func (r *SecurityIncidentReconciler) recordCorrections(_ context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	last := st.ObservedGeneration
	if n := len(st.Corrections); n > 0 {
		last = max(last, st.Corrections[n-1].Generation)
	}
	if last == 0 || inc.Generation <= last {
		return nil
	}
	writer := inc.Annotations[v1alpha1.AnnotationLastWrittenBy]
	moved := report.TimesMoved(st.Reported, &inc.Spec)
	st.Corrections = append(st.Corrections, v1alpha1.Correction{
		Time: metav1.NewTime(s.Now), Generation: inc.Generation, Writer: writer, Level: st.Level, Times: moved,
	})
	if n := len(st.Corrections); n > v1alpha1.MaxCorrections {
		st.Corrections = st.Corrections[n-v1alpha1.MaxCorrections:]
	}
	msg := fmt.Sprintf("The reported facts were corrected by %s (generation %d).", writer, inc.Generation)
	for _, m := range moved {
		msg += fmt.Sprintf(" %s moved from %s to %s.", m.Field, m.From.In(r.Plan.TimeZone).Format(time.RFC3339), m.To.In(r.Plan.TimeZone).Format(time.RFC3339))
	}
	s.Events.Add(reconcile.NormalEvent(v1alpha1.IncidentCorrectedEvent, "RecordCorrections", msg))
	return nil
}

// linkResponse records every response that covered the incident, shows
// the one that covers it now with the incident's timeline, and says when a
// response at a higher level is owed.
func (r *SecurityIncidentReconciler) linkResponse(ctx context.Context, s *incidentScope) error {
	inc, st := s.Obj, &s.Obj.Status
	// The responses are the cache's own objects, read and never changed:
	// no copy of each on every reconcile.
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, list, client.MatchingFields{IndexIncidentRefs: inc.Namespace + "/" + inc.Name}, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing the responses of incident %s/%s: %w", inc.Namespace, inc.Name, err)
	}
	var cover *v1alpha1.EmergencyResponse
	for i := range list.Items {
		c := &list.Items[i]
		if !response.Covers(c, inc) {
			continue // started on another incident of the same name
		}
		if started(c) {
			recordCovering(st, c)
		}
		if cover == nil || coversBetter(c, cover) {
			cover = c
		}
	}
	created := inc.CreationTimestamp
	st.Timeline = v1alpha1.Timeline{ReportedTime: &created, ClassifiedTime: st.ClassifiedTime}
	st.Response = nil
	if cover != nil {
		st.Response = &v1alpha1.ResponseRef{Namespace: cover.Namespace, Name: cover.Name, Phase: cover.Status.Phase, Level: cover.Status.Level}
		st.Timeline.WorkGroupsReadyTime = cover.Status.WorkGroupsReadyTime
	}
	if first := firstStarted(st.Responses); first != nil {
		st.Timeline.StartedTime = first.StartedTime
		st.Timeline.ApprovedTime = first.StartedTime
		st.Timeline.EndedTime = lastEnded(st.Responses)
	}
	if withdrawn(inc) {
		s.setResponseLevelCovered(nil) // no response is owed for a withdrawn incident
		return nil
	}
	s.setResponseLevelCovered(runningBelow(st.Responses, st.Level))
	return nil
}

// coversBetter prefers a started response to one waiting, a running one to
// an ended one, and the later of two alike.
func coversBetter(c, than *v1alpha1.EmergencyResponse) bool {
	rank := func(r *v1alpha1.EmergencyResponse) int {
		switch {
		case started(r) && !ended(r) && r.Status.SupersededBy == "":
			return 3
		case started(r):
			return 2
		}
		return 1
	}
	if rank(c) != rank(than) {
		return rank(c) > rank(than)
	}
	return c.CreationTimestamp.After(than.CreationTimestamp.Time)
}

// recordCovering adds or updates the record of a started response; an
// entry is never removed.
func recordCovering(st *v1alpha1.SecurityIncidentStatus, r *v1alpha1.EmergencyResponse) {
	entry := v1alpha1.CoveringResponse{
		Namespace: r.Namespace, Name: r.Name, UID: string(r.UID), Level: r.Status.Approval.Level,
		StartedTime: r.Status.StartedTime, EndedTime: r.Status.EndedTime, SupersededBy: r.Status.SupersededBy,
	}
	for i := range st.Responses {
		if st.Responses[i].UID == entry.UID {
			st.Responses[i] = entry
			return
		}
	}
	st.Responses = append(st.Responses, entry)
}

func firstStarted(rs []v1alpha1.CoveringResponse) *v1alpha1.CoveringResponse {
	var first *v1alpha1.CoveringResponse
	for i := range rs {
		if rs[i].StartedTime != nil && (first == nil || rs[i].StartedTime.Before(first.StartedTime)) {
			first = &rs[i]
		}
	}
	return first
}

// lastEnded is when the last response ended, once none is running.
func lastEnded(rs []v1alpha1.CoveringResponse) *metav1.Time {
	var last *metav1.Time
	for i := range rs {
		switch {
		case rs[i].EndedTime == nil && rs[i].SupersededBy == "":
			return nil
		case rs[i].EndedTime != nil && (last == nil || last.Before(rs[i].EndedTime)):
			last = rs[i].EndedTime
		}
	}
	return last
}

// runningBelow returns a running response approved below the incident's
// level, if any and none at that level runs too.
func runningBelow(rs []v1alpha1.CoveringResponse, l v1alpha1.IncidentLevel) *v1alpha1.CoveringResponse {
	var below *v1alpha1.CoveringResponse
	for i := range rs {
		if rs[i].EndedTime != nil || rs[i].SupersededBy != "" {
			continue
		}
		if _, owed := response.Escalation(rs[i].Level, l); !owed {
			return nil
		}
		below = &rs[i]
	}
	return below
}

// report tells the office of the incident, of each change of its level and
// of each missed deadline (§4.1), as Notifications (notification_sources.go).
func (r *SecurityIncidentReconciler) report(ctx context.Context, s *incidentScope) error {
	key := client.ObjectKeyFromObject(s.Obj)
	hold := func() (time.Duration, bool) { return r.storm.hold(key) }
	if err := reportOwed(ctx, r.Kit, s.Pass, r.OfficeNamespace, routing.Incident{SecurityIncident: s.Obj}, hold); err != nil {
		return err
	}
	return r.readConfirmation(ctx, s)
}

// readConfirmation copies the office's confirmation of the incident's
// report (the recipient's confirmed-by on the Notification of the event
// Reported) into the incident's status, for the printed form (§4.1).
func (r *SecurityIncidentReconciler) readConfirmation(ctx context.Context, s *incidentScope) error {
	inc := s.Obj
	if inc.Status.ReceiptConfirmed != nil {
		return nil
	}
	n := &v1alpha1.Notification{}
	key := client.ObjectKey{Namespace: inc.Namespace, Name: routing.NotificationName(inc.Name, routing.KeyReported, string(inc.UID))}
	if err := r.Get(ctx, key, n); err != nil {
		return client.IgnoreNotFound(err)
	}
	if n.Status.ConfirmedBy != "" && n.Status.ConfirmedTime != nil {
		inc.Status.ReceiptConfirmed = &v1alpha1.ReceiptConfirmation{By: n.Status.ConfirmedBy, Time: *n.Status.ConfirmedTime}
	}
	return nil
}

// ready: an incident is classified, with plausible times and the full form
// in hand, and no report of it is stuck (undeliverable). A withdrawn one is
// settled: nothing more is owed for it.
func (r *SecurityIncidentReconciler) ready(s *incidentScope) reconcile.Ready {
	if w := s.Obj.Spec.Withdrawal; w != nil {
		by := ""
		if rec := s.Obj.Status.Withdrawal; rec != nil {
			by = rec.By
		}
		return reconcile.Ready{Reason: v1alpha1.IncidentWithdrawnReason, Message: withdrawalWords(w, by)}
	}
	return reconcile.Ready{
		Inputs: []string{v1alpha1.IncidentReportedTimesValidCondition, v1alpha1.IncidentClassifiedCondition, v1alpha1.IncidentFormCompleteCondition},
		Reason: v1alpha1.IncidentReadyReason, Message: fmt.Sprintf("Classified as %s with the full report form.", levelWords(s.Obj.Status.Level)),
		Failed: undeliverable(s.Pass),
	}
}

// notCreated leaves out the creation of an incident's report: the
// incident's own pass created it and counted it in the status it wrote
// (reportsOf), and a pass that does not find it in the cache yet takes it
// as created and comes back by itself (Written.Unseen). The report's
// status writes and its deletion still wake the incident. A wake-up
// spared is a pass and a whole read of the incident (wholeIncident)
// spared, one for each report of a storm.
var notCreated = predicate.Funcs{CreateFunc: func(event.CreateEvent) bool { return false }}

// incidentsOfResponse wakes the incidents a response covers.
func incidentsOfResponse(_ context.Context, o client.Object) []ctrl.Request {
	resp := o.(*v1alpha1.EmergencyResponse)
	out := make([]ctrl.Request, 0, len(resp.Spec.IncidentRefs))
	for _, ref := range resp.Spec.IncidentRefs {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}})
	}
	return out
}

// incidentWakes passes the changes of an incident that its pass answers:
// its spec (the generation) and its annotations, but those the cache drops
// (incidentAnnotationsChanged). Status writes do not bump the generation,
// so the operator's own writes do not wake it; a change of annotations
// does (the office's assessment of other harm is one).
var incidentWakes = predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, incidentAnnotationsChanged)

// SetupWithManager registers the reconciler; incidentWakes says which of
// an incident's own changes wake it.
func (r *SecurityIncidentReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr)
	if r.storm != nil {
		b = b.WatchesRawSource(source.Channel(r.storm.wake, lowPriority))
	}
	return b.
		For(&v1alpha1.SecurityIncident{}, builder.WithPredicates(incidentWakes)).
		Watches(&v1alpha1.EmergencyResponse{}, handler.EnqueueRequestsFromMapFunc(incidentsOfResponse)).
		Watches(&v1alpha1.Notification{}, handler.EnqueueRequestsFromMapFunc(controllerOfKind("SecurityIncident")), builder.WithPredicates(notCreated)).
		Watches(&v1alpha1.SupportDispatch{}, handler.EnqueueRequestsFromMapFunc(incidentOfDispatch)).
		WithOptions(opts).
		Named("securityincident").
		Complete(r)
}

// levelWords is an incident level in a sentence.
func levelWords(l v1alpha1.IncidentLevel) string {
	if l == v1alpha1.BelowThreshold {
		return "below threshold"
	}
	return "level " + string(l)
}
