package controllers

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// IndexIncidentRefs indexes responses by the incidents they cover, as
// "namespace/name".
const IndexIncidentRefs = "spec.incidentRefs"

// SetupIndexes registers the cache indexes the controllers use.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	return mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.EmergencyResponse{}, IndexIncidentRefs, func(o client.Object) []string {
		resp := o.(*v1alpha1.EmergencyResponse)
		keys := make([]string, 0, len(resp.Spec.IncidentRefs))
		for _, ref := range resp.Spec.IncidentRefs {
			keys = append(keys, ref.Namespace+"/"+ref.Name)
		}
		return keys
	})
}
