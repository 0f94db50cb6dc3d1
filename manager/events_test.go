package manager

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestEventWriter(t *testing.T) {
	scheme := kruntime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	c := fake.NewClientBuilder().WithScheme(scheme).Build()
	var dropped []string
	w := &eventWriter{c: c, scheme: scheme, controller: "incident-operator", instance: "incident-operator-host",
		queue: make(chan *eventsv1.Event, 2), retryAfter: time.Millisecond, attemptTimeout: time.Second,
		dropped: func(e *eventsv1.Event) { dropped = append(dropped, e.Reason) }}

	inc := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "inc", Namespace: "ns", UID: "u1"}}
	wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: "wg", Namespace: "ns", UID: "u2"}}
	w.Eventf(inc, nil, corev1.EventTypeNormal, "Classified", "Classify", "Level %s.", "IV")
	w.Eventf(inc, wg, corev1.EventTypeNormal, "Classified", "Classify", "Level %s.", "III")
	w.Eventf(inc, nil, corev1.EventTypeWarning, "Overflow", "Classify", "no room")
	if len(dropped) != 1 || dropped[0] != "Overflow" {
		t.Fatalf("a full queue drops the newest event: dropped %v", dropped)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Start(ctx); close(done) }()
	var list eventsv1.EventList
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if err := c.List(ctx, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) == 2 {
			break
		}
	}
	cancel()
	<-done
	if len(list.Items) != 2 {
		t.Fatalf("events written: %d, want 2 (the same reason twice is two events)", len(list.Items))
	}
	for _, e := range list.Items {
		if e.Namespace != "ns" || e.Regarding.Name != "inc" || e.Regarding.Kind != "SecurityIncident" || e.Reason != "Classified" ||
			e.ReportingController != "incident-operator" || e.ReportingInstance != "incident-operator-host" || e.EventTime.IsZero() || e.Series != nil {
			t.Errorf("event %+v", e)
		}
		if e.Related != nil && e.Related.Name != "wg" {
			t.Errorf("related %+v, want the work group", e.Related)
		}
		if e.Note != "Level IV." && e.Note != "Level III." {
			t.Errorf("note %q", e.Note)
		}
	}
}
