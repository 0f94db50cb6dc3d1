package controllers

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/serializer"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// BenchmarkCachedIncident reports what one incident takes in the informer
// cache: the heap in use per object once b.N copies of one classified
// incident (testdata/cached-incident.json, as the API server served it,
// its managed fields and kubectl's copy left out) are decoded as a watch
// decodes them, passed through the cache's transform, and kept.
//
//	go test -run '^$' -bench CachedIncident -benchtime 10000x ./controllers
func BenchmarkCachedIncident(b *testing.B) {
	data, err := os.ReadFile("testdata/cached-incident.json")
	if err != nil {
		b.Fatal(err)
	}
	decoder := serializer.NewCodecFactory(apiScheme(b)).UniversalDeserializer()
	transform := CacheOptions().DefaultTransform
	kept := make([]any, 0, b.N)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range b.N {
		obj, _, err := decoder.Decode(data, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		inc := obj.(*v1alpha1.SecurityIncident)
		// Every incident has a name of its own.
		inc.Name += "-" + strconv.Itoa(i)
		cached, err := transform(inc)
		if err != nil {
			b.Fatal(err)
		}
		kept = append(kept, cached)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heap-B/incident")
	runtime.KeepAlive(kept)
}
