package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// WarningReconciler publishes, adjusts and lifts warnings on the decisions
// the API server admitted, and writes down each step's reports as
// Notifications, which the Notification controller delivers.
type WarningReconciler struct {
	reconcile.Kit
	// OfficeNamespace holds the channels that reach the offices from every
	// namespace (Config.OfficeNamespace).
	OfficeNamespace string
}

type warningScope struct {
	*reconcile.Pass[*v1alpha1.Warning]
	// stepped says whether this pass took a step.
	stepped bool
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notifications,verbs=get;list;watch;create
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=unitreports;reportingunits,verbs=get;list;watch

// Reconcile takes every step whose decision is in, records them before
// anything is reported, writes down the reports they owe (the same ones on
// every pass: those written are found), and sums up where the reports
// stand.
func (r *WarningReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	w := &v1alpha1.Warning{}
	if err := r.Get(ctx, req.NamespacedName, w); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if link.IsCopy(w) {
		// An upper cluster's warning, mirrored here: its own operator runs
		// it, and the link writes its status (docs/links.md). The
		// ministry's, in the province's office, the province relays.
		if link.IsMirror(w) && w.Namespace == r.OfficeNamespace && w.DeletionTimestamp == nil {
			return r.relay(ctx, w)
		}
		return ctrl.Result{}, nil
	}
	s := &warningScope{Pass: reconcile.Begin(r.Kit, w, w.Spec.Drill)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*warningScope]{
		r.advance, r.writeAhead, r.readAcknowledgements, r.report,
	}, r.ready)
}

// relay passes on a warning of the ministry's that the province's link
// mirrored into the office: red and orange warnings come from above, and
// the province relays them at once (§4.2) to the units and the public and
// tells its leading group, as for a relayed warning of its own. Each step
// the ministry took (published, adjusted, lifted, in the mirror's history)
// owes the same reports here. The mirror's status stays the ministry's,
// as the link writes it: the reports are on record in their own
// Notifications, which say where each went.
func (r *WarningReconciler) relay(ctx context.Context, w *v1alpha1.Warning) (ctrl.Result, error) {
	src := routing.Warning{Warning: w}
	reports, err := src.Owed()
	if err != nil {
		return ctrl.Result{}, err
	}
	var res ctrl.Result
	recheck := func(d time.Duration) {
		if res.RequeueAfter == 0 || d < res.RequeueAfter {
			res.RequeueAfter = d
		}
	}
	_, created, err := ensureNotifications(ctx, r.Kit, w, src, w.Namespace, recheck, reports...)
	if len(created) > 0 {
		l := reconcile.EventLog{Drill: w.Spec.Drill}
		l.Add(reconcile.NormalEvent(v1alpha1.WarningRelayedEvent, "Relay", fmt.Sprintf("Relayed from %s: %s.", w.Labels[v1alpha1.LabelOriginCluster], strings.Join(created, ", "))))
		l.Flush(r.Recorder, w)
	}
	return res, err
}

// mirrorStepped passes a mirror's status change that records a step of
// the warning up there: the link writes a mirror's status after its spec,
// so its generation has moved on before the step is in its history.
var mirrorStepped = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		was, is := e.ObjectOld.(*v1alpha1.Warning), e.ObjectNew.(*v1alpha1.Warning)
		return link.IsMirror(is) && len(was.Status.History) != len(is.Status.History)
	},
}

// maxStepsPerPass bounds the steps of one pass: publication, an
// adjustment, the lift.
const maxStepsPerPass = 4

// advance takes the warning's steps whose decisions are in, one after the
// other: decisions recorded while the operator was down (published, then
// lifted) are all carried out at its start, without waiting for another
// edit to wake the warning.
func (r *WarningReconciler) advance(_ context.Context, s *warningScope) error {
	for i := 0; i < maxStepsPerPass && s.takeStep(); i++ {
		s.stepped = true
	}
	return nil
}

// takeStep publishes, adjusts or lifts the warning when its decision is
// in, and says whether it did.
func (s *warningScope) takeStep() bool {
	w, st := s.Obj, &s.Obj.Status
	level := w.Spec.Level
	switch {
	case st.Phase == v1alpha1.WarningLifted:
		return false
	case st.PublishedTime == nil:
		v := approval.Publish(w.Annotations, level, w.Spec.Source)
		s.setApproved(v)
		if !v.Passed {
			st.Phase = v1alpha1.WarningAwaitingApproval
			return false
		}
		st.Phase, st.PublishedLevel, st.PublishedTime = v1alpha1.WarningPublished, level, &metav1.Time{Time: s.Now}
		waited := s.Now.Sub(w.CreationTimestamp.Time).Seconds()
		s.Events.Then(func() { approvalSeconds.WithLabelValues("Warning").Observe(max(waited, 0)) })
		st.Measures = warning.Measures(level)
		s.recordStep(v1alpha1.WarningActionPublished, level, v)
		s.Events.Add(reconcile.NormalEvent(v1alpha1.WarningPublishedEvent, "Publish", fmt.Sprintf("%s published%s.", warning.Name(level), byWhom(v.By()))))
	case level != st.PublishedLevel:
		v := approval.Adjust(w.Annotations, level, w.Spec.Source)
		s.setApproved(v)
		if !v.Passed {
			return false
		}
		previous := st.PublishedLevel
		st.PublishedLevel, st.AdjustedTime = level, &metav1.Time{Time: s.Now}
		st.Measures = warning.Measures(level)
		s.recordStep(v1alpha1.WarningActionAdjusted, level, v)
		s.Events.Add(reconcile.NormalEvent(v1alpha1.WarningAdjustedEvent, "Adjust", fmt.Sprintf("Adjusted from %s to %s%s.", warning.Name(previous), warning.Name(level), byWhom(v.By()))))
	case w.Spec.LiftRequested:
		v := approval.Lift(w.Annotations, st.PublishedLevel)
		if !v.Passed {
			s.setLiftWaiting(v)
			return false
		}
		st.Phase, st.LiftedTime, st.Measures = v1alpha1.WarningLifted, &metav1.Time{Time: s.Now}, nil
		s.recordStep(v1alpha1.WarningActionLifted, st.PublishedLevel, v)
		s.Events.Add(reconcile.NormalEvent(v1alpha1.WarningLiftedEvent, "Lift", fmt.Sprintf("%s lifted%s; its measures end.", warning.Name(st.PublishedLevel), byWhom(v.By()))))
	default:
		return false
	}
	return true
}

// recordStep appends a step to the history (the latest MaxWarningHistory
// kept).
func (s *warningScope) recordStep(action v1alpha1.WarningAction, level v1alpha1.WarningLevel, v approval.Verdict) {
	st := &s.Obj.Status
	st.History = append(st.History, v1alpha1.WarningStep{Action: action, Level: level, ApprovedBy: v.ApprovedBy, Directive: v.Directive, Time: metav1.NewTime(s.Now)})
	if n := len(st.History); n > v1alpha1.MaxWarningHistory {
		st.History = st.History[n-v1alpha1.MaxWarningHistory:]
	}
}

// writeAhead records the steps taken before any report of them is written
// down: a report is never made of a step the warning does not show.
func (r *WarningReconciler) writeAhead(ctx context.Context, s *warningScope) error {
	if !s.stepped {
		return nil
	}
	s.setPublished()
	s.setLifted()
	return s.Checkpoint(ctx, r.Kit)
}

// report writes down the reports of every step in the history, and says
// where they stand: Delivered for the units and the public, ReportedUpward
// for the offices.
func (r *WarningReconciler) report(ctx context.Context, s *warningScope) error {
	src := routing.Warning{Warning: s.Obj}
	reports, err := src.Owed()
	if err != nil {
		return err
	}
	ntfs, _, err := ensureNotifications(ctx, r.Kit, s.Obj, src, s.Obj.Namespace, s.RecheckIn, reports...)
	if err != nil {
		return err
	}
	st := &s.Obj.Status
	st.Notifications = nil
	var public, up []v1alpha1.Notification
	for _, n := range ntfs {
		st.Notifications = append(st.Notifications, v1alpha1.WarningNotification{
			Name: n.Name, Event: n.Spec.Event, Audiences: n.Spec.Audiences, DeliveredTime: n.Status.DeliveredTime,
		})
		if routing.IsUpward(n) {
			up = append(up, n)
		} else {
			public = append(public, n)
		}
	}
	channels, err := channelsOf(ctx, r.Client, s.Obj.Namespace, r.OfficeNamespace)
	if err != nil {
		return err
	}
	s.setDelivered(public, channels)
	setReportedUpward(s.Pass, up, channels)
	announceUndeliverable(s.Pass, s.Condition(v1alpha1.WarningDeliveredCondition))
	return nil
}

// ready sets Published and Lifted; Ready is published (or lifted), its
// messages delivered to the units and the public, and reported upward.
func (r *WarningReconciler) ready(s *warningScope) reconcile.Ready {
	s.setPublished()
	s.setLifted()
	return reconcile.Ready{
		Inputs: []string{v1alpha1.WarningPublishedCondition, v1alpha1.WarningDeliveredCondition, v1alpha1.ConditionReportedUpward},
		Reason: v1alpha1.WarningReadyReason, Message: s.readyMessage(),
	}
}

func byWhom(by string) string {
	if by == "" {
		return ""
	}
	return " (" + by + ")"
}

// SetupWithManager watches warnings (spec and decisions), the
// notifications they own (their deliveries), the units' acknowledgements
// and the units' registers. Several warnings are handled at once.
func (r *WarningReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Warning{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}, mirrorStepped))).
		Watches(&v1alpha1.Notification{}, handler.EnqueueRequestsFromMapFunc(controllerOfKind("Warning"))).
		Watches(&v1alpha1.UnitReport{}, handler.EnqueueRequestsFromMapFunc(unitTarget(v1alpha1.DutyWarning))).
		Watches(&v1alpha1.ReportingUnit{}, handler.EnqueueRequestsFromMapFunc(r.warningsOfUnit)).
		WithOptions(opts).
		Named("warning").
		Complete(r)
}
