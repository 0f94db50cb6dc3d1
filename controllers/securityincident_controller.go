package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/level"
	"github.com/netsec-io/incident-operator/internal/report"
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
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Plan     PlanConfig
}

// incidentScope is what the steps of one reconcile share.
type incidentScope struct {
	ctx      context.Context
	incident *v1alpha1.SecurityIncident
	now      time.Time
	events   *eventLog
	// formCompleteAt is now when the full form is in, else nil.
	formCompleteAt *time.Time
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=securityincidents,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=securityincidents/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile computes the incident's level, its form's completeness and its
// deadlines, writes the status once if it changed, and comes back when the
// next deadline falls due.
func (r *SecurityIncidentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	incident := &v1alpha1.SecurityIncident{}
	if err := r.Get(ctx, req.NamespacedName, incident); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := incident.DeepCopy()
	s := &incidentScope{
		ctx:      ctx,
		incident: incident,
		now:      r.Clock.Now().Truncate(time.Second),
		events:   &eventLog{drill: incident.Spec.Drill},
	}
	defer func() {
		if perr := patchStatus(ctx, r.Client, before, incident, incidentStatus); perr != nil {
			err = kerrors.NewAggregate([]error{err, perr})
			return
		}
		s.events.flush(r.Recorder, incident)
	}()

	for _, step := range []func(*incidentScope){r.classify, r.checkSuggestion, r.checkForm, r.trackDeadlines, r.summarise} {
		step(s)
	}
	if err := r.linkResponse(s); err != nil {
		return ctrl.Result{}, err
	}
	incident.Status.ObservedGeneration = incident.Generation

	if next := report.Next(incident.Status.Deadlines); next != nil {
		res.RequeueAfter = max(next.Sub(s.now), time.Second)
	}
	return res, nil
}

// classify applies §3 and records every change of level.
func (r *SecurityIncidentReconciler) classify(s *incidentScope) {
	inc, st := s.incident, &s.incident.Status
	got := level.Classify(&inc.Spec)

	if got.Level != st.Level {
		cause := "no criterion of §3 is reached"
		if len(got.Reasons) > 0 {
			cause = strings.Join(got.Reasons, "; ")
		}
		st.LevelHistory = append(st.LevelHistory, v1alpha1.LevelChange{
			Time: metav1.NewTime(s.now), From: st.Level, To: got.Level,
			Generation: inc.Generation, Cause: truncate(cause, 2048),
		})
		if n := len(st.LevelHistory); n > 100 {
			st.LevelHistory = st.LevelHistory[n-100:]
		}
		if st.Level == "" {
			took := s.now.Sub(inc.CreationTimestamp.Time).Seconds()
			s.events.then(func() { classificationSeconds.Observe(max(took, 0)) })
		}
		switch {
		case st.Level == "":
			s.events.normal(v1alpha1.IncidentClassifiedEvent, "Classify", "Classified: "+cause)
		case level.Rank(got.Level) > level.Rank(st.Level):
			s.events.normal(v1alpha1.IncidentLevelRaisedEvent, "Classify", fmt.Sprintf("Level raised from %s to %s: %s", levelWords(st.Level), levelWords(got.Level), cause))
		default:
			s.events.warning(v1alpha1.IncidentLevelLoweredEvent, "Classify", fmt.Sprintf("Level lowered from %s to %s after the facts were corrected: %s", levelWords(st.Level), levelWords(got.Level), cause))
		}
	}
	st.Level = got.Level
	st.LevelReasons = got.Reasons
	if st.ClassifiedTime == nil {
		st.ClassifiedTime = &metav1.Time{Time: s.now}
	}

	if got.Level == v1alpha1.BelowThreshold {
		msg := "No criterion of §3 is reached"
		if len(got.Below) > 0 {
			msg += ": " + strings.Join(got.Below, "; ")
		}
		setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentClassifiedCondition, metav1.ConditionTrue,
			v1alpha1.IncidentBelowThresholdReason, truncate(msg+".", 32768))
		return
	}
	setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentClassifiedCondition, metav1.ConditionTrue,
		v1alpha1.IncidentLevelComputedReason, truncate(strings.Join(got.Reasons, "; ")+".", 32768))
}

// checkSuggestion flags a reporter's suggested level that differs.
func (r *SecurityIncidentReconciler) checkSuggestion(s *incidentScope) {
	inc, st := s.incident, &s.incident.Status
	suggested := inc.Spec.SuggestedLevel
	if suggested == "" || v1alpha1.IncidentLevel(suggested) == st.Level {
		msg := "No level was suggested."
		if suggested != "" {
			msg = fmt.Sprintf("The reporter suggested level %s, as the criteria give.", suggested)
		}
		setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentSuggestionMatchedCondition, metav1.ConditionTrue,
			v1alpha1.IncidentSuggestionMatchesReason, msg)
		return
	}
	msg := fmt.Sprintf("The reporter suggested level %s; the criteria of §3 give %s.", suggested, levelWords(st.Level))
	old := meta.FindStatusCondition(s.incident.Status.Conditions, v1alpha1.IncidentSuggestionMatchedCondition)
	if old == nil || old.Message != msg {
		s.events.warning(v1alpha1.IncidentSuggestionDiffersEvent, "Classify", msg)
	}
	setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentSuggestionMatchedCondition, metav1.ConditionFalse,
		v1alpha1.IncidentSuggestionDiffersReason, msg)
}

// checkForm says whether the annex form is complete.
func (r *SecurityIncidentReconciler) checkForm(s *incidentScope) {
	inc, st := s.incident, &s.incident.Status
	missing := report.MissingFields(&inc.Spec)
	if len(missing) == 0 {
		s.formCompleteAt = &s.now
		if c := meta.FindStatusCondition(st.Conditions, v1alpha1.IncidentFormCompleteCondition); c != nil && c.Status == metav1.ConditionFalse {
			s.events.normal(v1alpha1.IncidentFormCompletedEvent, "CheckForm", "The full report form is in.")
		}
		setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentFormCompleteCondition, metav1.ConditionTrue,
			v1alpha1.IncidentFormCompleteReason, "Every box of the report form is filled in.")
		return
	}
	list := strings.Join(missing, ", ")
	reason, msg := v1alpha1.IncidentFormIncompleteReason, "The report form lacks "+list+"."
	if inc.Spec.ReportChannel == v1alpha1.ReportQuickNotice {
		due := report.EndOfLocalDay(inc.Spec.DiscoveredAt.Time, r.Plan.TimeZone)
		reason, msg = v1alpha1.IncidentFormPendingReason, fmt.Sprintf("The full form is owed by %s and still lacks %s.", due.Format(time.RFC3339), list)
		if !s.now.Before(due) {
			reason, msg = v1alpha1.IncidentFormOverdueReason, fmt.Sprintf("The full form was due by %s and still lacks %s.", due.Format(time.RFC3339), list)
		}
	}
	setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentFormCompleteCondition, metav1.ConditionFalse, reason, msg)
}

// trackDeadlines decides the reporting deadlines and announces misses.
func (r *SecurityIncidentReconciler) trackDeadlines(s *incidentScope) {
	inc, st := s.incident, &s.incident.Status
	previous := map[string]v1alpha1.DeadlineState{}
	for _, d := range st.Deadlines {
		previous[d.Name] = d.State
	}
	st.Deadlines = report.Deadlines(&inc.Spec, inc.CreationTimestamp.Time, s.formCompleteAt, r.Plan.ReportGrace, r.Plan.TimeZone, s.now, st.Deadlines)

	var missed []string
	for _, d := range st.Deadlines {
		countDecided(s.events, previous[d.Name], d)
		if d.State != v1alpha1.DeadlineMissed {
			continue
		}
		missed = append(missed, fmt.Sprintf("%s (due %s)", d.Name, d.DueTime.In(r.Plan.TimeZone).Format(time.RFC3339)))
		if previous[d.Name] == v1alpha1.DeadlineMissed {
			continue
		}
		if d.Name == v1alpha1.DeadlineInitialReport {
			late := inc.CreationTimestamp.Sub(inc.Spec.DiscoveredAt.Time)
			s.events.warning(v1alpha1.IncidentReportedLateEvent, "TrackDeadlines", fmt.Sprintf(
				"Reported %s after discovery; the plan asks for an immediate report (allowed: %s).",
				duration.HumanDuration(late), duration.ShortHumanDuration(r.Plan.ReportGrace)))
			continue
		}
		s.events.warning(v1alpha1.IncidentDeadlineMissedEvent, "TrackDeadlines", fmt.Sprintf(
			"%s was due at %s and was not met.", d.Name, d.DueTime.In(r.Plan.TimeZone).Format(time.RFC3339)))
	}
	if next := report.Next(st.Deadlines); next != nil {
		st.NextDeadline = &metav1.Time{Time: *next}
	} else {
		st.NextDeadline = nil
	}
	if len(missed) > 0 {
		setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentDeadlinesMetCondition, metav1.ConditionFalse,
			v1alpha1.IncidentDeadlineMissedReason, "Missed: "+strings.Join(missed, ", ")+".")
		return
	}
	setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.IncidentDeadlinesMetCondition, metav1.ConditionTrue,
		v1alpha1.IncidentDeadlinesOnTimeReason, "No deadline has been missed.")
}

// summarise sets Ready: classified, with the full form in hand.
func (r *SecurityIncidentReconciler) summarise(s *incidentScope) {
	inc, st := s.incident, &s.incident.Status
	form := meta.FindStatusCondition(st.Conditions, v1alpha1.IncidentFormCompleteCondition)
	if form != nil && form.Status == metav1.ConditionTrue {
		setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.ConditionReady, metav1.ConditionTrue,
			v1alpha1.IncidentReadyReason, fmt.Sprintf("Classified as %s with the full report form.", levelWords(st.Level)))
		return
	}
	msg := "Waiting for the full report form."
	if form != nil {
		msg = form.Message
	}
	setCondition(&st.Conditions, inc.Generation, s.now, v1alpha1.ConditionReady, metav1.ConditionFalse,
		v1alpha1.IncidentFormIncompleteReason, msg)
}

// linkResponse shows the response that covers the incident, and the
// incident's timeline.
func (r *SecurityIncidentReconciler) linkResponse(s *incidentScope) error {
	inc, st := s.incident, &s.incident.Status
	list := &v1alpha1.EmergencyResponseList{}
	if err := r.List(s.ctx, list, client.MatchingFields{IndexIncidentRefs: inc.Namespace + "/" + inc.Name}); err != nil {
		return fmt.Errorf("listing the responses of incident %s/%s: %w", inc.Namespace, inc.Name, err)
	}
	var cover *v1alpha1.EmergencyResponse
	for i := range list.Items {
		c := &list.Items[i]
		if cover == nil || (ended(cover) && !ended(c)) ||
			(ended(cover) == ended(c) && c.CreationTimestamp.After(cover.CreationTimestamp.Time)) {
			cover = c
		}
	}
	created := inc.CreationTimestamp
	st.Timeline = v1alpha1.Timeline{ReportedTime: &created, ClassifiedTime: st.ClassifiedTime}
	st.Response = nil
	if cover == nil {
		return nil
	}
	st.Response = &v1alpha1.ResponseRef{Namespace: cover.Namespace, Name: cover.Name, Phase: cover.Status.Phase, Level: cover.Status.Level}
	if a := cover.Status.Approval; a != nil {
		t := a.Time
		st.Timeline.ApprovedTime = &t
	}
	st.Timeline.StartedTime = cover.Status.StartedTime
	st.Timeline.WorkGroupsReadyTime = cover.Status.WorkGroupsReadyTime
	st.Timeline.EndedTime = cover.Status.EndedTime
	return nil
}

func incidentStatus(i *v1alpha1.SecurityIncident) any { return i.Status }

// incidentsOfResponse wakes the incidents a response covers.
func incidentsOfResponse(_ context.Context, o client.Object) []reconcile.Request {
	resp := o.(*v1alpha1.EmergencyResponse)
	out := make([]reconcile.Request, 0, len(resp.Spec.IncidentRefs))
	for _, ref := range resp.Spec.IncidentRefs {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}})
	}
	return out
}

// SetupWithManager registers the reconciler. Status writes do not bump the
// generation, so the operator's own writes do not wake it.
func (r *SecurityIncidentReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.SecurityIncident{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.EmergencyResponse{}, handler.EnqueueRequestsFromMapFunc(incidentsOfResponse)).
		WithOptions(opts).
		Named("securityincident").
		Complete(r)
}

func levelWords(l v1alpha1.IncidentLevel) string {
	if l == v1alpha1.BelowThreshold {
		return "below threshold"
	}
	return "level " + string(l)
}
