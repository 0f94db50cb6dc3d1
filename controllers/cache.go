package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// lastApplied is the annotation kubectl apply keeps a whole copy of the
// object in; the operator never reads it.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// CacheOptions keep the informer caches small: the objects' managed fields
// and kubectl's last-applied copy are dropped before they are stored, so
// that the cache grows with the number of objects, not with the number of
// writers or the size of what was applied; so are the texts of a
// notification every audience has had (see dropTexts). Status patches are
// merge patches of the operator's own fields, so nothing dropped is ever
// written back.
func CacheOptions() cache.Options {
	strip := cache.TransformStripManagedFields()
	return cache.Options{
		DefaultTransform: toolscache.TransformFunc(func(in any) (any, error) {
			in, err := strip(in)
			if err != nil {
				return in, err
			}
			if obj, err := meta.Accessor(in); err == nil {
				if ann := obj.GetAnnotations(); ann[lastApplied] != "" {
					kept := make(map[string]string, len(ann)-1)
					for k, v := range ann {
						if k != lastApplied {
							kept[k] = v
						}
					}
					obj.SetAnnotations(kept)
				}
			}
			if n, ok := in.(*v1alpha1.Notification); ok {
				dropTexts(n)
			}
			return in, nil
		}),
	}
}

// dropTexts empties the message and data of a notification that every
// audience has had (Delivered): two texts and their facts as JSON, most of
// a notification's size, and one notification at least for every incident.
// Only a delivery sends them, and a delivery of a notification whose texts
// are dropped reads them from the API server first (withTexts); its sources
// read its event, audiences, channels and status. The API server never
// holds an empty message (minLength 1), so an empty one means dropped.
func dropTexts(n *v1alpha1.Notification) {
	if !isTrue(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition) {
		return
	}
	n.Spec.Message = v1alpha1.NotificationMessage{}
	n.Spec.Data = ""
}

// textsDropped says whether the cache dropped the notification's texts.
func textsDropped(n *v1alpha1.Notification) bool {
	return n.Spec.Message.ZH == "" && n.Spec.Message.EN == ""
}
