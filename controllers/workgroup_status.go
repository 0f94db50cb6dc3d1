package controllers

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// setStaffed names the lead, or asks for one.
func (s *workGroupScope) setStaffed(lead string, members int) {
	if lead == "" {
		s.Set(v1alpha1.WorkGroupStaffedCondition, metav1.ConditionFalse, v1alpha1.WorkGroupNoLeadReason, "No lead yet: set spec.lead.")
		return
	}
	s.Set(v1alpha1.WorkGroupStaffedCondition, metav1.ConditionTrue, v1alpha1.WorkGroupLeadAssignedReason,
		fmt.Sprintf("Led by %s with %d members.", lead, members))
}
