package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/netsec-io/incident-operator/internal/text"
)

// Object is a kind the skeleton reconciles: its status has conditions and
// an observed generation (api/v1alpha1/status_accessors.go).
type Object interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
	SetObservedGeneration(int64)
}

// Step is one stage of a reconcile. It reads the scope and writes the
// object's status in memory; an error stops the steps after it.
type Step[S any] func(ctx context.Context, s S) error

// Kit is what every reconciler is made of.
type Kit struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	// Written holds the resourceVersions of the status writes and creates
	// made, so that a pass on a copy older than its object's last write
	// waits for the cache instead of writing again, and a pass does not
	// create again what the cache has not seen yet (written.go). Shared by
	// every controller; nil remembers nothing.
	Written *Written
	// Quiet is told of every pass, to act once the passes stop for a while
	// (quiet.go); nil is told nothing.
	Quiet *Quiet
}

// Pass is what the steps of one reconcile share, whatever the kind: the
// object, its copy as read (the base of the status patch), the time, the
// events decided, and when to come back.
type Pass[T Object] struct {
	Obj    T
	Before T
	Now    time.Time
	Events EventLog
	wake   time.Time
	// Later asks for another pass once the status is written, after the
	// queue's other work: a step left an action outside the object (a
	// report to write) until its status is on record.
	Later bool
	// Hold leaves the status as it is on record: another writer settles it
	// in a write of its own (a report waiting for its grouped message is
	// claimed, status and all, when the message goes).
	Hold bool
}

// Begin starts a pass over obj, read at the kit's clock.
func Begin[T Object](k Kit, obj T, drill bool) *Pass[T] {
	return &Pass[T]{
		Obj:    obj,
		Before: obj.DeepCopyObject().(T),
		Now:    k.Clock.Now().Truncate(time.Second),
		Events: EventLog{Drill: drill},
	}
}

// Set sets one condition, stamping the generation it describes and, when
// the status moves, the time. It reports whether the status, reason or
// message changed.
func (p *Pass[T]) Set(typ string, status metav1.ConditionStatus, reason, message string) bool {
	// The message may quote what people typed: one line of plain text
	// (text.Inline), compared as it is stored.
	message = text.Truncate(text.Inline(message), maxConditionMessage)
	conds := p.Obj.GetConditions()
	old := meta.FindStatusCondition(conds, typ)
	changed := old == nil || old.Status != status || old.Reason != reason || old.Message != message
	meta.SetStatusCondition(&conds, metav1.Condition{
		Type:               typ,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: p.Obj.GetGeneration(),
		LastTransitionTime: metav1.NewTime(p.Now),
	})
	p.Obj.SetConditions(conds)
	return changed
}

// Announce sets a condition and, when it changed, records the event.
func (p *Pass[T]) Announce(typ string, status metav1.ConditionStatus, reason, message string, e Event) {
	if p.Set(typ, status, reason, message) {
		p.Events.Add(e)
	}
}

// Remove drops a condition that no longer applies.
func (p *Pass[T]) Remove(typ string) {
	conds := p.Obj.GetConditions()
	meta.RemoveStatusCondition(&conds, typ)
	p.Obj.SetConditions(conds)
}

// Condition returns a condition as it stands in this pass, or nil.
func (p *Pass[T]) Condition(typ string) *metav1.Condition {
	return meta.FindStatusCondition(p.Obj.GetConditions(), typ)
}

// WakeAt asks to be reconciled again at t; the earliest wins. A time that
// is due already comes back in a second.
func (p *Pass[T]) WakeAt(t time.Time) {
	if p.wake.IsZero() || t.Before(p.wake) {
		p.wake = t
	}
}

// WakeTime is when the pass has asked to come back, or zero.
func (p *Pass[T]) WakeTime() time.Time { return p.wake }

// RecheckIn asks for a pass after d at the latest.
func (p *Pass[T]) RecheckIn(d time.Duration) { p.WakeAt(p.Now.Add(d)) }

// FollowUp is how soon a pass that left work for later comes back: at
// once, but as a wait of its own, not a retry, so the queue's rate limiter
// keeps no count of it. It is shorter than any deadline's wake-up (a
// second at least), which is how a test's stepped clock tells them apart
// (test/fakeclock).
const FollowUp = time.Millisecond

// StatusChanged says whether this pass has changed the status so far.
func (p *Pass[T]) StatusChanged() bool {
	return !equality.Semantic.DeepEqual(statusOf(p.Before), statusOf(p.Obj))
}

// result turns the wake-up time into a RequeueAfter, or, when a step left
// work for later, a pass right away at low priority: items of higher
// priority (new objects, changes) go first.
func (p *Pass[T]) result() ctrl.Result {
	if p.Later {
		return ctrl.Result{RequeueAfter: FollowUp, Priority: ptr.To(handler.LowPriority)}
	}
	if p.wake.IsZero() {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: max(p.wake.Sub(p.Now), time.Second)}
}

// Checkpoint writes the status computed so far and announces its events,
// before the reconcile goes on. Only a step that must record something
// before acting outside the cluster (a message it is about to send) uses it.
func (p *Pass[T]) Checkpoint(ctx context.Context, k Kit) error {
	if err := PatchStatus(ctx, k, p.Before, p.Obj); err != nil {
		return err
	}
	p.Events.Flush(k.Recorder, p.Obj)
	p.Before = p.Obj.DeepCopyObject().(T)
	return nil
}

// Run is the skeleton's body: the steps in order, then Ready from what the
// kind's ready declares (ready may first set the kind's other summary
// conditions from the steps' results) and the health conditions (Stalled,
// Reconciling), one
// status write if anything changed, the events once that write succeeded,
// and the next wake-up. The observed generation moves only when every step
// ran. An object being deleted is left alone.
func Run[T Object, S any](ctx context.Context, k Kit, p *Pass[T], s S, steps []Step[S], ready func(S) Ready) (ctrl.Result, error) {
	defer k.Quiet.Pass()
	if p.Obj.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, nil
	}
	if k.Written.Behind(p.Obj) {
		// The cache has not caught up with this controller's last write.
		return ctrl.Result{RequeueAfter: CacheCatchUp}, nil
	}
	var err error
	for _, st := range steps {
		if err = st(ctx, s); err != nil {
			break
		}
	}
	Finish(p, ready(s), err == nil)
	if p.Hold && err == nil {
		return p.result(), nil
	}
	if perr := PatchStatus(ctx, k, p.Before, p.Obj); perr != nil {
		err = errors.Join(err, perr)
	} else {
		p.Events.Flush(k.Recorder, p.Obj)
	}
	switch {
	case err == nil:
		return p.result(), nil
	case apierrors.IsConflict(err):
		// Another write got there first, or the cache was stale: run again
		// on fresh data after the queue's backoff. Not an error to log.
		ctrl.LoggerFrom(ctx).V(1).Info("the object changed under the reconcile; trying again", "conflict", err.Error())
		return ctrl.Result{Requeue: true}, nil //nolint:staticcheck // a rate-limited retry is what a conflict wants
	default:
		return ctrl.Result{}, err
	}
}

// Finish is what Run does to the status after the steps, short of writing
// it: the observed generation when every step ran, Ready from ready, and
// the health conditions. A controller that settles an object's status
// outside its own pass (in the same write as something else) finishes it
// the same way, so that the object's next pass finds nothing to write.
func Finish[T Object](p *Pass[T], ready Ready, ran bool) {
	if ran {
		p.Obj.SetObservedGeneration(p.Obj.GetGeneration())
	}
	SetReady(p, ready)
	setHealth(p)
}

// PatchStatus writes an object's status with one merge patch, and only when
// it changed: an idle cluster's resourceVersions stay still. The patch is
// the difference of the two statuses alone (the spec and metadata, which a
// status write cannot change, are neither compared nor encoded), and it
// carries the resourceVersion it was computed from, so a reconcile that read
// a stale copy from the cache fails with a conflict and runs again on fresh
// data, instead of taking a step (and announcing it) a second time.
func PatchStatus[T client.Object](ctx context.Context, k Kit, before, after T) error {
	was, is := statusOf(before), statusOf(after)
	if equality.Semantic.DeepEqual(was, is) {
		return nil
	}
	patch, err := statusPatch(before.GetResourceVersion(), was, is)
	if err != nil || patch == nil {
		return err
	}
	err = k.Status().Patch(ctx, after, patch)
	if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("writing the status of %T %s/%s: %w", after, after.GetNamespace(), after.GetName(), err)
	}
	if err == nil {
		k.Written.Note(after)
	}
	return nil
}

// statusOf is the value of an object's Status field.
func statusOf(o client.Object) any {
	return reflect.ValueOf(o).Elem().FieldByName("Status").Interface()
}

// statusPatch is the merge patch from one status to another, with the
// resourceVersion the first was read at (the optimistic lock), or nil when
// they encode alike.
func statusPatch(resourceVersion string, was, is any) (client.Patch, error) {
	from, err := json.Marshal(was)
	if err != nil {
		return nil, err
	}
	to, err := json.Marshal(is)
	if err != nil {
		return nil, err
	}
	diff, err := jsonpatch.CreateMergePatch(from, to)
	if err != nil {
		return nil, fmt.Errorf("computing the status patch: %w", err)
	}
	if string(diff) == "{}" {
		return nil, nil
	}
	rv, err := json.Marshal(resourceVersion)
	if err != nil {
		return nil, err
	}
	data := slices.Concat([]byte(`{"metadata":{"resourceVersion":`), rv, []byte(`},"status":`), diff, []byte(`}`))
	return client.RawPatch(types.MergePatchType, data), nil
}
