package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// Channels are checked again on a timer rather than on a watch of Secrets:
// RBAC cannot narrow `list` and `watch` to some Secrets (not by label, not
// by name for a list), so any watch, even of metadata only, would let the
// operator read every Secret of the cluster. The operator keeps `get` only,
// one Secret at a time, uncached (test/manifests checks it). Every delivery
// reads its channel's Secret afresh anyway, so the timer only decides how
// soon `kubectl get nch` and a source's ReportedUpward catch up with a
// Secret that appeared or went away.
const (
	// channelRecheck is how often a Ready channel's Secret is read again.
	channelRecheck = 10 * time.Minute
	// channelRecheckNotReady is how often a channel that is not Ready is,
	// at most: one not Ready for a shorter time is checked again after that
	// time, from channelRecheckSoon on (2 s, 4 s, 8 s, …), so that a channel
	// created just before its Secret (a kustomization, a secrets operator, a
	// receiver pointing channels at itself) is Ready within seconds.
	channelRecheckNotReady = time.Minute
	// channelRecheckSoon is the first wait of a channel that is not Ready.
	channelRecheckSoon = 2 * time.Second
)

// NotificationChannelReconciler says whether each channel can be used.
type NotificationChannelReconciler struct {
	reconcile.Kit
	// APIReader reads the channel's Secret without caching Secrets.
	APIReader client.Reader
}

type channelScope struct {
	*reconcile.Pass[*v1alpha1.NotificationChannel]
	// unusable says why the channel cannot be used, if it cannot.
	unusable reconcile.Cause
}

// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notificationchannels,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=notificationchannels/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile reads the channel's Secret and sets Ready.
func (r *NotificationChannelReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ch := &v1alpha1.NotificationChannel{}
	if err := r.Get(ctx, req.NamespacedName, ch); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &channelScope{Pass: reconcile.Begin(r.Kit, ch, false)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*channelScope]{r.checkSecret}, r.ready)
}

// checkSecret sets Ready from the Secret, and comes back to look again.
func (r *NotificationChannelReconciler) checkSecret(ctx context.Context, s *channelScope) error {
	_, err := readEndpoint(ctx, r.APIReader, s.Obj)
	s.setSecretRead(err)
	if err != nil {
		wait := channelRecheckSoon // Ready turns False in this pass
		if c := meta.FindStatusCondition(s.Obj.Status.Conditions, v1alpha1.ConditionReady); c != nil && c.Status == metav1.ConditionFalse {
			wait = notReadyRecheck(s.Obj, s.Now)
		}
		s.WakeAt(s.Now.Add(wait))
	} else {
		s.WakeAt(s.Now.Add(channelRecheck))
	}
	return nil
}

// ready: a channel is ready when the audience it claims consented to it
// and its Secret exists and holds an address.
func (r *NotificationChannelReconciler) ready(s *channelScope) reconcile.Ready {
	failed := s.unusable
	if by := s.Obj.Annotations[v1alpha1.AnnotationConsentedBy]; by == "" {
		failed = noConsent(s.Obj)
	}
	return reconcile.Ready{Reason: v1alpha1.ChannelReadyReason,
		Message: fmt.Sprintf("Consented to by %s; Secret %q holds the %s address.", s.Obj.Annotations[v1alpha1.AnnotationConsentedBy], s.Obj.Spec.SecretRef.Name, s.Obj.Spec.Type),
		Failed:  failed}
}

// SetupWithManager watches channels (spec changes, and the consent, an
// annotation); the timer does the rest.
func (r *NotificationChannelReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.NotificationChannel{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WithOptions(opts).
		Named("notificationchannel").
		Complete(r)
}

// notReadyRecheck is how long to wait before checking a channel that is not
// Ready again: as long as it has not been Ready, between channelRecheckSoon
// and channelRecheckNotReady.
func notReadyRecheck(ch *v1alpha1.NotificationChannel, now time.Time) time.Duration {
	wait := channelRecheckNotReady
	if c := meta.FindStatusCondition(ch.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		wait = now.Sub(c.LastTransitionTime.Time)
	}
	return min(max(wait, channelRecheckSoon), channelRecheckNotReady)
}
