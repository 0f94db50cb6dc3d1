package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/netsec-io/incident-operator/test/builder"
)

// A storm of changes in a unit's namespace makes one pass over the unit's
// record per window, and a change after it makes another.
func TestCoalescedOnePassPerWindow(t *testing.T) {
	q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
	defer q.ShutDown()
	h := coalesced(func(_ context.Context, o client.Object) []ctrl.Request {
		return unitOfNamespace(context.Background(), o)
	}, 100*time.Millisecond)
	for i := range 500 {
		inc := builder.Incident(fmt.Sprintf("inc-%d", i), "unit-a").Obj()
		h.Create(context.Background(), event.CreateEvent{Object: inc}, q)
	}
	if q.Len() != 0 {
		t.Fatalf("%d passes queued at once; want them to wait for the window", q.Len())
	}
	time.Sleep(300 * time.Millisecond)
	if q.Len() != 1 {
		t.Fatalf("%d passes after the window; want one", q.Len())
	}
	req, _ := q.Get()
	q.Done(req)
	if req.Namespace != "unit-a" || req.Name != "unit-a" {
		t.Fatalf("queued %v, want the unit's register", req)
	}
	h.Update(context.Background(), event.UpdateEvent{ObjectOld: builder.Incident("x", "unit-a").Obj(), ObjectNew: builder.Incident("x", "unit-a").Obj()}, q)
	time.Sleep(300 * time.Millisecond)
	if q.Len() != 1 {
		t.Fatalf("a change after the window: %d passes, want one more", q.Len())
	}
}
