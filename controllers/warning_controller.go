package controllers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/warning"
)

// Condition types, reasons and events of a Warning.
const (
	// WarningApprovedCondition is False while a step waits for its approval.
	WarningApprovedCondition = "Approved"
	// WarningPublishedCondition is True once the warning is published.
	WarningPublishedCondition = "Published"
	// WarningDeliveredCondition is True when every message reached every channel.
	WarningDeliveredCondition = "Delivered"
	// WarningLiftedCondition is True once the warning is lifted.
	WarningLiftedCondition = "Lifted"

	warningAwaitingApprovalReason = "AwaitingApproval"
	warningApprovedReason         = "Approved"
	warningRelayedReason          = "Relayed"
	warningOfficeReason           = "IssuedByOffice"
	warningDeliveryPendingReason  = "DeliveryPending"
	warningDeliveredReason        = "Delivered"

	// Message kinds, also the suffix of their event ids.
	kindPublished      = "Published"
	kindAdjusted       = "Adjusted"
	kindLifted         = "Lifted"
	kindReportedUpward = "ReportedUpward"
)

// maxRetryDelay caps the backoff between delivery attempts.
const maxRetryDelay = 5 * time.Minute

// WarningReconciler publishes, adjusts and lifts warnings on the decisions
// the API server admitted, and delivers each step to its channels.
type WarningReconciler struct {
	client.Client
	// APIReader reads channel Secrets without caching every Secret.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	// HTTP sends; each attempt is bounded by the channel's timeout.
	HTTP *http.Client
}

type warningScope struct {
	warning *v1alpha1.Warning
	now     time.Time
	events  *eventLog
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notificationchannels,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile takes the warning's next step, records the messages it owes
// before sending them (so that a restart loses none), sends what is due, and
// records the outcome.
func (r *WarningReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	w := &v1alpha1.Warning{}
	if err := r.Get(ctx, req.NamespacedName, w); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := w.DeepCopy()
	s := &warningScope{warning: w, now: r.Clock.Now().Truncate(time.Second), events: &eventLog{drill: w.Spec.Drill}}

	if err := r.advance(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	w.Status.ObservedGeneration = w.Generation
	r.summarise(s)
	// Write ahead: the messages owed are in status before any is sent.
	if err := patchStatus(ctx, r.Client, before, w, warningStatus); err != nil {
		return ctrl.Result{}, err
	}
	s.events.flush(r.Recorder, w)
	sent := w.DeepCopy()
	retry := r.deliver(ctx, s)
	r.summarise(s)
	if err := patchStatus(ctx, r.Client, sent, w, warningStatus); err != nil {
		return ctrl.Result{}, err
	}
	s.events.flush(r.Recorder, w)
	if retry > 0 {
		res.RequeueAfter = retry
	}
	return res, nil
}

func warningStatus(w *v1alpha1.Warning) any { return w.Status }

func (r *WarningReconciler) setCondition(s *warningScope, typ string, status metav1.ConditionStatus, reason, msg string) {
	setCondition(&s.warning.Status.Conditions, s.warning.Generation, s.now, typ, status, reason, msg)
}

// advance publishes, adjusts or lifts the warning when its decision is in.
func (r *WarningReconciler) advance(ctx context.Context, s *warningScope) error {
	w, st := s.warning, &s.warning.Status
	level := w.Spec.Level
	switch {
	case st.Phase == v1alpha1.WarningLifted:
		return nil
	case st.PublishedTime == nil:
		by, ok := r.decision(s, level, "publication")
		if !ok {
			st.Phase = v1alpha1.WarningAwaitingApproval
			return nil
		}
		st.Phase, st.PublishedLevel, st.PublishedTime = v1alpha1.WarningPublished, level, &metav1.Time{Time: s.now}
		waited := s.now.Sub(w.CreationTimestamp.Time).Seconds()
		s.events.then(func() { approvalSeconds.WithLabelValues("Warning").Observe(max(waited, 0)) })
		st.Measures = warning.Measures(level)
		r.step(s, kindPublished, level, by, "")
		s.events.normal("Published", "Publish", fmt.Sprintf("%s published%s.", levelName(level), byWhom(by)))
		owe(s, kindPublished, w.Spec.Channels)
		if w.Spec.Source == v1alpha1.SourceProvincial && warning.NeedsApproval(level) {
			// §4.4: reported to the ministry office and copied to the
			// provincial emergency-management department.
			upward, err := r.upwardChannels(ctx, w.Namespace)
			if err != nil {
				return err
			}
			owe(s, kindReportedUpward, upward)
		}
		return nil
	case level != st.PublishedLevel:
		by, ok := r.decision(s, level, "adjustment")
		if !ok {
			return nil
		}
		previous := st.PublishedLevel
		st.PublishedLevel, st.AdjustedTime = level, &metav1.Time{Time: s.now}
		st.Measures = warning.Measures(level)
		r.step(s, kindAdjusted, level, by, "")
		s.events.normal("Adjusted", "Adjust", fmt.Sprintf("Adjusted from %s to %s%s.", levelName(previous), levelName(level), byWhom(by)))
		owe(s, kindAdjusted, w.Spec.Channels)
		return nil
	case w.Spec.LiftRequested:
		ok, by, directive := warning.Lift(w.Annotations, st.PublishedLevel)
		if !ok {
			msg := fmt.Sprintf("Lifting a %s needs %s.", levelName(st.PublishedLevel), liftNeeds(st.PublishedLevel))
			r.setCondition(s, WarningLiftedCondition, metav1.ConditionFalse, warningAwaitingApprovalReason, msg)
			return nil
		}
		st.Phase, st.LiftedTime, st.Measures = v1alpha1.WarningLifted, &metav1.Time{Time: s.now}, nil
		r.step(s, kindLifted, st.PublishedLevel, by, directive)
		s.events.normal("Lifted", "Lift", fmt.Sprintf("%s lifted%s; its measures end.", levelName(st.PublishedLevel), byWhom(by+directive)))
		owe(s, kindLifted, w.Spec.Channels)
		return nil
	}
	return nil
}

// decision says whether a colour may be published or adjusted to, and who
// approved it.
func (r *WarningReconciler) decision(s *warningScope, level v1alpha1.WarningLevel, what string) (string, bool) {
	w := s.warning
	switch {
	case level == v1alpha1.WarningRed || level == v1alpha1.WarningOrange:
		r.setCondition(s, WarningApprovedCondition, metav1.ConditionTrue, warningRelayedReason,
			fmt.Sprintf("A %s from the %s office is relayed at once.", levelName(level), strings.ToLower(string(w.Spec.Source))))
		return "", true
	case !warning.NeedsApproval(level):
		r.setCondition(s, WarningApprovedCondition, metav1.ConditionTrue, warningOfficeReason, "The office issues a risk notice on its own.")
		return "", true
	}
	by := warning.ApprovedBy(w.Annotations, level)
	if by == "" {
		key := v1alpha1.AnnotationApprovedBy + " with " + v1alpha1.AnnotationApprovedLevel + "=" + string(level)
		if what == "adjustment" {
			key = warning.AnnotationApprovedByPrefix + strings.ToLower(string(level))
		}
		msg := fmt.Sprintf("The %s of a %s waits for the leading group's approval (annotation %s).", what, levelName(level), key)
		if c := meta.FindStatusCondition(w.Status.Conditions, WarningApprovedCondition); c == nil || c.Message != msg {
			s.events.normal("AwaitingApproval", "Publish", msg)
		}
		r.setCondition(s, WarningApprovedCondition, metav1.ConditionFalse, warningAwaitingApprovalReason, msg)
		return "", false
	}
	r.setCondition(s, WarningApprovedCondition, metav1.ConditionTrue, warningApprovedReason, fmt.Sprintf("Approved by %s for %s.", by, levelName(level)))
	return by, true
}

func (r *WarningReconciler) step(s *warningScope, action string, level v1alpha1.WarningLevel, by, directive string) {
	st := &s.warning.Status
	st.History = append(st.History, v1alpha1.WarningStep{Action: action, Level: level, ApprovedBy: by, Directive: directive, Time: metav1.NewTime(s.now)})
	if n := len(st.History); n > 64 {
		st.History = st.History[n-64:]
	}
}

// owe records one message to each channel, under an id that every retry
// reuses: the warning's UID, the kind, and for adjustments their number.
func owe(s *warningScope, kind string, channels []string) {
	w, st := s.warning, &s.warning.Status
	id := fmt.Sprintf("%s-%s", w.UID, strings.ToLower(kind))
	if kind == kindAdjusted {
		id = fmt.Sprintf("%s-%d", id, countSteps(st.History, kindAdjusted))
	}
	for _, ch := range channels {
		st.Deliveries = append(st.Deliveries, v1alpha1.Delivery{Channel: ch, EventID: id, Kind: kind})
	}
}

func countSteps(h []v1alpha1.WarningStep, action string) int {
	n := 0
	for _, s := range h {
		if s.Action == action {
			n++
		}
	}
	return n
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

// retryDelay is the wait after the n-th failed attempt: 1 s, 2 s, 4 s, …
// up to maxRetryDelay.
func retryDelay(attempts int32) time.Duration {
	d := time.Second
	for i := int32(1); i < attempts && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

// deliver sends every message that is due, to all channels at once, and
// returns when the earliest failed one should be tried again (0: none).
func (r *WarningReconciler) deliver(ctx context.Context, s *warningScope) time.Duration {
	w := s.warning
	var wg sync.WaitGroup
	var mu sync.Mutex
	retry := time.Duration(0)
	soonest := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if retry == 0 || d < retry {
			retry = d
		}
	}
	for i := range w.Status.Deliveries {
		d := &w.Status.Deliveries[i]
		if d.DeliveredTime != nil {
			continue
		}
		if d.LastAttemptTime != nil {
			if wait := d.LastAttemptTime.Add(retryDelay(d.Attempts)).Sub(s.now); wait > 0 {
				soonest(wait)
				continue
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.send(ctx, w, d, s.now)
			mu.Lock()
			d.Attempts++
			d.LastAttemptTime = &metav1.Time{Time: s.now}
			if err == nil {
				d.DeliveredTime, d.LastError = &metav1.Time{Time: s.now}, ""
				deliveryOutcomes.WithLabelValues(w.Namespace, d.Channel, "Delivered").Inc()
			} else {
				d.LastError = truncate(err.Error(), 1024)
				deliveryOutcomes.WithLabelValues(w.Namespace, d.Channel, "Failed").Inc()
			}
			mu.Unlock()
			if err != nil {
				soonest(retryDelay(d.Attempts))
			}
		}()
	}
	wg.Wait()
	for _, d := range w.Status.Deliveries {
		if d.LastAttemptTime == nil || !d.LastAttemptTime.Time.Equal(s.now) {
			continue
		}
		if d.DeliveredTime != nil {
			s.events.normal("Delivered", "Deliver", fmt.Sprintf("%s message delivered to channel %s (attempt %d).", d.Kind, d.Channel, d.Attempts))
		} else {
			s.events.warning("DeliveryFailed", "Deliver", fmt.Sprintf("%s message to channel %s failed (attempt %d): %s; retrying in %s.",
				d.Kind, d.Channel, d.Attempts, d.LastError, retryDelay(d.Attempts)))
		}
	}
	return retry
}

// send delivers one message to one channel. Its errors never carry the
// channel's address or secret.
func (r *WarningReconciler) send(ctx context.Context, w *v1alpha1.Warning, d *v1alpha1.Delivery, now time.Time) error {
	ch := &v1alpha1.NotificationChannel{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: w.Namespace, Name: d.Channel}, ch); err != nil {
		return fmt.Errorf("NotificationChannel %q: %s", d.Channel, reasonOf(err))
	}
	secret := &corev1.Secret{}
	if err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: w.Namespace, Name: ch.Spec.SecretRef.Name}, secret); err != nil {
		return fmt.Errorf("Secret %q of channel %q: %s", ch.Spec.SecretRef.Name, d.Channel, reasonOf(err))
	}
	address := strings.TrimSpace(string(secret.Data["address"]))
	if address == "" {
		return fmt.Errorf("Secret %q of channel %q has no key \"address\"", ch.Spec.SecretRef.Name, d.Channel)
	}
	timeout := time.Duration(max(ch.Spec.TimeoutSeconds, 1)) * time.Second
	sendCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	endpoint := notify.Endpoint{Type: notify.Type(ch.Spec.Type), Address: address, SigningSecret: string(secret.Data["signingSecret"])}
	return notify.Send(sendCtx, r.HTTP, endpoint, messageFor(w, d), now)
}

func reasonOf(err error) string {
	if reason := apierrors.ReasonForError(err); reason != metav1.StatusReasonUnknown {
		return strings.ToLower(string(reason))
	}
	return "cannot be read"
}

// messageFor builds the message of a delivery from the warning's record.
func messageFor(w *v1alpha1.Warning, d *v1alpha1.Delivery) notify.Message {
	kind := d.Kind
	step := v1alpha1.WarningStep{Level: w.Status.PublishedLevel}
	previous := ""
	for i, h := range w.Status.History {
		action := h.Action
		if action == kindPublished && kind == kindReportedUpward {
			action = kindReportedUpward
		}
		if action == kind && (kind != kindAdjusted || strings.HasSuffix(d.EventID, fmt.Sprintf("-%d", countSteps(w.Status.History[:i+1], kindAdjusted)))) {
			step = h
			if i > 0 {
				previous = string(w.Status.History[i-1].Level)
			}
			break
		}
	}
	if kind != kindAdjusted {
		previous = ""
	}
	measures := warning.Measures(step.Level)
	if kind == kindLifted {
		measures = nil
	}
	return notify.Message{
		ID:     d.EventID,
		Kind:   kind,
		Source: fmt.Sprintf("/apis/emergency.netsec.io/v1alpha1/namespaces/%s/warnings/%s", w.Namespace, w.Name),
		Time:   step.Time.Time,
		Drill:  w.Spec.Drill,
		Warning: notify.WarningFacts{
			Namespace: w.Namespace, Name: w.Name,
			Level: string(step.Level), PreviousLevel: previous, Source: string(w.Spec.Source),
			StartTime: w.Spec.StartTime.Time, Scope: w.Spec.Scope, Harm: w.Spec.Harm,
			Precautions: w.Spec.Precautions, TimeLimits: w.Spec.TimeLimits, Issuer: w.Spec.Issuer, Hotline: w.Spec.Hotline,
			Measures: measures, ApprovedBy: step.ApprovedBy,
		},
	}
}

// summarise sets Published, Delivered, Lifted and Ready.
func (r *WarningReconciler) summarise(s *warningScope) {
	st := &s.warning.Status
	if st.PublishedTime != nil {
		r.setCondition(s, WarningPublishedCondition, metav1.ConditionTrue, "Published", fmt.Sprintf("Published as %s.", levelName(st.PublishedLevel)))
	} else {
		r.setCondition(s, WarningPublishedCondition, metav1.ConditionFalse, warningAwaitingApprovalReason, "Not yet published.")
	}
	if st.LiftedTime != nil {
		r.setCondition(s, WarningLiftedCondition, metav1.ConditionTrue, "Lifted", "Lifted; its measures have ended.")
	} else if c := meta.FindStatusCondition(st.Conditions, WarningLiftedCondition); c == nil || c.Reason != warningAwaitingApprovalReason || !s.warning.Spec.LiftRequested {
		r.setCondition(s, WarningLiftedCondition, metav1.ConditionFalse, "InForce", "The warning is not lifted.")
	}
	pending := 0
	var failing []string
	for _, d := range st.Deliveries {
		if d.DeliveredTime == nil {
			pending++
			if d.LastError != "" {
				failing = append(failing, fmt.Sprintf("%s to %s: %s", d.Kind, d.Channel, d.LastError))
			}
		}
	}
	switch {
	case len(st.Deliveries) == 0 && st.PublishedTime == nil:
		r.setCondition(s, WarningDeliveredCondition, metav1.ConditionUnknown, "NotPublished", "Nothing is delivered before the warning is published.")
	case pending > 0:
		msg := fmt.Sprintf("%d of %d messages not yet delivered.", pending, len(st.Deliveries))
		if len(failing) > 0 {
			msg += " " + strings.Join(failing, "; ")
		}
		r.setCondition(s, WarningDeliveredCondition, metav1.ConditionFalse, warningDeliveryPendingReason, truncate(msg, 4096))
	default:
		r.setCondition(s, WarningDeliveredCondition, metav1.ConditionTrue, warningDeliveredReason, fmt.Sprintf("All %d messages delivered.", len(st.Deliveries)))
	}
	published := meta.IsStatusConditionTrue(st.Conditions, WarningPublishedCondition)
	delivered := pending == 0
	switch {
	case !published:
		c := meta.FindStatusCondition(st.Conditions, WarningApprovedCondition)
		msg := "Waiting to be published."
		if c != nil {
			msg = c.Message
		}
		r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionFalse, warningAwaitingApprovalReason, msg)
	case !delivered:
		r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionFalse, warningDeliveryPendingReason, "Messages are still being delivered.")
	default:
		r.setCondition(s, v1alpha1.ConditionReady, metav1.ConditionTrue, "Ready", fmt.Sprintf("%s, delivered to every channel.", strings.ToLower(string(st.Phase))))
	}
}

func levelName(l v1alpha1.WarningLevel) string {
	if l == v1alpha1.WarningRiskNotice {
		return "risk notice"
	}
	return strings.ToLower(string(l)) + " warning"
}

func byWhom(by string) string {
	if by == "" {
		return ""
	}
	return " (" + by + ")"
}

func liftNeeds(l v1alpha1.WarningLevel) string {
	if l == v1alpha1.WarningRed || l == v1alpha1.WarningOrange {
		return "the ministry's directive (annotation " + warning.AnnotationLiftDirective + ")"
	}
	return "the leading group's approval (annotation " + warning.AnnotationLiftApprovedBy + ")"
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
