package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/text"
)

const (
	maxConditionMessage = v1alpha1.MaxConditionMessage
	maxEventNote        = v1alpha1.MaxEventNote
)

// event is one event decided during a reconcile. It is sent only once the
// status that records the same transition has been written, so that a
// failed write does not announce a change twice.
type event struct {
	eventType, reason, action, note string
}

// normalEvent and warningEvent make the two types of event.
func normalEvent(reason, action, note string) event {
	return event{eventType: corev1.EventTypeNormal, reason: reason, action: action, note: note}
}

func warningEvent(reason, action, note string) event {
	return event{eventType: corev1.EventTypeWarning, reason: reason, action: action, note: note}
}

// eventLog collects the events of one reconcile.
type eventLog struct {
	drill  bool
	events []event
	// after runs once the status is written: metrics of the same transitions.
	after []func()
}

// add records an event.
func (l *eventLog) add(e event) { l.events = append(l.events, e) }

// then runs f once the status recording the transition is written.
func (l *eventLog) then(f func()) { l.after = append(l.after, f) }

// flush sends the collected events; a drill's say so in their first word.
func (l *eventLog) flush(rec events.EventRecorder, obj runtime.Object) {
	for _, e := range l.events {
		note := e.note
		if l.drill {
			note = "DRILL: " + note
		}
		rec.Eventf(obj, nil, e.eventType, e.reason, e.action, "%s", text.Truncate(note, maxEventNote))
	}
	l.events = nil
	for _, f := range l.after {
		f()
	}
	l.after = nil
}
