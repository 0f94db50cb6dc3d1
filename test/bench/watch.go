package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Kinds the tracker follows.
const (
	kindIncident  = "SecurityIncident"
	kindResponse  = "EmergencyResponse"
	kindWorkGroup = "WorkGroup"
	// Notifications are the reports incidents and responses write down:
	// their creates and status writes are API writes the floor does not make.
	kindNotification = "Notification"
)

// objState is what the watch saw of one object.
type objState struct {
	// start is when the bench began to create it (zero if it did not).
	start time.Time
	// writes counts the changes (resourceVersions) after the creation.
	writes int
	// levelAt: an incident's status.level first seen; readyAt: its Ready
	// first settled (settled), or a work group's first True; the writes
	// seen by then.
	levelAt, readyAt             time.Time
	writesAtLevel, writesAtReady int
	// A response's phase AwaitingApproval, Active and its WorkGroupsReady
	// first seen; approvedAt: when the bench's approval returned.
	awaitingAt, activeAt, groupsReadyAt, approvedAt time.Time
	// addedAt: when the object's ADDED event came (work groups).
	addedAt time.Time
	// reportedAt: an incident's report to the office first seen delivered
	// (or False with NoChannel when the bench gives the office no
	// channel);
	// reportAddedAt: the report's ADDED event.
	reportedAt, reportAddedAt time.Time
}

// tracker follows every object of the operator's kinds through watches, and
// counts every change by kind.
type tracker struct {
	mu      sync.Mutex
	objs    map[string]*objState // kind/namespace/name
	changes map[string]int       // by kind: every ADDED, MODIFIED and DELETED
	gaps    int                  // watches that had to relist: counts may miss changes
	// last status seen of each incident and response, and while tallying,
	// what each of their writes changed (the status's top-level fields and
	// condition types), by kind and the set changed.
	lastStatus map[string]any
	tallying   bool
	tally      map[string]map[string]int
	// levelStatuses holds, for the incidents asked for (keepLevelStatus),
	// the status as their level was first seen; nil until then.
	levelStatuses map[string]*v1alpha1.SecurityIncidentStatus
}

func newTracker() *tracker {
	return &tracker{objs: map[string]*objState{}, changes: map[string]int{}, lastStatus: map[string]any{}, tally: map[string]map[string]int{},
		levelStatuses: map[string]*v1alpha1.SecurityIncidentStatus{}}
}

// keepLevelStatus asks the tracker to keep incident key's status as its
// level is first seen.
func (t *tracker) keepLevelStatus(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.levelStatuses[key] = nil
}

// levelStatus is what keepLevelStatus kept for key: nil until its level is
// seen.
func (t *tracker) levelStatus(key string) *v1alpha1.SecurityIncidentStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.levelStatuses[key]
}

func objKey(kind, ns, name string) string { return kind + "/" + ns + "/" + name }

func (t *tracker) state(key string) *objState {
	s, ok := t.objs[key]
	if !ok {
		s = &objState{}
		t.objs[key] = s
	}
	return s
}

// starting records that the bench is about to create the object.
func (t *tracker) starting(key string, at time.Time) {
	t.mu.Lock()
	t.state(key).start = at
	t.mu.Unlock()
}

// approved records when the bench's approval of the response returned.
func (t *tracker) approved(key string, at time.Time) {
	t.mu.Lock()
	t.state(key).approvedAt = at
	t.mu.Unlock()
}

// totalChanges is the number of changes seen of all kinds.
func (t *tracker) totalChanges() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]int{}
	for k, v := range t.changes {
		out[k] = v
	}
	return out
}

// snapshot copies the states of keys (missing ones are zero).
func (t *tracker) snapshot(keys []string) []objState {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]objState, len(keys))
	for i, k := range keys {
		if s, ok := t.objs[k]; ok {
			out[i] = *s
		}
	}
	return out
}

// waitFor polls until done holds for every key, or timeout; it returns how
// many held.
func (t *tracker) waitFor(ctx context.Context, keys []string, timeout time.Duration, done func(*objState) bool) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		n := 0
		t.mu.Lock()
		for _, k := range keys {
			if s, ok := t.objs[k]; ok && done(s) {
				n++
			}
		}
		t.mu.Unlock()
		if n == len(keys) {
			return n, nil
		}
		if time.Now().After(deadline) {
			return n, fmt.Errorf("only %d of %d after %s", n, len(keys), timeout)
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func isTrue(conds []metav1.Condition, typ string) bool {
	return meta.IsStatusConditionTrue(conds, typ)
}

// settled says whether an incident's Ready is as it stays: True (its
// report delivered to the office's channel), or False because its report
// cannot reach the office (NoChannel, with -office-channel=false).
func settled(conds []metav1.Condition) bool {
	c := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	return c != nil && (c.Status == metav1.ConditionTrue || c.Reason == v1alpha1.NotificationNoChannelReason)
}

// observe records one watch event.
func (t *tracker) observe(kind string, typ watch.EventType, obj client.Object, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changes[kind]++
	key := objKey(kind, obj.GetNamespace(), obj.GetName())
	s := t.state(key)
	if typ == watch.Modified {
		s.writes++
	}
	if typ == watch.Added && s.addedAt.IsZero() {
		s.addedAt = now
	}
	switch o := obj.(type) {
	case *v1alpha1.SecurityIncident:
		t.record(kind, key, o.Status)
		if s.levelAt.IsZero() && o.Status.Level != "" {
			s.levelAt, s.writesAtLevel = now, s.writes
			if _, want := t.levelStatuses[key]; want {
				st := o.Status
				t.levelStatuses[key] = &st
			}
		}
		if s.readyAt.IsZero() && settled(o.Status.Conditions) {
			s.readyAt, s.writesAtReady = now, s.writes
		}
	case *v1alpha1.EmergencyResponse:
		t.record(kind, key, o.Status)
		if s.awaitingAt.IsZero() && o.Status.Phase == v1alpha1.ResponseAwaitingApproval {
			s.awaitingAt = now
		}
		if s.activeAt.IsZero() && o.Status.Phase == v1alpha1.ResponseActive {
			s.activeAt = now
		}
		if s.groupsReadyAt.IsZero() && isTrue(o.Status.Conditions, v1alpha1.ResponseWorkGroupsReadyCondition) {
			s.groupsReadyAt = now
		}
	case *v1alpha1.WorkGroup:
		if s.readyAt.IsZero() && isTrue(o.Status.Conditions, v1alpha1.ConditionReady) {
			s.readyAt, s.writesAtReady = now, s.writes
		}
	case *v1alpha1.Notification:
		if o.Spec.Source.Kind != kindIncident || o.Spec.Event != v1alpha1.EventIncidentReported {
			break
		}
		ns := o.Namespace
		if o.Spec.Source.Namespace != "" {
			ns = o.Spec.Source.Namespace
		}
		src := t.state(objKey(kindIncident, ns, o.Spec.Source.Name))
		if src.reportAddedAt.IsZero() {
			src.reportAddedAt = now
		}
		if c := meta.FindStatusCondition(o.Status.Conditions, v1alpha1.NotificationDeliveredCondition); src.reportedAt.IsZero() && c != nil &&
			(c.Status == metav1.ConditionTrue || c.Reason == v1alpha1.NotificationNoChannelReason) {
			src.reportedAt = now
		}
	}
}

// record keeps an object's status and, while tallying, counts what its
// write changed. The status is kept as decoded and turned into fields only
// while tallying, so that the bench spends no CPU on it during a burst.
func (t *tracker) record(kind, key string, status any) {
	was, seen := t.lastStatus[key]
	t.lastStatus[key] = status
	if !seen || !t.tallying {
		return
	}
	before, now := fields(was), fields(status)
	var changed []string
	for k := range mergeKeys(before, now) {
		if k == "conditions" {
			changed = append(changed, changedConditions(before[k], now[k])...)
			continue
		}
		if !reflect.DeepEqual(before[k], now[k]) {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	what := strings.Join(changed, "+")
	if what == "" {
		what = "(metadata only)"
	}
	if t.tally[kind] == nil {
		t.tally[kind] = map[string]int{}
	}
	t.tally[kind][what]++
}

// fields is a status as its top-level JSON fields.
func fields(status any) map[string]any {
	b, _ := json.Marshal(status)
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out
}

func mergeKeys(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func changedConditions(a, b any) []string {
	byType := func(v any) map[string]any {
		out := map[string]any{}
		l, _ := v.([]any)
		for _, c := range l {
			if m, ok := c.(map[string]any); ok {
				out[fmt.Sprint(m["type"])] = m
			}
		}
		return out
	}
	was, is := byType(a), byType(b)
	var out []string
	for k := range mergeKeys(was, is) {
		if !reflect.DeepEqual(was[k], is[k]) {
			out = append(out, "condition "+k)
		}
	}
	return out
}

// tallyWrites turns the tally of incident and response writes on or off,
// and returns it by kind, most frequent first.
func (t *tracker) tallyWrites(on bool) map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tallying = on
	out := map[string]string{}
	for kind, tally := range t.tally {
		type kv struct {
			k string
			n int
		}
		var all []kv
		for k, n := range tally {
			all = append(all, kv{k, n})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
		var parts []string
		for _, e := range all {
			parts = append(parts, fmt.Sprintf("%d× %s", e.n, e.k))
		}
		out[kind] = strings.Join(parts, "; ")
	}
	if on {
		t.tally = map[string]map[string]int{}
	}
	return out
}

// follow watches one kind cluster-wide until ctx ends; ready is closed once
// the first watch is open.
func (t *tracker) follow(ctx context.Context, c client.WithWatch, kind string, newList func() client.ObjectList, ready chan<- struct{}) {
	rv := ""
	opened := false
	for ctx.Err() == nil {
		if rv == "" {
			list := newList()
			if err := c.List(ctx, list); err != nil {
				if ctx.Err() == nil {
					fmt.Fprintf(os.Stderr, "bench: listing %s: %v\n", kind, err)
					time.Sleep(time.Second)
				}
				continue
			}
			rv = list.GetResourceVersion()
			if opened { // a relist after the watch expired
				t.mu.Lock()
				t.gaps++
				t.mu.Unlock()
			}
		}
		w, err := c.Watch(ctx, newList(), &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
		if err != nil {
			if ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "bench: watching %s: %v\n", kind, err)
				time.Sleep(time.Second)
			}
			continue
		}
		if !opened {
			opened = true
			close(ready)
		}
		for ev := range w.ResultChan() {
			now := time.Now()
			switch ev.Type {
			case watch.Error:
				if apierrors.IsResourceExpired(apierrors.FromObject(ev.Object)) || apierrors.IsGone(apierrors.FromObject(ev.Object)) {
					rv = ""
				}
				continue
			case watch.Bookmark:
			default:
				t.observe(kind, ev.Type, ev.Object.(client.Object), now)
			}
			if o, ok := ev.Object.(client.Object); ok && o.GetResourceVersion() != "" {
				rv = o.GetResourceVersion()
			}
		}
		w.Stop()
	}
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func sortDurations(d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
}

// stage is the time one step of the approved responses' way took, each.
type stage struct {
	name string
	took []time.Duration
}

func (s stage) describe() string {
	if len(s.took) == 0 {
		return "none seen"
	}
	sortDurations(s.took)
	return fmt.Sprintf("p50 %s, p99 %s, max %s over %d", secs(percentile(s.took, 0.5)), secs(percentile(s.took, 0.99)), secs(s.took[len(s.took)-1]), len(s.took))
}

// approvalStages splits the way of each approved response from its approval
// to WorkGroupsReady into the steps the operator takes, so that a slow phase
// says which step it waited in: the approval seen and the response started
// (its status Active), its work groups created (their ADDED events), each
// work group's Ready, and the response's summary of them.
func approvalStages(t *tracker, responses []string) []stage {
	t.mu.Lock()
	defer t.mu.Unlock()
	toActive := stage{name: "approval returned → response Active"}
	toCreated := stage{name: "response Active → its last work group created"}
	toReady := stage{name: "work group created → its Ready"}
	toSummary := stage{name: "last work group Ready → response WorkGroupsReady"}
	for _, key := range responses {
		r := t.objs[key]
		if r == nil || r.approvedAt.IsZero() || r.activeAt.IsZero() {
			continue
		}
		toActive.took = append(toActive.took, r.activeAt.Sub(r.approvedAt))
		var lastAdded, lastReady time.Time
		complete := true
		for _, n := range workGroupNames(key[len(objKey(kindResponse, benchNS, "")):]) {
			g := t.objs[objKey(kindWorkGroup, benchNS, n)]
			if g == nil || g.addedAt.IsZero() || g.readyAt.IsZero() {
				complete = false
				continue
			}
			toReady.took = append(toReady.took, g.readyAt.Sub(g.addedAt))
			if g.addedAt.After(lastAdded) {
				lastAdded = g.addedAt
			}
			if g.readyAt.After(lastReady) {
				lastReady = g.readyAt
			}
		}
		if !complete {
			continue
		}
		toCreated.took = append(toCreated.took, lastAdded.Sub(r.activeAt))
		if !r.groupsReadyAt.IsZero() {
			toSummary.took = append(toSummary.took, r.groupsReadyAt.Sub(lastReady))
		}
	}
	return []stage{toActive, toCreated, toReady, toSummary}
}
