package controllers

import (
	"context"
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

// A report just created and not yet in the cache is not created again by
// the source's next pass (the API server would refuse it, 409), and stands
// in that pass as it was created. Once its time is past, or once the
// cache has held it, a missing report is created again.
func TestReportsOfTakesAnUnseenReportAsCreated(t *testing.T) {
	scheme := apiScheme(t)
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
	now := at
	w := reconcile.NewWritten(func() time.Time { return now })
	k := reconcile.Kit{Client: c, Written: w}
	inc := builder.Incident("leak", "u").Obj()
	inc.UID = "0b1c2d3e-0000-0000-0000-000000000000"
	req := routing.Report{Event: v1alpha1.EventIncidentReported, Key: "reported",
		Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: at, Content: routing.Says(notify.Content{Texts: notify.Texts{ZH: "报告", EN: "report"}, Data: []byte(`{}`)})}

	var recheck time.Duration
	pass := func() (v1alpha1.Notification, []string) {
		t.Helper()
		out, created, owed, err := reportsOf(context.Background(), k, inc, routing.Incident{SecurityIncident: inc}, "u", true, func(d time.Duration) { recheck = d }, req)
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
	if recheck != reconcile.WrittenTTL {
		t.Errorf("the pass taking the report as created rechecks in %s, want %s", recheck, reconcile.WrittenTTL)
	}
	if again.Name != first.Name || again.Spec.EventID != first.Spec.EventID || !slices.Equal(again.Spec.Audiences, first.Spec.Audiences) {
		t.Errorf("the unseen report stands as %s/%s, want it as created: %s/%s", again.Name, again.Spec.EventID, first.Name, first.Spec.EventID)
	}
	now = at.Add(reconcile.WrittenTTL + time.Second)
	if _, created = pass(); creates != 2 || len(created) != 0 {
		t.Errorf("once the wait is over: %d creates, created %v; want a second attempt, refused as existing", creates, created)
	}

	// A status write is no creation: an object missing from the cache after
	// one (deleted) is created again at once.
	w.Note(&first)
	if _, ok := w.Unseen(&first, inc.UID); ok {
		t.Errorf("an object the controllers wrote the status of is taken as just created")
	}

	// The cache held it: the note is gone, and a report found missing
	// afterwards (a drill's, deleted) is created again.
	now = at
	w.NoteCreated(&first, inc.UID)
	stored := first.DeepCopy()
	stored.ResourceVersion = "999999"
	w.Behind(stored)
	if _, ok := w.Unseen(&first, inc.UID); ok {
		t.Errorf("a report the cache has held is still taken as unseen")
	}
}

// A report's texts are composed only when it is written down: not by a
// dry run counting what is owed (a storm's hold), nor by a pass that finds
// the report on record already.
func TestReportsOfComposesOnlyWhatItWrites(t *testing.T) {
	scheme := apiScheme(t)
	k := reconcile.Kit{Client: fake.NewClientBuilder().WithScheme(scheme).Build()}
	inc := builder.Incident("leak", "u").Obj()
	inc.UID = "0b1c2d3e-0000-0000-0000-000000000001"
	composed := 0
	req := routing.Report{Event: v1alpha1.EventIncidentReported, Key: "reported",
		Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: time.Now(),
		Content: func() (notify.Content, error) {
			composed++
			return notify.Content{Texts: notify.Texts{ZH: "报告", EN: "report"}, Data: []byte(`{}`)}, nil
		}}
	pass := func(write bool) (v1alpha1.Notification, int) {
		t.Helper()
		out, _, owed, err := reportsOf(context.Background(), k, inc, routing.Incident{SecurityIncident: inc}, "u", write, func(time.Duration) {}, req)
		if err != nil || len(out) != 1 {
			t.Fatalf("reportsOf: %d reports, error %v", len(out), err)
		}
		return out[0], owed
	}
	if n, owed := pass(false); composed != 0 || owed != 1 || n.Name == "" || n.Spec.Message.EN != "" {
		t.Errorf("dry run: composed %d times, %d owed, name %q, text %q; want nothing composed, one owed and named", composed, owed, n.Name, n.Spec.Message.EN)
	}
	if n, owed := pass(true); composed != 1 || owed != 0 || n.Spec.Message.EN != "report" || n.Spec.Data != `{}` {
		t.Errorf("written: composed %d times, %d owed, text %q, data %q; want composed once, with its texts", composed, owed, n.Spec.Message.EN, n.Spec.Data)
	}
	stored := &v1alpha1.Notification{}
	if err := k.Get(context.Background(), client.ObjectKey{Namespace: "u", Name: routing.NotificationName(inc.Name, "reported", string(inc.UID))}, stored); err != nil || stored.Spec.Message.ZH != "报告" {
		t.Fatalf("the report on record: %v, text %q", err, stored.Spec.Message.ZH)
	}
	if _, owed := pass(true); composed != 1 || owed != 0 {
		t.Errorf("a pass finding the report on record composed it again (%d in all), %d owed", composed, owed)
	}
}

// apiScheme is a scheme of the operator's kinds alone, for the fake
// clients and decoders of this directory's unit tests.
func apiScheme(tb testing.TB) *k8sruntime.Scheme {
	tb.Helper()
	s := k8sruntime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		tb.Fatal(err)
	}
	return s
}
