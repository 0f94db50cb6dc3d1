package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UnitType is the kind of the reporting unit (单位所属类型).
// +kubebuilder:validation:Enum=BasicTelecom;DomainRegistry;InternetCompany;SecuritySupport;SecurityCompany;Other
type UnitType string

// Unit types of the annex form.
const (
	UnitBasicTelecom    UnitType = "BasicTelecom"
	UnitDomainRegistry  UnitType = "DomainRegistry"
	UnitInternetCompany UnitType = "InternetCompany"
	UnitSecuritySupport UnitType = "SecuritySupport"
	UnitSecurityCompany UnitType = "SecurityCompany"
	UnitOther           UnitType = "Other"
)

// ReportChannel is how the incident was first reported (§4.1).
// +kubebuilder:validation:Enum=Form;QuickNotice
type ReportChannel string

const (
	// ReportForm is the full annex form.
	ReportForm ReportChannel = "Form"
	// ReportQuickNotice is a first word by phone or message; the full form
	// is owed the same local calendar day.
	ReportQuickNotice ReportChannel = "QuickNotice"
)

// EventType is one of the annex's event types (事件类型).
// +kubebuilder:validation:Enum=InternetOutage;DNSAnomaly;WebsiteAnomaly;DataLeak;VirusOutbreak;Other
type EventType string

// Event types.
const (
	EventInternetOutage EventType = "InternetOutage"
	EventDNSAnomaly     EventType = "DNSAnomaly"
	EventWebsiteAnomaly EventType = "WebsiteAnomaly"
	EventDataLeak       EventType = "DataLeak"
	EventVirusOutbreak  EventType = "VirusOutbreak"
	EventOther          EventType = "Other"
)

// Scope is the area affected by an outage or a virus outbreak.
// +kubebuilder:validation:Enum=Nationwide;MultiProvince;Province;City;MultiCounty;County
type Scope string

// Scopes, from the widest to the narrowest.
const (
	ScopeNationwide    Scope = "Nationwide"
	ScopeMultiProvince Scope = "MultiProvince"
	ScopeProvince      Scope = "Province"
	ScopeCity          Scope = "City"
	ScopeMultiCounty   Scope = "MultiCounty"
	ScopeCounty        Scope = "County"
)

// DNSSystem is which resolution system is affected.
// +kubebuilder:validation:Enum=CNTopLevel;Large;Other
type DNSSystem string

// DNS systems.
const (
	DNSCNTopLevel DNSSystem = "CNTopLevel"
	DNSLarge      DNSSystem = "Large"
	DNSOther      DNSSystem = "Other"
)

// DNSState is how the resolution system is affected.
// +kubebuilder:validation:Enum=Unreachable;Degraded
type DNSState string

// DNS states.
const (
	DNSUnreachable DNSState = "Unreachable"
	DNSDegraded    DNSState = "Degraded"
)

// Influence is how far a website's or platform's influence reaches.
// +kubebuilder:validation:Enum=National;Provincial;Local
type Influence string

// Influences.
const (
	InfluenceNational   Influence = "National"
	InfluenceProvincial Influence = "Provincial"
	InfluenceLocal      Influence = "Local"
)

// SupportKind is a kind of technical support a unit asks for.
// +kubebuilder:validation:Enum=ExpertConsultation;ResponseTeam;Equipment;Other
type SupportKind string

// Contact is the reporting unit's contact person.
type Contact struct {
	// name of the contact person.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`

	// phone is a telephone number: digits, spaces and dashes, optionally
	// starting with +.
	// +required
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+]?[0-9][0-9 -]{4,30}$')",message="must be a telephone number: digits, spaces and dashes, optionally starting with +"
	Phone string `json:"phone"`

	// email address of the contact person. Part of the full form.
	// +optional
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^[^@\\\\s]+@[^@\\\\s]+[.][^@\\\\s]+$')",message="must be an e-mail address such as duty@example.cn"
	Email string `json:"email,omitempty"`
}

// Reporter is the reporting unit (事发单位) and who filled in the form.
type Reporter struct {
	// unitName is the reporting unit's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	UnitName string `json:"unitName"`

	// unitType is the kind of the reporting unit.
	// +required
	UnitType UnitType `json:"unitType"`

	// contact is the unit's contact person.
	// +required
	Contact Contact `json:"contact"`

	// filledBy is the name of the person who filled in the form (填表人).
	// Part of the full form.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	FilledBy string `json:"filledBy,omitempty"`
}

// NetworkUnit is the network unit the incident happened in (涉事网络单元).
type NetworkUnit struct {
	// name of the network unit.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name,omitempty"`

	// address of the network unit.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Address string `json:"address,omitempty"`
}

// AreaImpact is an outage or outbreak and the area it reaches.
type AreaImpact struct {
	// scope is the widest area affected.
	// +required
	Scope Scope `json:"scope"`
}

// DNSImpact is a resolution system severely abnormal.
type DNSImpact struct {
	// system is the resolution system affected.
	// +required
	System DNSSystem `json:"system"`

	// state says whether the system cannot be reached at all or is slowed.
	// +required
	State DNSState `json:"state"`

	// latencyMilliseconds is the resolution delay observed, in milliseconds,
	// when the state is Degraded.
	// +optional
	// +kubebuilder:validation:Minimum=0
	LatencyMilliseconds *int64 `json:"latencyMilliseconds,omitempty"`
}

// WebsiteImpact is an important website or platform severely abnormal.
type WebsiteImpact struct {
	// influence is how far the website's or platform's influence reaches.
	// +required
	Influence Influence `json:"influence"`

	// criticalInfrastructure is true when the site is critical information
	// infrastructure (关键信息基础设施).
	// +optional
	CriticalInfrastructure bool `json:"criticalInfrastructure,omitempty"`
}

// DataLeakImpact is a leak of users' information.
type DataLeakImpact struct {
	// records is the number of users' records leaked.
	// +required
	// +kubebuilder:validation:Minimum=0
	Records int64 `json:"records"`
}

// OtherImpact is harm that no other criterion measures; its level is judged.
type OtherImpact struct {
	// description of the harm.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Description string `json:"description"`

	// assessedLevel is the level the office judged this harm to have.
	// Without it the harm decides no level.
	// +optional
	AssessedLevel Level `json:"assessedLevel,omitempty"`
}

// Impact holds the facts that decide the level (当前影响和破坏情况).
type Impact struct {
	// internetOutage: users unable to get online.
	// +optional
	InternetOutage *AreaImpact `json:"internetOutage,omitempty"`

	// dns: a resolution system severely abnormal.
	// +optional
	DNS *DNSImpact `json:"dns,omitempty"`

	// website: an important website or platform severely abnormal.
	// +optional
	Website *WebsiteImpact `json:"website,omitempty"`

	// dataLeak: users' information leaked.
	// +optional
	DataLeak *DataLeakImpact `json:"dataLeak,omitempty"`

	// virus: a virus outbreak.
	// +optional
	Virus *AreaImpact `json:"virus,omitempty"`

	// other harm.
	// +optional
	Other *OtherImpact `json:"other,omitempty"`
}

// UnitResponse is the unit's own emergency plan that it started.
type UnitResponse struct {
	// planName is the name of the unit's plan (已启动应急预案名称).
	// +optional
	// +kubebuilder:validation:MaxLength=256
	PlanName string `json:"planName,omitempty"`

	// level is the unit's own response level.
	// +optional
	Level Level `json:"level,omitempty"`
}

// Support is the technical support the unit asks for (技术支持).
// +kubebuilder:validation:XValidation:rule="!has(self.kinds) || size(self.kinds) == 0 || self.needed",message="kinds may be given only when needed is true",fieldPath=".kinds"
// +kubebuilder:validation:XValidation:rule="!self.needed || (has(self.kinds) && size(self.kinds) > 0)",message="at least one kind is required when needed is true",fieldPath=".kinds"
type Support struct {
	// needed is true when the unit needs technical support.
	// +required
	Needed bool `json:"needed"`

	// kinds of support needed.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=4
	Kinds []SupportKind `json:"kinds,omitempty"`
}

// SecurityIncidentSpec is the annex report form (贵州省公共互联网网络安全事件报送表),
// field for field. The quick notice's fields are required; the rest complete
// the full form, which a QuickNotice report owes by the end of the day.
//
// +kubebuilder:validation:XValidation:rule="self.discoveredAt >= self.occurredAt",message="discoveredAt must not be before occurredAt",fieldPath=".discoveredAt",reason=FieldValueInvalid
// +kubebuilder:validation:XValidation:rule="!('InternetOutage' in self.eventTypes) || (has(self.impact) && has(self.impact.internetOutage))",message="eventTypes includes InternetOutage, so impact.internetOutage is required",fieldPath=".impact.internetOutage",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!('DNSAnomaly' in self.eventTypes) || (has(self.impact) && has(self.impact.dns))",message="eventTypes includes DNSAnomaly, so impact.dns is required",fieldPath=".impact.dns",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!('WebsiteAnomaly' in self.eventTypes) || (has(self.impact) && has(self.impact.website))",message="eventTypes includes WebsiteAnomaly, so impact.website is required",fieldPath=".impact.website",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!('DataLeak' in self.eventTypes) || (has(self.impact) && has(self.impact.dataLeak))",message="eventTypes includes DataLeak, so impact.dataLeak is required",fieldPath=".impact.dataLeak",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!('VirusOutbreak' in self.eventTypes) || (has(self.impact) && has(self.impact.virus))",message="eventTypes includes VirusOutbreak, so impact.virus is required",fieldPath=".impact.virus",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!('Other' in self.eventTypes) || (has(self.impact) && has(self.impact.other))",message="eventTypes includes Other, so impact.other is required",fieldPath=".impact.other",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.internetOutage) || 'InternetOutage' in self.eventTypes",message="impact.internetOutage is given, so eventTypes must include InternetOutage",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.dns) || 'DNSAnomaly' in self.eventTypes",message="impact.dns is given, so eventTypes must include DNSAnomaly",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.website) || 'WebsiteAnomaly' in self.eventTypes",message="impact.website is given, so eventTypes must include WebsiteAnomaly",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.dataLeak) || 'DataLeak' in self.eventTypes",message="impact.dataLeak is given, so eventTypes must include DataLeak",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.virus) || 'VirusOutbreak' in self.eventTypes",message="impact.virus is given, so eventTypes must include VirusOutbreak",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="!has(self.impact) || !has(self.impact.other) || !has(self.impact.other.assessedLevel) || 'Other' in self.eventTypes",message="assessedLevel may be set only when eventTypes includes Other",fieldPath=".impact.other.assessedLevel"
// +kubebuilder:validation:XValidation:rule="(has(self.drill) && self.drill) == (has(oldSelf.drill) && oldSelf.drill)",message="drill cannot be changed: a drill stays a drill and a real incident stays real",fieldPath=".drill"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.withdrawal) || (has(self.withdrawal) && self.withdrawal == oldSelf.withdrawal)",message="withdrawal cannot be changed or removed once given: the incident stays withdrawn, with the reason first given",fieldPath=".withdrawal"
// +kubebuilder:validation:XValidation:rule="self.reportChannel == oldSelf.reportChannel",message="reportChannel records how the incident was first reported and cannot be changed",fieldPath=".reportChannel"
type SecurityIncidentSpec struct {
	// drill marks an exercise (§7.2): handled exactly like a real incident
	// and marked as a drill wherever it shows. Cannot be changed.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// reporter is the reporting unit and its contact.
	// +required
	Reporter Reporter `json:"reporter"`

	// reportChannel is how the incident was first reported. A QuickNotice
	// owes the full form by the end of the local calendar day on which the
	// incident was discovered. Cannot be changed.
	// +required
	ReportChannel ReportChannel `json:"reportChannel"`

	// networkUnit is the network unit the incident happened in. Part of the
	// full form.
	// +optional
	NetworkUnit NetworkUnit `json:"networkUnit,omitzero"`

	// description is a short account of the incident (事件简要描述).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	Description string `json:"description"`

	// occurredAt is when the incident happened (RFC 3339). A reporter may
	// correct it; the correction is kept in status.corrections, and the
	// deadlines keep counting from the earliest time ever reported.
	// +required
	OccurredAt metav1.Time `json:"occurredAt"`

	// discoveredAt is when the incident was discovered (RFC 3339); not
	// before occurredAt. A reporter may correct it; the correction is kept in
	// status.corrections, and the deadlines count from the earliest
	// discoveredAt ever reported, so that moving it later hides no lateness.
	// +required
	DiscoveredAt metav1.Time `json:"discoveredAt"`

	// eventTypes are the kinds of incident; each needs its impact section.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=6
	EventTypes []EventType `json:"eventTypes"`

	// impact holds the facts that decide the level.
	// +optional
	Impact Impact `json:"impact,omitzero"`

	// suggestedLevel is the level the reporter suggests (建议事件级别).
	// Part of the full form.
	// +optional
	SuggestedLevel Level `json:"suggestedLevel,omitempty"`

	// unitResponse is the unit's own plan and response level, if started.
	// +optional
	UnitResponse UnitResponse `json:"unitResponse,omitzero"`

	// measuresTaken are the measures the unit has already taken (已采取应急措施).
	// Required in every report, a quick notice too (§4.1: 快速报告...已采取的
	// 应急措施); write "none yet" when none, e.g. "Isolated the affected hosts."
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	MeasuresTaken string `json:"measuresTaken,omitempty"`

	// proposedMeasures are the measures the unit proposes (建议采取工作措施).
	// Required in every report, a quick notice too (§4.1: 相关建议), e.g.
	// "Patch and monitor."
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	ProposedMeasures string `json:"proposedMeasures,omitempty"`

	// support says whether and which technical support the unit needs.
	// Part of the full form.
	// +optional
	Support *Support `json:"support,omitempty"`

	// withdrawal withdraws the incident (a duplicate, a false alarm): it
	// stays on record, its deadlines are no longer tracked and no response
	// counts it. Once given it cannot be changed or removed.
	// +optional
	Withdrawal *Withdrawal `json:"withdrawal,omitempty"`
}

// WithdrawalReason is why a reporter withdrew an incident.
// +kubebuilder:validation:Enum=Duplicate;FalseAlarm;Other
type WithdrawalReason string

// Withdrawal reasons.
const (
	// WithdrawalDuplicate: the same incident was reported under another name.
	WithdrawalDuplicate WithdrawalReason = "Duplicate"
	// WithdrawalFalseAlarm: there was no incident.
	WithdrawalFalseAlarm WithdrawalReason = "FalseAlarm"
	// WithdrawalOther: another reason, said in the note.
	WithdrawalOther WithdrawalReason = "Other"
)

// Withdrawal is a reporter's withdrawal of an incident. The record keeps
// the incident; the withdrawal says why it no longer counts.
// +kubebuilder:validation:XValidation:rule="self.reason != 'Other' || (has(self.note) && size(self.note) > 0)",message="note is required when reason is Other: say why the incident is withdrawn",fieldPath=".note",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="self.reason != 'Duplicate' || (has(self.duplicateOf) && size(self.duplicateOf) > 0)",message="duplicateOf is required when reason is Duplicate: name the incident this one duplicates",fieldPath=".duplicateOf",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="self.reason == 'Duplicate' || !has(self.duplicateOf)",message="duplicateOf is only for reason Duplicate",fieldPath=".duplicateOf"
type Withdrawal struct {
	// reason is why the incident is withdrawn.
	// +required
	Reason WithdrawalReason `json:"reason"`

	// note says more; required when the reason is Other.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Note string `json:"note,omitempty"`

	// duplicateOf is the name of the incident, in the same namespace, that
	// this one duplicates; for reason Duplicate.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')",message="must be the name of an incident: lower-case letters, digits, '-' and '.'"
	DuplicateOf string `json:"duplicateOf,omitempty"`
}

// IncidentLevel is the level an incident has: one of the plan's levels, or
// BelowThreshold when no criterion is reached.
// +kubebuilder:validation:Enum=I;II;III;IV;BelowThreshold
type IncidentLevel string

// BelowThreshold is the level of an incident that reaches no criterion.
const BelowThreshold IncidentLevel = "BelowThreshold"

// ReceiptConfirmation is who confirmed a report's receipt, and when the
// operator saw it.
type ReceiptConfirmation struct {
	// by is the recipient who confirmed, as the API server recorded it.
	// +required
	// +kubebuilder:validation:MaxLength=256
	By string `json:"by"`

	// time the operator saw the confirmation.
	// +required
	Time metav1.Time `json:"time"`
}

// Deadline is one obligation with its due time.
type Deadline struct {
	// name of the obligation, e.g. InitialReport, FullForm or
	// UnitSummaryReport/<namespace>.
	// +required
	// +kubebuilder:validation:MaxLength=96
	Name string `json:"name"`

	// dueTime is when the obligation falls due.
	// +required
	DueTime metav1.Time `json:"dueTime"`

	// state is Pending until the obligation is met or its time passes.
	// +required
	State DeadlineState `json:"state"`

	// completedTime is when the obligation was met, if it was.
	// +optional
	CompletedTime *metav1.Time `json:"completedTime,omitempty"`
}

// LevelChange records one change of an incident's level.
type LevelChange struct {
	// time of the change.
	// +required
	Time metav1.Time `json:"time"`

	// from is the level before; empty for the first classification.
	// +optional
	From IncidentLevel `json:"from,omitempty"`

	// to is the level after.
	// +required
	To IncidentLevel `json:"to"`

	// generation is the spec generation that caused the change.
	// +required
	Generation int64 `json:"generation"`

	// cause says which facts led to the new level.
	// +required
	// +kubebuilder:validation:MaxLength=2048
	Cause string `json:"cause"`
}

// ResponseRef names the response that covers an incident, and where it stands.
type ResponseRef struct {
	// namespace of the response.
	Namespace string `json:"namespace"`
	// name of the response.
	Name string `json:"name"`
	// phase of the response.
	// +optional
	Phase ResponsePhase `json:"phase,omitempty"`
	// level of the response.
	// +optional
	Level Level `json:"level,omitempty"`
}

// CoveringResponse is a response that covered the incident.
type CoveringResponse struct {
	// name of the response, in its namespace.
	// +required
	Namespace string `json:"namespace"`
	// +required
	Name string `json:"name"`
	// uid of the response.
	// +required
	UID string `json:"uid"`
	// level it was approved for, once approved.
	// +optional
	Level Level `json:"level,omitempty"`
	// startedTime and endedTime of the response.
	// +optional
	StartedTime *metav1.Time `json:"startedTime,omitempty"`
	// +optional
	EndedTime *metav1.Time `json:"endedTime,omitempty"`
	// supersededBy names the response at a higher level that took over.
	// +optional
	SupersededBy string `json:"supersededBy,omitempty"`
}

// TimeField names one of an incident's reported times.
// +kubebuilder:validation:Enum=occurredAt;discoveredAt
type TimeField string

// The reported times.
const (
	FieldOccurredAt   TimeField = "occurredAt"
	FieldDiscoveredAt TimeField = "discoveredAt"
)

// TimeCorrection is one reported time moved by a correction.
type TimeCorrection struct {
	// field is the time that moved.
	// +required
	Field TimeField `json:"field"`
	// from is the time reported before.
	// +required
	From metav1.Time `json:"from"`
	// to is the time reported now.
	// +required
	To metav1.Time `json:"to"`
}

// ReportedTimes are an incident's two reported times.
type ReportedTimes struct {
	// occurredAt is when the incident happened.
	// +required
	OccurredAt metav1.Time `json:"occurredAt"`
	// discoveredAt is when it was discovered.
	// +required
	DiscoveredAt metav1.Time `json:"discoveredAt"`
}

// WithdrawalRecord is who withdrew an incident and when the operator saw it.
type WithdrawalRecord struct {
	// by is the user who wrote the withdrawal, as the API server recorded
	// (annotation emergency.netsec.io/last-written-by).
	// +optional
	// +kubebuilder:validation:MaxLength=256
	By string `json:"by,omitempty"`
	// time the operator saw the withdrawal.
	// +required
	Time metav1.Time `json:"time"`
}

// Correction is one change of an incident's reported facts.
type Correction struct {
	// time the operator saw the change.
	// +required
	Time metav1.Time `json:"time"`
	// generation of the spec after the change.
	// +required
	Generation int64 `json:"generation"`
	// writer is the user who wrote it, as the API server recorded.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Writer string `json:"writer,omitempty"`
	// level after the change.
	// +optional
	Level IncidentLevel `json:"level,omitempty"`
	// times are the reported times the change moved, from what to what.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=2
	Times []TimeCorrection `json:"times,omitempty"`
}

// Timeline is when each step of an incident's handling happened.
type Timeline struct {
	// reportedTime is when the report reached the cluster.
	// +optional
	ReportedTime *metav1.Time `json:"reportedTime,omitempty"`
	// classifiedTime is when the level was first computed.
	// +optional
	ClassifiedTime *metav1.Time `json:"classifiedTime,omitempty"`
	// approvedTime is when the covering response's approval or directive
	// was seen.
	// +optional
	ApprovedTime *metav1.Time `json:"approvedTime,omitempty"`
	// startedTime is when the covering response started.
	// +optional
	StartedTime *metav1.Time `json:"startedTime,omitempty"`
	// workGroupsReadyTime is when the response's work groups were all set up.
	// +optional
	WorkGroupsReadyTime *metav1.Time `json:"workGroupsReadyTime,omitempty"`
	// endedTime is when the covering response ended.
	// +optional
	EndedTime *metav1.Time `json:"endedTime,omitempty"`
}

// SecurityIncidentStatus is what the operator concluded from the report.
type SecurityIncidentStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// level is the highest level any criterion of §3 reaches.
	// +optional
	Level IncidentLevel `json:"level,omitempty"`

	// levelReasons has one line per criterion that matched.
	// +optional
	// +listType=atomic
	LevelReasons []string `json:"levelReasons,omitempty"`

	// levelHistory keeps every change of the level, oldest first (at most
	// the latest 100).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	LevelHistory []LevelChange `json:"levelHistory,omitempty"`

	// classifiedTime is when the incident was first classified.
	// +optional
	ClassifiedTime *metav1.Time `json:"classifiedTime,omitempty"`

	// deadlines are the obligations the report set off.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	Deadlines []Deadline `json:"deadlines,omitempty"`

	// nextDeadline is the earliest pending due time, if any.
	// +optional
	NextDeadline *metav1.Time `json:"nextDeadline,omitempty"`

	// responses lists every response that ever covered the incident, with
	// its start and end; an entry is never removed.
	// +optional
	// +listType=map
	// +listMapKey=uid
	// +kubebuilder:validation:MaxItems=64
	Responses []CoveringResponse `json:"responses,omitempty"`

	// corrections keeps every change of the reported facts after the first
	// report: when, the generation, and who wrote it (taken from the request
	// by the API server, annotation emergency.netsec.io/last-written-by).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	Corrections []Correction `json:"corrections,omitempty"`

	// reported are the reported times as the operator last saw them in
	// spec, so that a correction can name what a time was before.
	// +optional
	Reported *ReportedTimes `json:"reported,omitempty"`

	// countedFrom are the times the deadlines count from: the earliest
	// occurredAt and discoveredAt ever on record (kept by the API server in
	// the annotations emergency.netsec.io/earliest-occurred-at and
	// earliest-discovered-at), so that a correction moves a deadline
	// earlier but never later.
	// +optional
	CountedFrom *ReportedTimes `json:"countedFrom,omitempty"`

	// receiptConfirmed is the office's confirmation that the report arrived
	// (§4.1: 并电话确认报送结果), as the recipient wrote it on the report's
	// Notification (emergency.netsec.io/confirmed-by): the printed form
	// shows it.
	// +optional
	ReceiptConfirmed *ReceiptConfirmation `json:"receiptConfirmed,omitempty"`

	// withdrawal records who withdrew the incident, and when.
	// +optional
	Withdrawal *WithdrawalRecord `json:"withdrawal,omitempty"`

	// response is the EmergencyResponse that covers the incident: the latest
	// one still open, else the latest ended.
	// +optional
	Response *ResponseRef `json:"response,omitempty"`

	// timeline of the incident, for scoring drills and real incidents on
	// timeliness.
	// +optional
	Timeline Timeline `json:"timeline,omitzero"`

	// conditions: Classified, FormComplete, DeadlinesMet, SuggestionMatched,
	// ReportedTimesValid, Withdrawn and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// SecurityIncident is one public-internet cybersecurity incident, reported by
// the unit where it happened.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sinc;secinc,categories=incident
// +kubebuilder:printcolumn:name="Level",type=string,JSONPath=`.status.level`
// +kubebuilder:printcolumn:name="Drill",type=boolean,JSONPath=`.spec.drill`
// +kubebuilder:printcolumn:name="Form",type=string,JSONPath=`.status.conditions[?(@.type=="FormComplete")].reason`
// +kubebuilder:printcolumn:name="Next Deadline",type=string,JSONPath=`.status.nextDeadline`
// +kubebuilder:printcolumn:name="Times",type=string,JSONPath=`.status.conditions[?(@.type=="ReportedTimesValid")].reason`
// +kubebuilder:printcolumn:name="Withdrawn",type=string,JSONPath=`.spec.withdrawal.reason`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Response",type=string,JSONPath=`.status.response.name`,priority=1
// +kubebuilder:printcolumn:name="Unit",type=string,JSONPath=`.spec.reporter.unitName`,priority=1
// +kubebuilder:printcolumn:name="Types",type=string,JSONPath=`.spec.eventTypes`,priority=1
// +kubebuilder:printcolumn:name="Discovered",type=string,JSONPath=`.spec.discoveredAt`,priority=1
// +kubebuilder:printcolumn:name="Counted From",type=string,JSONPath=`.status.countedFrom.discoveredAt`,priority=1
type SecurityIncident struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec SecurityIncidentSpec `json:"spec"`

	// +optional
	Status SecurityIncidentStatus `json:"status,omitempty"`
}

// SecurityIncidentList is a list of SecurityIncidents.
//
// +kubebuilder:object:root=true
type SecurityIncidentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SecurityIncident `json:"items"`
}

func init() {
	register(&SecurityIncident{}, &SecurityIncidentList{})
}
