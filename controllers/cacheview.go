package controllers

import (
	"context"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// cachedIn returns the objects of T's kind in namespace ns ("" for every
// namespace) as the cache holds them: pointers to the cache's own objects,
// which the caller reads and never changes. A List, even without deep
// copies, copies every object into its list's items; with 10,000 incidents
// in a unit's namespace that is 10 MB for every pass over them, the
// largest part of the unit's pass and of the manager's short-lived memory
// in a storm. When c is nil, or its informer keeps no index (a cache
// spread over some namespaces), list is listed through r without deep
// copies and its items returned instead.
func cachedIn[T client.Object](ctx context.Context, c cache.Cache, r client.Reader, list client.ObjectList, ns string) ([]T, error) {
	if c != nil {
		inf, err := c.GetInformer(ctx, reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T))
		if err != nil {
			return nil, err
		}
		if si, ok := inf.(toolscache.SharedIndexInformer); ok {
			var items []any
			if ns == "" {
				items = si.GetIndexer().List()
			} else if items, err = si.GetIndexer().ByIndex(toolscache.NamespaceIndex, ns); err != nil {
				return nil, err
			}
			out := make([]T, 0, len(items))
			for _, it := range items {
				o, ok := it.(T)
				if !ok {
					return nil, fmt.Errorf("the cache holds a %T where a %s was expected", it, reflect.TypeFor[T]())
				}
				out = append(out, o)
			}
			return out, nil
		}
	}
	var opts []client.ListOption
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	if err := r.List(ctx, list, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		return nil, err
	}
	objs, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(T))
	}
	return out, nil
}
