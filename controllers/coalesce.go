package controllers

import (
	"context"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// unitRecordWindow is how long a change to what a unit's register is made
// of (an incident, a report of its namespace) waits before the register is
// looked at again; every change within it makes the same one pass. A storm
// of thousands of incidents in one unit's namespace then costs a pass a
// second over the unit's record, where each pass reads every incident of
// the namespace from the cache, instead of a pass per incident.
const unitRecordWindow = time.Second

// coalesced is a handler that enqueues the requests mapFn names window
// after the first change that named them, once for every change in
// between. The wait is in real time, as a retry's is: a record brought up
// to date, not a deadline of the plan.
func coalesced(mapFn handler.MapFunc, window time.Duration) handler.EventHandler {
	c := &coalescer{window: window, pending: map[reconcile.Request]bool{}}
	add := func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request], objs ...client.Object) {
		for _, o := range objs {
			if o == nil {
				continue
			}
			for _, req := range mapFn(ctx, o) {
				c.add(q, req)
			}
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, q, e.Object)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, q, e.ObjectOld, e.ObjectNew)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, q, e.Object)
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, q, e.Object)
		},
	}
}

type coalescer struct {
	window  time.Duration
	mu      sync.Mutex
	pending map[reconcile.Request]bool
}

func (c *coalescer) add(q workqueue.TypedRateLimitingInterface[reconcile.Request], req ctrl.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[req] {
		return
	}
	c.pending[req] = true
	time.AfterFunc(c.window, func() {
		c.mu.Lock()
		delete(c.pending, req)
		c.mu.Unlock()
		q.Add(req)
	})
}
