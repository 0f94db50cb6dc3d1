package controllers

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	ctrlreconcile "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Levels first. In a storm every report an incident owes the office costs
// the API server three or four writes (the report, its delivery, the
// incident's ReportedUpward), twice what its level costs, and the API
// server is what a storm is short of. So while incidents keep arriving
// faster than StormConfig.Rate, an incident's report is written down only
// once the storm has calmed (no more than Rate a second over the last
// stormWindow), or once it has waited Hold: the level and deadlines of
// every incident are on record first, and each report after them, grouped
// as any storm's reports are (notification_groups.go). The incident's
// status names each report as owed meanwhile (ReportedUpward), and the
// duty board shows its level as soon as it is written. An incident on a
// quiet day, or the first few of a storm, is reported at once.
//
// What is held is in memory only: after a restart a held report is
// written on the incident's first pass, or held afresh should the storm
// still rage.

// StormConfig says when incidents arrive as a storm, and how long their
// reports may wait for it to calm.
type StormConfig struct {
	// Rate is how many incidents a second, over the last stormWindow, make
	// a storm. Zero means DefaultStormRate.
	Rate int
	// Hold is the most an incident's report waits for a storm to calm.
	// Zero writes every report at once, storm or not.
	Hold time.Duration
}

// DefaultStorm is what a duty desk would choose: five incidents a second
// (ten within two seconds) are more than any drill files at once (a drill
// files a handful), and a report waits at most two minutes for the storm
// to calm; the office sees each level on its duty board meanwhile.
var DefaultStorm = StormConfig{Rate: DefaultStormRate, Hold: 2 * time.Minute}

// DefaultStormRate is StormConfig.Rate when it is not set.
const DefaultStormRate = 5

// stormWindow is how far back the arrivals of a storm are counted: the
// storm calms at most this long after the last incident that made it.
const stormWindow = 2 * time.Second

// storm tells when incidents arrive as a storm, holds their reports while
// it lasts, and wakes the incidents held once it calms.
type storm struct {
	cfg   StormConfig
	clock clock.WithDelayedExecution

	mu sync.Mutex
	// arrivals are the times incidents got their first level, within the
	// last stormWindow, oldest first.
	arrivals []time.Time
	// held are the incidents whose reports wait, with when each began to.
	held map[types.NamespacedName]time.Time
	// armed: a check is due when the storm would calm.
	armed bool
	wake  chan event.GenericEvent
}

func newStorm(cfg StormConfig, c clock.WithDelayedExecution) *storm {
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultStormRate
	}
	if c == nil {
		c = clock.RealClock{}
	}
	return &storm{cfg: cfg, clock: c, held: map[types.NamespacedName]time.Time{}, wake: make(chan event.GenericEvent, 1024)}
}

// off says whether reports are never held.
func (s *storm) off() bool { return s == nil || s.cfg.Hold <= 0 }

// threshold is how many arrivals within stormWindow make a storm.
func (s *storm) threshold() int {
	return max(1, int(float64(s.cfg.Rate)*stormWindow.Seconds()))
}

// arrived counts an incident that got its first level now.
func (s *storm) arrived() {
	if s.off() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.trim(now)
	s.arrivals = append(s.arrivals, now)
}

// trim forgets the arrivals older than stormWindow.
func (s *storm) trim(now time.Time) {
	i := 0
	for i < len(s.arrivals) && now.Sub(s.arrivals[i]) >= stormWindow {
		i++
	}
	s.arrivals = s.arrivals[i:]
}

// calmAt is when the storm calms should no incident arrive any more: zero
// when it is calm now.
func (s *storm) calmAt() time.Time {
	n := s.threshold()
	if len(s.arrivals) < n {
		return time.Time{}
	}
	return s.arrivals[len(s.arrivals)-n].Add(stormWindow)
}

// hold says whether the report of incident key waits for the storm, and if
// so, for how long at most.
func (s *storm) hold(key types.NamespacedName) (time.Duration, bool) {
	if s.off() {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.trim(now)
	calm := s.calmAt()
	since, held := s.held[key]
	switch {
	case calm.IsZero():
		s.release(key)
		return 0, false
	case !held:
		since = now
		s.held[key] = since
	case now.Sub(since) >= s.cfg.Hold:
		s.release(key)
		return 0, false
	}
	if !s.armed {
		s.armed = true
		s.later(calm.Sub(now))
		stormLog.Info("incidents arrive as a storm: their reports to the office wait for it to calm, so that every level is written first",
			"incidentsPerSecond", s.cfg.Rate, "hold", s.cfg.Hold)
	}
	return since.Add(s.cfg.Hold).Sub(now), true
}

// release forgets that key's report is held. The last one released takes
// the map a storm grew with it: a Go map keeps its room for as many keys
// as it ever held, thousands after a storm, for as long as it lives.
func (s *storm) release(key types.NamespacedName) {
	delete(s.held, key)
	if len(s.held) == 0 {
		s.held = map[types.NamespacedName]time.Time{}
	}
}

// later has check run after d, in a goroutine of its own (a fake clock
// runs its timers' functions while it holds its lock).
func (s *storm) later(d time.Duration) {
	s.clock.AfterFunc(d, func() { go s.check() })
}

// check runs when the storm may have calmed: it wakes every incident held
// if it has, and looks again when it would otherwise.
func (s *storm) check() {
	s.mu.Lock()
	now := s.clock.Now()
	s.trim(now)
	if calm := s.calmAt(); !calm.IsZero() {
		s.later(calm.Sub(now))
		s.mu.Unlock()
		return
	}
	s.armed = false
	keys := make([]types.NamespacedName, 0, len(s.held))
	for key := range s.held {
		keys = append(keys, key)
	}
	s.held = map[types.NamespacedName]time.Time{}
	s.mu.Unlock()
	stormLog.Info("the storm has calmed: the reports held are written now", "incidents", len(keys))
	for _, key := range keys {
		s.wake <- event.GenericEvent{Object: &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}}
	}
}

var stormLog = ctrl.Log.WithName("storm")

// lowPriority enqueues the object of a generic event behind the queue's
// other work: an incident woken to write its report after a storm goes
// after any new incident's level.
var lowPriority = handler.TypedFuncs[client.Object, ctrlreconcile.Request]{
	GenericFunc: func(_ context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[ctrlreconcile.Request]) {
		req := ctrlreconcile.Request{NamespacedName: client.ObjectKeyFromObject(e.Object)}
		if pq, ok := q.(priorityqueue.PriorityQueue[ctrlreconcile.Request]); ok {
			pq.AddWithOpts(priorityqueue.AddOpts{Priority: ptr.To(handler.LowPriority)}, req)
			return
		}
		q.Add(req)
	},
}
