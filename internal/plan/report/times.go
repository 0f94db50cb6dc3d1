package report

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// CountedFrom is what an incident's deadlines count from: for each reported
// time, the earliest ever on record, so that a correction moves a deadline
// earlier (a typo put right) but never later (a late report made to look
// on time). The record is the spec, the annotations the API server keeps
// with the earliest times (config/admission/earliest.yaml), and the times
// the operator counted from before (previous, nil at first); an annotation
// that is missing or does not parse is left out.
func CountedFrom(s *v1alpha1.SecurityIncidentSpec, annotations map[string]string, previous *v1alpha1.ReportedTimes) v1alpha1.ReportedTimes {
	occurred := earliest(s.OccurredAt.Time, annotations[v1alpha1.AnnotationEarliestOccurredAt])
	discovered := earliest(s.DiscoveredAt.Time, annotations[v1alpha1.AnnotationEarliestDiscoveredAt])
	if previous != nil {
		occurred = minTime(occurred, previous.OccurredAt.Time)
		discovered = minTime(discovered, previous.DiscoveredAt.Time)
	}
	return v1alpha1.ReportedTimes{OccurredAt: metav1.NewTime(occurred), DiscoveredAt: metav1.NewTime(discovered)}
}

func earliest(spec time.Time, annotation string) time.Time {
	recorded, err := time.Parse(time.RFC3339, annotation)
	if err != nil {
		return spec
	}
	return minTime(spec, recorded)
}

func minTime(a, b time.Time) time.Time {
	if b.IsZero() || a.Before(b) || a.Equal(b) {
		return a
	}
	return b
}

// TimeInFuture is a reported time later than the clock allows.
type TimeInFuture struct {
	// Field is the spec's field path, e.g. spec.discoveredAt.
	Field string
	At    time.Time
}

// InFuture lists the reported times later than now by more than skew, in
// the order of the form (occurredAt, discoveredAt): a time not yet come
// cannot have been seen, so it is a typo to correct.
func InFuture(s *v1alpha1.SecurityIncidentSpec, now time.Time, skew time.Duration) []TimeInFuture {
	var out []TimeInFuture
	for _, t := range []TimeInFuture{
		{"spec.occurredAt", s.OccurredAt.Time},
		{"spec.discoveredAt", s.DiscoveredAt.Time},
	} {
		if t.At.After(now.Add(skew)) {
			out = append(out, t)
		}
	}
	return out
}

// TimesMoved lists the reported times that differ between before (as last
// seen) and the spec now, from what to what.
func TimesMoved(before *v1alpha1.ReportedTimes, s *v1alpha1.SecurityIncidentSpec) []v1alpha1.TimeCorrection {
	if before == nil {
		return nil
	}
	var out []v1alpha1.TimeCorrection
	if !before.OccurredAt.Equal(&s.OccurredAt) {
		out = append(out, v1alpha1.TimeCorrection{Field: v1alpha1.FieldOccurredAt, From: before.OccurredAt, To: s.OccurredAt})
	}
	if !before.DiscoveredAt.Equal(&s.DiscoveredAt) {
		out = append(out, v1alpha1.TimeCorrection{Field: v1alpha1.FieldDiscoveredAt, From: before.DiscoveredAt, To: s.DiscoveredAt})
	}
	return out
}
