package reconcile

import (
	"testing"
	"time"
)

// fakeTimers stands in for time.AfterFunc: the test fires what is due.
type fakeTimers struct {
	now     time.Time
	pending []fakeTimer
}

type fakeTimer struct {
	at time.Time
	f  func()
}

func (ft *fakeTimers) after(d time.Duration, f func()) {
	ft.pending = append(ft.pending, fakeTimer{at: ft.now.Add(d), f: f})
}

// advance moves the clock by d and fires the timers then due, in order.
func (ft *fakeTimers) advance(d time.Duration) {
	ft.now = ft.now.Add(d)
	for {
		i := -1
		for j, t := range ft.pending {
			if !t.at.After(ft.now) && (i < 0 || t.at.Before(ft.pending[i].at)) {
				i = j
			}
		}
		if i < 0 {
			return
		}
		t := ft.pending[i]
		ft.pending = append(ft.pending[:i], ft.pending[i+1:]...)
		t.f()
	}
}

func TestQuietCallsOnceThePassesStop(t *testing.T) {
	ft := &fakeTimers{now: time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)}
	calls := 0
	q := NewQuiet(10*time.Second, func() { calls++ })
	q.now, q.after = func() time.Time { return ft.now }, ft.after

	// A busy spell: a pass every 3 s for a minute. One timer at a time,
	// and nothing called while the passes go on.
	for range 20 {
		q.Pass()
		if len(ft.pending) > 1 {
			t.Fatalf("%d timers set, want at most one", len(ft.pending))
		}
		ft.advance(3 * time.Second)
	}
	if calls != 0 {
		t.Fatalf("called %d times while passes ran every 3 s, want 0", calls)
	}
	// 10 s after the last pass (3 s of it gone already), and not before.
	ft.advance(6 * time.Second)
	if calls != 0 {
		t.Fatalf("called 9 s after the last pass, want only after 10 s")
	}
	ft.advance(time.Second)
	if calls != 1 {
		t.Fatalf("called %d times 10 s after the last pass, want once", calls)
	}
	// Quiet: no timer left running, nothing called again.
	if len(ft.pending) != 0 {
		t.Errorf("%d timers left running in a quiet spell", len(ft.pending))
	}
	ft.advance(time.Hour)
	if calls != 1 {
		t.Errorf("called %d times after an hour of quiet, want once", calls)
	}
	// The next spell is told again.
	q.Pass()
	ft.advance(10 * time.Second)
	if calls != 2 {
		t.Errorf("after a second spell: called %d times, want 2", calls)
	}
}

func TestQuietOff(t *testing.T) {
	if q := NewQuiet(0, func() { t.Error("called") }); q != nil {
		t.Fatalf("a delay of 0 made a Quiet")
	}
	var q *Quiet
	q.Pass() // nil tells nothing, and does not panic
}
