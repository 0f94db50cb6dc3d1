package v1alpha1

// Annotations and labels of a Notification. The annotations are decisions
// of people, admitted by config/admission/notifications.yaml: each carries
// the writer's own user name, only the entitled may write it, and once
// written it never changes.
const (
	// AnnotationConfirmedBy confirms that a report arrived (the plan's
	// 电话确认, §4.1). Its writer holds the verb `confirm` on the
	// pseudo-resource `audiences` of this group, named after one of the
	// notification's audiences (office, leadinggroup, ministryoffice,
	// emergencymanagement, units).
	AnnotationConfirmedBy = "emergency.netsec.io/confirmed-by"
	// AnnotationReleaseApprovedBy is the emergency office's consent to
	// release a message to the public (§5.5). Its writer holds the verb
	// `approve` on `releases/public` and wrote none of what is released.
	AnnotationReleaseApprovedBy = "emergency.netsec.io/release-approved-by"
	// LabelSourceUID carries the uid of the object a notification reports
	// on, to list a source's notifications.
	LabelSourceUID = "emergency.netsec.io/source-uid"
)

// NotificationEvent is what a notification reports: one of the reports the
// plan requires. One of: IncidentReported, IncidentLevelChanged,
// IncidentWithdrawn, DeadlineMissed, WarningRelayed, WarningPublished,
// WarningReportedUpward, WarningAdjusted, WarningLifted, ResponseStarted,
// ResponseSituation, ResponseEscalated, ResponseEnded,
// SummaryReportReceived, DrillReported, PublicNotice,
// IncidentReportedUpward, ResponseAwaitingDecision, ResponseSupportRequested.
// +kubebuilder:validation:Enum=IncidentReported;IncidentLevelChanged;IncidentWithdrawn;DeadlineMissed;WarningRelayed;WarningPublished;WarningReportedUpward;WarningAdjusted;WarningLifted;ResponseStarted;ResponseSituation;ResponseEscalated;ResponseEnded;SummaryReportReceived;DrillReported;PublicNotice;IncidentReportedUpward;ResponseAwaitingDecision;ResponseSupportRequested
type NotificationEvent string

// The reports of the plan, and who receives them.
const (
	// EventIncidentReported: an incident was reported (§4.1); to the Office.
	EventIncidentReported NotificationEvent = "IncidentReported"
	// EventIncidentLevelChanged: an incident's level changed; to the Office.
	EventIncidentLevelChanged NotificationEvent = "IncidentLevelChanged"
	// EventIncidentWithdrawn: the reporter withdrew an incident (a
	// duplicate, a false alarm); to whom its first report went, the Office.
	EventIncidentWithdrawn NotificationEvent = "IncidentWithdrawn"
	// EventDeadlineMissed: a reporting deadline passed; to the Office.
	EventDeadlineMissed NotificationEvent = "DeadlineMissed"
	// EventWarningRelayed: a red or orange warning from above was relayed
	// in the province (§4.4); the LeadingGroup is told.
	EventWarningRelayed NotificationEvent = "WarningRelayed"
	// EventWarningPublished: a warning is published to the Units and the
	// Public; the publication is its own approval.
	EventWarningPublished NotificationEvent = "WarningPublished"
	// EventWarningReportedUpward: a yellow or blue warning published in the
	// province is reported to the MinistryOffice and copied to
	// EmergencyManagement (§4.4).
	EventWarningReportedUpward NotificationEvent = "WarningReportedUpward"
	// EventWarningAdjusted: a warning changed colour (§4.6); to the Units
	// and the Public, and reported upward.
	EventWarningAdjusted NotificationEvent = "WarningAdjusted"
	// EventWarningLifted: a warning was lifted (§4.6); to the Units and the
	// Public, and reported upward.
	EventWarningLifted NotificationEvent = "WarningLifted"
	// EventResponseStarted: a response started (§5.3); to the
	// MinistryOffice and the LeadingGroup.
	EventResponseStarted NotificationEvent = "ResponseStarted"
	// EventResponseSituation: how the province is affected (§5.4); to the
	// MinistryOffice and the LeadingGroup.
	EventResponseSituation NotificationEvent = "ResponseSituation"
	// EventResponseEscalated: a response was taken over at a higher level;
	// to the MinistryOffice and the LeadingGroup.
	EventResponseEscalated NotificationEvent = "ResponseEscalated"
	// EventResponseEnded: a response ended (§5.6); to the MinistryOffice,
	// the LeadingGroup and EmergencyManagement.
	EventResponseEnded NotificationEvent = "ResponseEnded"
	// EventSummaryReportReceived: a summary report was handed in (§6.1):
	// the unit's to the Office, the office's to the MinistryOffice and the
	// LeadingGroup.
	EventSummaryReportReceived NotificationEvent = "SummaryReportReceived"
	// EventDrillReported: how a drill went (§7.2); to the Office.
	EventDrillReported NotificationEvent = "DrillReported"
	// EventIncidentReportedUpward: an incident reached level I or II; the
	// office reports it at once, with the measures it proposes, to the
	// MinistryOffice and the LeadingGroup (§2.2, §5.4), who alone can have a
	// response at that level started.
	EventIncidentReportedUpward NotificationEvent = "IncidentReportedUpward"
	// EventResponseAwaitingDecision: a response waits for the decision of
	// whoever the plan names: the LeadingGroup for III and IV, the
	// MinistryOffice (its office for II, its leading group for I) (§5.3).
	EventResponseAwaitingDecision NotificationEvent = "ResponseAwaitingDecision"
	// EventResponseSupportRequested: the office asks the MinistryOffice for
	// support from beyond the province (§5.4, §5.5).
	EventResponseSupportRequested NotificationEvent = "ResponseSupportRequested"
	// EventPublicNotice: information on an incident for the Public (§5.5);
	// it leaves only with the office's consent.
	EventPublicNotice NotificationEvent = "PublicNotice"
)

// DeliveryState is where one message to one channel stands. One of:
// Pending, Delivered, Failed.
// +kubebuilder:validation:Enum=Pending;Delivered;Failed
type DeliveryState string

// Delivery states. Failed is not final: the message is tried again.
const (
	// DeliveryPending: not yet sent, or sent and its outcome not yet
	// recorded (attempts says how often it was tried).
	DeliveryPending DeliveryState = "Pending"
	// DeliveryDelivered: the receiver accepted it; it is never sent again.
	DeliveryDelivered DeliveryState = "Delivered"
	// DeliveryFailed: the last attempt failed; it is tried again after a
	// backoff of at most five minutes.
	DeliveryFailed DeliveryState = "Failed"
)

// Limits of a notification, shared with the markers on its fields.
const (
	// MaxDeliveryError is the length of a delivery's lastError (MaxLength).
	MaxDeliveryError = 1024
	// MaxNotificationDeliveries is the number of deliveries (MaxItems).
	MaxNotificationDeliveries = 32
	// MaxNotificationText is the length of each of a message's texts.
	MaxNotificationText = 32768
	// MaxNotificationData is the length of a message's JSON data.
	MaxNotificationData = 65536
)

// Condition types of a Notification.
const (
	// NotificationDeliveredCondition is True once every audience has the
	// message through every one of its channels.
	NotificationDeliveredCondition = "Delivered"
)

// Condition reasons of a Notification, also used for a source's
// ReportedUpward condition.
const (
	// NotificationDeliveredReason: every channel has the message.
	NotificationDeliveredReason = "Delivered"
	// NotificationDeliveryPendingReason: a channel does not have it yet.
	NotificationDeliveryPendingReason = "DeliveryPending"
	// NotificationNoChannelReason: an audience has no Ready channel: the
	// message cannot reach it until one is set up.
	NotificationNoChannelReason = "NoChannel"
	// NotificationDeliveryFailingReason: an audience has not received the
	// message and every attempt through its channels failed so far.
	NotificationDeliveryFailingReason = "DeliveryFailing"
	// NotificationAwaitingConsentReason: a message for the Public waits for
	// the office's consent (§5.5).
	NotificationAwaitingConsentReason = "AwaitingConsent"
	// NotificationNotFromOperatorReason: the notification was created by
	// someone other than the operator (its created-by, stamped by the API
	// server, names another user): a report is the operator's record of
	// what the plan requires, so nothing a person writes as one is sent.
	NotificationNotFromOperatorReason = "NotFromOperator"
)

// Event reasons of a Notification.
const (
	// NotificationDeliveredEvent: a channel accepted the message.
	NotificationDeliveredEvent = "Delivered"
	// NotificationDeliveryFailedEvent: an attempt failed (Warning).
	NotificationDeliveryFailedEvent = "DeliveryFailed"
	// NotificationConfirmedEvent: a recipient confirmed receipt.
	NotificationConfirmedEvent = "Confirmed"
	// NotificationReleaseApprovedEvent: the office consented to the release.
	NotificationReleaseApprovedEvent = "ReleaseApproved"
	// NotificationAwaitingConsentEvent: a public message waits for consent.
	NotificationAwaitingConsentEvent = "AwaitingConsent"
)

// The condition every source of notifications carries: incidents,
// responses and warnings.
const (
	// ConditionReportedUpward is True when every report the source owes an
	// office (not the public) reached it; False with reason NoChannel when
	// an audience has no Ready channel, DeliveryPending while a report is
	// on its way.
	ConditionReportedUpward = "ReportedUpward"
	// ReportedUpwardReason: every report reached its audiences.
	ReportedUpwardReason = "Reported"
	// NothingToReportReason: the source owes no report yet.
	NothingToReportReason = "NothingToReport"
)

// Condition reasons of a NotificationChannel's Ready.
const (
	// ChannelReadyReason: the Secret holds what the channel's type needs.
	ChannelReadyReason = "SecretFound"
	// ChannelSecretUnusableReason: the Secret does not hold an http or
	// https address under the key `address`. Whether it is absent or lacks
	// the key is not said: a reader of the channel may not be one who may
	// read the Secret, and the condition is no way to learn what a Secret
	// they cannot see holds, or whether it exists.
	ChannelSecretUnusableReason = "SecretUnusable"
	// ChannelSecretUnreadableReason: the API server failed to answer (a
	// timeout, an internal error): nothing about the Secret itself.
	ChannelSecretUnreadableReason = "SecretUnreadable"
	// ChannelNoConsentReason: the audience the channel claims has not
	// consented to it (no emergency.netsec.io/consented-by): nothing is
	// delivered through it.
	ChannelNoConsentReason = "NoConsent"
)

// AnnotationConsentedBy is an audience's consent to a NotificationChannel
// that claims it: the user who speaks for that audience and accepts that
// the channel's address is theirs. The API server admits it only with the
// writer's own name, from a holder of the verb `consent` on
// audiences/<audience, lower-case> (config/admission/channels.yaml), and
// a change of the channel's spec takes it away. The operator delivers
// through consented channels only.
const AnnotationConsentedBy = "emergency.netsec.io/consented-by"

// Event reasons of a source whose reports cannot go out.
const (
	// ReportUndeliverableEvent: a report the source owes cannot reach an
	// audience (no consented Ready channel, or its deliveries fail); raised
	// once per cause (Warning).
	ReportUndeliverableEvent = "ReportUndeliverable"
)
