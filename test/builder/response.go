package builder

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// ResponseBuilder builds an EmergencyResponse.
type ResponseBuilder struct{ obj *v1alpha1.EmergencyResponse }

// Response starts a response in namespace to the given incidents.
func Response(name, namespace string, incidents ...*v1alpha1.SecurityIncident) *ResponseBuilder {
	b := &ResponseBuilder{obj: &v1alpha1.EmergencyResponse{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:       v1alpha1.EmergencyResponseSpec{Commander: "Provincial emergency office"},
	}}
	for _, inc := range incidents {
		b.obj.Spec.IncidentRefs = append(b.obj.Spec.IncidentRefs, v1alpha1.IncidentRef{Namespace: inc.Namespace, Name: inc.Name})
	}
	return b
}

// Obj returns the built object.
func (b *ResponseBuilder) Obj() *v1alpha1.EmergencyResponse { return b.obj.DeepCopy() }

// Drill marks a drill response.
func (b *ResponseBuilder) Drill() *ResponseBuilder { b.obj.Spec.Drill = true; return b }

// Level sets spec.level.
func (b *ResponseBuilder) Level(l v1alpha1.Level) *ResponseBuilder { b.obj.Spec.Level = l; return b }

// WorkGroups sets the work groups asked for.
func (b *ResponseBuilder) WorkGroups(t ...v1alpha1.WorkGroupType) *ResponseBuilder {
	b.obj.Spec.WorkGroups = t
	return b
}

// Measures sets the measures required.
func (b *ResponseBuilder) Measures(m ...v1alpha1.Measure) *ResponseBuilder {
	b.obj.Spec.Measures = m
	return b
}

// Edit applies any other change.
func (b *ResponseBuilder) Edit(f func(*v1alpha1.EmergencyResponse)) *ResponseBuilder {
	f(b.obj)
	return b
}
