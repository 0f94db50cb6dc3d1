package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
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
	// Within a second of a sweep, none runs again: the table only grows.
	w.note(incidentAt("one-more", "5"))
	if len(w.entries) != 1025 {
		t.Errorf("%d writes remembered, want 1025", len(w.entries))
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

// A report just created and not yet in the cache is not created again by
// the source's next pass (the API server would refuse it, 409), and stands
// in that pass as it was created. Once its time is past, or once the
// cache has held it, a missing report is created again.
func TestReportsOfTakesAnUnseenReportAsCreated(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	creates := 0
	c := fake.NewClientBuilder().WithScheme(scheme).WithInterceptorFuncs(interceptor.Funcs{
		// The cache has not caught up: it never holds a notification.
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if _, ok := obj.(*v1alpha1.Notification); ok {
				return apierrors.NewNotFound(v1alpha1.GroupVersion.WithResource("notifications").GroupResource(), key.Name)
			}
			return c.Get(ctx, key, obj, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			creates++
			return c.Create(ctx, obj, opts...)
		},
	}).Build()
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := newWritten()
	w.now = func() time.Time { return at }
	k := kit{Client: c, written: w}
	inc := builder.Incident("leak", "u").Obj()
	inc.UID = "0b1c2d3e-0000-0000-0000-000000000000"
	req := NotificationRequest{Event: v1alpha1.EventIncidentReported, Key: "reported",
		Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: at, Report: notify.Report{Texts: notify.Texts{ZH: "报告", EN: "report"}, Data: []byte(`{}`)}}

	var recheck time.Duration
	pass := func() (v1alpha1.Notification, []string) {
		t.Helper()
		out, created, owed, err := reportsOf(context.Background(), k, inc, "u", true, func(d time.Duration) { recheck = d }, req)
		if err != nil || owed != 0 || len(out) != 1 {
			t.Fatalf("reportsOf: %d reports, %d owed, error %v", len(out), owed, err)
		}
		return out[0], created
	}
	first, created := pass()
	if creates != 1 || len(created) != 1 {
		t.Fatalf("first pass: %d creates, created %v; want 1", creates, created)
	}
	again, created := pass()
	if creates != 1 || len(created) != 0 {
		t.Errorf("a pass before the cache has the report: %d creates in all, created %v; want no second create", creates, created)
	}
	if recheck != writtenTTL {
		t.Errorf("the pass taking the report as created rechecks in %s, want %s", recheck, writtenTTL)
	}
	if again.Name != first.Name || again.Spec.EventID != first.Spec.EventID || again.Spec.Message != first.Spec.Message {
		t.Errorf("the unseen report stands as %s/%s, want it as created: %s/%s", again.Name, again.Spec.EventID, first.Name, first.Spec.EventID)
	}
	w.now = func() time.Time { return at.Add(writtenTTL + time.Second) }
	if _, created = pass(); creates != 2 || len(created) != 0 {
		t.Errorf("once the wait is over: %d creates, created %v; want a second attempt, refused as existing", creates, created)
	}

	// A status write is no creation: an object missing from the cache after
	// one (deleted) is created again at once.
	w.note(&first)
	if _, ok := w.unseen(&first, inc.UID); ok {
		t.Errorf("an object the controllers wrote the status of is taken as just created")
	}

	// The cache held it: the note is gone, and a report found missing
	// afterwards (a drill's, deleted) is created again.
	w.now = func() time.Time { return at }
	w.noteCreated(&first, inc.UID)
	stored := first.DeepCopy()
	stored.ResourceVersion = "999999"
	w.behind(stored)
	if _, ok := w.unseen(&first, inc.UID); ok {
		t.Errorf("a report the cache has held is still taken as unseen")
	}
}

// A work group is named after its response, not the response's uid: a
// response deleted and recreated under the same name does not take the
// work group its predecessor just created (and the cache has not shown
// yet) as its own, which would leave it waiting for writtenTTL.
func TestUnseenIsTheOwnersOwn(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	w := newWritten()
	w.now = func() time.Time { return at }
	wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "u", Name: "resp-recovery", ResourceVersion: "7"}}
	before, after := types.UID("0b1c2d3e-0000-0000-0000-000000000001"), types.UID("0b1c2d3e-0000-0000-0000-000000000002")
	w.noteCreated(wg, before)
	if left, ok := w.unseen(wg, before); !ok || left != writtenTTL {
		t.Errorf("the creating response: unseen %v for %s; want true for %s", ok, left, writtenTTL)
	}
	if _, ok := w.unseen(wg, after); ok {
		t.Errorf("the response recreated under the same name takes its predecessor's work group as created by itself")
	}
}
