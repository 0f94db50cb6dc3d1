package board

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// hub tells the open pages that something in the cluster changed; a page
// then fetches its live part again. A change is a tick: many changes while
// a page is busy make one fetch.
type hub struct {
	mu   sync.Mutex
	subs map[chan struct{}]bool
}

func newHub() *hub { return &hub{subs: map[chan struct{}]bool{}} }

func (h *hub) subscribe() chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan struct{}, 1)
	h.subs[ch] = true
	return ch
}

func (h *hub) unsubscribe(ch chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
}

func (h *hub) changed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // a tick is already waiting
		}
	}
}

// watch follows, with the user's credentials, every kind the pages show.
// A kind the user may not watch is left out (the pages say so, from what
// duty.Gather found hidden); a watch the API server closes is opened again.
func (s *Server) watch(ctx context.Context) {
	lists := []client.ObjectList{&v1alpha1.SecurityIncidentList{}, &v1alpha1.EmergencyResponseList{},
		&v1alpha1.WarningList{}, &v1alpha1.NotificationList{}, &v1alpha1.WorkGroupList{}}
	for _, l := range lists {
		go s.follow(ctx, l)
	}
}

func (s *Server) follow(ctx context.Context, list client.ObjectList) {
	var opts []client.ListOption
	if s.opts.Namespace != "" {
		opts = append(opts, client.InNamespace(s.opts.Namespace))
	}
	for ctx.Err() == nil {
		w, err := s.opts.Client.Watch(ctx, list, opts...)
		if apierrors.IsForbidden(err) {
			return
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
			continue
		}
		for range w.ResultChan() {
			s.hub.changed()
		}
		w.Stop()
		// The API server ends a watch now and then; open it again, but
		// not in a tight loop if it keeps ending at once.
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// events streams a tick to the page (Server-Sent Events) each time the
// cluster changes, and a comment every 15 s to keep the connection open.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n\n")
	flusher.Flush()
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	n := 0
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			n++
			fmt.Fprintf(w, "event: change\ndata: %d\n\n", n)
			flusher.Flush()
			// Let a burst of changes settle into one fetch.
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		case <-keep.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}
