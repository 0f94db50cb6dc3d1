package controllers

import (
	"context"
	"fmt"
	"net/http"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/approval"
	"github.com/netsec-io/incident-operator/internal/warning"
)

// WarningReconciler publishes, adjusts and lifts warnings on the decisions
// the API server admitted, and delivers each step to its channels.
type WarningReconciler struct {
	kit
	// APIReader reads channel Secrets without caching every Secret.
	APIReader client.Reader
	// HTTP sends; each attempt is bounded by the channel's timeout.
	HTTP *http.Client
}

type warningScope struct {
	*pass[*v1alpha1.Warning]
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notificationchannels,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile takes the warning's next step, records the messages it owes
// before sending them (so that a restart loses none), sends what is due, and
// records the outcome.
func (r *WarningReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	w := &v1alpha1.Warning{}
	if err := r.Get(ctx, req.NamespacedName, w); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &warningScope{pass: begin(r.kit, w, w.Spec.Drill)}
	return run(ctx, r.kit, s.pass, s, []step[*warningScope]{
		r.advance, r.writeAhead, r.deliver,
	}, r.summarise)
}

// advance publishes, adjusts or lifts the warning when its decision is in.
func (r *WarningReconciler) advance(ctx context.Context, s *warningScope) error {
	w, st := s.obj, &s.obj.Status
	level := w.Spec.Level
	switch {
	case st.Phase == v1alpha1.WarningLifted:
		return nil
	case st.PublishedTime == nil:
		v := approval.Publish(w.Annotations, level, w.Spec.Source)
		s.setApproved(v)
		if !v.Passed {
			st.Phase = v1alpha1.WarningAwaitingApproval
			return nil
		}
		var upward []string
		if w.Spec.Source == v1alpha1.SourceProvincial && approval.NeedsApproval(level) {
			// §4.4: reported to the ministry office and copied to the
			// provincial emergency-management department.
			var err error
			if upward, err = r.upwardChannels(ctx, w.Namespace); err != nil {
				return err
			}
		}
		st.Phase, st.PublishedLevel, st.PublishedTime = v1alpha1.WarningPublished, level, &metav1.Time{Time: s.now}
		waited := s.now.Sub(w.CreationTimestamp.Time).Seconds()
		s.events.then(func() { approvalSeconds.WithLabelValues("Warning").Observe(max(waited, 0)) })
		st.Measures = warning.Measures(level)
		s.recordStep(v1alpha1.WarningActionPublished, level, v)
		s.events.add(normalEvent(v1alpha1.WarningPublishedEvent, "Publish", fmt.Sprintf("%s published%s.", warning.Name(level), byWhom(v.By()))))
		s.owe(v1alpha1.DeliveryPublished, w.Spec.Channels)
		s.owe(v1alpha1.DeliveryReportedUpward, upward)
	case level != st.PublishedLevel:
		v := approval.Adjust(w.Annotations, level, w.Spec.Source)
		s.setApproved(v)
		if !v.Passed {
			return nil
		}
		previous := st.PublishedLevel
		st.PublishedLevel, st.AdjustedTime = level, &metav1.Time{Time: s.now}
		st.Measures = warning.Measures(level)
		s.recordStep(v1alpha1.WarningActionAdjusted, level, v)
		s.events.add(normalEvent(v1alpha1.WarningAdjustedEvent, "Adjust", fmt.Sprintf("Adjusted from %s to %s%s.", warning.Name(previous), warning.Name(level), byWhom(v.By()))))
		s.owe(v1alpha1.DeliveryAdjusted, w.Spec.Channels)
	case w.Spec.LiftRequested:
		v := approval.Lift(w.Annotations, st.PublishedLevel)
		if !v.Passed {
			s.setLiftWaiting(v)
			return nil
		}
		st.Phase, st.LiftedTime, st.Measures = v1alpha1.WarningLifted, &metav1.Time{Time: s.now}, nil
		s.recordStep(v1alpha1.WarningActionLifted, st.PublishedLevel, v)
		s.events.add(normalEvent(v1alpha1.WarningLiftedEvent, "Lift", fmt.Sprintf("%s lifted%s; its measures end.", warning.Name(st.PublishedLevel), byWhom(v.By()))))
		s.owe(v1alpha1.DeliveryLifted, w.Spec.Channels)
	}
	return nil
}

// recordStep appends a step to the history (the latest MaxWarningHistory
// kept).
func (s *warningScope) recordStep(action v1alpha1.WarningAction, level v1alpha1.WarningLevel, v approval.Verdict) {
	st := &s.obj.Status
	st.History = append(st.History, v1alpha1.WarningStep{Action: action, Level: level, ApprovedBy: v.ApprovedBy, Directive: v.Directive, Time: metav1.NewTime(s.now)})
	if n := len(st.History); n > v1alpha1.MaxWarningHistory {
		st.History = st.History[n-v1alpha1.MaxWarningHistory:]
	}
}

func (r *WarningReconciler) upwardChannels(ctx context.Context, ns string) ([]string, error) {
	list := &v1alpha1.NotificationChannelList{}
	if err := r.List(ctx, list, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("listing notification channels: %w", err)
	}
	var out []string
	for _, ch := range list.Items {
		if ch.Spec.Audience == v1alpha1.AudienceMinistryOffice || ch.Spec.Audience == v1alpha1.AudienceEmergencyManagement {
			out = append(out, ch.Name)
		}
	}
	return out, nil
}

// writeAhead records the messages owed before any is sent: a restart finds
// them in status and sends them, under the same ids.
func (r *WarningReconciler) writeAhead(ctx context.Context, s *warningScope) error {
	r.summarise(s)
	return s.checkpoint(ctx, r.kit)
}

// summarise sets Published, Lifted, Delivered and Ready: published (or
// lifted) and delivered to every channel.
func (r *WarningReconciler) summarise(s *warningScope) {
	s.setPublished()
	s.setLifted()
	s.setDelivered()
	summarise(s.pass, v1alpha1.WarningReadyReason, s.readyMessage(),
		v1alpha1.WarningPublishedCondition, v1alpha1.WarningDeliveredCondition)
}

func byWhom(by string) string {
	if by == "" {
		return ""
	}
	return " (" + by + ")"
}

// SetupWithManager watches warnings (spec and decisions). Several warnings
// are handled at once, so that a slow receiver holds up no other warning.
func (r *WarningReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Warning{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WithOptions(opts).
		Named("warning").
		Complete(r)
}
