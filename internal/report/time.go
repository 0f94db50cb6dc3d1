package report

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// metaTime drops what the API cannot store (below a second, and the
// monotonic clock), so that a value read back compares equal.
func metaTime(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second).Round(0)) }

func ptrMetaTime(t time.Time) *metav1.Time {
	m := metaTime(t)
	return &m
}
