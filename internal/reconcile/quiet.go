package reconcile

import (
	"sync"
	"time"
)

// Quiet calls a func once the passes it is told of (Pass) have stopped for
// a while: the end of a busy spell, such as a storm of incidents and the
// reports after it. It sets a timer on the first pass after a quiet spell
// and, when the timer fires, sets it again for what is left of the while if
// a pass ran since; a quiet operator has no timer running.
type Quiet struct {
	delay time.Duration
	f     func()
	now   func() time.Time
	// after runs f once d has passed (time.AfterFunc).
	after func(d time.Duration, f func())

	mu    sync.Mutex
	last  time.Time
	armed bool
}

// NewQuiet calls f once no pass has run for delay after the last one; nil
// for a delay of 0 or less, which calls nothing.
func NewQuiet(delay time.Duration, f func()) *Quiet {
	if delay <= 0 {
		return nil
	}
	return &Quiet{delay: delay, f: f, now: time.Now,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// Pass tells q that a pass has just run. Nil tells nothing.
func (q *Quiet) Pass() {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.last = q.now()
	if !q.armed {
		q.armed = true
		q.after(q.delay, q.check)
	}
}

// check runs when the timer fires: f if no pass ran for the delay, else
// the timer again for the rest of it.
func (q *Quiet) check() {
	q.mu.Lock()
	if left := q.delay - q.now().Sub(q.last); left > 0 {
		q.after(left, q.check)
		q.mu.Unlock()
		return
	}
	q.armed = false
	q.mu.Unlock()
	q.f()
}
