package plugin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestAssessIncident(t *testing.T) {
	harm := func(name string, annotations map[string]string) *v1alpha1.SecurityIncident {
		inc := incident(name, v1alpha1.BelowThreshold, false)
		inc.Annotations = annotations
		inc.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventOther}
		inc.Spec.Impact.Other = &v1alpha1.OtherImpact{Description: "portals defaced"}
		return inc
	}
	leak := incident("leak", "III", false)
	leak.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDataLeak}
	cases := map[string]struct {
		inc     *v1alpha1.SecurityIncident
		d       Decision
		refusal string
		out     string
	}{
		"a first assessment": {inc: harm("a", nil), d: Decision{User: "duty-officer", Level: "III"},
			out: "other harm assessed at level III by duty-officer"},
		"a new assessment names the one it replaces": {
			inc: harm("b", map[string]string{v1alpha1.AnnotationAssessedLevel: "IV", v1alpha1.AnnotationAssessedBy: "other-officer"}),
			d:   Decision{User: "duty-officer", Level: "II"}, out: "(was level IV, by other-officer)"},
		"the same assessment again":      {inc: harm("c", map[string]string{v1alpha1.AnnotationAssessedLevel: "III", v1alpha1.AnnotationAssessedBy: "duty-officer"}), d: Decision{User: "duty-officer", Level: "III"}, refusal: "already assessed it"},
		"no level":                       {inc: harm("d", nil), d: Decision{User: "duty-officer"}, refusal: "--level must be I, II, III or IV"},
		"a level the plan does not have": {inc: harm("e", nil), d: Decision{User: "duty-officer", Level: "V"}, refusal: "--level must be"},
		"a directive":                    {inc: harm("f", nil), d: Decision{User: "duty-officer", Level: "I", Directive: "MIIT-1"}, refusal: "takes no --directive"},
		"an incident without other harm": {inc: leak, d: Decision{User: "duty-officer", Level: "I"}, refusal: "no harm of the event type Other"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(tc.inc).Build()
			out, err := AssessIncident(context.Background(), c, "unit", tc.inc.Name, tc.d)
			after := &v1alpha1.SecurityIncident{}
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(tc.inc), after); err != nil {
				t.Fatal(err)
			}
			if tc.refusal != "" {
				var r *Refusal
				if !errors.As(err, &r) || !strings.Contains(r.Why, tc.refusal) {
					t.Fatalf("got %q, %v; want a refusal saying %q", out, err, tc.refusal)
				}
				if after.ResourceVersion != "999" {
					t.Errorf("the refusal wrote to the incident")
				}
				return
			}
			if err != nil || !strings.Contains(out, tc.out) {
				t.Fatalf("got %q, %v; want %q", out, err, tc.out)
			}
			if after.Annotations[v1alpha1.AnnotationAssessedLevel] != tc.d.Level || after.Annotations[v1alpha1.AnnotationAssessedBy] != tc.d.User {
				t.Errorf("annotations %v, want level %s by %s", after.Annotations, tc.d.Level, tc.d.User)
			}
		})
	}
}
