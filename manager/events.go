package manager

import (
	"context"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/reference"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/recorder"
)

// Bounds of the event writer: how many events may wait to be written, how
// many are written at once, and how often one is tried. A burst of 5,000
// incidents makes about 1.5 events each within a minute or two, against an
// API server that answers slowly meanwhile: two writers and a queue of 1,000
// lost half of them (bench, 7,572 events against 14,495). A full queue is a
// few MB for as long as the API server lags, not a history.
const (
	eventQueue    = 4096
	eventWriters  = 16
	eventAttempts = 12
)

// eventWriter records events (events.k8s.io/v1) in the background and
// forgets each once written. client-go's broadcaster, which the manager's
// recorder uses, keeps a copy of every event for six to twelve minutes to
// fold repeats into a series: at a burst of ten thousand incidents that was
// 15 MB of the manager's heap, growing with the events' history rather than
// with the objects. The operator sends an event once per transition,
// after the status that records it is written, so there is little to fold;
// the same reason twice on one object is two events.
type eventWriter struct {
	c                    client.Client
	scheme               *runtime.Scheme
	controller, instance string
	queue                chan *eventsv1.Event
	retryAfter           time.Duration
	dropped              func(*eventsv1.Event)
	attemptTimeout       time.Duration
}

var _ recorder.EventRecorder = (*eventWriter)(nil)

// withEventWriter is the manager whose event recorder is w.
type withEventWriter struct {
	ctrl.Manager
	w *eventWriter
}

// GetEventRecorder returns the event writer, whatever the name: the
// operator records as one controller.
func (m withEventWriter) GetEventRecorder(string) recorder.EventRecorder { return m.w }

// newEventWriter records events as controller ("incident-operator"), from
// this host, through c; mgr runs its writers.
func newEventWriter(mgr ctrl.Manager, c client.Client, controller string) (*eventWriter, error) {
	host, _ := os.Hostname()
	w := &eventWriter{
		c: c, scheme: mgr.GetScheme(), controller: controller, instance: controller + "-" + host,
		queue: make(chan *eventsv1.Event, eventQueue), retryAfter: time.Second, attemptTimeout: 10 * time.Second,
	}
	log := mgr.GetLogger().WithName("events")
	w.dropped = func(e *eventsv1.Event) {
		log.Info("Event not recorded", "reason", e.Reason, "object", e.Regarding.Namespace+"/"+e.Regarding.Name, "note", e.Note)
	}
	return w, mgr.Add(w)
}

// NeedLeaderElection is false: a replica that loses the lease still writes
// the events of what it did.
func (w *eventWriter) NeedLeaderElection() bool { return false }

// Start writes the queued events until ctx is done.
func (w *eventWriter) Start(ctx context.Context) error {
	for range eventWriters - 1 {
		go w.write(ctx)
	}
	w.write(ctx)
	return nil
}

func (w *eventWriter) write(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-w.queue:
			w.create(ctx, e)
		}
	}
}

// create writes one event, trying again after a transient error.
func (w *eventWriter) create(ctx context.Context, e *eventsv1.Event) {
	for attempt := 1; ; attempt++ {
		wctx, cancel := context.WithTimeout(ctx, w.attemptTimeout)
		err := w.c.Create(wctx, e)
		cancel()
		switch {
		case err == nil, apierrors.IsAlreadyExists(err):
			return
		case apierrors.IsNotFound(err), apierrors.IsForbidden(err), apierrors.IsInvalid(err), apierrors.IsBadRequest(err),
			attempt == eventAttempts, ctx.Err() != nil:
			// The namespace is gone, or the event will never be accepted.
			w.dropped(e)
			return
		}
		e.ResourceVersion = ""
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait.Jitter(time.Duration(attempt)*w.retryAfter, 0.25)):
		}
	}
}

// Eventf queues an event about regarding (and related, if not nil); when
// the queue is full the event is dropped with a log line, never blocking a
// reconcile.
func (w *eventWriter) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	w.AnnotatedEventf(regarding, related, nil, eventtype, reason, action, note, args...)
}

// AnnotatedEventf is Eventf with annotations on the event.
func (w *eventWriter) AnnotatedEventf(regarding, related runtime.Object, annotations map[string]string, eventtype, reason, action, note string, args ...any) {
	ref, err := reference.GetReference(w.scheme, regarding)
	if err != nil {
		return
	}
	var rel *corev1.ObjectReference
	if related != nil {
		rel, _ = reference.GetReference(w.scheme, related)
	}
	now := time.Now()
	ns := ref.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	e := &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", ref.Name, now.UnixNano()), Namespace: ns, Annotations: annotations},
		EventTime:  metav1.NewMicroTime(now), ReportingController: w.controller, ReportingInstance: w.instance,
		Action: action, Reason: reason, Regarding: *ref, Related: rel, Note: fmt.Sprintf(note, args...), Type: eventtype,
	}
	select {
	case w.queue <- e:
	default:
		w.dropped(e)
	}
}
