package controllers

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// IndexIncidentRefs indexes responses by the incidents they cover, as
// "namespace/name".
const IndexIncidentRefs = "spec.incidentRefs"

// IndexController indexes work groups by the uid of the object that
// controls them (their response): a response finds its own five without
// scanning every work group of the namespace.
const IndexController = "metadata.ownerReferences.controller"

// SetupIndexes registers the cache indexes the controllers use.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.EmergencyResponse{}, IndexIncidentRefs, func(o client.Object) []string {
		resp := o.(*v1alpha1.EmergencyResponse)
		keys := make([]string, 0, len(resp.Spec.IncidentRefs))
		for _, ref := range resp.Spec.IncidentRefs {
			keys = append(keys, ref.Namespace+"/"+ref.Name)
		}
		return keys
	}); err != nil {
		return err
	}
	return mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.WorkGroup{}, IndexController, controllerUID)
}

// controllerOfKind wakes the object of this group and kind that controls
// the object changed, in its namespace: what Owns does, without asking the
// REST mapper on every change whether the owner's kind is namespaced (a tenth
// of the manager's allocations under a burst, in the bench's heap profile).
func controllerOfKind(kind string) handler.MapFunc {
	apiVersion := v1alpha1.GroupVersion.String()
	return func(_ context.Context, o client.Object) []ctrl.Request {
		ref := metav1.GetControllerOfNoCopy(o)
		if ref == nil || ref.Kind != kind || ref.APIVersion != apiVersion {
			return nil
		}
		return []ctrl.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: ref.Name}}}
	}
}

// controllerUID is the uid of an object's controller, if any.
func controllerUID(o client.Object) []string {
	if ref := metav1.GetControllerOfNoCopy(o); ref != nil {
		return []string{string(ref.UID)}
	}
	return nil
}
