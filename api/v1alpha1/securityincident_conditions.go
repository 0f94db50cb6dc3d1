package v1alpha1

import "time"

// Condition types of a SecurityIncident.
const (
	// IncidentClassifiedCondition is True once the level is computed.
	IncidentClassifiedCondition = "Classified"
	// IncidentFormCompleteCondition is True when every box of the annex form
	// is filled in.
	IncidentFormCompleteCondition = "FormComplete"
	// IncidentDeadlinesMetCondition is False once a deadline was missed.
	IncidentDeadlinesMetCondition = "DeadlinesMet"
	// IncidentSuggestionMatchedCondition is False when the reporter's
	// suggested level differs from the computed one.
	IncidentSuggestionMatchedCondition = "SuggestionMatched"
	// IncidentResponseLevelCoveredCondition is False when the incident
	// rose above the level of the response that covers it: a response at
	// the new level is owed (§5.3).
	IncidentResponseLevelCoveredCondition = "ResponseLevelCovered"
	// IncidentReportedTimesValidCondition is False while a reported time
	// lies in the future of the operator's clock: a typo to correct.
	IncidentReportedTimesValidCondition = "ReportedTimesValid"
	// IncidentWithdrawnCondition is True once the reporter withdrew the
	// incident; its reason is the withdrawal's.
	IncidentWithdrawnCondition = "Withdrawn"
	// IncidentSupportAnsweredCondition is present while the unit asks for
	// technical support (spec.support.needed): True once a SupportDispatch
	// answers it (§5.2).
	IncidentSupportAnsweredCondition = "SupportAnswered"
)

// Condition reasons of a SecurityIncident. The FormComplete reasons double
// as the Form print column.
const (
	// IncidentLevelComputedReason: a criterion of §3 is reached.
	IncidentLevelComputedReason = "LevelComputed"
	// IncidentBelowThresholdReason: no criterion is reached.
	IncidentBelowThresholdReason = "BelowThreshold"

	// IncidentFormCompleteReason: every box of the form is filled in.
	IncidentFormCompleteReason = "Complete"
	// IncidentFormPendingReason: boxes are missing and the form is not yet due.
	IncidentFormPendingReason = "Pending"
	// IncidentFormOverdueReason: boxes are missing and the form was due.
	IncidentFormOverdueReason = "Overdue"
	// IncidentFormIncompleteReason: a Form report with boxes missing.
	IncidentFormIncompleteReason = "Incomplete"

	// IncidentDeadlinesOnTimeReason: no deadline has been missed.
	IncidentDeadlinesOnTimeReason = "OnTime"
	// IncidentDeadlineMissedReason: at least one deadline passed unmet.
	IncidentDeadlineMissedReason = "DeadlineMissed"

	// IncidentSuggestionMatchesReason: the suggestion equals the level, or
	// there is none.
	IncidentSuggestionMatchesReason = "SuggestionMatches"
	// IncidentSuggestionDiffersReason: the suggestion differs from the level.
	IncidentSuggestionDiffersReason = "SuggestionDiffers"

	// IncidentResponseOwedReason: a response at the incident's level is owed.
	IncidentResponseOwedReason = "ResponseOwed"
	// IncidentResponseCoversReason: no running response is below the level.
	IncidentResponseCoversReason = "Covered"
	// IncidentTimesInPastReason: both reported times are in the past.
	IncidentTimesInPastReason = "InPast"
	// IncidentTimeInFutureReason: a reported time is later than the
	// operator's clock (beyond FutureSkew).
	IncidentTimeInFutureReason = "TimeInFuture"
	// IncidentNotWithdrawnReason: the incident stands.
	IncidentNotWithdrawnReason = "NotWithdrawn"
	// IncidentWithdrawnReason: Ready's reason for a withdrawn incident;
	// the Withdrawn condition's reason is the withdrawal's own.
	IncidentWithdrawnReason = "Withdrawn"
	// IncidentReadyReason: classified, with the full form in hand.
	IncidentReadyReason = "Ready"
	// IncidentNotClassifiedReason: the level could not be computed yet.
	IncidentNotClassifiedReason = "NotClassified"

	// IncidentSupportAnsweredReason: a SupportDispatch answers the request.
	IncidentSupportAnsweredReason = "Answered"
	// IncidentSupportAwaitedReason: the office has not yet answered.
	IncidentSupportAwaitedReason = "AwaitingAnswer"
)

// Event reasons of a SecurityIncident.
const (
	// IncidentLevelRaisedEvent: corrected facts raised the level.
	IncidentLevelRaisedEvent = "LevelRaised"
	// IncidentLevelLoweredEvent: corrected facts lowered the level (Warning).
	IncidentLevelLoweredEvent = "LevelLowered"
	// IncidentSuggestionDiffersEvent: the reporter's suggestion differs.
	IncidentSuggestionDiffersEvent = "SuggestionDiffers"
	// IncidentReportedLateEvent: the report came long after discovery.
	IncidentReportedLateEvent = "ReportedLate"
	// IncidentFormCompletedEvent: the full form is in.
	IncidentFormCompletedEvent = "FormCompleted"
	// IncidentDeadlineMissedEvent: a deadline passed unmet.
	IncidentDeadlineMissedEvent = "DeadlineMissed"
	// IncidentCorrectedEvent: the reported facts were corrected.
	IncidentCorrectedEvent = "Corrected"
	// IncidentResponseOwedEvent: a response at a higher level is owed (Warning).
	IncidentResponseOwedEvent = "ResponseOwed"
	// IncidentTimeInFutureEvent: a reported time is in the future (Warning).
	IncidentTimeInFutureEvent = "TimeInFuture"
	// IncidentWithdrawnEvent: the reporter withdrew the incident.
	IncidentWithdrawnEvent = "Withdrawn"
)

// Annotations an incident carries, kept by the API server
// (config/admission/earliest.yaml): whatever a client writes there is
// replaced.
const (
	// AnnotationEarliestOccurredAt is the earliest spec.occurredAt ever on
	// record (RFC 3339).
	AnnotationEarliestOccurredAt = "emergency.netsec.io/earliest-occurred-at"
	// AnnotationEarliestDiscoveredAt is the earliest spec.discoveredAt ever
	// on record (RFC 3339).
	AnnotationEarliestDiscoveredAt = "emergency.netsec.io/earliest-discovered-at"
)

// The office's assessment of an incident's other harm (§3), checked by the
// API server (config/admission/assessments.yaml).
const (
	// AnnotationAssessedLevel on an incident with harm of event type
	// Other: the level (I, II, III, IV) the office assessed that harm to
	// have (§3), written with AnnotationAssessedBy, the assessor's own user
	// name, by a holder of the verb assess on harms
	// (config/admission/assessments.yaml). A later assessment replaces it,
	// in the writer's own name; it is never removed.
	AnnotationAssessedLevel = "emergency.netsec.io/assessed-level"
	// AnnotationAssessedBy names who wrote AnnotationAssessedLevel.
	AnnotationAssessedBy = "emergency.netsec.io/assessed-by"
)

// Deadline names of a SecurityIncident.
const (
	// DeadlineInitialReport: the report is owed immediately on discovery
	// (§4.1); the operator allows the configured grace (default one hour).
	DeadlineInitialReport = "InitialReport"
	// DeadlineFullForm: a QuickNotice owes the full form by the end of the
	// local calendar day of discovery (§4.1).
	DeadlineFullForm = "FullForm"
)

// Limits of an incident's status, shared with the markers on its fields.
const (
	// MaxLevelHistory is the number of level changes kept (LevelHistory MaxItems).
	MaxLevelHistory = 100
	// MaxLevelCause is the length of a level change's cause (MaxLength).
	MaxLevelCause = 2048
	// MaxCorrections is the number of corrections kept (Corrections MaxItems).
	MaxCorrections = 100
)

// FutureSkew is how far in the future of the operator's clock a reported
// time may lie before it is flagged: clocks of units differ a little.
const FutureSkew = 5 * time.Minute
