package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

func TestSetHealth(t *testing.T) {
	cond := func(typ string, status metav1.ConditionStatus, reason string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: reason + " says what to do."}
	}
	cases := map[string]struct {
		conds                []metav1.Condition
		stalled, reconciling got
	}{
		"all well": {
			conds:       []metav1.Condition{cond("Approved", "True", "Approved"), cond("Ready", "True", "Ready")},
			stalled:     got{Status: "False", Reason: v1alpha1.HealthyReason, Message: "Nothing waits for a person to put it right."},
			reconciling: got{Status: "False", Reason: v1alpha1.SettledReason, Message: "The operator has nothing left to do by itself."}},
		"waiting for an approval is neither": {
			conds:       []metav1.Condition{cond("Approved", "False", v1alpha1.ResponseAwaitingApprovalReason)},
			stalled:     got{Status: "False", Reason: v1alpha1.HealthyReason, Message: "Nothing waits for a person to put it right."},
			reconciling: got{Status: "False", Reason: v1alpha1.SettledReason, Message: "The operator has nothing left to do by itself."}},
		"an approval for another level is stalled": {
			conds:       []metav1.Condition{cond("Approved", "False", v1alpha1.ResponseApprovalLevelMismatch), cond("WorkGroupsReady", "False", v1alpha1.ResponseWorkGroupsPendingReason)},
			stalled:     got{Status: "True", Reason: v1alpha1.ResponseApprovalLevelMismatch, Message: v1alpha1.ResponseApprovalLevelMismatch + " says what to do."},
			reconciling: got{Status: "False", Reason: v1alpha1.SettledReason, Message: "The operator has nothing left to do by itself."}},
		"work groups being set up are reconciling": {
			conds:       []metav1.Condition{cond("Approved", "True", "Approved"), cond("WorkGroupsReady", "False", v1alpha1.ResponseWorkGroupsPendingReason)},
			stalled:     got{Status: "False", Reason: v1alpha1.HealthyReason, Message: "Nothing waits for a person to put it right."},
			reconciling: got{Status: "True", Reason: v1alpha1.ResponseWorkGroupsPendingReason, Message: v1alpha1.ResponseWorkGroupsPendingReason + " says what to do."}},
		"an overdue form is stalled": {
			conds:       []metav1.Condition{cond("FormComplete", "False", v1alpha1.IncidentFormOverdueReason)},
			stalled:     got{Status: "True", Reason: v1alpha1.IncidentFormOverdueReason, Message: v1alpha1.IncidentFormOverdueReason + " says what to do."},
			reconciling: got{Status: "False", Reason: v1alpha1.SettledReason, Message: "The operator has nothing left to do by itself."}},
		"a stalled condition that cleared clears Stalled": {
			conds:       []metav1.Condition{cond("Stalled", "True", v1alpha1.IncidentFormOverdueReason), cond("FormComplete", "True", "Complete")},
			stalled:     got{Status: "False", Reason: v1alpha1.HealthyReason, Message: "Nothing waits for a person to put it right."},
			reconciling: got{Status: "False", Reason: v1alpha1.SettledReason, Message: "The operator has nothing left to do by itself."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inc := builder.Incident("a", "u").Obj()
			inc.Status.Conditions = tc.conds
			p := Begin(testKit(setterNow), inc, false)
			setHealth(p)
			if diff := cmp.Diff(tc.stalled, outcome(inc.Status.Conditions, v1alpha1.ConditionStalled, EventLog{})); diff != "" {
				t.Errorf("Stalled (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.reconciling, outcome(inc.Status.Conditions, v1alpha1.ConditionReconciling, EventLog{})); diff != "" {
				t.Errorf("Reconciling (-want +got):\n%s", diff)
			}
		})
	}
}
