package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// workGroupName is the work group's deterministic name: the response's name
// and the type in kebab case.
func workGroupName(resp string, t v1alpha1.WorkGroupType) string {
	var b strings.Builder
	for i, c := range string(t) {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return resp + "-" + b.String()
}

// desiredWorkGroups are the work groups a started response sets up: those
// named, else, at III and IV, the five of §5.3; a I or II response runs
// under the ministry's command and sets up only those named.
func desiredWorkGroups(resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroupType {
	if len(resp.Spec.WorkGroups) == 0 && !commandedByMinistry(resp.Status.Level) {
		return v1alpha1.AllWorkGroupTypes
	}
	return resp.Spec.WorkGroups
}

// commandedByMinistry: a I or II response is commanded by the ministry's
// leading group (I) or its emergency office (II) (§5.3).
func commandedByMinistry(l v1alpha1.Level) bool { return l == v1alpha1.LevelI || l == v1alpha1.LevelII }

// commandOf names who commands a response at level l (§5.3).
func commandOf(l v1alpha1.Level) string {
	switch l {
	case v1alpha1.LevelI:
		return "MinistryLeadingGroup"
	case v1alpha1.LevelII:
		return "MinistryOffice"
	case "":
		return ""
	}
	return "Office"
}

// reconcileWorkGroups creates the work groups of a started response (all
// missing ones at once), brings back deleted ones, removes those no longer
// asked for, and marks them when the response has ended.
func (r *EmergencyResponseReconciler) reconcileWorkGroups(ctx context.Context, s *responseScope) error {
	resp := s.Obj
	if !started(resp) {
		resp.Status.WorkGroups = nil
		s.setWorkGroupsReady(nil, nil, nil)
		return nil
	}
	existing, err := r.ownedWorkGroups(ctx, resp)
	if err != nil {
		return err
	}
	desired := map[string]v1alpha1.WorkGroupType{}
	var names []string
	for _, t := range desiredWorkGroups(resp) {
		n := workGroupName(resp.Name, t)
		desired[n] = t
		names = append(names, n)
	}
	if !ended(resp) {
		if err := r.removeUnwanted(ctx, s, existing, desired); err != nil {
			return err
		}
	}
	var missing, waiting []string
	for _, name := range names {
		wg := existing[name]
		if wg == nil {
			key := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Namespace: resp.Namespace, Name: name}}
			if left, ok := r.Written.Unseen(key, resp.UID); ok {
				// Created by an earlier pass; the cache has not seen it
				// yet. A create now would be refused as existing.
				s.RecheckIn(left)
				waiting = append(waiting, name)
				continue
			}
			missing = append(missing, name)
			continue
		}
		r.Written.Behind(wg) // held by the cache: its creation is forgotten
		if err := r.markEnded(ctx, resp, wg); err != nil {
			return err
		}
		if !workGroupReady(wg) {
			waiting = append(waiting, name)
		}
	}
	if deleting, err := r.goneWithResponse(ctx, resp, missing); err != nil || deleting {
		return err
	}
	created, inFlight, taken, err := r.createWorkGroups(ctx, s, missing, desired)
	// The ones created are waited for; the event names them even when
	// another create failed.
	waiting = append(append(waiting, created...), inFlight...)
	if len(created) > 0 {
		s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseWorkGroupCreatedEvent, "SetUpWorkGroups",
			fmt.Sprintf("Work groups set up: %s.", strings.Join(created, ", "))))
	}
	if err != nil {
		return err
	}
	resp.Status.WorkGroups = names
	s.setWorkGroupsReady(names, waiting, taken)
	return nil
}

func workGroupReady(wg *v1alpha1.WorkGroup) bool {
	return wg.DeletionTimestamp == nil && meta.IsStatusConditionTrue(wg.Status.Conditions, v1alpha1.ConditionReady)
}

// ownedWorkGroups lists the work groups the response controls, by name,
// from the cache's index of controllers (indexes.go).
func (r *EmergencyResponseReconciler) ownedWorkGroups(ctx context.Context, resp *v1alpha1.EmergencyResponse) (map[string]*v1alpha1.WorkGroup, error) {
	owned := &v1alpha1.WorkGroupList{}
	if err := r.List(ctx, owned, client.InNamespace(resp.Namespace), client.MatchingFields{IndexController: string(resp.UID)}); err != nil {
		return nil, fmt.Errorf("listing work groups: %w", err)
	}
	existing := make(map[string]*v1alpha1.WorkGroup, len(owned.Items))
	for i := range owned.Items {
		if wg := &owned.Items[i]; metav1.IsControlledBy(wg, resp) {
			existing[wg.Name] = wg
		}
	}
	return existing, nil
}

// removeUnwanted deletes the work groups no longer asked for, and announces
// them in one event.
func (r *EmergencyResponseReconciler) removeUnwanted(ctx context.Context, s *responseScope, existing map[string]*v1alpha1.WorkGroup, desired map[string]v1alpha1.WorkGroupType) error {
	resp := s.Obj
	var removed []string
	defer func() {
		if len(removed) > 0 {
			slices.Sort(removed)
			s.Events.Add(reconcile.NormalEvent(v1alpha1.ResponseWorkGroupRemovedEvent, "SetUpWorkGroups",
				fmt.Sprintf("Work groups no longer asked for were removed: %s.", strings.Join(removed, ", "))))
		}
	}()
	for name, wg := range existing {
		if _, ok := desired[name]; ok || wg.DeletionTimestamp != nil {
			continue
		}
		if len(wg.Spec.Reports) > 0 && !resp.Spec.Drill {
			// It holds progress reports: it stays on record (the API server
			// would refuse the delete, config/admission/record.yaml).
			continue
		}
		if err := r.Delete(ctx, wg); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("removing work group %s: %w", name, err)
		}
		removed = append(removed, name)
	}
	return nil
}

// goneWithResponse says whether work groups the response had set up before
// (status.workGroups) are missing because the response is being deleted:
// the garbage collector deletes them first when the deletion is in the
// foreground, and the cache may show their deletion before the response's
// deletionTimestamp. It asks the API server, not the cache, and only then:
// a first set-up costs no extra read. A response being deleted gets no work
// group back.
func (r *EmergencyResponseReconciler) goneWithResponse(ctx context.Context, resp *v1alpha1.EmergencyResponse, missing []string) (bool, error) {
	if r.APIReader == nil || !slices.ContainsFunc(missing, func(n string) bool { return slices.Contains(resp.Status.WorkGroups, n) }) {
		return false, nil
	}
	live := &v1alpha1.EmergencyResponse{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(resp), live); err != nil {
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, fmt.Errorf("reading response %s before bringing its work groups back: %w", resp.Name, err)
	}
	return live.UID != resp.UID || live.DeletionTimestamp != nil, nil
}

// createWorkGroups creates the missing work groups at once, one request
// each in parallel: a response's set-up waits for one round trip, not five.
// It returns the names created, those already there but not yet in the
// cache (waited for too), and those taken by objects the response does not
// own; the error is the first create that failed.
func (r *EmergencyResponseReconciler) createWorkGroups(ctx context.Context, s *responseScope, missing []string, desired map[string]v1alpha1.WorkGroupType) (created, inFlight, taken []string, err error) {
	if len(missing) == 0 {
		return nil, nil, nil, nil
	}
	wgs := make([]*v1alpha1.WorkGroup, len(missing))
	for i, name := range missing {
		if wgs[i], err = r.newWorkGroup(s.Obj, name, desired[name]); err != nil {
			return nil, nil, nil, err
		}
	}
	outcome := make([]error, len(wgs))
	var g errgroup.Group
	for i, wg := range wgs {
		g.Go(func() error {
			outcome[i] = r.Create(ctx, wg)
			return nil
		})
	}
	_ = g.Wait()
	for i, e := range outcome {
		switch {
		case e == nil:
			created = append(created, missing[i])
			r.Written.NoteCreated(wgs[i], s.Obj.UID)
		case apierrors.IsAlreadyExists(e) && r.heldByAnother(ctx, s.Obj, missing[i]):
			taken = append(taken, missing[i])
		case apierrors.IsAlreadyExists(e):
			// Created by an earlier pass that the cache has not seen yet.
			inFlight = append(inFlight, missing[i])
		case err == nil:
			err = fmt.Errorf("creating work group %s: %w", missing[i], e)
		}
	}
	return created, inFlight, taken, err
}

// heldByAnother says whether the cache holds an object of that name that
// resp does not control. One it does not hold yet is taken to be the
// response's own, created by an earlier pass.
func (r *EmergencyResponseReconciler) heldByAnother(ctx context.Context, resp *v1alpha1.EmergencyResponse, name string) bool {
	wg := &v1alpha1.WorkGroup{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: resp.Namespace, Name: name}, wg); err != nil {
		return false
	}
	return !metav1.IsControlledBy(wg, resp)
}

// newWorkGroup is a work group of resp, controlled by it.
func (r *EmergencyResponseReconciler) newWorkGroup(resp *v1alpha1.EmergencyResponse, name string, t v1alpha1.WorkGroupType) (*v1alpha1.WorkGroup, error) {
	wg := &v1alpha1.WorkGroup{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: resp.Namespace,
			Labels: map[string]string{v1alpha1.LabelResponse: resp.Name, v1alpha1.LabelWorkGroupType: string(t)},
		},
		Spec: v1alpha1.WorkGroupSpec{Type: t},
	}
	if ended(resp) {
		wg.Labels[v1alpha1.LabelResponseEnded] = "true"
	}
	if resp.Spec.Drill {
		wg.Labels[v1alpha1.LabelDrill] = "true"
	}
	if err := controllerutil.SetControllerReference(resp, wg, r.Scheme()); err != nil {
		return nil, err
	}
	return wg, nil
}

// markEnded labels a work group of an ended response.
func (r *EmergencyResponseReconciler) markEnded(ctx context.Context, resp *v1alpha1.EmergencyResponse, wg *v1alpha1.WorkGroup) error {
	if !ended(resp) || wg.Labels[v1alpha1.LabelResponseEnded] == "true" {
		return nil
	}
	patch := client.MergeFrom(wg.DeepCopy())
	if wg.Labels == nil {
		wg.Labels = map[string]string{}
	}
	wg.Labels[v1alpha1.LabelResponseEnded] = "true"
	if err := r.Patch(ctx, wg, patch); err != nil {
		return fmt.Errorf("marking work group %s ended: %w", wg.Name, err)
	}
	return nil
}
