package link

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestCopyName(t *testing.T) {
	long := strings.Repeat("x", 250)
	for _, tc := range []struct {
		member    v1alpha1.UplinkMember
		ns, name  string
		uid       string
		want      string
		wantLen   int
		wantPrefx string
	}{
		{member: v1alpha1.UplinkUnit, ns: "unit-a", name: "ddos-1", uid: "u1", want: "ddos-1"},
		{member: v1alpha1.UplinkProvince, ns: "unit-a", name: "ddos-1", uid: "u1", want: "unit-a-ddos-1"},
		{member: v1alpha1.UplinkProvince, ns: "unit-a", name: long, uid: "u1", wantLen: 253, wantPrefx: "unit-a-xxx"},
	} {
		o := &metav1.ObjectMeta{Namespace: tc.ns, Name: tc.name, UID: "u1"}
		got := CopyName(tc.member, o)
		if tc.want != "" && got != tc.want {
			t.Errorf("CopyName(%s, %s/%s) = %q, want %q", tc.member, tc.ns, tc.name, got, tc.want)
		}
		if tc.wantLen != 0 && (len(got) != tc.wantLen || !strings.HasPrefix(got, tc.wantPrefx)) {
			t.Errorf("CopyName(%s, long) = %q (%d bytes), want %d bytes starting %q", tc.member, got, len(got), tc.wantLen, tc.wantPrefx)
		}
	}
	// Two long names that differ only past the cut differ by their uids.
	a := CopyName(v1alpha1.UplinkProvince, &metav1.ObjectMeta{Namespace: "n", Name: long + "a", UID: "u1"})
	b := CopyName(v1alpha1.UplinkProvince, &metav1.ObjectMeta{Namespace: "n", Name: long + "b", UID: "u2"})
	if a == b {
		t.Errorf("two originals share the copy name %q", a)
	}
	// A cut at a dot leaves no empty label.
	dotted := CopyName(v1alpha1.UplinkProvince, &metav1.ObjectMeta{Namespace: "n", Name: strings.Repeat("ab.", 100), UID: "u3"})
	if strings.Contains(dotted, ".-") || len(dotted) > 253 {
		t.Errorf("CopyName cut at a dot: %q", dotted)
	}
}

func TestMarks(t *testing.T) {
	src := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: "unit-a", Name: "ddos-1", UID: "u1"}}
	src.Spec.Description = "a DDoS wave"
	c := Incident(src, v1alpha1.UplinkUnit, "acme", "unit-a")
	if !Marked(c, src, "acme", v1alpha1.CopyReported) || !IncidentCurrent(c, src, v1alpha1.UplinkUnit, "acme") {
		t.Fatalf("a fresh copy is not current: %+v", c.ObjectMeta)
	}
	origin, ok := OriginOf(c)
	if !ok || origin != (Origin{Cluster: "acme", Namespace: "unit-a", Name: "ddos-1", UID: "u1"}) {
		t.Errorf("OriginOf = %+v, %v", origin, ok)
	}
	if _, ok := OriginOf(src); ok {
		t.Errorf("an original has an origin")
	}
	src.Spec.Description = "corrected"
	if IncidentCurrent(c, src, v1alpha1.UplinkUnit, "acme") {
		t.Errorf("a copy behind its corrected original is current")
	}
	other := src.DeepCopy()
	other.UID = "u2"
	if SameOrigin(c, other) {
		t.Errorf("a copy of u1 is taken for one of u2")
	}
	relayed := Incident(src, v1alpha1.UplinkProvince, "province", "province")
	if relayed.Labels[v1alpha1.LabelCopy] != v1alpha1.CopyRelayed || relayed.Name != "unit-a-ddos-1" {
		t.Errorf("the province's copy is %s %q", relayed.Labels[v1alpha1.LabelCopy], relayed.Name)
	}
}

func TestUnitReportResolvesMirrors(t *testing.T) {
	r := &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Namespace: "unit-a", Name: "ack-1", UID: "r1"}}
	r.Spec.WarningRef = &v1alpha1.ObjectRef{Namespace: "unit-a", Name: "red-1"}
	r.Spec.ResponseRef = &v1alpha1.ObjectRef{Namespace: "unit-a", Name: "not-a-mirror"}
	resolve := func(ns, name string) (v1alpha1.ObjectRef, bool) {
		if name == "red-1" {
			return v1alpha1.ObjectRef{Namespace: "emergency-office", Name: "red-1"}, true
		}
		return v1alpha1.ObjectRef{}, false
	}
	c := UnitReport(r, "acme", "unit-a", resolve)
	if *c.Spec.WarningRef != (v1alpha1.ObjectRef{Namespace: "emergency-office", Name: "red-1"}) {
		t.Errorf("the acknowledged mirror is not named as its original: %+v", c.Spec.WarningRef)
	}
	if *c.Spec.ResponseRef != *r.Spec.ResponseRef {
		t.Errorf("a reference to no mirror changed: %+v", c.Spec.ResponseRef)
	}
	if r.Spec.WarningRef.Namespace != "unit-a" {
		t.Errorf("the original changed")
	}
	if !UnitReportCurrent(c, r, "acme", "unit-a", resolve) {
		t.Errorf("a fresh copy is not current")
	}
}

func TestDecision(t *testing.T) {
	held := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: "unit-a", Name: "ddos-1"}}
	held.Status.Level = v1alpha1.IncidentLevel(v1alpha1.LevelIII)
	held.Status.Responses = []v1alpha1.CoveringResponse{{Name: "resp-1"}}
	held.Status.Deadlines = []v1alpha1.Deadline{{Name: "a", State: v1alpha1.DeadlineMissed}, {Name: "b", State: v1alpha1.DeadlineMet}}
	held.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Message: strings.Repeat("é", 600)}}
	d := Decision("province", held)
	if d.Level != held.Status.Level || len(d.Responses) != 1 || len(d.MissedDeadlines) != 1 || d.MissedDeadlines[0] != "a" || d.Ready != "False" {
		t.Errorf("Decision = %+v", d)
	}
	if len(d.ReadyMessage) > 1024 {
		t.Errorf("the message is %d bytes, more than the field holds", len(d.ReadyMessage))
	}
}

func TestReport(t *testing.T) {
	n := &v1alpha1.Notification{
		ObjectMeta: metav1.ObjectMeta{Namespace: "emergency-office", Name: "resp-started-0a1b2c3d", UID: "n-uid"},
		Spec: v1alpha1.NotificationSpec{
			Source:    v1alpha1.NotificationSource{Kind: "EmergencyResponse", Name: "resp", UID: "r-uid"},
			Event:     v1alpha1.EventResponseStarted,
			Audiences: []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup},
			Channels:  []string{"named"},
			EventID:   "r-uid-started",
			Drill:     true,
		},
	}
	got := Report(n, "province", "province-gz")
	if got.Namespace != "province-gz" || got.Name != "emergency-office-resp-started-0a1b2c3d" {
		t.Errorf("the copy is %s/%s", got.Namespace, got.Name)
	}
	if !Marked(got, n, "province", v1alpha1.CopyRelayed) {
		t.Errorf("the copy is not marked as relayed from n: %v %v", got.Labels, got.Annotations)
	}
	if len(got.Spec.Audiences) != 1 || got.Spec.Audiences[0] != v1alpha1.AudienceOffice || got.Spec.Channels != nil {
		t.Errorf("the copy goes to %v through %v, want the ministry's Office only", got.Spec.Audiences, got.Spec.Channels)
	}
	if src := got.Spec.Source; src.Name != "emergency-office-resp" || src.Namespace != "" || src.UID != "r-uid" {
		t.Errorf("the copy's source is %+v, want the relayed copy's name", src)
	}
	if got.Labels[v1alpha1.LabelSourceUID] != "r-uid" || got.Labels[v1alpha1.LabelDrill] != "true" || got.Spec.EventID != n.Spec.EventID {
		t.Errorf("the copy's labels %v or event id %q do not follow the report", got.Labels, got.Spec.EventID)
	}
	if len(n.Spec.Audiences) != 2 || n.Spec.Channels == nil || n.Labels != nil {
		t.Errorf("Report changed the original: %+v", n)
	}
	// A source in another namespace than its report's keeps its own.
	n.Spec.Source.Namespace = "unit-a"
	if got := Report(n, "province", "province-gz"); got.Spec.Source.Name != "unit-a-resp" {
		t.Errorf("the source of a report of another namespace is named %q", got.Spec.Source.Name)
	}
}
