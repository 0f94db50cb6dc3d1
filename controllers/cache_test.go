package controllers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
			in := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "ns"}, Spec: v1alpha1.SecurityIncidentSpec{Description: "kept"},
				Status: *c.status.DeepCopy()}
			out, err := transform(in)
			if err != nil {
				t.Fatal(err)
			}
			inc := out.(*v1alpha1.SecurityIncident)
			if diff := cmp.Diff(c.want, inc.Status); diff != "" {
				t.Errorf("cached status (-want +got):\n%s", diff)
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
