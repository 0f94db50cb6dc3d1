package v1alpha1

// Annotations of warning decisions, admitted by
// config/admission/warning_approvals.yaml. A warning's publication approval
// reuses AnnotationApprovedBy with AnnotationApprovedLevel.
const (
	// AnnotationApprovedByPrefix + lower-case colour approves an adjustment
	// to that colour, e.g. emergency.netsec.io/approved-by.blue.
	AnnotationApprovedByPrefix = AnnotationApprovedBy + "."
	// AnnotationLiftApprovedBy lifts a yellow or blue warning.
	AnnotationLiftApprovedBy = "emergency.netsec.io/lift-approved-by"
	// AnnotationLiftDirective lifts a red or orange warning.
	AnnotationLiftDirective = "emergency.netsec.io/lift-directive"
)

// WarningAction is a step in a warning's life.
// +kubebuilder:validation:Enum=Published;Adjusted;Lifted
type WarningAction string

// Warning actions.
const (
	// WarningActionPublished: the warning was published.
	WarningActionPublished WarningAction = "Published"
	// WarningActionAdjusted: the warning changed colour.
	WarningActionAdjusted WarningAction = "Adjusted"
	// WarningActionLifted: the warning was lifted.
	WarningActionLifted WarningAction = "Lifted"
)

// Limits of a warning's status, shared with the markers on its fields.
const (
	// MaxWarningHistory is the number of steps kept (History MaxItems).
	MaxWarningHistory = 64
)

// Condition types of a Warning.
const (
	// WarningApprovedCondition is False while a step waits for its approval.
	WarningApprovedCondition = "Approved"
	// WarningPublishedCondition is True once the warning is published.
	WarningPublishedCondition = "Published"
	// WarningDeliveredCondition is True when every message to the units and
	// the public reached every channel; the reports upward are
	// ConditionReportedUpward.
	WarningDeliveredCondition = "Delivered"
	// WarningLiftedCondition is True once the warning is lifted.
	WarningLiftedCondition = "Lifted"
)

// Condition reasons of a Warning.
const (
	// WarningAwaitingApprovalReason: a step waits for its approval.
	WarningAwaitingApprovalReason = "AwaitingApproval"
	// WarningApprovedReason: the leading group approved the colour.
	WarningApprovedReason = "Approved"
	// WarningDirectedReason: the ministry directed the change of colour.
	WarningDirectedReason = "Directed"
	// WarningRelayedReason: a red or orange warning is relayed at once.
	WarningRelayedReason = "Relayed"
	// WarningIssuedByOfficeReason: a risk notice is the office's own.
	WarningIssuedByOfficeReason = "IssuedByOffice"
	// WarningPublishedReason: the warning is published.
	WarningPublishedReason = "Published"
	// WarningLiftedReason: the warning is lifted.
	WarningLiftedReason = "Lifted"
	// WarningInForceReason: the warning is not lifted.
	WarningInForceReason = "InForce"
	// WarningNotPublishedReason: nothing is delivered before publication.
	WarningNotPublishedReason = "NotPublished"
	// WarningDeliveryPendingReason: a message is not yet delivered.
	WarningDeliveryPendingReason = "DeliveryPending"
	// WarningDeliveredReason: every message reached every channel.
	WarningDeliveredReason = "Delivered"
	// WarningReadyReason: published (or lifted) and delivered.
	WarningReadyReason = "Ready"
)

// Event reasons of a Warning.
const (
	// WarningAwaitingApprovalEvent: a step waits for the leading group.
	WarningAwaitingApprovalEvent = "AwaitingApproval"
	// WarningPublishedEvent: the warning was published.
	WarningPublishedEvent = "Published"
	// WarningAdjustedEvent: the warning changed colour.
	WarningAdjustedEvent = "Adjusted"
	// WarningLiftedEvent: the warning was lifted.
	WarningLiftedEvent = "Lifted"
	// WarningRelayedEvent: the province relays a step of the ministry's
	// warning, mirrored into its office, to its units, its public and its
	// leading group.
	WarningRelayedEvent = "Relayed"
)
