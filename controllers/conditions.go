package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// setCondition sets one condition, stamping the generation it describes.
// The transition time moves only when the status does.
func setCondition(conds *[]metav1.Condition, generation int64, now time.Time, typ string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(conds, metav1.Condition{
		Type:               typ,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: generation,
		LastTransitionTime: metav1.NewTime(now),
	})
}

// truncate keeps a message within a status field's limit.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// patchStatus writes an object's status with one merge patch, and only when
// it changed: an idle cluster's resourceVersions stay still. The patch
// carries the resourceVersion it was computed from, so a reconcile that read
// a stale copy from the cache fails with a conflict and runs again on fresh
// data, instead of taking a step (and announcing it) a second time.
func patchStatus[T client.Object](ctx context.Context, c client.Client, before, after T, status func(T) any) error {
	if equality.Semantic.DeepEqual(status(before), status(after)) {
		return nil
	}
	if err := c.Status().Patch(ctx, after, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("writing the status of %T %s/%s: %w", after, after.GetNamespace(), after.GetName(), err)
	}
	return nil
}
