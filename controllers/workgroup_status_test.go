package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

func TestWorkGroupSetStaffed(t *testing.T) {
	cases := map[string]struct {
		lead    string
		members int
		want    got
	}{
		"no lead": {want: got{Status: "False", Reason: v1alpha1.WorkGroupNoLeadReason, Message: "No lead yet: set spec.lead."}},
		"led":     {lead: "wang", members: 3, want: got{Status: "True", Reason: v1alpha1.WorkGroupLeadAssignedReason, Message: "Led by wang with 3 members."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &workGroupScope{Pass: reconcile.Begin(testKit(setterNow), &v1alpha1.WorkGroup{}, false)}
			s.setStaffed(tc.lead, tc.members)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.WorkGroupStaffedCondition, s.Events)); diff != "" {
				t.Errorf("Staffed (-want +got):\n%s", diff)
			}
		})
	}
}
