package controllers

import (
	"context"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// unitRecordWindow is how long a change to what a unit's register is made
// of (an incident, a report of its namespace) waits before the register is
// looked at again; every change within it makes the same one pass. A storm
// of thousands of incidents in one unit's namespace then costs a pass about
// a second over the unit's record, where each pass reads every incident of
// the namespace from the cache, instead of a pass per incident. It is under
// a second, as a follow-up pass's wait is: a record brought up to date, not
// a deadline of the plan (test/fakeclock waits such in real time).
const unitRecordWindow = 900 * time.Millisecond

// coalesced is a handler that enqueues the requests mapFn names window
// after the first change that named them: the work queue keeps a waiting
// request's earliest time, so every change in between makes the same one
// pass.
func coalesced(mapFn handler.MapFunc, window time.Duration) handler.EventHandler {
	add := func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request], objs ...client.Object) {
		for _, o := range objs {
			if o == nil {
				continue
			}
			for _, req := range mapFn(ctx, o) {
				q.AddAfter(req, window)
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
