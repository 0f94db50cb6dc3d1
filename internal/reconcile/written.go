package reconcile

import (
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/resourceversion"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The controllers read from the informer cache and write to the API
// server. Right after a status write, the object's next pass can start
// before the cache has the write back: woken by one of its work groups or
// reports, it would compute the same change again from the old copy and
// send it with the old resourceVersion, which the API server refuses (409).
// Under load that happened to almost every approved response, and each
// refusal was retried through the queue's rate limiter, shared by all the
// controller's objects.
//
// So each status write leaves its resourceVersion here, and a pass that
// finds its object's copy older than that comes back a moment later, when
// the cache has caught up, without reading or writing anything.
// (resourceVersions compare as numbers: k8s.io/apimachinery's
// resourceversion package; one that does not parse is never waited for.)
//
// The same holds for what a source creates, its reports and work groups:
// the source's next pass may come before the cache has the new object, and
// would create it again, which the API server refuses (409, after running
// its admission policies). A creation is noted here too, and a pass that
// does not find the object in the cache takes it as just created
// (controllers/reports.go, controllers/emergencyresponse_workgroups.go).

// CacheCatchUp is how soon a pass on a stale copy comes back: about the
// time a watch event takes to reach the cache on a busy API server.
const CacheCatchUp = 20 * time.Millisecond

// WrittenTTL bounds how long a write is remembered: an object deleted
// right after its write is never seen again, and a copy that has not
// caught up by then is read as it is (the optimistic lock still holds).
const WrittenTTL = 30 * time.Second

// Written is what the controllers wrote last, per object: its kind, key and
// resourceVersion, and whether the write created it.
type Written struct {
	mu      sync.Mutex
	entries map[string]writtenEntry
	now     func() time.Time
	// nextPrune is when the next sweep of old writes may run.
	nextPrune time.Time
	// sweeping says a sweep is set to run once the writes remembered are
	// over their time, so that a quiet operator forgets them too.
	sweeping bool
	// after runs f once d has passed (time.AfterFunc).
	after func(d time.Duration, f func())
}

type writtenEntry struct {
	resourceVersion string
	at              time.Time
	// created says the write was the object's creation; owner is the
	// uid of the source or response it was created for, so that one
	// recreated under the same name does not take its predecessor's
	// creation as its own.
	created bool
	owner   types.UID
}

// NewWritten makes an empty record of writes, timed by now (time.Now when
// nil: the cache catches up in real time, whatever clock the deadlines
// are on).
func NewWritten(now func() time.Time) *Written {
	if now == nil {
		now = time.Now
	}
	return &Written{entries: map[string]writtenEntry{}, now: now,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

func writtenKey(o client.Object) string {
	return fmt.Sprintf("%T/%s/%s", o, o.GetNamespace(), o.GetName())
}

// Note remembers the resourceVersion a write gave o.
func (w *Written) Note(o client.Object) { w.remember(o, false, "") }

// NoteCreated remembers o as created by the controllers for owner (the
// source of a report, the response of a work group), with the
// resourceVersion its creation gave it.
func (w *Written) NoteCreated(o client.Object, owner types.UID) { w.remember(o, true, owner) }

func (w *Written) remember(o client.Object, created bool, owner types.UID) {
	if w == nil || o.GetResourceVersion() == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	// Past 1,024 objects, the writes whose time is over are forgotten, at
	// most once a second: a burst keeps thousands of writes younger than
	// WrittenTTL, and a sweep on every write would cost one pass over all
	// of them each time.
	if len(w.entries) >= 1024 && !now.Before(w.nextPrune) {
		w.nextPrune = now.Add(time.Second)
		w.sweep(now)
	}
	w.entries[writtenKey(o)] = writtenEntry{resourceVersion: o.GetResourceVersion(), at: now, created: created, owner: owner}
	if !w.sweeping {
		w.sweeping = true
		w.after(WrittenTTL+time.Second, w.sweepLater)
	}
}

// sweep forgets the writes whose time is over. The survivors move to a
// map of their own size: a Go map keeps the room it grew to however many
// entries are deleted, and a burst grows this one to every object written
// in WrittenTTL (2 MB after 10,000 incidents), which the operator would
// otherwise hold until it stops. w.mu is held.
func (w *Written) sweep(now time.Time) {
	kept := 0
	for _, e := range w.entries {
		if now.Sub(e.at) <= WrittenTTL {
			kept++
		}
	}
	if kept == len(w.entries) {
		return
	}
	entries := make(map[string]writtenEntry, kept)
	for k, e := range w.entries {
		if now.Sub(e.at) <= WrittenTTL {
			entries[k] = e
		}
	}
	w.entries = entries
}

// sweepLater is the sweep set by remember, WrittenTTL after a write: once
// writes stop, the last of them are forgotten within twice WrittenTTL.
// While some are still young, it sets itself again.
func (w *Written) sweepLater() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sweep(w.now())
	if len(w.entries) > 0 {
		w.after(WrittenTTL+time.Second, w.sweepLater)
		return
	}
	w.sweeping = false
}

// Unseen says whether o, which the cache does not hold, was created by the
// controllers for owner less than WrittenTTL ago, and for how long yet it
// is taken as created: the cache has not caught up with its creation. Once
// the cache holds it, behind forgets it; should it have been deleted before
// the cache saw it, a pass after that time finds it missing and creates it
// again. One created for another owner of the same name (deleted and
// recreated since) is not taken as this owner's.
func (w *Written) Unseen(o client.Object, owner types.UID) (time.Duration, bool) {
	if w == nil {
		return 0, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.lookup(writtenKey(o))
	left := WrittenTTL - w.now().Sub(e.at)
	if !ok || !e.created || e.owner != owner || left <= 0 {
		return 0, false
	}
	return left, true
}

// Behind says whether cached, a copy read from the cache, is older than the
// last write made to it; once it is not, the write is forgotten.
func (w *Written) Behind(cached client.Object) bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	key := writtenKey(cached)
	e, ok := w.lookup(key)
	if !ok {
		return false
	}
	cmp, err := resourceversion.CompareResourceVersion(cached.GetResourceVersion(), e.resourceVersion)
	if err != nil || cmp >= 0 {
		delete(w.entries, key)
		return false
	}
	return true
}

// lookup is the write remembered under key, if its time is not over; one
// whose time is over is forgotten. w.mu is held.
func (w *Written) lookup(key string) (writtenEntry, bool) {
	e, ok := w.entries[key]
	if ok && w.now().Sub(e.at) > WrittenTTL {
		delete(w.entries, key)
		return writtenEntry{}, false
	}
	return e, ok
}
