package duty

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// What needs someone, against a fake API server: the order, whose each
// item is, and what a role that may not list something is told.

var now = time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)

func at(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(d)) }

func deadline(name string, state v1alpha1.DeadlineState, due time.Duration, completed bool) v1alpha1.Deadline {
	d := v1alpha1.Deadline{Name: name, State: state, DueTime: at(due)}
	if completed {
		t := at(due + time.Minute)
		d.CompletedTime = &t
	}
	return d
}

func objects() []client.Object {
	meta := func(ns, name string, created time.Duration, annotations ...string) metav1.ObjectMeta {
		m := metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: at(created)}
		if len(annotations) == 2 {
			m.Annotations = map[string]string{annotations[0]: annotations[1]}
		}
		return m
	}
	inc := func(ns, name string, drill bool, ds ...v1alpha1.Deadline) *v1alpha1.SecurityIncident {
		return &v1alpha1.SecurityIncident{ObjectMeta: meta(ns, name, -3*time.Hour), Spec: v1alpha1.SecurityIncidentSpec{Drill: drill},
			Status: v1alpha1.SecurityIncidentStatus{Level: "IV", Deadlines: ds}}
	}
	resp := func(name string, drill bool, level v1alpha1.Level) *v1alpha1.EmergencyResponse {
		return &v1alpha1.EmergencyResponse{ObjectMeta: meta("office", name, -time.Hour), Spec: v1alpha1.EmergencyResponseSpec{Drill: drill},
			Status: v1alpha1.EmergencyResponseStatus{Phase: v1alpha1.ResponseAwaitingApproval, Level: level}}
	}
	published := at(-2 * time.Hour)
	return []client.Object{
		inc("unit-a", "missed", false, deadline(v1alpha1.DeadlineInitialReport, v1alpha1.DeadlineMissed, -2*time.Hour, false)),
		inc("unit-a", "late-but-done", false, deadline(v1alpha1.DeadlineInitialReport, v1alpha1.DeadlineMissed, -2*time.Hour, true)),
		inc("unit-b", "passed-unmarked", false, deadline(v1alpha1.DeadlineFullForm, v1alpha1.DeadlinePending, -time.Minute, false)),
		inc("unit-b", "due", true,
			deadline(v1alpha1.DeadlineInitialReport, v1alpha1.DeadlineMet, -time.Hour, true),
			deadline(v1alpha1.DeadlineFullForm, v1alpha1.DeadlinePending, 3*time.Hour, false)),
		&v1alpha1.SecurityIncident{ObjectMeta: meta("unit-d", "defacement", -4*time.Hour), Spec: v1alpha1.SecurityIncidentSpec{
			EventTypes: []v1alpha1.EventType{v1alpha1.EventOther}, Impact: v1alpha1.Impact{Other: &v1alpha1.OtherImpact{Description: "portals defaced"}},
			SuggestedLevel: "III"}, Status: v1alpha1.SecurityIncidentStatus{Level: v1alpha1.BelowThreshold}},
		&v1alpha1.SecurityIncident{ObjectMeta: meta("unit-d", "asks-support", -4*time.Hour), Status: v1alpha1.SecurityIncidentStatus{Level: "IV",
			Conditions: []metav1.Condition{{Type: v1alpha1.IncidentSupportAnsweredCondition, Status: metav1.ConditionFalse, Reason: v1alpha1.IncidentSupportAwaitedReason}}}},
		&v1alpha1.SecurityIncident{ObjectMeta: meta("unit-d", "assessed", -4*time.Hour, v1alpha1.AnnotationAssessedLevel, "IV"), Spec: v1alpha1.SecurityIncidentSpec{
			EventTypes: []v1alpha1.EventType{v1alpha1.EventOther}, Impact: v1alpha1.Impact{Other: &v1alpha1.OtherImpact{Description: "portals defaced"}}},
			Status: v1alpha1.SecurityIncidentStatus{Level: "IV"}},
		&v1alpha1.ReportingUnit{ObjectMeta: meta("unit-e", "unit-e", -48*time.Hour), Spec: v1alpha1.ReportingUnitSpec{Name: "Unit E"},
			Status: v1alpha1.ReportingUnitStatus{Duties: []v1alpha1.UnitDuty{
				{Kind: v1alpha1.DutyWarning, Namespace: "office", Name: "red", Since: ptr.To(at(-4 * time.Hour))},
				{Kind: v1alpha1.DutyResponse, Namespace: "office", Name: "real-iv", Since: ptr.To(at(-5 * time.Hour)), Acknowledgement: "ack"},
			}}},
		&v1alpha1.SecurityIncident{ObjectMeta: meta("unit-a", "closed", -5*time.Hour), Status: v1alpha1.SecurityIncidentStatus{Level: "III",
			Response: &v1alpha1.ResponseRef{Namespace: "office", Name: "over", Phase: v1alpha1.ResponseEnded}}},
		resp("real-iv", false, "IV"),
		resp("real-ii", false, "II"),
		resp("drill-iv", true, "IV"),
		&v1alpha1.Warning{ObjectMeta: meta("office", "yellow", -30*time.Minute), Spec: v1alpha1.WarningSpec{Level: v1alpha1.WarningYellow},
			Status: v1alpha1.WarningStatus{Phase: v1alpha1.WarningAwaitingApproval}},
		&v1alpha1.Warning{ObjectMeta: meta("office", "red", -3*time.Hour), Spec: v1alpha1.WarningSpec{Level: v1alpha1.WarningRed, Scope: "province"},
			Status: v1alpha1.WarningStatus{Phase: v1alpha1.WarningPublished, PublishedLevel: v1alpha1.WarningRed, PublishedTime: &published,
				Measures: []string{"24-hour duty"}}},
		&v1alpha1.Notification{ObjectMeta: meta("unit-c", "undelivered", -time.Hour),
			Spec: v1alpha1.NotificationSpec{Event: v1alpha1.EventIncidentReported, Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: at(-time.Hour),
				Source: v1alpha1.NotificationSource{Kind: "SecurityIncident", Name: "outage"}},
			Status: v1alpha1.NotificationStatus{Conditions: []metav1.Condition{{Type: v1alpha1.NotificationDeliveredCondition, Status: metav1.ConditionFalse,
				Reason: v1alpha1.NotificationNoChannelReason, Message: "no Ready channel reaches Office"}}}},
		&v1alpha1.Notification{ObjectMeta: meta("unit-c", "delivered", -time.Hour),
			Spec:   v1alpha1.NotificationSpec{Event: v1alpha1.EventIncidentReported, Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: at(-time.Hour)},
			Status: v1alpha1.NotificationStatus{DeliveredTime: &published}},
		&v1alpha1.Notification{ObjectMeta: meta("unit-c", "confirmed", -time.Hour),
			Spec:   v1alpha1.NotificationSpec{Event: v1alpha1.EventIncidentReported, Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}, Time: at(-time.Hour)},
			Status: v1alpha1.NotificationStatus{DeliveredTime: &published, ConfirmedBy: "ministry-duty"}},
		&v1alpha1.Notification{ObjectMeta: meta("office", "public", -time.Hour),
			Spec:   v1alpha1.NotificationSpec{Event: v1alpha1.EventWarningPublished, Audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, Time: at(-time.Hour)},
			Status: v1alpha1.NotificationStatus{DeliveredTime: &published}},
	}
}

func fakeClient(t *testing.T, funcs *interceptor.Funcs) client.Client {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(s).WithObjects(objects()...)
	if funcs != nil {
		b = b.WithInterceptorFuncs(*funcs)
	}
	return b.Build()
}

type row struct {
	State State
	Ref   string
	Whose Who
	Owed  string
}

func TestMostUrgentFirstAndWhoseItIs(t *testing.T) {
	d, err := Gather(context.Background(), fakeClient(t, nil), "", now)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for _, it := range d.Items {
		got = append(got, row{it.State, it.Namespace + "/" + it.Name, it.Whose, it.Owed})
	}
	want := []row{
		{Overdue, "unit-e/unit-e", Unit, "acknowledgement"},
		{Overdue, "unit-a/missed", Unit, v1alpha1.DeadlineInitialReport},
		{Overdue, "unit-b/passed-unmarked", Unit, v1alpha1.DeadlineFullForm},
		{Decision, "unit-d/asks-support", Office, "support"},
		{Decision, "unit-d/defacement", Office, "assessment"},
		{Decision, "office/drill-iv", DrillPipeline, "approval"},
		{Decision, "office/real-ii", Ministry, "approval"},
		{Decision, "office/real-iv", LeadingGroup, "approval"},
		{Decision, "office/yellow", LeadingGroup, "approval"},
		{Undelivered, "unit-c/undelivered", Office, "delivery"},
		{Unconfirmed, "unit-c/delivered", Recipients, "confirmation"},
		{Due, "unit-b/due", Unit, v1alpha1.DeadlineFullForm},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(d.Warnings) != 1 || d.Warnings[0].Name != "red" || d.Warnings[0].Measures[0] != "24-hour duty" {
		t.Errorf("warnings in force: %+v, want the red one with its measures", d.Warnings)
	}
	if len(d.Units) != 1 || d.Units[0].Unit != "Unit E" || !d.Units[0].Overdue || len(d.Units[0].Duties) != 1 || d.Units[0].Duties[0].Name != "red" {
		t.Errorf("units owing: %+v, want Unit E owing the red warning's acknowledgement, overdue", d.Units)
	}
	if len(d.Hidden) != 0 {
		t.Errorf("hidden: %q, want nothing", d.Hidden)
	}
	var open []string
	for _, o := range d.Incidents {
		open = append(open, o.Namespace+"/"+o.Name)
	}
	// Overdue first, then the nearest deadline, then those that owe none;
	// an incident whose response ended is not open.
	if diff := cmp.Diff([]string{"unit-a/missed", "unit-b/passed-unmarked", "unit-b/due", "unit-a/late-but-done", "unit-d/asks-support", "unit-d/assessed", "unit-d/defacement"}, open); diff != "" {
		t.Errorf("open incidents (-want +got):\n%s", diff)
	}
	if !d.Items[len(d.Items)-1].Drill {
		t.Error("the drill incident is not marked as a drill")
	}
}

func TestWhatRBACHidesIsNamed(t *testing.T) {
	forbidden := &interceptor.Funcs{List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
		if _, ok := list.(*v1alpha1.NotificationList); ok {
			return apierrors.NewForbidden(schema.GroupResource{Group: "emergency.netsec.io", Resource: "notifications"}, "", errors.New("no"))
		}
		return c.List(ctx, list, opts...)
	}}
	d, err := Gather(context.Background(), fakeClient(t, forbidden), "unit-c", now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"notifications in namespace unit-c: hidden, your role may not list them"}, d.Hidden); diff != "" {
		t.Errorf("hidden (-want +got):\n%s", diff)
	}
	if len(d.Items) != 0 {
		t.Errorf("items in unit-c without its reports: %+v", d.Items)
	}
}
