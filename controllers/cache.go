package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// lastApplied is the annotation kubectl apply keeps a whole copy of the
// object in; the operator never reads it.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// CacheOptions keep the informer caches small: the objects' managed fields
// and kubectl's last-applied copy are dropped before they are stored, so
// that the cache grows with the number of objects, not with the number of
// writers or the size of what was applied. Status patches are merge patches
// of the operator's own fields, so nothing dropped is ever written back.
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
			return in, nil
		}),
	}
}
