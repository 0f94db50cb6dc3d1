package v1alpha1

// Labels the operator puts on the work groups it creates; the plugin and
// the admission policies select by them.
const (
	// LabelResponse names the response a work group belongs to.
	LabelResponse = "emergency.netsec.io/response"
	// LabelWorkGroupType is the work group's type.
	LabelWorkGroupType = "emergency.netsec.io/work-group-type"
)

// Condition types of a WorkGroup.
const (
	// WorkGroupStaffedCondition is True once the work group has a lead.
	WorkGroupStaffedCondition = "Staffed"
)

// Condition reasons of a WorkGroup.
const (
	// WorkGroupLeadAssignedReason: spec.lead is set.
	WorkGroupLeadAssignedReason = "LeadAssigned"
	// WorkGroupNoLeadReason: spec.lead is empty.
	WorkGroupNoLeadReason = "NoLead"
	// WorkGroupSetUpReason: the work group exists and is summarised.
	WorkGroupSetUpReason = "SetUp"
)
