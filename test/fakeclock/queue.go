// Package fakeclock gives the controllers' work queues a clock a test can
// step, for the envtest suites that drive the plan's deadlines.
package fakeclock

import (
	"time"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// NewQueue makes the controllers' work queues wait on clk, so that a
// RequeueAfter set for a deadline comes due when the test steps the clock
// past it. Retries after an error (AddRateLimited) and waits shorter than
// a second (a reconcile's follow-up pass; the skeleton never wakes for a
// deadline sooner than a second) still wait in real time, as in
// production: they are not the plan's deadlines.
func NewQueue(clk clock.WithTicker) func(string, workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	return func(name string, limiter workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
		q := workqueue.NewTypedRateLimitingQueueWithConfig(limiter, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{Name: name, Clock: clk})
		return &realTimeRetries{TypedRateLimitingInterface: q, limiter: limiter}
	}
}

type realTimeRetries struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	limiter workqueue.TypedRateLimiter[reconcile.Request]
}

func (q *realTimeRetries) AddRateLimited(r reconcile.Request) {
	time.AfterFunc(q.limiter.When(r), func() { q.Add(r) })
}

func (q *realTimeRetries) AddAfter(r reconcile.Request, d time.Duration) {
	if d < time.Second {
		time.AfterFunc(d, func() { q.Add(r) })
		return
	}
	q.TypedRateLimitingInterface.AddAfter(r, d)
}

func (q *realTimeRetries) Forget(r reconcile.Request) { q.limiter.Forget(r) }

func (q *realTimeRetries) NumRequeues(r reconcile.Request) int { return q.limiter.NumRequeues(r) }
