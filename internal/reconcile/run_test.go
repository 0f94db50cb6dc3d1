package reconcile

import (
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
// go test ./internal/reconcile -run '^$' -bench StatusPatch -benchmem
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

// benchIncidentWithStatus is an incident with a status the size of a
// classified one's: its level and reasons, deadlines and conditions.
func benchIncidentWithStatus() *v1alpha1.SecurityIncident {
	inc := builder.Incident("a", "u").Obj()
	inc.ResourceVersion = "42"
	p := Begin(testKit(setterNow), inc, false)
	inc.Status.Level = "III"
	inc.Status.LevelReasons = []string{"spec.impact.affectedUsers: 1,000,000 user records leaked (§3, level III)."}
	due := metav1.NewTime(setterNow.Add(time.Hour))
	inc.Status.Deadlines = []v1alpha1.Deadline{
		{Name: v1alpha1.DeadlineInitialReport, DueTime: due, State: v1alpha1.DeadlinePending},
		{Name: v1alpha1.DeadlineFullForm, DueTime: due, State: v1alpha1.DeadlinePending},
	}
	for _, typ := range []string{"Classified", "SuggestionMatched", "FormComplete", "DeadlinesMet", "ReportedUpward"} {
		p.Set(typ, metav1.ConditionTrue, "Fine", typ+" holds, as the duty officer would read it in a sentence.")
	}
	SetReady(p, Ready{Inputs: []string{"Classified", "FormComplete"}, Reason: "Classified", Message: "Classified as III with the full report form."})
	setHealth(p)
	return inc
}
