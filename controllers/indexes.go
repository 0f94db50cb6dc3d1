package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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

// IndexIncidentNamespaces indexes responses by the namespaces of the
// incidents they refer to: a unit finds the responses over its incidents
// without reading every response.
const IndexIncidentNamespaces = "spec.incidentRefs.namespace"

// IndexController indexes work groups by the uid of the object that
// controls them (their response): a response finds its own five without
// scanning every work group of the namespace.
const IndexController = "metadata.ownerReferences.controller"

// IndexUnitReportTarget indexes units' reports by what they report on, as
// "EmergencyResponse/namespace/name", "Warning/namespace/name" or
// "SupportDispatch/namespace/name".
const IndexUnitReportTarget = "spec.target"

// unitReportTarget is the key IndexUnitReportTarget files a report under.
func unitReportTarget(ur *v1alpha1.UnitReport) string {
	switch {
	case ur.Spec.ResponseRef != nil:
		return targetKey(v1alpha1.DutyResponse, ur.Spec.ResponseRef.Namespace, ur.Spec.ResponseRef.Name)
	case ur.Spec.WarningRef != nil:
		return targetKey(v1alpha1.DutyWarning, ur.Spec.WarningRef.Namespace, ur.Spec.WarningRef.Name)
	case ur.Spec.DispatchRef != nil:
		return targetKey(v1alpha1.DutyDispatch, ur.Spec.DispatchRef.Namespace, ur.Spec.DispatchRef.Name)
	}
	return ""
}

func targetKey(kind v1alpha1.DutyKind, namespace, name string) string {
	return string(kind) + "/" + namespace + "/" + name
}

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
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.EmergencyResponse{}, IndexIncidentNamespaces, func(o client.Object) []string {
		return incidentNamespaces(o.(*v1alpha1.EmergencyResponse))
	}); err != nil {
		return err
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.UnitReport{}, IndexUnitReportTarget, func(o client.Object) []string {
		if k := unitReportTarget(o.(*v1alpha1.UnitReport)); k != "" {
			return []string{k}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.SupportDispatch{}, IndexDispatchIncident, func(o client.Object) []string {
		ref := o.(*v1alpha1.SupportDispatch).Spec.IncidentRef
		return []string{ref.Namespace + "/" + ref.Name}
	}); err != nil {
		return err
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.Notification{}, IndexDeliveryMessage, deliveryMessages); err != nil {
		return err
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.Notification{}, IndexLinkDelivery, linkChannels); err != nil {
		return err
	}
	return mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.WorkGroup{}, IndexController, controllerUID)
}

// IndexDispatchIncident indexes support dispatches by the incident they
// answer, as "namespace/name".
const IndexDispatchIncident = "spec.incidentRef"

// incidentNamespaces are the namespaces of a response's incidents, each once.
func incidentNamespaces(resp *v1alpha1.EmergencyResponse) []string {
	keys := make([]string, 0, len(resp.Spec.IncidentRefs))
	for _, ref := range resp.Spec.IncidentRefs {
		keys = append(keys, ref.Namespace)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// reportsOn lists the units' reports on one response or warning, oldest
// first by the time the operator received them.
func reportsOn(ctx context.Context, c client.Reader, kind v1alpha1.DutyKind, namespace, name string) ([]v1alpha1.UnitReport, error) {
	list := &v1alpha1.UnitReportList{}
	if err := c.List(ctx, list, client.MatchingFields{IndexUnitReportTarget: targetKey(kind, namespace, name)}); err != nil {
		return nil, err
	}
	out := list.Items
	slices.SortFunc(out, func(a, b v1alpha1.UnitReport) int {
		if c := receivedAt(&a).Compare(receivedAt(&b)); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	return out, nil
}

// firstAcknowledgements are the units' first acknowledgements, as
// received, of one warning, response or dispatch, by the unit's namespace.
func firstAcknowledgements(ctx context.Context, c client.Reader, kind v1alpha1.DutyKind, namespace, name string) (map[string]*v1alpha1.UnitReport, error) {
	reports, err := reportsOn(ctx, c, kind, namespace, name)
	if err != nil {
		return nil, fmt.Errorf("listing the units' acknowledgements: %w", err)
	}
	acks := map[string]*v1alpha1.UnitReport{}
	for i := range reports {
		ur := &reports[i]
		if ur.Spec.Type == v1alpha1.UnitReportAcknowledgement && ur.Status.ReceivedTime != nil && acks[ur.Namespace] == nil {
			acks[ur.Namespace] = ur
		}
	}
	return acks, nil
}

// receivedAt is when the operator received a unit's report; the zero time
// while it has not yet.
func receivedAt(ur *v1alpha1.UnitReport) time.Time {
	if ur.Status.ReceivedTime == nil {
		return time.Time{}
	}
	return ur.Status.ReceivedTime.Time
}

// unitTarget wakes the response or warning a unit's report is about.
func unitTarget(kind v1alpha1.DutyKind) handler.MapFunc {
	return func(_ context.Context, o client.Object) []ctrl.Request {
		ur := o.(*v1alpha1.UnitReport)
		var ref *v1alpha1.ObjectRef
		switch kind {
		case v1alpha1.DutyResponse:
			ref = ur.Spec.ResponseRef
		case v1alpha1.DutyWarning:
			ref = ur.Spec.WarningRef
		case v1alpha1.DutyDispatch:
			ref = ur.Spec.DispatchRef
		}
		if ref == nil {
			return nil
		}
		return []ctrl.Request{{NamespacedName: types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}}}
	}
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
