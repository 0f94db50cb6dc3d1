package v1alpha1

// Condition types of a SupportDispatch.
const (
	// DispatchAcknowledgedCondition is True once every unit ordered to help
	// acknowledged the order.
	DispatchAcknowledgedCondition = "Acknowledged"
)

// Condition reasons of a SupportDispatch.
const (
	// DispatchReadyReason: Ready's reason once the dispatch names an
	// incident that asks for support, and registered units.
	DispatchReadyReason = "Dispatched"
	// DispatchUnknownIncidentReason: the incident named does not exist.
	DispatchUnknownIncidentReason = "UnknownIncident"
	// DispatchNoSupportRequestedReason: the incident asks for no support
	// (spec.support.needed is not true).
	DispatchNoSupportRequestedReason = "NoSupportRequested"
	// DispatchUnknownUnitReason: a unit ordered has no ReportingUnit in its
	// namespace.
	DispatchUnknownUnitReason = "UnknownUnit"
	// DispatchDrillMismatchReason: a drill's dispatch over a real incident,
	// or the reverse (the label emergency.netsec.io/drill tells).
	DispatchDrillMismatchReason = "DrillMismatch"

	// DispatchAllAcknowledgedReason: every unit ordered acknowledged.
	DispatchAllAcknowledgedReason = "AllAcknowledged"
	// DispatchAwaitingAcknowledgementReason: some units have not yet.
	DispatchAwaitingAcknowledgementReason = "AwaitingAcknowledgement"
	// DispatchNoUnitsOrderedReason: only experts were sent.
	DispatchNoUnitsOrderedReason = "NoUnitsOrdered"
)

// Event reasons of a SupportDispatch.
const (
	// DispatchAcknowledgedEvent: a unit acknowledged the order.
	DispatchAcknowledgedEvent = "Acknowledged"
)
