package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WarningLevel is a warning's colour (§4.3), for a possible I, II, III or IV
// incident, or a risk notice (风险提示) below warning level. One of: Red (a
// possible I), Orange (II), Yellow (III), Blue (IV), RiskNotice.
// +kubebuilder:validation:Enum=Red;Orange;Yellow;Blue;RiskNotice
type WarningLevel string

// Warning levels.
const (
	WarningRed        WarningLevel = "Red"
	WarningOrange     WarningLevel = "Orange"
	WarningYellow     WarningLevel = "Yellow"
	WarningBlue       WarningLevel = "Blue"
	WarningRiskNotice WarningLevel = "RiskNotice"
)

// WarningSource is who issued a warning. One of: National, Ministry,
// Provincial.
// +kubebuilder:validation:Enum=National;Ministry;Provincial
type WarningSource string

// Warning sources: the national office, the ministry's office, the province.
const (
	SourceNational   WarningSource = "National"
	SourceMinistry   WarningSource = "Ministry"
	SourceProvincial WarningSource = "Provincial"
)

// WarningSpec is a warning's content (§4.4).
//
// +kubebuilder:validation:XValidation:rule="self.level != 'Red' || self.source == 'National' || (oldSelf.hasValue() && self.source == 'Ministry')",message="a red warning comes only from the national office: source must be National (a ministry's warning may be adjusted to red on its directive)",fieldPath=".source",optionalOldSelf=true
// +kubebuilder:validation:XValidation:rule="self.level != 'Orange' || self.source in ['National', 'Ministry']",message="an orange warning comes from the ministry's office (or the national office): source must be Ministry or National",fieldPath=".source"
// +kubebuilder:validation:XValidation:rule="!(self.level in ['Yellow', 'Blue', 'RiskNotice']) || self.source == 'Provincial' || (oldSelf.hasValue() && self.source in ['National', 'Ministry'])",message="yellow and blue warnings and risk notices are issued in the province: source must be Provincial (a red or orange warning from above may be adjusted to any colour on the ministry's directive, §4.6)",fieldPath=".source",optionalOldSelf=true
// +kubebuilder:validation:XValidation:rule="self.source == oldSelf.source",message="source cannot be changed",fieldPath=".source"
// +kubebuilder:validation:XValidation:rule="(has(self.drill) && self.drill) == (has(oldSelf.drill) && oldSelf.drill)",message="drill cannot be changed",fieldPath=".drill"
// +kubebuilder:validation:XValidation:rule="!(has(oldSelf.liftRequested) && oldSelf.liftRequested) || (has(self.liftRequested) && self.liftRequested)",message="liftRequested cannot be withdrawn once set",fieldPath=".liftRequested"
type WarningSpec struct {
	// level is the colour, or RiskNotice. One of: Red (an especially major,
	// level I, incident may happen), Orange (a major, II, one), Yellow (a
	// large, III, one), Blue (a general, IV, one), RiskNotice (a risk
	// notice below warning level). A yellow or blue warning may be
	// adjusted to the other colour with a new approval.
	// +required
	Level WarningLevel `json:"level"`

	// source is who issued it. One of: National (the national office),
	// Ministry (the ministry's office), Provincial (the province). Red only
	// National; Orange Ministry (or National); Yellow, Blue and RiskNotice
	// Provincial. Cannot be changed.
	// +required
	Source WarningSource `json:"source"`

	// startTime is when the warning takes effect, in RFC 3339 with the
	// offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time.
	// +required
	StartTime metav1.Time `json:"startTime"`

	// scope is the area and the systems possibly affected.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Scope string `json:"scope"`

	// harm is the harm that may be done.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Harm string `json:"harm"`

	// precautions are the measures the public and the units should take.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=512
	Precautions []string `json:"precautions"`

	// timeLimits are the deadline requirements every warning states
	// (时限要求, §4.4), e.g. "Patch or mitigate within 48 hours".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	TimeLimits string `json:"timeLimits"`

	// issuer is the issuing authority (发布机关), e.g. "Guizhou
	// Communications Administration".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Issuer string `json:"issuer"`

	// hotline is the public consultation telephone number: digits, spaces
	// and dashes, optionally starting with +, e.g. "12321" or
	// "0851-86881234".
	// +required
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+]?[0-9][0-9 -]{2,30}$')",message="must be a telephone number: digits, spaces and dashes, optionally starting with +"
	Hotline string `json:"hotline"`

	// channels are the names of NotificationChannels, in this namespace, that
	// the warning is published to; when none are named, every channel of the
	// namespace for the Units or the Public.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=253
	Channels []string `json:"channels,omitempty"`

	// units are the namespaces of the registered units the warning
	// concerns; when none are named, every registered unit. A red or orange
	// warning asks each of them for its 24-hour duty and an
	// acknowledgement (§4.5.1).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	Units []string `json:"units,omitempty"`

	// drill marks an exercise: its messages say so in their first words.
	// Cannot be changed.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// liftRequested asks to lift the warning (§4.6): a yellow or blue warning
	// lifts on the leading group's approval, a red or orange one on the
	// ministry's directive, a risk notice at once.
	// +optional
	LiftRequested bool `json:"liftRequested,omitempty"`

	// incidentRef is the incident the warning turned into, if any.
	// +optional
	IncidentRef *IncidentRef `json:"incidentRef,omitempty"`
}

// WarningPhase is where a warning stands. One of: AwaitingApproval,
// Published, Lifted.
// +kubebuilder:validation:Enum=AwaitingApproval;Published;Lifted
type WarningPhase string

// Warning phases.
const (
	WarningAwaitingApproval WarningPhase = "AwaitingApproval"
	WarningPublished        WarningPhase = "Published"
	WarningLifted           WarningPhase = "Lifted"
)

// WarningStep is one decision in a warning's life.
type WarningStep struct {
	// action: Published, Adjusted or Lifted.
	// +required
	Action WarningAction `json:"action"`

	// level after the step. One of: Red, Orange, Yellow, Blue, RiskNotice.
	// +required
	Level WarningLevel `json:"level"`

	// approvedBy is who approved it (the leading group), if anyone.
	// +optional
	ApprovedBy string `json:"approvedBy,omitempty"`

	// directive is the ministry's directive it followed, if any.
	// +optional
	Directive string `json:"directive,omitempty"`

	// time the operator took the step.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`
}

// WarningNotification is one report a warning made: a Notification it
// created, and whether every audience has it.
type WarningNotification struct {
	// name of the Notification, in the warning's namespace.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// event it reports. One of: IncidentReported, IncidentLevelChanged,
	// IncidentWithdrawn, DeadlineMissed, WarningRelayed, WarningPublished,
	// WarningReportedUpward, WarningAdjusted, WarningLifted,
	// ResponseStarted, ResponseSituation, ResponseEscalated, ResponseEnded,
	// SummaryReportReceived, DrillReported, PublicNotice,
	// IncidentReportedUpward, ResponseAwaitingDecision, ResponseSupportRequested.
	// +required
	Event NotificationEvent `json:"event"`

	// audiences it is for, each one of: Office, LeadingGroup,
	// MinistryOffice, EmergencyManagement, Units, Public.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=6
	Audiences []Audience `json:"audiences,omitempty"`

	// deliveredTime is when the last of its audiences had it.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	DeliveredTime *metav1.Time `json:"deliveredTime,omitempty"`
}

// WarningStatus is where the warning stands.
type WarningStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase: AwaitingApproval, Published or Lifted.
	// +optional
	Phase WarningPhase `json:"phase,omitempty"`

	// publishedLevel is the level last published. One of: Red, Orange,
	// Yellow, Blue, RiskNotice.
	// +optional
	PublishedLevel WarningLevel `json:"publishedLevel,omitempty"`

	// publishedTime is when the warning was first published.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	PublishedTime *metav1.Time `json:"publishedTime,omitempty"`
	// adjustedTime is when the warning was last adjusted.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	AdjustedTime *metav1.Time `json:"adjustedTime,omitempty"`
	// liftedTime is when the warning was lifted.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	LiftedTime *metav1.Time `json:"liftedTime,omitempty"`

	// history of the steps taken, with who approved each.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	History []WarningStep `json:"history,omitempty"`

	// measures the colour requires while the warning is in force (§4.5).
	// +optional
	// +listType=atomic
	Measures []string `json:"measures,omitempty"`

	// notifications the warning's steps made: each publication,
	// adjustment and lifting to the units and the public, and each report
	// upward. Their deliveries are in the Notifications.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=256
	Notifications []WarningNotification `json:"notifications,omitempty"`

	// acknowledgements: while a red or orange warning is published, each
	// unit it concerns, and its acknowledgement with its 24-hour duty once
	// received (§4.5.1).
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=256
	Acknowledgements []UnitAcknowledgement `json:"acknowledgements,omitempty"`

	// unacknowledged counts the units that owe an acknowledgement.
	// +optional
	Unacknowledged int32 `json:"unacknowledged,omitempty"`

	// conditions: Approved, Published, Delivered, ReportedUpward, Lifted and
	// Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Warning is a public-internet cybersecurity warning (§4.2–§4.6).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=warn;ew,categories=incident
// +kubebuilder:printcolumn:name="Level",type=string,JSONPath=`.status.publishedLevel`
// +kubebuilder:printcolumn:name="Requested",type=string,JSONPath=`.spec.level`
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=`.spec.source`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Approved By",type=string,JSONPath=`.metadata.annotations.emergency\.netsec\.io/approved-by`
// +kubebuilder:printcolumn:name="Delivered",type=string,JSONPath=`.status.conditions[?(@.type=="Delivered")].status`
// +kubebuilder:printcolumn:name="Unacked",type=integer,JSONPath=`.status.unacknowledged`
// +kubebuilder:printcolumn:name="Drill",type=boolean,JSONPath=`.spec.drill`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Copy",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/copy`,priority=1
// +kubebuilder:printcolumn:name="Origin",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/origin-cluster`,priority=1
type Warning struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WarningSpec `json:"spec"`

	// +optional
	Status WarningStatus `json:"status,omitempty"`
}

// WarningList is a list of Warnings.
//
// +kubebuilder:object:root=true
type WarningList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Warning `json:"items"`
}

func init() {
	register(&Warning{}, &WarningList{})
}
