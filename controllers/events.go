package controllers

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// pendingEvent is an event decided during a reconcile and sent only once the
// status that records the same transition has been written, so that a failed
// write does not announce a change twice.
type pendingEvent struct {
	eventType, reason, action, note string
}

// eventLog collects events during one reconcile.
type eventLog struct {
	drill  bool
	events []pendingEvent
	// after runs once the status is written: metrics of the same transitions.
	after []func()
}

// then runs f once the status recording the transition is written.
func (l *eventLog) then(f func()) { l.after = append(l.after, f) }

func (l *eventLog) normal(reason, action, note string) {
	l.events = append(l.events, pendingEvent{"Normal", reason, action, note})
}

func (l *eventLog) warning(reason, action, note string) {
	l.events = append(l.events, pendingEvent{"Warning", reason, action, note})
}

// flush sends the collected events; a drill's say so in their first word.
func (l *eventLog) flush(rec events.EventRecorder, obj runtime.Object) {
	for _, e := range l.events {
		note := e.note
		if l.drill {
			note = "DRILL: " + note
		}
		rec.Eventf(obj, nil, e.eventType, e.reason, e.action, "%s", truncate(note, 1024))
	}
	l.events = nil
	for _, f := range l.after {
		f()
	}
	l.after = nil
}
