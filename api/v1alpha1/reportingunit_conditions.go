package v1alpha1

// Condition types of a ReportingUnit.
const (
	// UnitPlanFiledCondition is True once the unit's own plan is filed and
	// the office accepted its current version (§9.1), or when the unit's
	// type need not file one.
	UnitPlanFiledCondition = "PlanFiled"
	// UnitDrillHeldCondition is True once a drill of the unit counted this
	// local year (§7.2), or when its type need not drill.
	UnitDrillHeldCondition = "DrillHeldThisYear"
	// UnitDutyReachableCondition is True when a duty contact is named and
	// the unit acknowledged every red/orange warning and III/IV response in
	// force over it (§4.5.1, §5.3).
	UnitDutyReachableCondition = "DutyReachable"
)

// Condition reasons of a ReportingUnit.
const (
	// UnitPlanAcceptedReason: the office accepted the current version.
	UnitPlanAcceptedReason = "Accepted"
	// UnitPlanNotRequiredReason: the unit's type need not file a plan.
	UnitPlanNotRequiredReason = "NotRequired"
	// UnitPlanMissingReason: no plan is given.
	UnitPlanMissingReason = "NoPlan"
	// UnitPlanAwaitingReason: a plan is given; the office has not accepted
	// this version.
	UnitPlanAwaitingReason = "AwaitingAcceptance"

	// UnitDrillCountedReason: a drill counted this year.
	UnitDrillCountedReason = "Held"
	// UnitDrillDueReason: no drill yet this year; due by the year's end.
	UnitDrillDueReason = "DueThisYear"
	// UnitDrillNotRequiredReason: the unit's type need not drill.
	UnitDrillNotRequiredReason = "NotRequired"

	// UnitNoDutyReason: nothing asks for duty now; a duty contact is named.
	UnitNoDutyReason = "NoDutyInForce"
	// UnitDutyAcknowledgedReason: every duty in force is acknowledged.
	UnitDutyAcknowledgedReason = "Acknowledged"
	// UnitDutyNotAcknowledgedReason: a duty in force is not acknowledged.
	UnitDutyNotAcknowledgedReason = "NotAcknowledged"
	// UnitNoDutyContactReason: no duty contact is named.
	UnitNoDutyContactReason = "NoDutyContact"

	// UnitReadyReason: the plan is filed (or need not be), this year's
	// drill counted (or need not), and the duty is reachable.
	UnitReadyReason = "InGoodStanding"
	// UnitMisnamedReason: a ReportingUnit not named as its namespace is no
	// unit's register; the operator keeps no record on it.
	UnitMisnamedReason = "NotNamedAsNamespace"
)

// Event reasons of a ReportingUnit.
const (
	// UnitPlanAcceptedEvent: the office accepted the filed plan's version.
	UnitPlanAcceptedEvent = "PlanAccepted"
	// UnitDrillCountedEvent: a drill of the unit counted for its year.
	UnitDrillCountedEvent = "DrillCounted"
	// UnitDutyOwedEvent (Warning): a duty in force over the unit is not
	// acknowledged.
	UnitDutyOwedEvent = "DutyNotAcknowledged"
)

// Annotations on a ReportingUnit, written by the office and checked by the
// API server (config/admission/units.yaml).
const (
	// AnnotationPlanAcceptedBy is who accepted the unit's plan, in their
	// own name.
	AnnotationPlanAcceptedBy = "emergency.netsec.io/plan-accepted-by"
	// AnnotationPlanAcceptedVersion is the plan version accepted.
	AnnotationPlanAcceptedVersion = "emergency.netsec.io/plan-accepted-version"
	// AnnotationDrillAcceptedBy on a drill SecurityIncident: the office
	// accepted the unit's own drill as held (§7.2).
	AnnotationDrillAcceptedBy = "emergency.netsec.io/drill-accepted-by"
	// AnnotationConsultation on a hazard UnitReport: the office's decision
	// (Warning, RiskNotice or NoAction).
	AnnotationConsultation = "emergency.netsec.io/consultation"
	// AnnotationConsultedBy is who decided, in their own name.
	AnnotationConsultedBy = "emergency.netsec.io/consulted-by"
)

// Condition types and reasons of a UnitReport.
const (
	// UnitReportAcceptedReason: the report names something it may report on.
	UnitReportAcceptedReason = "Accepted"
	// UnitReportUnknownTargetReason: the response or warning it names does
	// not exist.
	UnitReportUnknownTargetReason = "UnknownTarget"
	// UnitReportNotCoveredReason: the response it names covers no incident
	// of this unit, or the warning does not concern it.
	UnitReportNotCoveredReason = "NotCovered"
	// UnitReportNoUnitReason: the namespace has no registered unit.
	UnitReportNoUnitReason = "NoRegisteredUnit"
	// UnitReportBeforeEndReason: a summary report received before the
	// response it names ended; it does not count (§6.1).
	UnitReportBeforeEndReason = "BeforeEnd"
)

// Event reasons of a UnitReport.
const (
	// UnitReportReceivedEvent: the operator received the report.
	UnitReportReceivedEvent = "Received"
	// UnitReportConsultedEvent: the office's decision on a hazard report
	// is recorded.
	UnitReportConsultedEvent = "Consulted"
)

// How a drill counted (DrillHeld.countedBy).
const (
	// DrillCountedByResponse: the drill response over it ended.
	DrillCountedByResponse = "Response"
	// DrillCountedByAcceptance: the office accepted the unit's own drill.
	DrillCountedByAcceptance = "Accepted"
)

// DeadlineUnitSummaryReportPrefix starts the name of the deadline of one
// unit's summary report: UnitSummaryReport/<namespace>.
const DeadlineUnitSummaryReportPrefix = "UnitSummaryReport/"
