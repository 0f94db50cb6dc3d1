package controllers

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The Cached benchmarks report what one object takes in the informer
// cache: the heap in use per object once b.N copies of one
// (testdata/cached-*.json, as the API server served it in a bench run, its
// managed fields and kubectl's copy left out) are decoded as a watch
// decodes them, each under a name of its own and with the times a burst
// would give it (inBurst), passed through the cache's transform, and kept.
// The incident is classified; the notification is its report to the
// office, delivered in a grouped message; the work group is one of an
// approved response's five, and the response is active.
//
//	go test -run '^$' -bench Cached -benchtime 10000x ./controllers
func BenchmarkCachedIncident(b *testing.B) {
	// Incidents differ in their earliest reported times, which the API
	// server keeps in their annotations.
	benchmarkCached(b, "testdata/cached-incident.json", "incident", func(o client.Object, i int) {
		ann := o.GetAnnotations()
		at := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Second)
		ann[v1alpha1.AnnotationEarliestOccurredAt] = at.Format(time.RFC3339)
		ann[v1alpha1.AnnotationEarliestDiscoveredAt] = at.Add(5 * time.Minute).Format(time.RFC3339)
		st := &o.(*v1alpha1.SecurityIncident).Status
		inBurst(st.Conditions, i, st.ClassifiedTime, st.Timeline.ClassifiedTime, st.Timeline.ReportedTime, st.Deadlines[0].CompletedTime)
	})
}

func BenchmarkCachedNotification(b *testing.B) {
	benchmarkCached(b, "testdata/cached-notification.json", "notification", func(o client.Object, i int) {
		st := &o.(*v1alpha1.Notification).Status
		inBurst(st.Conditions, i, st.DeliveredTime, st.Deliveries[0].DeliveredTime, st.Deliveries[0].LastAttemptTime)
	})
}

func BenchmarkCachedWorkGroup(b *testing.B) {
	// A response's five work groups, each labelled with its response and
	// its type, as the operator creates them.
	types := v1alpha1.AllWorkGroupTypes
	benchmarkCached(b, "testdata/cached-workgroup.json", "workgroup", func(o client.Object, i int) {
		wg := o.(*v1alpha1.WorkGroup)
		resp := "resp-" + strconv.Itoa(i/len(types))
		wg.Spec.Type = types[i%len(types)]
		wg.Labels = map[string]string{v1alpha1.LabelResponse: resp, v1alpha1.LabelWorkGroupType: string(wg.Spec.Type)}
		wg.OwnerReferences[0].Name = resp
		inBurst(wg.Status.Conditions, i)
	})
}

func BenchmarkCachedResponse(b *testing.B) {
	benchmarkCached(b, "testdata/cached-response.json", "response", func(o client.Object, i int) {
		inBurst(o.(*v1alpha1.EmergencyResponse).Status.Conditions, i)
	})
}

// inBurst gives conditions and times the time the i-th object of a burst
// would have them: a hundred objects a second, as a burst's levels and a
// grouped message's deliveries are written on the project's 2-core
// machine. A time the same to the second as another's, as the API server
// keeps them, is the same to the cache, which keeps such times, and short
// lists of such conditions, once.
func inBurst(conditions []metav1.Condition, i int, times ...*metav1.Time) {
	later := time.Duration(i/100) * time.Second
	for j := range conditions {
		conditions[j].LastTransitionTime = metav1.NewTime(conditions[j].LastTransitionTime.Add(later))
	}
	for _, t := range times {
		t.Time = t.Add(later)
	}
}

// benchmarkCached keeps b.N copies of the object in file, each under a name
// of its own and passed to vary (when not nil) with its number.
func benchmarkCached(b *testing.B, file, unit string, vary func(client.Object, int)) {
	data, err := os.ReadFile(file)
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
		o := obj.(client.Object)
		o.SetName(o.GetName() + "-" + strconv.Itoa(i))
		if vary != nil {
			vary(o, i)
		}
		cached, err := transform(o)
		if err != nil {
			b.Fatal(err)
		}
		kept = append(kept, cached)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heap-B/"+unit)
	runtime.KeepAlive(kept)
}
