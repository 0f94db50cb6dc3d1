package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

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
		"a write long past is forgotten":       {cached: wrote("99"), later: writtenTTL + time.Second},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWritten()
			w.now = func() time.Time { return at }
			w.note(wrote("100"))
			w.now = func() time.Time { return at.Add(tc.later) }
			if got := w.behind(tc.cached); got != tc.behind {
				t.Errorf("behind = %v, want %v", got, tc.behind)
			}
			if got := w.behind(wrote("99")); got != tc.stillOn {
				t.Errorf("after that, an older copy of the written object: behind = %v, want %v", got, tc.stillOn)
			}
		})
	}
}

func TestWrittenForgetsDeletedObjects(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := newWritten()
	w.now = func() time.Time { return at }
	for i := range 1024 {
		w.note(incidentAt(fmt.Sprintf("inc-%d", i), "5"))
	}
	w.now = func() time.Time { return at.Add(writtenTTL + time.Second) }
	w.note(incidentAt("last", "6"))
	if len(w.entries) != 1 {
		t.Errorf("%d writes remembered after the others' time passed, want 1", len(w.entries))
	}
}

// A pass on a copy older than its object's last write does nothing and
// comes back shortly: no step runs, nothing is written.
func TestRunWaitsForTheCache(t *testing.T) {
	w := newWritten()
	w.note(incidentAt("a", "100"))
	k := kit{Clock: clock.RealClock{}, written: w}
	p := begin(k, incidentAt("a", "99"), false)
	ran := false
	res, err := run(context.Background(), k, p, p, []step[*pass[*v1alpha1.SecurityIncident]]{
		func(context.Context, *pass[*v1alpha1.SecurityIncident]) error { ran = true; return nil },
	}, func(*pass[*v1alpha1.SecurityIncident]) {})
	if err != nil || ran || res.RequeueAfter != cacheCatchUp {
		t.Errorf("run on a stale copy: result %+v, error %v, steps ran: %v; want a wait of %s and no step", res, err, ran, cacheCatchUp)
	}
}
