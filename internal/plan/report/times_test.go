package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestCountedFrom(t *testing.T) {
	spec := func(occurred, discovered string) *v1alpha1.SecurityIncidentSpec {
		return &v1alpha1.SecurityIncidentSpec{OccurredAt: metav1.NewTime(at(occurred)), DiscoveredAt: metav1.NewTime(at(discovered))}
	}
	times := func(occurred, discovered string) *v1alpha1.ReportedTimes {
		return &v1alpha1.ReportedTimes{OccurredAt: metav1.NewTime(at(occurred)), DiscoveredAt: metav1.NewTime(at(discovered))}
	}
	earliest := func(occurred, discovered string) map[string]string {
		return map[string]string{v1alpha1.AnnotationEarliestOccurredAt: occurred, v1alpha1.AnnotationEarliestDiscoveredAt: discovered}
	}
	cases := map[string]struct {
		spec        *v1alpha1.SecurityIncidentSpec
		annotations map[string]string
		previous    *v1alpha1.ReportedTimes
		want        *v1alpha1.ReportedTimes
	}{
		"first report, no annotation yet: the spec": {
			spec: spec("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			want: times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"a typo corrected earlier: the corrected time": {
			spec:        spec("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			annotations: earliest("2026-12-04T01:00:00Z", "2026-12-14T02:00:00Z"),
			previous:    times("2026-12-04T01:00:00Z", "2026-12-14T02:00:00Z"),
			want:        times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"discovery moved later: still the earliest the API server recorded": {
			spec:        spec("2026-12-04T01:00:00Z", "2026-12-04T09:00:00Z"),
			annotations: earliest("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			want:        times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"two corrections later before the operator looked: the first time": {
			spec:        spec("2026-12-04T05:00:00Z", "2026-12-04T09:00:00Z"),
			annotations: earliest("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			want:        times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"no annotation (policies not installed): never later than counted before": {
			spec:     spec("2026-12-04T01:00:00Z", "2026-12-04T09:00:00Z"),
			previous: times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			want:     times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"an annotation that does not parse is left out": {
			spec:        spec("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			annotations: earliest("yesterday", ""),
			want:        times("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
		},
		"an annotation in another offset compares as a time": {
			spec:        spec("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
			annotations: earliest("2026-12-04T08:30:00+08:00", "2026-12-04T10:00:00+08:00"),
			want:        times("2026-12-04T00:30:00Z", "2026-12-04T02:00:00Z"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := CountedFrom(tc.spec, tc.annotations, tc.previous)
			if !got.OccurredAt.Equal(&tc.want.OccurredAt) || !got.DiscoveredAt.Equal(&tc.want.DiscoveredAt) {
				t.Errorf("CountedFrom() = %s, %s; want %s, %s", got.OccurredAt.UTC(), got.DiscoveredAt.UTC(), tc.want.OccurredAt.UTC(), tc.want.DiscoveredAt.UTC())
			}
		})
	}
}

func TestOwedCountsFromTheGivenDiscovery(t *testing.T) {
	s := fullForm()
	s.DiscoveredAt = metav1.NewTime(at("2026-12-14T02:00:00Z")) // the typo
	owed := Owed(s, at("2026-12-04T02:00:00Z"), at("2026-12-04T05:00:00Z"), nil, time.Hour, shanghai)
	if want := at("2026-12-04T03:00:00Z"); !owed[0].At.Equal(want) || !owed[0].Rejudge {
		t.Errorf("InitialReport due %s (rejudged %v), want %s counted from the earliest discovery", owed[0].At, owed[0].Rejudge, want)
	}
}

func TestInFuture(t *testing.T) {
	now := at("2026-12-04T10:00:00Z")
	spec := func(occurred, discovered string) *v1alpha1.SecurityIncidentSpec {
		return &v1alpha1.SecurityIncidentSpec{OccurredAt: metav1.NewTime(at(occurred)), DiscoveredAt: metav1.NewTime(at(discovered))}
	}
	cases := map[string]struct {
		spec *v1alpha1.SecurityIncidentSpec
		want []string
	}{
		"both past":                      {spec: spec("2026-12-04T08:00:00Z", "2026-12-04T09:00:00Z")},
		"discovered now":                 {spec: spec("2026-12-04T08:00:00Z", "2026-12-04T10:00:00Z")},
		"within the skew":                {spec: spec("2026-12-04T08:00:00Z", "2026-12-04T10:05:00Z")},
		"just past the skew":             {spec: spec("2026-12-04T08:00:00Z", "2026-12-04T10:05:01Z"), want: []string{"spec.discoveredAt"}},
		"12-14 for 12-04: discovery":     {spec: spec("2026-12-04T08:00:00Z", "2026-12-14T09:00:00Z"), want: []string{"spec.discoveredAt"}},
		"both in the future, form order": {spec: spec("2026-12-14T08:00:00Z", "2026-12-14T09:00:00Z"), want: []string{"spec.occurredAt", "spec.discoveredAt"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, f := range InFuture(tc.spec, now, 5*time.Minute) {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("InFuture() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimesMoved(t *testing.T) {
	before := &v1alpha1.ReportedTimes{OccurredAt: metav1.NewTime(at("2026-12-04T01:00:00Z")), DiscoveredAt: metav1.NewTime(at("2026-12-14T02:00:00Z"))}
	s := &v1alpha1.SecurityIncidentSpec{OccurredAt: before.OccurredAt, DiscoveredAt: metav1.NewTime(at("2026-12-04T02:00:00Z"))}
	got := TimesMoved(before, s)
	want := []v1alpha1.TimeCorrection{{Field: v1alpha1.FieldDiscoveredAt, From: before.DiscoveredAt, To: s.DiscoveredAt}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TimesMoved() (-want +got):\n%s", diff)
	}
	if got := TimesMoved(nil, s); got != nil {
		t.Errorf("TimesMoved(nil) = %v: with nothing seen before, no time can be named as moved", got)
	}
	if got := TimesMoved(before, &v1alpha1.SecurityIncidentSpec{OccurredAt: before.OccurredAt, DiscoveredAt: before.DiscoveredAt}); got != nil {
		t.Errorf("TimesMoved() with the same times = %v", got)
	}
}
