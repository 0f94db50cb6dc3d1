package reconcile

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

// Event is one event decided during a reconcile. It is sent only once the
// status that records the same transition has been written, so that a
// failed write does not announce a change twice.
type Event struct {
	eventType, reason, action, note string
}

// NormalEvent and WarningEvent make the two types of event.
func NormalEvent(reason, action, note string) Event {
	return Event{eventType: corev1.EventTypeNormal, reason: reason, action: action, note: note}
}

// WarningEvent makes a Warning event.
func WarningEvent(reason, action, note string) Event {
	return Event{eventType: corev1.EventTypeWarning, reason: reason, action: action, note: note}
}

// EventLog collects the events of one reconcile.
type EventLog struct {
	Drill  bool
	events []Event
	// after runs once the status is written: metrics of the same transitions.
	after []func()
}

// Add records an event.
func (l *EventLog) Add(e Event) { l.events = append(l.events, e) }

// Then runs f once the status recording the transition is written.
func (l *EventLog) Then(f func()) { l.after = append(l.after, f) }

// Flush sends the collected events; a drill's say so in their first word.
func (l *EventLog) Flush(rec events.EventRecorder, obj runtime.Object) {
	for _, e := range l.events {
		note := e.note
		if l.Drill {
			note = "DRILL: " + note
		}
		// A note names what people typed (a cause, an approver, a
		// delivery's error): text.Inline keeps it one line of plain text.
		rec.Eventf(obj, nil, e.eventType, e.reason, e.action, "%s", text.Truncate(text.Inline(note), maxEventNote))
	}
	l.events = nil
	for _, f := range l.after {
		f()
	}
	l.after = nil
}

// Reasons lists the events decided so far, each as "Type/Reason".
func (l *EventLog) Reasons() []string {
	var out []string
	for _, e := range l.events {
		out = append(out, e.eventType+"/"+e.reason)
	}
	return out
}
