package deadline

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	ds := []v1alpha1.Deadline{
		{Name: "a", DueTime: metav1.NewTime(at("2026-03-01T10:00:00Z")), State: "Met"},
		{Name: "b", DueTime: metav1.NewTime(at("2026-03-03T10:00:00Z")), State: "Pending"},
		{Name: "c", DueTime: metav1.NewTime(at("2026-03-02T10:00:00Z")), State: "Pending"},
	}
	if got := Next(ds); got == nil || !got.Equal(at("2026-03-02T10:00:00Z")) {
		t.Errorf("Next() = %v, want 2026-03-02T10:00:00Z", got)
	}
	if got := Next(ds[:1]); got != nil {
		t.Errorf("Next() with nothing pending = %v, want nil", got)
	}
}
