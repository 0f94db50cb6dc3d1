package controllers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/text"
	"github.com/netsec-io/incident-operator/internal/warning"
)

// maxRetryDelay caps the backoff between delivery attempts.
const maxRetryDelay = 5 * time.Minute

// owe records one message to each channel, under an id that every retry
// reuses: the warning's UID, the kind, and for adjustments their number.
func (s *warningScope) owe(kind v1alpha1.DeliveryKind, channels []string) {
	w, st := s.obj, &s.obj.Status
	id := fmt.Sprintf("%s-%s", w.UID, strings.ToLower(string(kind)))
	if kind == v1alpha1.DeliveryAdjusted {
		id = fmt.Sprintf("%s-%d", id, countSteps(st.History, v1alpha1.WarningActionAdjusted))
	}
	for _, ch := range channels {
		st.Deliveries = append(st.Deliveries, v1alpha1.Delivery{Channel: ch, EventID: id, Kind: kind})
	}
}

func countSteps(h []v1alpha1.WarningStep, action v1alpha1.WarningAction) int {
	n := 0
	for _, s := range h {
		if s.Action == action {
			n++
		}
	}
	return n
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
// comes back when the earliest failed one should be tried again.
func (r *WarningReconciler) deliver(ctx context.Context, s *warningScope) error {
	w := s.obj
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range w.Status.Deliveries {
		d := &w.Status.Deliveries[i]
		if d.DeliveredTime != nil {
			continue
		}
		if d.LastAttemptTime != nil {
			if next := d.LastAttemptTime.Add(retryDelay(d.Attempts)); next.After(s.now) {
				s.wakeAt(next)
				continue
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.send(ctx, w, d, s.now)
			mu.Lock()
			defer mu.Unlock()
			d.Attempts++
			d.LastAttemptTime = &metav1.Time{Time: s.now}
			if err == nil {
				d.DeliveredTime, d.LastError = &metav1.Time{Time: s.now}, ""
				deliveryOutcomes.WithLabelValues(w.Namespace, d.Channel, "Delivered").Inc()
				s.events.add(normalEvent(v1alpha1.WarningDeliveredEvent, "Deliver",
					fmt.Sprintf("%s message delivered to channel %s (attempt %d).", d.Kind, d.Channel, d.Attempts)))
				return
			}
			d.LastError = text.Truncate(err.Error(), v1alpha1.MaxDeliveryError)
			deliveryOutcomes.WithLabelValues(w.Namespace, d.Channel, "Failed").Inc()
			s.events.add(warningEvent(v1alpha1.WarningDeliveryFailedEvent, "Deliver", fmt.Sprintf("%s message to channel %s failed (attempt %d): %s; retrying in %s.",
				d.Kind, d.Channel, d.Attempts, d.LastError, retryDelay(d.Attempts))))
			s.wakeAt(s.now.Add(retryDelay(d.Attempts)))
		}()
	}
	wg.Wait()
	return nil
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
	step := v1alpha1.WarningStep{Level: w.Status.PublishedLevel}
	previous := ""
	for i, h := range w.Status.History {
		kind := v1alpha1.DeliveryKind(h.Action)
		if h.Action == v1alpha1.WarningActionPublished && d.Kind == v1alpha1.DeliveryReportedUpward {
			kind = v1alpha1.DeliveryReportedUpward
		}
		if kind == d.Kind && (d.Kind != v1alpha1.DeliveryAdjusted ||
			strings.HasSuffix(d.EventID, fmt.Sprintf("-%d", countSteps(w.Status.History[:i+1], v1alpha1.WarningActionAdjusted)))) {
			step = h
			if i > 0 {
				previous = string(w.Status.History[i-1].Level)
			}
			break
		}
	}
	if d.Kind != v1alpha1.DeliveryAdjusted {
		previous = ""
	}
	measures := warning.Measures(step.Level)
	if d.Kind == v1alpha1.DeliveryLifted {
		measures = nil
	}
	return notify.Message{
		ID:     d.EventID,
		Kind:   string(d.Kind),
		Source: fmt.Sprintf("/apis/%s/namespaces/%s/warnings/%s", v1alpha1.GroupVersion.String(), w.Namespace, w.Name),
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
