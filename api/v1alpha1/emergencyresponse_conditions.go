package v1alpha1

// Annotations that carry decisions. The API server admits them only from the
// entitled (config/admission): the approver or the directive's writer holds
// the verb `approve` on the pseudo-resource `levels` of this group, with the
// level's name (i, ii, iii, iv) — or, for a drill, on `drills` — is not the
// object's creator, and writes their own name; once given, none of them can
// be changed or removed.
const (
	// AnnotationApprovedBy starts a III or IV response; its value is the
	// approver's user name.
	AnnotationApprovedBy = "emergency.netsec.io/approved-by"
	// AnnotationDirective starts a I or II response; its value is the
	// reference of the ministry's directive.
	AnnotationDirective = "emergency.netsec.io/directive"
	// AnnotationApprovedLevel is the level (I–IV) that the approval or
	// directive covers, written with it.
	AnnotationApprovedLevel = "emergency.netsec.io/approved-level"
	// AnnotationEndApprovedBy ends a III or IV response.
	AnnotationEndApprovedBy = "emergency.netsec.io/end-approved-by"
	// AnnotationEndDirective ends a I or II response.
	AnnotationEndDirective = "emergency.netsec.io/end-directive"
	// AnnotationCreatedBy is stamped by the API server on creation with the
	// creator's user name, for the four-eyes rule.
	AnnotationCreatedBy = "emergency.netsec.io/created-by"
	// LabelResponseEnded marks the work groups of an ended response, which
	// can no longer be edited.
	LabelResponseEnded = "emergency.netsec.io/response-ended"
	// LabelDrill marks the work groups of a drill response, which stay
	// deletable (config/admission/record.yaml); it never changes.
	LabelDrill = "emergency.netsec.io/drill"
	// AnnotationWrittenBy lists, comma-separated, every user who wrote a
	// response's or warning's approvable content; the API server keeps it
	// (config/admission/created_by.yaml) for the four-eyes rule.
	AnnotationWrittenBy = "emergency.netsec.io/written-by"
	// AnnotationLastWrittenBy is the user who last changed an incident's
	// reported facts, stamped by the API server.
	AnnotationLastWrittenBy = "emergency.netsec.io/last-written-by"
)

// Condition types of an EmergencyResponse.
const (
	// ResponseApprovedCondition is True once an entitled approval or
	// directive covering the level in force is present.
	ResponseApprovedCondition = "Approved"
	// ResponseWorkGroupsReadyCondition is True when every work group asked
	// for exists and is ready.
	ResponseWorkGroupsReadyCondition = "WorkGroupsReady"
	// ResponseMeasuresCompleteCondition is False when a measure the plan
	// requires is missing.
	ResponseMeasuresCompleteCondition = "MeasuresComplete"
	// ResponseEndedCondition is True once the end is approved.
	ResponseEndedCondition = "Ended"
	// ResponseDeadlinesMetCondition is False once a report deadline is missed.
	ResponseDeadlinesMetCondition = "DeadlinesMet"
	// ResponseCalendarCoveredCondition is False when a deadline was counted
	// in weekends only, for want of the year's official schedule.
	ResponseCalendarCoveredCondition = "CalendarCovered"
	// ResponseLevelCoveredCondition is False when an incident of a started
	// response rose above the level its decision covered (§5.3): a response
	// at the new level is owed.
	ResponseLevelCoveredCondition = "LevelCovered"
	// ResponseSupersededCondition is True once a response at a higher level
	// took over the same incidents.
	ResponseSupersededCondition = "Superseded"
	// ResponseIncidentsCountedCondition is False while an incident the
	// response refers to is withdrawn: it is left out of the level, the
	// escalation and the measures. Absent when none is.
	ResponseIncidentsCountedCondition = "IncidentsCounted"
)

// Condition reasons of an EmergencyResponse.
const (
	// ResponseIncidentsPendingReason: an incident is missing, unclassified,
	// or all are below threshold.
	ResponseIncidentsPendingReason = "IncidentsPending"
	// ResponseAwaitingApprovalReason: no approval or directive yet.
	ResponseAwaitingApprovalReason = "AwaitingApproval"
	// ResponseApprovedReason: started on the leading group's approval.
	ResponseApprovedReason = "Approved"
	// ResponseDirectedReason: started on the ministry's directive.
	ResponseDirectedReason = "Directed"
	// ResponseApprovalLevelMismatch: the decision covers another level.
	ResponseApprovalLevelMismatch = "ApprovalDoesNotCoverLevel"
	// ResponseDrillMismatchReason: a drill response covers a real incident.
	ResponseDrillMismatchReason = "DrillMismatch"
	// ResponseNotStartedReason: the response has not started.
	ResponseNotStartedReason = "NotStarted"
	// ResponseWorkGroupsPendingReason: a work group is missing or not ready.
	ResponseWorkGroupsPendingReason = "WorkGroupsPending"
	// ResponseCommandedByMinistryReason: a level I or II response runs under
	// the ministry's command (§5.3); the office sets up no work groups of
	// its own unless spec.workGroups names some.
	ResponseCommandedByMinistryReason = "CommandedByMinistry"
	// ResponseWorkGroupsReadyReason: every work group is set up.
	ResponseWorkGroupsReadyReason = "WorkGroupsReady"
	// ResponseMeasuresCompleteReason: the measures include what the plan requires.
	ResponseMeasuresCompleteReason = "MeasuresComplete"
	// ResponseUserNotificationMissing: a data leak without AffectedUserNotification.
	ResponseUserNotificationMissing = "AffectedUserNotificationMissing"
	// ResponseActiveReason: started and not asked to end.
	ResponseActiveReason = "Active"
	// ResponseAwaitingEndApprovalReason: the end is requested, not yet approved.
	ResponseAwaitingEndApprovalReason = "AwaitingEndApproval"
	// ResponseEndedReason: the end was approved.
	ResponseEndedReason = "Ended"
	// ResponseReportsOnTimeReason: no summary report is late.
	ResponseReportsOnTimeReason = "OnTime"
	// ResponseReportMissedReason: a summary report's deadline passed.
	ResponseReportMissedReason = "DeadlineMissed"
	// ResponseCalendarCoveredReason: every day counted had an official schedule.
	ResponseCalendarCoveredReason = "Covered"
	// ResponseCalendarNotFoundReason: the HolidayCalendar is missing or unreadable.
	ResponseCalendarNotFoundReason = "CalendarNotFound"
	// ResponseCalendarYearMissingReason: a year counted has no official schedule.
	ResponseCalendarYearMissingReason = "YearNotCovered"
	// ResponseLevelCoveredReason: the decision covers every incident's level.
	ResponseLevelCoveredReason = "Covered"
	// ResponseIncidentEscalatedReason: an incident rose above the approved level.
	ResponseIncidentEscalatedReason = "IncidentEscalated"
	// ResponseAnotherCommandsReason: approved, but another response already
	// commands the same incidents at this level or above; it does not start.
	ResponseAnotherCommandsReason = "AnotherResponseCommands"
	// ResponseSupersededReason: a response at a higher level took over.
	ResponseSupersededReason = "Superseded"
	// ResponseNotSupersededReason: no response took over.
	ResponseNotSupersededReason = "NotSuperseded"
	// ResponseReadyReason: active, approved, staffed with its work groups.
	// ResponseIncidentsWithdrawnReason: an incident was withdrawn by its
	// reporter and does not count.
	ResponseIncidentsWithdrawnReason = "IncidentsWithdrawn"
	ResponseReadyReason              = "Ready"
)

// Event reasons of an EmergencyResponse.
const (
	// ResponseAwaitingApprovalEvent: the response waits for its decision.
	ResponseAwaitingApprovalEvent = "AwaitingApproval"
	// ResponseStartedEvent: the response started.
	ResponseStartedEvent = "Started"
	// ResponseSupportRequestedEvent: the office asks the ministry for
	// support beyond the province (§5.4, §5.5).
	ResponseSupportRequestedEvent = "SupportRequested"
	// ResponseNotStartedEvent: a decision is present but does not start it (Warning).
	ResponseNotStartedEvent = "NotStarted"
	// ResponseWorkGroupCreatedEvent: a work group was set up.
	ResponseWorkGroupCreatedEvent = "WorkGroupCreated"
	// ResponseWorkGroupRemovedEvent: a work group no longer asked for was removed.
	ResponseWorkGroupRemovedEvent = "WorkGroupRemoved"
	// ResponseMeasureMissingEvent: a measure the plan requires is missing (Warning).
	ResponseMeasureMissingEvent = "MeasureMissing"
	// ResponseEndedEvent: the response ended.
	ResponseEndedEvent = "Ended"
	// ResponseReportMissedEvent: a summary report is late (Warning).
	ResponseReportMissedEvent = "ReportDeadlineMissed"
	// ResponseReportSubmittedEvent: a summary report came in on time.
	ResponseReportSubmittedEvent = "ReportSubmitted"
	// ResponseEscalatedEvent: an incident rose above the approved level (Warning).
	ResponseEscalatedEvent = "Escalated"
	// ResponseSupersededEvent: a response at a higher level took over.
	ResponseSupersededEvent = "Superseded"
)

// Deadline names of an EmergencyResponse (§6.1).
const (
	// DeadlineOfficeSummaryReport: the office's report, 20 working days after the end.
	DeadlineOfficeSummaryReport = "OfficeSummaryReport"
)
