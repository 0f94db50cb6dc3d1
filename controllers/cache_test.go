package controllers

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestCacheTransform(t *testing.T) {
	texts := v1alpha1.NotificationMessage{ZH: "报告", EN: "Report"}
	// Every notification's texts are dropped, whatever its delivery.
	notification := func(delivered metav1.ConditionStatus) *v1alpha1.Notification {
		n := &v1alpha1.Notification{
			ObjectMeta: metav1.ObjectMeta{Name: "n", Namespace: "ns", Annotations: map[string]string{lastApplied: "{}", "kept": "yes"},
				ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "incident-operator"}}},
			Spec: v1alpha1.NotificationSpec{Event: v1alpha1.EventIncidentReported, Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice},
				EventID: "id", Message: texts, Data: `{"kind":"Reported"}`},
		}
		if delivered != "" {
			n.Status.Conditions = []metav1.Condition{{Type: v1alpha1.NotificationDeliveredCondition, Status: delivered}}
		}
		return n
	}
	cases := map[string]struct {
		in        *v1alpha1.Notification
		wantTexts v1alpha1.NotificationMessage
		wantData  string
	}{
		"not looked at yet": {in: notification("")},
		"on its way":        {in: notification(metav1.ConditionFalse)},
		"delivered":         {in: notification(metav1.ConditionTrue)},
	}
	transform := CacheOptions().DefaultTransform
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := transform(c.in)
			if err != nil {
				t.Fatal(err)
			}
			n := out.(*v1alpha1.Notification)
			if diff := cmp.Diff(c.wantTexts, n.Spec.Message); diff != "" || n.Spec.Data != c.wantData {
				t.Errorf("texts (-want +got):\n%s\ndata %q, want %q", diff, n.Spec.Data, c.wantData)
			}
			if textsDropped(n) != (c.wantData == "") {
				t.Errorf("textsDropped = %v", textsDropped(n))
			}
			if n.ManagedFields != nil || n.Annotations[lastApplied] != "" || n.Annotations["kept"] != "yes" {
				t.Errorf("metadata: managed fields %v, annotations %v", n.ManagedFields, n.Annotations)
			}
			if n.Spec.Event != v1alpha1.EventIncidentReported || n.Spec.EventID != "id" || len(n.Spec.Audiences) != 1 {
				t.Errorf("what sources read is kept: %+v", n.Spec)
			}
		})
	}
}

// An incident the operator wrote to is cached without what only its own
// pass reads, and says so; one never written to is cached as it is.
func TestCacheSlimsIncidents(t *testing.T) {
	now := metav1.Now()
	cond := func(typ string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: "R", Message: typ + " says why", LastTransitionTime: now}
	}
	written := v1alpha1.SecurityIncidentStatus{
		Level:        v1alpha1.IncidentLevel(v1alpha1.LevelIV),
		LevelReasons: []string{"§3.4(1)"},
		LevelHistory: []v1alpha1.LevelChange{{Cause: "classified"}},
		Deadlines:    []v1alpha1.Deadline{{Name: v1alpha1.DeadlineInitialReport, State: v1alpha1.DeadlineMissed}},
		Conditions: []metav1.Condition{cond(v1alpha1.IncidentClassifiedCondition), cond(v1alpha1.IncidentSupportAnsweredCondition),
			cond(v1alpha1.ConditionReady)},
	}
	withoutSupport := *written.DeepCopy()
	withoutSupport.Conditions = []metav1.Condition{cond(v1alpha1.IncidentClassifiedCondition)}
	cases := map[string]struct {
		status  v1alpha1.SecurityIncidentStatus
		want    v1alpha1.SecurityIncidentStatus
		slimmed bool
	}{
		"never written to": {},
		"written, support asked for": {status: written, slimmed: true, want: v1alpha1.SecurityIncidentStatus{
			Level: written.Level, Deadlines: written.Deadlines, Conditions: []metav1.Condition{cond(v1alpha1.IncidentSupportAnsweredCondition)}}},
		"written, no support asked for": {status: withoutSupport, slimmed: true, want: v1alpha1.SecurityIncidentStatus{
			Level: written.Level, Deadlines: written.Deadlines, Conditions: []metav1.Condition{}}},
		"only level reasons": {status: v1alpha1.SecurityIncidentStatus{LevelReasons: []string{"x"}}, slimmed: true,
			want: v1alpha1.SecurityIncidentStatus{Conditions: []metav1.Condition{}}},
	}
	transform := CacheOptions().DefaultTransform
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ann := map[string]string{
				v1alpha1.AnnotationEarliestOccurredAt:   "2026-11-20T11:40:00Z",
				v1alpha1.AnnotationEarliestDiscoveredAt: "2026-11-20T11:45:00Z",
				v1alpha1.AnnotationLastWrittenBy:        "unit-a",
			}
			in := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "ns", Annotations: maps.Clone(ann)},
				Spec: v1alpha1.SecurityIncidentSpec{Description: "kept"}, Status: *c.status.DeepCopy()}
			out, err := transform(in)
			if err != nil {
				t.Fatal(err)
			}
			inc := out.(*v1alpha1.SecurityIncident)
			if diff := cmp.Diff(c.want, inc.Status); diff != "" {
				t.Errorf("cached status (-want +got):\n%s", diff)
			}
			// The earliest reported times go with what only the pass
			// reads; who last wrote the incident stays.
			wantAnn := ann
			if c.slimmed {
				wantAnn = map[string]string{v1alpha1.AnnotationLastWrittenBy: "unit-a"}
			}
			if diff := cmp.Diff(wantAnn, inc.Annotations); diff != "" {
				t.Errorf("cached annotations (-want +got):\n%s", diff)
			}
			// A deep copy, as a read from the cache makes, still tells.
			if got := incidentSlimmed(inc.DeepCopy()); got != c.slimmed {
				t.Errorf("incidentSlimmed = %v, want %v", got, c.slimmed)
			}
			if inc.Spec.Description != "kept" {
				t.Errorf("spec changed: %+v", inc.Spec)
			}
		})
	}
}

// A report is cached without the label that repeats its source's uid, and
// with the strings it repeats of itself and of other reports kept once;
// what it says stays as it was.
func TestCacheSlimsNotifications(t *testing.T) {
	const sourceUID = "5173767e-bbac-4e32-87da-09a0b8c1183f"
	transform := CacheOptions().DefaultTransform
	decoded := func(name string, labels string) *v1alpha1.Notification {
		// Each from its own bytes, as two watch events would be.
		data := []byte(`{"metadata":{"name":"` + name + `","namespace":"bench","labels":{` + labels + `},` +
			`"ownerReferences":[{"apiVersion":"emergency.netsec.io/v1alpha1","kind":"SecurityIncident","name":"inc-1","uid":"` + sourceUID + `","controller":true}]},` +
			`"spec":{"source":{"kind":"SecurityIncident","name":"inc-1","uid":"` + sourceUID + `","writtenBy":["admin"]},` +
			`"event":"IncidentReported","audiences":["Office"],"eventID":"` + sourceUID + `-reported","time":"2026-12-06T04:39:01Z",` +
			`"message":{"zh":"报告","en":"Report"}},` +
			`"status":{"deliveries":[{"channel":"office-desk","namespace":"bench","endpoint":"http://127.0.0.1:34689","audience":"Office",` +
			`"eventID":"` + sourceUID + `-reported","state":"Delivered","attempts":1,"messageID":"group-6f0fa8d2","groupSize":200}],` +
			`"conditions":[{"type":"Delivered","status":"True","reason":"Delivered","message":"Delivered through 1 channel(s): bench/office-desk."}]}}`)
		n := &v1alpha1.Notification{}
		if err := json.Unmarshal(data, n); err != nil {
			t.Fatal(err)
		}
		out, err := transform(n)
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.Notification)
	}
	sourceLabel := `"` + v1alpha1.LabelSourceUID + `":"` + sourceUID + `"`
	a := decoded("a", sourceLabel)
	b := decoded("b", sourceLabel+`,"`+v1alpha1.LabelDrill+`":"true"`)
	// A label that does not name the source's uid is not the operator's
	// repetition of it: it is kept.
	other := decoded("c", `"`+v1alpha1.LabelSourceUID+`":"someone-else"`)

	if a.Labels != nil || !maps.Equal(b.Labels, map[string]string{v1alpha1.LabelDrill: "true"}) ||
		other.Labels[v1alpha1.LabelSourceUID] != "someone-else" {
		t.Errorf("labels: %v, %v, %v", a.Labels, b.Labels, other.Labels)
	}
	same := func(x, y string) bool { return x == y && unsafe.StringData(x) == unsafe.StringData(y) }
	ref, src, d := a.OwnerReferences[0], a.Spec.Source, a.Status.Deliveries[0]
	// A delivered report's delivery drops the event id, its own
	// spec.eventID; the deliveries of the reports one grouped message
	// carried are then one list.
	if !same(string(ref.UID), src.UID) || !same(ref.Name, src.Name) || d.EventID != "" {
		t.Error("the report's repetitions of itself are not kept once")
	}
	if unsafe.SliceData(a.Status.Deliveries) != unsafe.SliceData(b.Status.Deliveries) {
		t.Error("two reports delivered by one grouped message keep a list of deliveries each")
	}
	bd := b.Status.Deliveries[0]
	if !same(d.MessageID, bd.MessageID) || !same(d.Endpoint, bd.Endpoint) || !same(d.Channel, bd.Channel) ||
		!same(ref.APIVersion, b.OwnerReferences[0].APIVersion) || !same(string(a.Spec.Audiences[0]), string(b.Spec.Audiences[0])) ||
		unsafe.SliceData(a.Spec.Audiences) != unsafe.SliceData(b.Spec.Audiences) ||
		unsafe.SliceData(a.Spec.Source.WrittenBy) != unsafe.SliceData(b.Spec.Source.WrittenBy) {
		t.Error("what two reports repeat of one another is not kept once")
	}
	want := v1alpha1.NotificationSpec{
		Source:    v1alpha1.NotificationSource{Kind: "SecurityIncident", Name: "inc-1", UID: sourceUID, WrittenBy: []string{"admin"}},
		Event:     v1alpha1.EventIncidentReported,
		Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice},
		EventID:   sourceUID + "-reported",
		Time:      a.Spec.Time,
	}
	if diff := cmp.Diff(want, b.Spec); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	wantDelivery := v1alpha1.NotificationDelivery{Channel: "office-desk", Namespace: "bench", Endpoint: "http://127.0.0.1:34689",
		Audience: v1alpha1.AudienceOffice, State: v1alpha1.DeliveryDelivered, Attempts: 1,
		MessageID: "group-6f0fa8d2", GroupSize: 200}
	if diff := cmp.Diff([]v1alpha1.NotificationDelivery{wantDelivery}, b.Status.Deliveries); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if ref.Kind != "SecurityIncident" || ref.Controller == nil || !*ref.Controller {
		t.Errorf("owner reference changed: %+v", ref)
	}
}

// A delivered report is cached with its Delivered condition only, and
// says so; one on its way is cached with all of its conditions.
func TestCacheSlimsDeliveredNotifications(t *testing.T) {
	now := metav1.Now()
	conds := func(delivered metav1.ConditionStatus) []metav1.Condition {
		return []metav1.Condition{
			{Type: v1alpha1.NotificationDeliveredCondition, Status: delivered, Reason: "R", Message: "delivered: " + string(delivered), LastTransitionTime: now},
			{Type: v1alpha1.ConditionReady, Status: delivered, Reason: "R", Message: "ready", LastTransitionTime: now},
			{Type: v1alpha1.ConditionStalled, Status: metav1.ConditionFalse, Reason: "R", Message: "stalled", LastTransitionTime: now},
			{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionFalse, Reason: "R", Message: "reconciling", LastTransitionTime: now},
		}
	}
	cases := map[string]struct {
		conditions []metav1.Condition
		want       []metav1.Condition
		slimmed    bool
	}{
		"never looked at":  {},
		"on its way":       {conditions: conds(metav1.ConditionFalse), want: conds(metav1.ConditionFalse)},
		"delivered":        {conditions: conds(metav1.ConditionTrue), want: conds(metav1.ConditionTrue)[:1], slimmed: true},
		"delivered, alone": {conditions: conds(metav1.ConditionTrue)[:1], want: conds(metav1.ConditionTrue)[:1], slimmed: true},
	}
	transform := CacheOptions().DefaultTransform
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: "n", Namespace: "ns"},
				Spec: v1alpha1.NotificationSpec{EventID: "e-1"},
				Status: v1alpha1.NotificationStatus{Conditions: slices.Clone(c.conditions), ConfirmedBy: "ministry-duty",
					Deliveries: []v1alpha1.NotificationDelivery{{Channel: "desk", EventID: "e-1", State: v1alpha1.DeliveryDelivered}}}}
			out, err := transform(in)
			if err != nil {
				t.Fatal(err)
			}
			n := out.(*v1alpha1.Notification)
			if diff := cmp.Diff(c.want, n.Status.Conditions); diff != "" {
				t.Errorf("cached conditions (-want +got):\n%s", diff)
			}
			if n.Status.ConfirmedBy != "ministry-duty" || len(n.Status.Deliveries) != 1 || n.Status.Deliveries[0].Channel != "desk" {
				t.Errorf("the rest of the status changed: %+v", n.Status)
			}
			// The event id of a delivery is dropped with the rest.
			if id, want := n.Status.Deliveries[0].EventID, map[bool]string{false: "e-1", true: ""}[c.slimmed]; id != want {
				t.Errorf("the delivery's event id is %q, want %q", id, want)
			}
			// A deep copy, as a read from the cache makes, still tells.
			if got := notificationSlimmed(n.DeepCopy()); got != c.slimmed {
				t.Errorf("notificationSlimmed = %v, want %v", got, c.slimmed)
			}
		})
	}
}

func TestCacheInternsRepeatedStrings(t *testing.T) {
	transform := CacheOptions().DefaultTransform
	decoded := func(name string) *v1alpha1.SecurityIncident {
		// Each from its own bytes, as two watch events would be.
		data := []byte(`{"metadata":{"name":"` + name + `","namespace":"ns","annotations":{"emergency.netsec.io/last-written-by":"unit-a"},` +
			`"labels":{"own":"` + name + `"}},"spec":{"reporter":{"unitName":"Guizhou Example Telecom"}},` +
			`"status":{"deadlines":[{"name":"InitialReport","state":"Pending"}],` +
			`"conditions":[{"type":"SupportAnswered","status":"False","reason":"AwaitingAnswer","message":"The office has sent none yet."}]}}`)
		inc := &v1alpha1.SecurityIncident{}
		if err := json.Unmarshal(data, inc); err != nil {
			t.Fatal(err)
		}
		out, err := transform(inc)
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.SecurityIncident)
	}
	a, b := decoded("a"), decoded("b")
	same := func(x, y string) bool { return x == y && unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(a.Status.Conditions[0].Message, b.Status.Conditions[0].Message) || !same(a.Status.Deadlines[0].Name, b.Status.Deadlines[0].Name) ||
		!same(a.Namespace, b.Namespace) || !same(a.Spec.Reporter.UnitName, b.Spec.Reporter.UnitName) {
		t.Error("the second incident's repeated strings are not the first's")
	}
	sameMap := func(x, y map[string]string) bool {
		return reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	}
	if !sameMap(a.Annotations, b.Annotations) {
		t.Error("the second incident's annotations, the same as the first's, are not the first's map")
	}
	if sameMap(a.Labels, b.Labels) || a.Labels["own"] != "a" || b.Labels["own"] != "b" || b.Annotations["emergency.netsec.io/last-written-by"] != "unit-a" {
		t.Errorf("maps that differ are shared, or changed: %v %v %v", a.Labels, b.Labels, b.Annotations)
	}
	if a.Name == b.Name || a.Status.Conditions[0].Message != "The office has sent none yet." {
		t.Errorf("values changed: %q %q %q", a.Name, b.Name, a.Status.Conditions[0].Message)
	}
}

// Reports delivered in the same second, with the same message, keep one
// list of conditions between them; one delivered a second later, or with
// another message, keeps its own, and every report still reads its own.
func TestCacheSharesConditionsTheSameToTheSecond(t *testing.T) {
	transform := CacheOptions().DefaultTransform
	at := metav1.NewTime(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC))
	delivered := func(name, message string, when metav1.Time) *v1alpha1.Notification {
		in := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
			Status: v1alpha1.NotificationStatus{Conditions: []metav1.Condition{
				{Type: v1alpha1.NotificationDeliveredCondition, Status: metav1.ConditionTrue, Reason: "Delivered", Message: message, LastTransitionTime: when, ObservedGeneration: 1},
				{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Delivered", Message: "ready", LastTransitionTime: when},
			}}}
		out, err := transform(in)
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.Notification)
	}
	a := delivered("a", "Delivered through 1 channel(s): ns/desk.", at)
	b := delivered("b", "Delivered through 1 channel(s): ns/desk.", at)
	later := delivered("c", "Delivered through 1 channel(s): ns/desk.", metav1.NewTime(at.Add(time.Second)))
	other := delivered("d", "Delivered through 2 channel(s): ns/desk, ns/mail.", at)
	shared := func(x, y *v1alpha1.Notification) bool {
		return &x.Status.Conditions[0] == &y.Status.Conditions[0]
	}
	if !shared(a, b) {
		t.Error("two reports delivered in the same second with the same message keep a list each")
	}
	if shared(a, later) || shared(a, other) {
		t.Error("reports whose conditions differ share a list")
	}
	for _, n := range []*v1alpha1.Notification{a, b, later, other} {
		if len(n.Status.Conditions) != 1 || !notificationSlimmed(n) {
			t.Errorf("%s: cached conditions %+v, want its Delivered condition alone", n.Name, n.Status.Conditions)
		}
	}
	if !later.Status.Conditions[0].LastTransitionTime.Equal(&metav1.Time{Time: at.Add(time.Second)}) ||
		other.Status.Conditions[0].Message != "Delivered through 2 channel(s): ns/desk, ns/mail." {
		t.Errorf("a report reads another's condition: %+v, %+v", later.Status.Conditions, other.Status.Conditions)
	}
}

// Times the same to the nanosecond are kept once; every object still
// reads its own.
func TestCacheSharesTimes(t *testing.T) {
	transform := CacheOptions().DefaultTransform
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	classified := func(name string, when time.Time) *v1alpha1.SecurityIncident {
		in := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
		in.Status.ClassifiedTime = &metav1.Time{Time: when}
		in.Status.Timeline.ClassifiedTime = &metav1.Time{Time: when}
		in.Status.Deadlines = []v1alpha1.Deadline{{Name: "InitialReport", DueTime: metav1.NewTime(when.Add(time.Hour)), CompletedTime: &metav1.Time{Time: when}}}
		out, err := transform(in)
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.SecurityIncident)
	}
	a, b, c := classified("a", at), classified("b", at), classified("c", at.Add(time.Second))
	if a.Status.ClassifiedTime != b.Status.ClassifiedTime || a.Status.Timeline.ClassifiedTime != a.Status.ClassifiedTime ||
		a.Status.Deadlines[0].CompletedTime != b.Status.Deadlines[0].CompletedTime {
		t.Error("times the same to the nanosecond are kept more than once")
	}
	if c.Status.ClassifiedTime == a.Status.ClassifiedTime || !c.Status.ClassifiedTime.Time.Equal(at.Add(time.Second)) ||
		!c.Status.Deadlines[0].CompletedTime.Time.Equal(at.Add(time.Second)) {
		t.Errorf("an incident classified a second later reads %v, %v", c.Status.ClassifiedTime, c.Status.Deadlines[0].CompletedTime)
	}
}

func TestInternedStartsAfreshWhenFull(t *testing.T) {
	in := &interned{m: map[string]string{}}
	for i := range maxInterned + 10 {
		s := fmt.Sprint("message ", i)
		in.intern(&s)
	}
	if n := len(in.m); n != 10 {
		t.Errorf("%d strings held, want the 10 since it started afresh", n)
	}
	for i := range maxInterned + 10 {
		m := map[string]string{"n": fmt.Sprint(i)}
		in.internMap(&m)
	}
	if n := len(in.maps); n != 10 {
		t.Errorf("%d maps held, want the 10 since it started afresh", n)
	}
	long := strings.Repeat("x", maxInternedLen+1)
	in.intern(&long)
	if _, ok := in.m[long]; ok {
		t.Error("a string longer than maxInternedLen is held")
	}
}

// The cache dropping an incident's earliest reported times, once its first
// status is written, is no change that wakes the incident: its update
// event passes only when an annotation the cache keeps changed.
func TestIncidentWokenByAnnotationsItKeeps(t *testing.T) {
	transform := CacheOptions().DefaultTransform
	cached := func(inc *v1alpha1.SecurityIncident) *v1alpha1.SecurityIncident {
		out, err := transform(inc.DeepCopy())
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.SecurityIncident)
	}
	filed := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "ns", Generation: 1, Annotations: map[string]string{
		v1alpha1.AnnotationEarliestOccurredAt:   "2026-11-20T11:40:00Z",
		v1alpha1.AnnotationEarliestDiscoveredAt: "2026-11-20T11:45:00Z",
		v1alpha1.AnnotationLastWrittenBy:        "unit-a",
	}}}
	levelled := filed.DeepCopy()
	levelled.Status.Level = v1alpha1.IncidentLevel(v1alpha1.LevelIV)
	levelled.Status.Conditions = []metav1.Condition{{Type: v1alpha1.IncidentClassifiedCondition, Status: metav1.ConditionTrue}}
	assessed := levelled.DeepCopy()
	assessed.Annotations[v1alpha1.AnnotationAssessedLevel] = "III"

	wakes := incidentWakes
	before, after := cached(filed), cached(levelled)
	if maps.Equal(before.Annotations, after.Annotations) {
		t.Fatal("the cache kept the earliest times of a levelled incident: this test no longer tells anything")
	}
	if wakes.Update(event.UpdateEvent{ObjectOld: before, ObjectNew: after}) {
		t.Error("its first status write, as the cache holds it, wakes the incident")
	}
	if !wakes.Update(event.UpdateEvent{ObjectOld: after, ObjectNew: cached(assessed)}) {
		t.Error("the office's assessment does not wake the incident")
	}
	if !wakes.Create(event.CreateEvent{Object: before}) {
		t.Error("a new incident does not wake its pass")
	}
}

// A work group is cached without the labels that repeat its controller and
// its type, and workGroupLabel still reads them; labels that say something
// else, or that something else wrote, are kept.
func TestCacheDropsWorkGroupLabelsItRepeats(t *testing.T) {
	transform := CacheOptions().DefaultTransform
	yes := true
	group := func(labels map[string]string, controller string) *v1alpha1.WorkGroup {
		wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: "resp-1-recovery", Namespace: "office", Labels: labels},
			Spec: v1alpha1.WorkGroupSpec{Type: v1alpha1.WorkGroupRecovery}}
		if controller != "" {
			wg.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.GroupVersion.String(), Kind: "EmergencyResponse", Name: controller, UID: "u-1", Controller: &yes}}
		}
		out, err := transform(wg)
		if err != nil {
			t.Fatal(err)
		}
		return out.(*v1alpha1.WorkGroup)
	}
	operators := func(extra ...string) map[string]string {
		m := map[string]string{v1alpha1.LabelResponse: "resp-1", v1alpha1.LabelWorkGroupType: string(v1alpha1.WorkGroupRecovery)}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	cases := map[string]struct {
		in        *v1alpha1.WorkGroup
		cached    map[string]string
		resp, typ string
	}{
		"the operator's":          {in: group(operators(), "resp-1"), resp: "resp-1", typ: "Recovery"},
		"with a label of its own": {in: group(operators("team", "red"), "resp-1"), cached: map[string]string{"team": "red"}, resp: "resp-1", typ: "Recovery"},
		"labelled for another":    {in: group(operators(), "resp-2"), cached: operators(), resp: "resp-1", typ: "Recovery"},
		"without a controller":    {in: group(operators(), ""), cached: operators(), resp: "resp-1", typ: "Recovery"},
		"another type in its label": {in: group(map[string]string{v1alpha1.LabelResponse: "resp-1", v1alpha1.LabelWorkGroupType: "AttackTracing"}, "resp-1"),
			cached: map[string]string{v1alpha1.LabelResponse: "resp-1", v1alpha1.LabelWorkGroupType: "AttackTracing"}, resp: "resp-1", typ: "AttackTracing"},
		"unlabelled, without a controller": {in: group(nil, "")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(c.cached, c.in.Labels, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("cached labels (-want +got):\n%s", diff)
			}
			if got := workGroupLabel(c.in, v1alpha1.LabelResponse); got != c.resp {
				t.Errorf("response label read as %q, want %q", got, c.resp)
			}
			if got := workGroupLabel(c.in, v1alpha1.LabelWorkGroupType); got != c.typ {
				t.Errorf("type label read as %q, want %q", got, c.typ)
			}
		})
	}
}
