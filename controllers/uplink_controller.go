package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// UplinkReconciler carries this cluster's records up to the next
// organisation's cluster and the decisions there back (docs/links.md).
// Each pass of a link compares the two sides whole: what is missing or
// behind on one side is written, so a link that was cut off, or an
// operator that stopped mid-copy, catches up on its next pass, and a
// copy's name, fixed by its origin, is never written twice.
type UplinkReconciler struct {
	reconcile.Kit
	// APIReader reads the link's Secret (the operator caches no Secrets).
	APIReader client.Reader
	// Scheme is the manager's, for the upper cluster's client.
	Scheme *runtime.Scheme
	// OfficeNamespace is where the province's link mirrors the ministry's
	// warnings.
	OfficeNamespace string

	uppers *uppers
}

type uplinkScope struct {
	*reconcile.Pass[*v1alpha1.Uplink]
	// upper is the connection, once the upper cluster answered this pass.
	upper *upper
	// crossing is what this pass found to cross, and failed what of it
	// could not; conflicts name the records another origin's copy blocks.
	crossing, failed int
	// waiting counts what the pass left for the next one.
	waiting   int
	conflicts []string
	counts    []v1alpha1.UplinkCount
}

// The operator reads the links and their Secrets, and writes the upper
// side's decisions into its own incidents' status.
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=uplinks,verbs=get;list;watch
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=uplinks/status,verbs=get;update;patch
// The province's link brings the ministry's directives down onto the
// province's responses; the API server admits them only with a grant to
// relay from the ministry (config/rbac/uplink_roles.yaml).
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=emergencyresponses,verbs=patch
// It writes the mirrors of the upper cluster's warnings and responses; the
// API server admits them only from a holder of copy on origins/<upper>
// (config/admission/copies.yaml), and this role holds it for every origin:
// the operator is the link. Its verb mirror tells the API server that it
// writes no original warning or response (rule mirrors-only).
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings;emergencyresponses,verbs=create;update
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=warnings/status;emergencyresponses/status,verbs=update
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=origins,verbs=copy;mirror

// uplinkHeartbeat is how often a connected link asks the upper cluster
// whether it still answers, when nothing else wakes it.
const uplinkHeartbeat = time.Minute

// uplinkRetry is how soon a link that could not connect tries again.
const uplinkRetry = 10 * time.Second

// uplinkBacklogRetry is how soon a connected link tries again the writes
// the upper cluster did not take (a conflict, a grant not yet in force).
const uplinkBacklogRetry = 2 * time.Second

// uplinkUnreachableRetry is how soon a link whose upper cluster did not
// answer asks again: one small read (refused at once by a host that is
// there without its API server, or timed out after five seconds by a
// network that drops it), so that after a partition the link is back
// within a quarter of a second of the upper cluster's return (no event
// tells it: the other side is silent until asked).
const uplinkUnreachableRetry = 250 * time.Millisecond

// uplinkWindow is how long a change waits before its link's pass: every
// change within it makes the same one pass.
const uplinkWindow = 200 * time.Millisecond

// Reconcile connects the link, carries what is missing or behind across,
// and writes the link's status.
func (r *UplinkReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	l := &v1alpha1.Uplink{}
	if err := r.Get(ctx, req.NamespacedName, l); err != nil {
		if apierrors.IsNotFound(err) {
			r.uppers.drop(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &uplinkScope{Pass: reconcile.Begin(r.Kit, l, false)}
	return reconcile.Run(ctx, r.Kit, s.Pass, s, []reconcile.Step[*uplinkScope]{
		r.connect, r.carryUp, r.carryDown, r.reportsUp, r.summarise,
	}, r.ready)
}

// connect makes or reuses the link's connection and asks the upper
// cluster, live, for one copy of the link's namespace: an answer is a
// contact, a refusal or silence says why the link is down.
func (r *UplinkReconciler) connect(ctx context.Context, s *uplinkScope) error {
	s.RecheckIn(uplinkHeartbeat)
	kc, err := kubeconfigOf(ctx, r.APIReader, s.Obj)
	var up *upper
	if err == nil {
		up, err = r.uppers.get(s.Obj, kc)
	}
	if err != nil {
		if !errors.Is(err, errNoCredentials) {
			return err
		}
		s.RecheckIn(uplinkRetry)
		s.setDisconnected(v1alpha1.UplinkNoCredentialsReason, err.Error())
		return nil
	}
	probe, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = up.cluster.GetAPIReader().List(probe, &v1alpha1.SecurityIncidentList{},
		client.InNamespace(s.Obj.Spec.Upper.Namespace), client.Limit(1))
	if err == nil && !up.cluster.GetCache().WaitForCacheSync(probe) {
		err = errors.New("the upper cluster answered, but its copies could not yet be read")
	}
	if err != nil {
		// Asked again soon: one small read, and the link catches up within
		// seconds of the upper cluster's return.
		s.RecheckIn(uplinkUnreachableRetry)
		reason := v1alpha1.UplinkUnreachableReason
		if apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err) {
			reason = v1alpha1.UplinkRefusedReason
		}
		s.setDisconnected(reason, fmt.Sprintf("The upper cluster %s did not let the link read namespace %s: %v",
			s.Obj.Spec.Upper.Name, s.Obj.Spec.Upper.Namespace, err))
		return nil
	}
	s.upper = up
	s.setConnected()
	return nil
}

// summarise writes what the pass found across into the status.
func (r *UplinkReconciler) summarise(_ context.Context, s *uplinkScope) error {
	if s.upper == nil {
		return nil
	}
	s.setInSync()
	return nil
}

// ready: a link is ready when it is connected and nothing waits to cross.
func (r *UplinkReconciler) ready(s *uplinkScope) reconcile.Ready {
	return reconcile.Ready{
		Inputs:  []string{v1alpha1.UplinkConnectedCondition, v1alpha1.UplinkInSyncCondition},
		Reason:  v1alpha1.UplinkInSyncReason,
		Message: fmt.Sprintf("Connected to %s as %s; every record is across.", s.Obj.Spec.Upper.Name, s.Obj.Spec.Member),
	}
}

// SetupWithManager registers the reconciler: a link's pass runs when the
// link changes, when a record it carries changes here, and when a copy
// changes on the upper cluster.
func (r *UplinkReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if r.uppers == nil {
		r.uppers = newUppers(mgr.GetScheme())
	}
	if r.Scheme == nil {
		r.Scheme = mgr.GetScheme()
	}
	if err := mgr.Add(r.uppers); err != nil {
		return err
	}
	links := coalesced(r.linksOf, uplinkWindow)
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Uplink{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.SecurityIncident{}, links).
		Watches(&v1alpha1.UnitReport{}, links).
		Watches(&v1alpha1.EmergencyResponse{}, links).
		Watches(&v1alpha1.Notification{}, coalesced(r.provinceLinksOf, uplinkWindow), builder.WithPredicates(throughLinkChanged)).
		WatchesRawSource(source.Channel(r.uppers.wake, coalesced(func(_ context.Context, o client.Object) []ctrl.Request {
			return []ctrl.Request{{NamespacedName: client.ObjectKey{Name: o.GetName()}}}
		}, uplinkWindow))).
		WithOptions(opts).
		Named("uplink").
		Complete(r)
}

// linksOf wakes the links that carry records of the object's namespace.
func (r *UplinkReconciler) linksOf(ctx context.Context, o client.Object) []ctrl.Request {
	return r.linksCarrying(ctx, o.GetNamespace(), "")
}

// provinceLinksOf wakes the province's links that carry the object's
// namespace: they count the reports that cross them (reportsUp).
func (r *UplinkReconciler) provinceLinksOf(ctx context.Context, o client.Object) []ctrl.Request {
	return r.linksCarrying(ctx, o.GetNamespace(), v1alpha1.UplinkProvince)
}

// linksCarrying names the links (of member, when it is set) that carry
// the records of namespace ns.
func (r *UplinkReconciler) linksCarrying(ctx context.Context, ns string, member v1alpha1.UplinkMember) []ctrl.Request {
	list := &v1alpha1.UplinkList{}
	if err := r.List(ctx, list); err != nil {
		return nil
	}
	var out []ctrl.Request
	for i := range list.Items {
		if l := &list.Items[i]; (member == "" || l.Spec.Member == member) && carries(l, ns) {
			out = append(out, ctrl.Request{NamespacedName: client.ObjectKey{Name: l.Name}})
		}
	}
	return out
}

// carries says whether link l carries the records of namespace ns.
func carries(l *v1alpha1.Uplink, ns string) bool {
	if len(l.Spec.Namespaces) == 0 {
		return l.Spec.Member == v1alpha1.UplinkProvince
	}
	for _, n := range l.Spec.Namespaces {
		if n == ns {
			return true
		}
	}
	return false
}

// lastContactEvery is how stale status.lastContactTime may grow before a
// pass writes it again: a connected link's heartbeat does not write its
// status every minute.
const lastContactEvery = 5 * time.Minute

// contact records that the upper cluster answered now.
func (s *uplinkScope) contact() {
	last := s.Obj.Status.LastContactTime
	if last == nil || s.Now.Sub(last.Time) >= lastContactEvery ||
		!meta.IsStatusConditionTrue(s.Before.Status.Conditions, v1alpha1.UplinkConnectedCondition) {
		s.Obj.Status.LastContactTime = &metav1.Time{Time: s.Now}
	}
}
