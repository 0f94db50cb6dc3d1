// Package builder makes test objects in a line:
//
//	builder.Incident("leak", ns).Records(1_000_000).Obj()
package builder

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// IncidentBuilder builds a SecurityIncident.
type IncidentBuilder struct{ obj *v1alpha1.SecurityIncident }

// Incident starts with a complete, valid Form report of an Other event that
// the office has not assessed (below threshold), discovered at occurred+10m.
func Incident(name, namespace string) *IncidentBuilder {
	occurred := time.Now().Add(-20 * time.Minute).Truncate(time.Second)
	return &IncidentBuilder{obj: &v1alpha1.SecurityIncident{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: v1alpha1.SecurityIncidentSpec{
			Reporter: v1alpha1.Reporter{
				UnitName: "Guizhou Example Telecom",
				UnitType: v1alpha1.UnitBasicTelecom,
				Contact:  v1alpha1.Contact{Name: "Wang Fang", Phone: "+86 851 8888 0000", Email: "duty@example.cn"},
				FilledBy: "Wang Fang",
			},
			ReportChannel:    v1alpha1.ReportForm,
			NetworkUnit:      v1alpha1.NetworkUnit{Name: "Guiyang IDC", Address: "Guiyang, Guizhou"},
			Description:      "Test incident.",
			OccurredAt:       metav1.NewTime(occurred),
			DiscoveredAt:     metav1.NewTime(occurred.Add(10 * time.Minute)),
			EventTypes:       []v1alpha1.EventType{v1alpha1.EventOther},
			Impact:           v1alpha1.Impact{Other: &v1alpha1.OtherImpact{Description: "unclear harm"}},
			SuggestedLevel:   v1alpha1.LevelIV,
			MeasuresTaken:    "Isolated the affected hosts.",
			ProposedMeasures: "Patch and monitor.",
			Support:          &v1alpha1.Support{Needed: false},
		},
	}}
}

// Obj returns the built object.
func (b *IncidentBuilder) Obj() *v1alpha1.SecurityIncident { return b.obj.DeepCopy() }

// Drill marks the incident as a drill.
func (b *IncidentBuilder) Drill() *IncidentBuilder { b.obj.Spec.Drill = true; return b }

// QuickNotice makes it a quick notice without the full form's boxes; it
// still states the measures taken and the suggestions (§4.1).
func (b *IncidentBuilder) QuickNotice() *IncidentBuilder {
	s := &b.obj.Spec
	s.ReportChannel = v1alpha1.ReportQuickNotice
	s.Reporter.Contact.Email, s.Reporter.FilledBy = "", ""
	s.NetworkUnit = v1alpha1.NetworkUnit{}
	s.Support = nil
	return b
}

// Discovered sets discovery at t and occurrence ten minutes before.
func (b *IncidentBuilder) Discovered(t time.Time) *IncidentBuilder {
	t = t.Truncate(time.Second)
	b.obj.Spec.DiscoveredAt = metav1.NewTime(t)
	b.obj.Spec.OccurredAt = metav1.NewTime(t.Add(-10 * time.Minute))
	return b
}

// Suggested sets the reporter's suggested level.
func (b *IncidentBuilder) Suggested(l v1alpha1.Level) *IncidentBuilder {
	b.obj.Spec.SuggestedLevel = l
	return b
}

// only replaces the event types and impact with a single one.
func (b *IncidentBuilder) only(t v1alpha1.EventType, im v1alpha1.Impact) *IncidentBuilder {
	b.obj.Spec.EventTypes = []v1alpha1.EventType{t}
	b.obj.Spec.Impact = im
	return b
}

// Records makes it a data leak of n records.
func (b *IncidentBuilder) Records(n int64) *IncidentBuilder {
	return b.only(v1alpha1.EventDataLeak, v1alpha1.Impact{DataLeak: &v1alpha1.DataLeakImpact{Records: n}})
}

// Outage makes it an outage over scope.
func (b *IncidentBuilder) Outage(scope v1alpha1.Scope) *IncidentBuilder {
	return b.only(v1alpha1.EventInternetOutage, v1alpha1.Impact{InternetOutage: &v1alpha1.AreaImpact{Scope: scope}})
}

// Edit applies any other change.
func (b *IncidentBuilder) Edit(f func(*v1alpha1.SecurityIncident)) *IncidentBuilder {
	f(b.obj)
	return b
}
