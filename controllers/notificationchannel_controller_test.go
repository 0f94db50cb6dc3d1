package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestNotReadyRecheck(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		notReadyFor time.Duration
		noCondition bool
		want        time.Duration
	}{
		"just created":              {0, false, 2 * time.Second},
		"not Ready for 1 s":         {time.Second, false, 2 * time.Second},
		"not Ready for 2 s":         {2 * time.Second, false, 2 * time.Second},
		"not Ready for 5 s":         {5 * time.Second, false, 5 * time.Second},
		"not Ready for 59 s":        {59 * time.Second, false, 59 * time.Second},
		"not Ready for an hour":     {time.Hour, false, time.Minute},
		"no Ready condition at all": {0, true, time.Minute},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ch := &v1alpha1.NotificationChannel{}
			if !tc.noCondition {
				ch.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse,
					LastTransitionTime: metav1.NewTime(now.Add(-tc.notReadyFor))}}
			}
			if got := notReadyRecheck(ch, now); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
