package reconcile

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

// incidentAt is incident name in namespace u as read at resourceVersion rv.
func incidentAt(name, rv string) *v1alpha1.SecurityIncident {
	inc := builder.Incident(name, "u").Obj()
	inc.ResourceVersion = rv
	return inc
}

func TestWrittenBehind(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	wrote := func(rv string) *v1alpha1.SecurityIncident { return incidentAt("a", rv) }
	cases := map[string]struct {
		cached  *v1alpha1.SecurityIncident
		later   time.Duration
		behind  bool
		stillOn bool // the write is still remembered afterwards
	}{
		"an older copy waits":                  {cached: wrote("99"), behind: true, stillOn: true},
		"an older copy by digits waits":        {cached: wrote("9"), behind: true, stillOn: true},
		"the copy written is caught up":        {cached: wrote("100")},
		"a newer copy (another writer) is too": {cached: wrote("101")},
		"a resourceVersion that is no number":  {cached: wrote("x1")},
		"another object is not held":           {cached: incidentAt("b", "1"), stillOn: true},
		"a write long past is forgotten":       {cached: wrote("99"), later: WrittenTTL + time.Second},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := NewWritten(nil)
			w.now = func() time.Time { return at }
			w.Note(wrote("100"))
			w.now = func() time.Time { return at.Add(tc.later) }
			if got := w.Behind(tc.cached); got != tc.behind {
				t.Errorf("behind = %v, want %v", got, tc.behind)
			}
			if got := w.Behind(wrote("99")); got != tc.stillOn {
				t.Errorf("after that, an older copy of the written object: behind = %v, want %v", got, tc.stillOn)
			}
		})
	}
}

func TestWrittenForgetsDeletedObjects(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := NewWritten(nil)
	w.now = func() time.Time { return at }
	for i := range 1024 {
		w.Note(incidentAt(fmt.Sprintf("inc-%d", i), "5"))
	}
	// Within a second of a sweep, none runs again: the table only grows.
	w.Note(incidentAt("one-more", "5"))
	if len(w.entries) != 1025 {
		t.Errorf("%d writes remembered, want 1025", len(w.entries))
	}
	w.now = func() time.Time { return at.Add(WrittenTTL + time.Second) }
	w.Note(incidentAt("last", "6"))
	if len(w.entries) != 1 {
		t.Errorf("%d writes remembered after the others' time passed, want 1", len(w.entries))
	}
}

// Once writes stop, the last of them are forgotten too: a sweep is set
// WrittenTTL after a write, and sets itself again while any write is
// still young.
func TestWrittenForgottenWhenQuiet(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := NewWritten(nil)
	var set []func()
	w.after = func(d time.Duration, f func()) {
		if d <= WrittenTTL {
			t.Errorf("a sweep set %s after a write, before the write's time is over", d)
		}
		set = append(set, f)
	}
	w.now = func() time.Time { return at }
	for i := range 3000 {
		w.Note(incidentAt(fmt.Sprintf("inc-%d", i), "5"))
	}
	if len(set) != 1 {
		t.Fatalf("%d sweeps set by 3,000 writes, want 1", len(set))
	}
	w.now = func() time.Time { return at.Add(WrittenTTL / 2) }
	w.Note(incidentAt("young", "6"))
	w.now = func() time.Time { return at.Add(WrittenTTL + time.Second) }
	set[0]()
	if len(w.entries) != 1 || len(set) != 2 {
		t.Fatalf("after the first sweep: %d writes remembered, %d sweeps set; want the young one, and a second sweep", len(w.entries), len(set))
	}
	if !w.Behind(incidentAt("young", "5")) {
		t.Error("the young write was forgotten by the sweep")
	}
	w.now = func() time.Time { return at.Add(2*WrittenTTL + time.Second) }
	set[1]()
	if len(w.entries) != 0 || len(set) != 2 {
		t.Fatalf("after the second sweep: %d writes remembered, %d sweeps set; want none and no more sweeps", len(w.entries), len(set))
	}
	// A write after that sets a sweep again.
	w.Note(incidentAt("later", "7"))
	if len(set) != 3 {
		t.Errorf("a write after the quiet set %d sweeps in all, want 3", len(set))
	}
}

// A pass on a copy older than its object's last write does nothing and
// comes back shortly: no step runs, nothing is written.
func TestRunWaitsForTheCache(t *testing.T) {
	w := NewWritten(nil)
	w.Note(incidentAt("a", "100"))
	k := Kit{Clock: clock.RealClock{}, Written: w}
	p := Begin(k, incidentAt("a", "99"), false)
	ran := false
	res, err := Run(context.Background(), k, p, p, []Step[*Pass[*v1alpha1.SecurityIncident]]{
		func(context.Context, *Pass[*v1alpha1.SecurityIncident]) error { ran = true; return nil },
	}, func(*Pass[*v1alpha1.SecurityIncident]) Ready { return Ready{} })
	if err != nil || ran || res.RequeueAfter != CacheCatchUp {
		t.Errorf("run on a stale copy: result %+v, error %v, steps ran: %v; want a wait of %s and no step", res, err, ran, CacheCatchUp)
	}
}

// A work group is named after its response, not the response's uid: a
// response deleted and recreated under the same name does not take the
// work group its predecessor just created (and the cache has not shown
// yet) as its own, which would leave it waiting for WrittenTTL.
func TestUnseenIsTheOwnersOwn(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := NewWritten(nil)
	w.now = func() time.Time { return at }
	wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "u", Name: "resp-recovery", ResourceVersion: "7"}}
	before, after := types.UID("0b1c2d3e-0000-0000-0000-000000000001"), types.UID("0b1c2d3e-0000-0000-0000-000000000002")
	w.NoteCreated(wg, before)
	if left, ok := w.Unseen(wg, before); !ok || left != WrittenTTL {
		t.Errorf("the creating response: unseen %v for %s; want true for %s", ok, left, WrittenTTL)
	}
	if _, ok := w.Unseen(wg, after); ok {
		t.Errorf("the response recreated under the same name takes its predecessor's work group as created by itself")
	}
}
