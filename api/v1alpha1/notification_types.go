package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NotificationSource is the object whose event a notification reports.
type NotificationSource struct {
	// kind of the source. One of: SecurityIncident, EmergencyResponse,
	// Warning.
	// +required
	// +kubebuilder:validation:Enum=SecurityIncident;EmergencyResponse;Warning
	Kind string `json:"kind"`

	// name of the source.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// namespace of the source, when it is not the notification's own.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// uid of the source: the notification reports on that object, not on a
	// later one of the same name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	UID string `json:"uid"`

	// writtenBy are the users who wrote the source's reported content, as
	// the API server stamped them (its created-by and written-by
	// annotations). None of them may consent to its release to the public.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=253
	WrittenBy []string `json:"writtenBy,omitempty"`
}

// NotificationMessage is the text sent, in both languages.
type NotificationMessage struct {
	// zh is the message in Chinese. A drill's starts with 【演练 DRILL】.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32768
	ZH string `json:"zh"`

	// en is the message in English. A drill's starts with [DRILL].
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32768
	EN string `json:"en"`
}

// NotificationSpec is one report the plan requires: what happened, to
// whom, and the message. The operator writes it once; it never changes.
type NotificationSpec struct {
	// source is the object the report is about.
	// +required
	Source NotificationSource `json:"source"`

	// event is what the report tells. One of: IncidentReported,
	// IncidentLevelChanged, IncidentWithdrawn, DeadlineMissed,
	// WarningRelayed, WarningPublished, WarningReportedUpward,
	// WarningAdjusted, WarningLifted, ResponseStarted,
	// ResponseSituation, ResponseEscalated, ResponseEnded,
	// SummaryReportReceived, DrillReported, PublicNotice,
	// IncidentReportedUpward, ResponseAwaitingDecision, ResponseSupportRequested.
	// +required
	Event NotificationEvent `json:"event"`

	// audiences are who must receive it, each one of: Office (the
	// provincial emergency office, 局网安应急办), LeadingGroup (the
	// provincial leading group, 局网安领导小组), MinistryOffice (the
	// ministry's emergency office, 部应急办), EmergencyManagement (the
	// provincial emergency-management department), Units (the units of
	// the province), Public (the public). Each is reached through every
	// NotificationChannel with that audience that the audience consented
	// to, in the notification's namespace and the office's (Units and
	// Public through spec.channels instead, when given).
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=6
	Audiences []Audience `json:"audiences"`

	// channels, when given, are the only channels that reach the Units and
	// the Public: the channels a warning names.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=253
	Channels []string `json:"channels,omitempty"`

	// drill marks an exercise: every message says so first.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// eventID is the message's stable id: the CloudEvents id, and the
	// 消息编号 / message id line of a robot message. Every retry and every
	// resend carries it, so a receiver that keeps the ids it has seen, or a
	// person reading the group chat, can tell a resend.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=320
	EventID string `json:"eventID"`

	// time the reported event happened.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`

	// message is the text sent.
	// +required
	Message NotificationMessage `json:"message"`

	// data are the event's facts for machine receivers, a JSON object: the
	// data of the CloudEvent.
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	Data string `json:"data,omitempty"`
}

// NotificationDelivery is the message to one channel. It is written before
// each attempt (attempts counts the attempt about to be made) and again
// with the outcome: an entry with more attempts than outcomes was sent, or
// was about to be, when the operator stopped.
type NotificationDelivery struct {
	// channel is the NotificationChannel's name.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Channel string `json:"channel"`

	// namespace of the channel: the notification's own, or the office's.
	// Empty in a record written before channels were looked up in the
	// office's namespace too: the notification's own.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// endpoint is where the message went: the scheme, host and port of the
	// channel's address, never its path or query (a robot's key or token
	// lives there). Set once an attempt was made.
	// +optional
	// +kubebuilder:validation:MaxLength=300
	Endpoint string `json:"endpoint,omitempty"`

	// audience the channel reaches. One of: Office, LeadingGroup,
	// MinistryOffice, EmergencyManagement, Units, Public.
	// +optional
	Audience Audience `json:"audience,omitempty"`

	// eventID is the id the message carries on this channel.
	// +required
	// +kubebuilder:validation:MaxLength=320
	EventID string `json:"eventID"`

	// state: Pending, Delivered, or Failed (tried again).
	// +required
	State DeliveryState `json:"state"`

	// attempts made so far, the one in flight included.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`

	// lastAttemptTime is when the last attempt started.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	LastAttemptTime *metav1.Time `json:"lastAttemptTime,omitempty"`

	// lastError is why the last attempt failed; it never holds the address.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastError string `json:"lastError,omitempty"`

	// deliveredTime is when the receiver accepted it.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	DeliveredTime *metav1.Time `json:"deliveredTime,omitempty"`

	// messageID is the id of the grouped message that carried this report,
	// when reports of the same kind to the same channel fell due together
	// (a storm) and went as one message listing each of them. Empty: the
	// report went alone, under eventID. Once set it never changes: every
	// retry resends that message whole, under the same id.
	// +optional
	// +kubebuilder:validation:MaxLength=320
	MessageID string `json:"messageID,omitempty"`

	// groupSize is how many reports the grouped message listed, this one
	// included.
	// +optional
	// +kubebuilder:validation:Minimum=0
	GroupSize int32 `json:"groupSize,omitempty"`
}

// NotificationStatus is where the report stands: on which channel, since
// when, and who confirmed it.
type NotificationStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// deliveries of the message, one per channel.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	Deliveries []NotificationDelivery `json:"deliveries,omitempty"`

	// deliveredTime is when the last audience first had the message.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	DeliveredTime *metav1.Time `json:"deliveredTime,omitempty"`

	// releaseApprovedBy is who in the office consented to the release to
	// the public (§5.5), and releaseApprovedTime when the operator saw it.
	// +optional
	ReleaseApprovedBy string `json:"releaseApprovedBy,omitempty"`
	// releaseApprovedTime is when the operator saw the consent to release.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ReleaseApprovedTime *metav1.Time `json:"releaseApprovedTime,omitempty"`

	// confirmedBy is the recipient who confirmed receipt (电话确认), and
	// confirmedTime when the operator saw the confirmation.
	// +optional
	ConfirmedBy string `json:"confirmedBy,omitempty"`
	// confirmedTime is when the operator saw the confirmation.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ConfirmedTime *metav1.Time `json:"confirmedTime,omitempty"`

	// conditions: Delivered and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Notification is one report the plan requires, created by the operator
// when its source's event happens, under a name derived from the source and
// the event, so that the same report is never made twice. `kubectl get ntf`
// is the register of what was reported to whom, and when.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ntf,categories=incident
// +kubebuilder:printcolumn:name="Event",type=string,JSONPath=`.spec.event`
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=`.spec.source.name`
// +kubebuilder:printcolumn:name="Audiences",type=string,JSONPath=`.spec.audiences`
// +kubebuilder:printcolumn:name="Delivered",type=string,JSONPath=`.status.conditions[?(@.type=="Delivered")].status`
// +kubebuilder:printcolumn:name="Confirmed",type=string,JSONPath=`.status.confirmedBy`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.source.kind`,priority=1
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Delivered")].reason`,priority=1
// +kubebuilder:printcolumn:name="Delivered At",type=string,JSONPath=`.status.deliveredTime`,priority=1
// +kubebuilder:printcolumn:name="Drill",type=boolean,JSONPath=`.spec.drill`,priority=1
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.deliveries[*].messageID`,priority=1
// +kubebuilder:printcolumn:name="Copy",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/copy`,priority=1
// +kubebuilder:printcolumn:name="Origin",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/origin-cluster`,priority=1
type Notification struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the record of what is reported; it cannot be changed.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="a notification's spec is the record of what was reported and cannot be changed"
	Spec NotificationSpec `json:"spec"`

	// +optional
	Status NotificationStatus `json:"status,omitempty"`
}

// NotificationList is a list of Notifications.
//
// +kubebuilder:object:root=true
type NotificationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Notification `json:"items"`
}

func init() {
	register(&Notification{}, &NotificationList{})
}

// GetConditions returns the notification's conditions.
func (in *Notification) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the notification's conditions.
func (in *Notification) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *Notification) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }
