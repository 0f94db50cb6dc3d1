package controllers

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

func TestStatusPatch(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	inc := builder.Incident("a", "u").Obj()
	inc.ResourceVersion = "42"
	inc.Status.Level = "IV"
	inc.Status.NextDeadline = &now
	cases := map[string]struct {
		change func(*v1alpha1.SecurityIncident)
		want   string
	}{
		"unchanged": {change: func(*v1alpha1.SecurityIncident) {}},
		"a field set and one removed": {
			change: func(i *v1alpha1.SecurityIncident) { i.Status.Level = "III"; i.Status.NextDeadline = nil },
			want:   `{"metadata":{"resourceVersion":"42"},"status":{"level":"III","nextDeadline":null}}`,
		},
		"a change of the spec is not written": {
			change: func(i *v1alpha1.SecurityIncident) { i.Spec.Description = "other"; i.Status.Level = "III" },
			want:   `{"metadata":{"resourceVersion":"42"},"status":{"level":"III"}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			after := inc.DeepCopy()
			tc.change(after)
			p, err := statusPatch(inc.ResourceVersion, statusOf(inc), statusOf(after))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p != nil {
				data, err := p.Data(after)
				if err != nil {
					t.Fatal(err)
				}
				got = string(data)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("patch (-want +got):\n%s", diff)
			}
		})
	}
}

// The status patch against the merge patch of whole objects it replaced:
// go test ./controllers -run '^$' -bench StatusPatch -benchmem
func BenchmarkStatusPatch(b *testing.B) {
	before := benchIncidentWithStatus()
	after := before.DeepCopy()
	after.Status.Conditions[0].Message = "changed"
	b.Run("status only", func(b *testing.B) {
		for b.Loop() {
			p, _ := statusPatch(before.ResourceVersion, statusOf(before), statusOf(after))
			_, _ = p.Data(after)
		}
	})
	b.Run("whole objects", func(b *testing.B) {
		for b.Loop() {
			_, _ = client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}).Data(after)
		}
	})
}

func benchIncidentWithStatus() *v1alpha1.SecurityIncident {
	inc := builder.Incident("a", "u").Obj()
	inc.ResourceVersion = "42"
	s := &incidentScope{pass: begin(testKit(setterNow), inc, false)}
	r := &SecurityIncidentReconciler{kit: testKit(setterNow), Plan: PlanConfig{TimeZone: time.UTC, ReportGrace: time.Hour}}
	for _, st := range []step[*incidentScope]{r.classify, r.checkSuggestion, r.checkForm, r.trackDeadlines} {
		_ = st(context.Background(), s)
	}
	r.summarise(s)
	return inc
}
