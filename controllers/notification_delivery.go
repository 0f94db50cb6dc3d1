package controllers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/internal/text"
)

// maxRetryDelay caps the backoff between delivery attempts.
const maxRetryDelay = 5 * time.Minute

// inFlightGrace is added to a channel's timeout before an attempt whose
// outcome was never recorded is made again: until then it may still be
// under way in another instance of the operator.
const inFlightGrace = 5 * time.Second

// retryDelay is the wait after the n-th failed attempt: 1 s, 2 s, 4 s, …
// up to maxRetryDelay.
func retryDelay(attempts int32) time.Duration {
	d := time.Second
	for i := int32(1); i < attempts && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

// nextAttempt is when a delivery that was tried may be tried again: after
// the backoff of its failure, or, for an attempt written down whose outcome
// never was (the operator stopped, or the record failed), once that attempt
// cannot still be under way.
func nextAttempt(d v1alpha1.NotificationDelivery, ch *v1alpha1.NotificationChannel) (time.Time, bool) {
	if d.Attempts == 0 || d.LastAttemptTime == nil {
		return time.Time{}, false
	}
	wait := retryDelay(d.Attempts)
	if d.State == v1alpha1.DeliveryPending {
		wait = max(wait, channelTimeout(ch)+inFlightGrace)
	}
	return d.LastAttemptTime.Add(wait), true
}

func channelTimeout(ch *v1alpha1.NotificationChannel) time.Duration {
	return time.Duration(max(ch.Spec.TimeoutSeconds, 1)) * time.Second
}

// deliver sends every claimed message, to all channels at once, and records
// each outcome as soon as it is known, whatever else is written meanwhile.
func (r *NotificationReconciler) deliver(ctx context.Context, s *notificationScope) error {
	if len(s.due) == 0 {
		return nil
	}
	n := s.Obj
	msg, err := r.withTexts(ctx, n)
	if err != nil {
		return err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []error
		recorded int
	)
	for _, i := range s.due {
		claimed := n.Status.Deliveries[i]
		ch := s.targets[routing.DeliveryKey(claimed, n.Namespace)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var origin string
			var err error
			if isLinkChannel(ch) {
				origin, err = r.throughLink(ctx, msg, ch)
			} else {
				origin, err = r.send(ctx, messageOf(msg, claimed, r.resourceOf(msg.Spec.Source.Kind)), ch)
			}
			outcome := claimed
			outcome.Namespace = ch.Namespace
			if origin != "" {
				outcome.Endpoint = origin
			}
			if err == nil {
				outcome.State, outcome.DeliveredTime, outcome.LastError = v1alpha1.DeliveryDelivered, &metav1.Time{Time: s.Now}, ""
			} else {
				outcome.State, outcome.LastError = v1alpha1.DeliveryFailed, text.Truncate(err.Error(), v1alpha1.MaxDeliveryError)
			}
			if rerr := r.record(ctx, n, i, claimed, outcome); rerr != nil {
				mu.Lock()
				failures = append(failures, rerr)
				mu.Unlock()
				return
			}
			mu.Lock()
			defer mu.Unlock()
			recorded++
			n.Status.Deliveries[i] = outcome
			if outcome.State == v1alpha1.DeliveryFailed {
				s.WakeAt(s.Now.Add(retryDelay(outcome.Attempts)))
			}
			r.announceOutcome(n, outcome, ch)
		}()
	}
	wg.Wait()
	if recorded > 0 {
		if err := r.refresh(ctx, s); err != nil {
			failures = append(failures, err)
		}
	}
	return errors.Join(failures...)
}

// withTexts is the notification to send: n, or, when its texts are the
// ones the cache dropped (dropTexts), a copy with the texts read from the
// API server. The claim's status write brings the whole notification back
// already, so this costs no read as the steps stand; it makes sure that an
// empty message is never sent.
func (r *NotificationReconciler) withTexts(ctx context.Context, n *v1alpha1.Notification) (*v1alpha1.Notification, error) {
	if !textsDropped(n) {
		return n, nil
	}
	full := &v1alpha1.Notification{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(n), full); err != nil {
		return nil, fmt.Errorf("reading the texts of notification %s/%s: %w", n.Namespace, n.Name, err)
	}
	if full.UID != n.UID {
		return nil, fmt.Errorf("notification %s/%s was replaced", n.Namespace, n.Name)
	}
	out := n.DeepCopy()
	out.Spec.Message, out.Spec.Data = full.Spec.Message, full.Spec.Data
	return out, nil
}

// announceOutcome sends the event and counts the outcome of one attempt,
// now that it is recorded.
func (r *NotificationReconciler) announceOutcome(n *v1alpha1.Notification, d v1alpha1.NotificationDelivery, ch *v1alpha1.NotificationChannel) {
	countOutcome(n, d)
	l := reconcile.EventLog{Drill: n.Spec.Drill}
	if d.State == v1alpha1.DeliveryDelivered {
		l.Add(reconcile.NormalEvent(v1alpha1.NotificationDeliveredEvent, "Deliver",
			fmt.Sprintf("%s delivered to channel %s (%s, %s, attempt %d, id %s%s).", n.Spec.Event, routing.DeliveryKey(d, n.Namespace), ch.Spec.Audience, d.Endpoint, d.Attempts, d.EventID, carriedBy(d))))
	} else {
		l.Add(reconcile.WarningEvent(v1alpha1.NotificationDeliveryFailedEvent, "Deliver",
			fmt.Sprintf("%s to channel %s failed (attempt %d%s): %s; retrying in %s.", n.Spec.Event, d.Channel, d.Attempts, carriedBy(d), d.LastError, retryDelay(d.Attempts))))
	}
	l.Flush(r.Recorder, n)
}

// countOutcome counts the outcome of one attempt.
func countOutcome(n *v1alpha1.Notification, d v1alpha1.NotificationDelivery) {
	state := "Failed"
	if d.State == v1alpha1.DeliveryDelivered {
		state = "Delivered"
	}
	deliveryOutcomes.WithLabelValues(n.Namespace, d.Channel, state).Inc()
}

// carriedBy names the grouped message that carried a delivery, if one did.
func carriedBy(d v1alpha1.NotificationDelivery) string {
	if d.MessageID == "" {
		return ""
	}
	return fmt.Sprintf(", in grouped message %s of %d reports", d.MessageID, d.GroupSize)
}

// record writes the outcome of one attempt into the delivery it claimed,
// and nothing else: a JSON patch that first tests the entry is still the
// claim, so a write to any other field (an annotation, another channel's
// outcome) cannot make it fail and cause a resend.
func (r *NotificationReconciler) record(ctx context.Context, n *v1alpha1.Notification, i int, claimed, outcome v1alpha1.NotificationDelivery) error {
	path := fmt.Sprintf("/status/deliveries/%d", i)
	patch, err := json.Marshal([]map[string]any{
		{"op": "test", "path": path, "value": claimed},
		{"op": "replace", "path": path, "value": outcome},
	})
	if err != nil {
		return err
	}
	target := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Namespace: n.Namespace}}
	if err := r.Status().Patch(ctx, target, client.RawPatch(types.JSONPatchType, patch)); err != nil {
		return fmt.Errorf("recording the delivery to channel %s of notification %s/%s: %w", claimed.Channel, n.Namespace, n.Name, err)
	}
	r.Written.Note(target)
	return nil
}

// refresh bases the rest of the pass on the notification as recorded: the
// final status write then carries the conditions only, on the current
// resourceVersion.
func (r *NotificationReconciler) refresh(ctx context.Context, s *notificationScope) error {
	fresh := &v1alpha1.Notification{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.Obj), fresh); err != nil {
		return fmt.Errorf("reading notification %s/%s: %w", s.Obj.Namespace, s.Obj.Name, err)
	}
	s.Obj.ObjectMeta = *fresh.ObjectMeta.DeepCopy()
	s.Obj.Status.Deliveries = fresh.Status.Deliveries
	s.Before = fresh
	return nil
}

// send delivers one message to one channel, and says where it went (the
// endpoint's origin, for the record: never its path or query). Its errors
// never carry the channel's address or secret.
func (r *NotificationReconciler) send(ctx context.Context, m notify.Message, ch *v1alpha1.NotificationChannel) (string, error) {
	endpoint, err := readEndpoint(ctx, r.APIReader, ch)
	if err != nil {
		return "", err
	}
	sendCtx, cancel := context.WithTimeout(ctx, channelTimeout(ch))
	defer cancel()
	ctrl.LoggerFrom(ctx).V(1).Info("delivering", "channel", ch.Namespace+"/"+ch.Name, "endpoint", endpoint, "id", m.ID, "attempt", m.Attempt)
	return endpoint.Origin(), notify.Send(sendCtx, r.HTTP, endpoint, m, r.Clock.Now())
}

// messageOf is the message of a notification on one attempt; resource is
// the plural of its source's kind.
func messageOf(n *v1alpha1.Notification, d v1alpha1.NotificationDelivery, resource string) notify.Message {
	src := n.Spec.Source
	ns := src.Namespace
	if ns == "" {
		ns = n.Namespace
	}
	return notify.Message{
		ID:      d.EventID,
		Type:    notify.EventType(src.Kind, string(n.Spec.Event)),
		Source:  fmt.Sprintf("/apis/%s/namespaces/%s/%s/%s", v1alpha1.GroupVersion.String(), ns, resource, src.Name),
		Subject: ns + "/" + src.Name,
		Time:    n.Spec.Time.Time,
		Drill:   n.Spec.Drill,
		Attempt: d.Attempts,
		Text:    notify.Texts{ZH: n.Spec.Message.ZH, EN: n.Spec.Message.EN},
		Data:    []byte(n.Spec.Data),
	}
}

// resourceOf is the plural of a source's kind in the API group, as the
// API server serves it: any kind that reports, without a list of them.
func (r *NotificationReconciler) resourceOf(kind string) string {
	gk := schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: kind}
	if r.Mapper != nil {
		if m, err := r.Mapper.RESTMapping(gk, v1alpha1.GroupVersion.Version); err == nil {
			return m.Resource.Resource
		}
	}
	return strings.ToLower(kind) + "s"
}

// readEndpoint reads a channel's Secret: the address, and for a signed
// DingTalk robot the signing secret. Its errors name the Secret and the
// channel, never what the Secret holds.
func readEndpoint(ctx context.Context, c client.Reader, ch *v1alpha1.NotificationChannel) (notify.Endpoint, error) {
	secret := &corev1.Secret{}
	name := ch.Spec.SecretRef.Name
	unusable := &secretError{reason: v1alpha1.ChannelSecretUnusableReason, msg: fmt.Sprintf(
		"Secret %q does not hold a usable %s address (an http or https URL under the key \"address\"); whoever may read the Secret can see what is missing",
		name, ch.Spec.Type)}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ch.Namespace, Name: name}, secret); err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
			return notify.Endpoint{}, unusable
		}
		return notify.Endpoint{}, &secretError{reason: v1alpha1.ChannelSecretUnreadableReason, msg: fmt.Sprintf("the API server did not answer reading Secret %q of channel %q: %s", name, ch.Name, reasonOf(err))}
	}
	address := strings.TrimSpace(string(secret.Data["address"]))
	if address == "" || notify.CheckAddress(address) != nil {
		return notify.Endpoint{}, unusable
	}
	return notify.Endpoint{Type: notify.Type(ch.Spec.Type), Address: address, SigningSecret: string(secret.Data["signingSecret"])}, nil
}

// secretError is why a channel's Secret cannot be used, with the reason of
// the channel's Ready condition. It says the same whether the Secret is
// absent or lacks its address (ChannelSecretUnusableReason), and never
// what the Secret holds.
type secretError struct{ reason, msg string }

func (e *secretError) Error() string { return e.msg }

func reasonOf(err error) string {
	if reason := apierrors.ReasonForError(err); reason != metav1.StatusReasonUnknown {
		return strings.ToLower(string(reason))
	}
	return "cannot be read"
}
