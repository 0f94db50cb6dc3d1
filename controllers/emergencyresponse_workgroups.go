package controllers

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
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

func desiredWorkGroups(resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroupType {
	if len(resp.Spec.WorkGroups) == 0 {
		return v1alpha1.AllWorkGroupTypes
	}
	return resp.Spec.WorkGroups
}

// reconcileWorkGroups creates the work groups of a started response, brings
// back deleted ones, removes those no longer asked for, and marks them when
// the response has ended.
func (r *EmergencyResponseReconciler) reconcileWorkGroups(ctx context.Context, s *responseScope) error {
	resp := s.obj
	if !started(resp) {
		resp.Status.WorkGroups = nil
		s.setWorkGroupsReady(nil, nil)
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
	var notReady []string
	for _, name := range names {
		waiting, err := r.ensureWorkGroup(ctx, s, existing[name], name, desired[name])
		if err != nil {
			return err
		}
		if waiting != "" {
			notReady = append(notReady, waiting)
		}
	}
	resp.Status.WorkGroups = names
	s.setWorkGroupsReady(names, notReady)
	return nil
}

// ownedWorkGroups lists the work groups the response controls, by name.
func (r *EmergencyResponseReconciler) ownedWorkGroups(ctx context.Context, resp *v1alpha1.EmergencyResponse) (map[string]*v1alpha1.WorkGroup, error) {
	owned := &v1alpha1.WorkGroupList{}
	if err := r.List(ctx, owned, client.InNamespace(resp.Namespace), client.MatchingLabels{v1alpha1.LabelResponse: resp.Name}); err != nil {
		return nil, fmt.Errorf("listing work groups: %w", err)
	}
	existing := map[string]*v1alpha1.WorkGroup{}
	for i := range owned.Items {
		if wg := &owned.Items[i]; metav1.IsControlledBy(wg, resp) {
			existing[wg.Name] = wg
		}
	}
	return existing, nil
}

// removeUnwanted deletes the work groups no longer asked for.
func (r *EmergencyResponseReconciler) removeUnwanted(ctx context.Context, s *responseScope, existing map[string]*v1alpha1.WorkGroup, desired map[string]v1alpha1.WorkGroupType) error {
	resp := s.obj
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
		s.events.add(normalEvent(v1alpha1.ResponseWorkGroupRemovedEvent, "SetUpWorkGroups",
			fmt.Sprintf("Work group %s is no longer asked for and was removed.", name)).about(wg))
	}
	return nil
}

// ensureWorkGroup creates a missing work group and marks an existing one
// ended when the response has ended. It names what is waited for, or ""
// when the work group is ready.
func (r *EmergencyResponseReconciler) ensureWorkGroup(ctx context.Context, s *responseScope, wg *v1alpha1.WorkGroup, name string, t v1alpha1.WorkGroupType) (string, error) {
	resp := s.obj
	if wg == nil {
		wg = &v1alpha1.WorkGroup{
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
			return "", err
		}
		if err := r.Create(ctx, wg); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return name + " (the name is taken by an object this response does not own)", nil
			}
			return "", fmt.Errorf("creating work group %s: %w", name, err)
		}
		s.events.add(normalEvent(v1alpha1.ResponseWorkGroupCreatedEvent, "SetUpWorkGroups", fmt.Sprintf("Work group %s (%s) set up.", name, t)).about(wg))
		return name, nil
	}
	if ended(resp) && wg.Labels[v1alpha1.LabelResponseEnded] != "true" {
		patch := client.MergeFrom(wg.DeepCopy())
		wg.Labels[v1alpha1.LabelResponseEnded] = "true"
		if err := r.Patch(ctx, wg, patch); err != nil {
			return "", fmt.Errorf("marking work group %s ended: %w", name, err)
		}
	}
	if c := meta.FindStatusCondition(wg.Status.Conditions, v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue || wg.DeletionTimestamp != nil {
		return name, nil
	}
	return "", nil
}
