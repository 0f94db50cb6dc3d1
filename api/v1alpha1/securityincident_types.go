package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UnitType is the kind of the reporting unit (单位所属类型). One of:
// BasicTelecom (a basic telecom operator, 基础电信企业), DomainRegistry (a
// domain name registry or registrar, 域名机构), InternetCompany (互联网企业),
// SecuritySupport (a cybersecurity technical support unit, 网络安全技术支撑单位),
// SecurityCompany (a cybersecurity company, 网络安全企业), Other (其它).
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

// ReportChannel is how the incident was first reported (§4.1). One of:
// Form (the full annex form), QuickNotice (a first word by phone or
// message; the full form is owed the same local day).
// +kubebuilder:validation:Enum=Form;QuickNotice
type ReportChannel string

const (
	// ReportForm is the full annex form.
	ReportForm ReportChannel = "Form"
	// ReportQuickNotice is a first word by phone or message; the full form
	// is owed the same local calendar day.
	ReportQuickNotice ReportChannel = "QuickNotice"
)

// EventType is one of the annex's event types (事件类型). One of:
// InternetOutage (users unable to get online), DNSAnomaly (a DNS resolution
// system abnormal), WebsiteAnomaly (an important website or platform
// abnormal), DataLeak (users' information leaked), VirusOutbreak (a virus
// outbreak), Other (other harm).
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

// Scope is the area affected by an outage or a virus outbreak, from the
// widest to the narrowest. One of: Nationwide (全国范围), MultiProvince
// (several provinces, 若干省), Province (the whole province, 全省范围), City
// (one prefecture-level city, 地级市, e.g. Zunyi), MultiCounty (several
// districts or counties, 若干区县), County (one district or county, 区县).
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

// DNSSystem is which resolution system is affected. One of: CNTopLevel
// (the .CN national top-level domain system), Large (a large DNS system),
// Other (any other DNS system).
// +kubebuilder:validation:Enum=CNTopLevel;Large;Other
type DNSSystem string

// DNS systems.
const (
	DNSCNTopLevel DNSSystem = "CNTopLevel"
	DNSLarge      DNSSystem = "Large"
	DNSOther      DNSSystem = "Other"
)

// DNSState is how the resolution system is affected. One of: Unreachable
// (cannot be reached at all), Degraded (slowed: resolution delayed).
// +kubebuilder:validation:Enum=Unreachable;Degraded
type DNSState string

// DNS states.
const (
	DNSUnreachable DNSState = "Unreachable"
	DNSDegraded    DNSState = "Degraded"
)

// Influence is how far a website's or platform's influence reaches. One
// of: National (influential nationwide), Provincial (influential in the
// province), Local (less).
// +kubebuilder:validation:Enum=National;Provincial;Local
type Influence string

// Influences.
const (
	InfluenceNational   Influence = "National"
	InfluenceProvincial Influence = "Provincial"
	InfluenceLocal      Influence = "Local"
)

// SupportKind is a kind of technical support a unit asks for. One of:
// ExpertConsultation (专家咨询), ResponseTeam (an emergency team, 应急队伍),
// Equipment (technical equipment, 技术设备), Other (其它).
// +kubebuilder:validation:Enum=ExpertConsultation;ResponseTeam;Equipment;Other
type SupportKind string

// Support kinds.
const (
	SupportExpertConsultation SupportKind = "ExpertConsultation"
	SupportResponseTeam       SupportKind = "ResponseTeam"
	SupportEquipment          SupportKind = "Equipment"
	SupportOther              SupportKind = "Other"
)

// Contact is the reporting unit's contact person.
type Contact struct {
	// name of the contact person, as written, e.g. "Zhang Wei" or "张伟";
	// 1 to 128 characters.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`

	// phone is a telephone number: digits, spaces and dashes, optionally
	// starting with +, 6 to 32 characters, e.g. "+86 851 8688 1234" or
	// "0851-86881234".
	// +required
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+]?[0-9][0-9 -]{4,30}$')",message="must be a telephone number: digits, spaces and dashes, optionally starting with +"
	Phone string `json:"phone"`

	// email address of the contact person, e.g. duty@example.cn. Part of
	// the full form.
	// +optional
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^[^@\\\\s]+@[^@\\\\s]+[.][^@\\\\s]+$')",message="must be an e-mail address such as duty@example.cn"
	Email string `json:"email,omitempty"`
}

// Reporter is the reporting unit (事发单位) and who filled in the form.
type Reporter struct {
	// unitName is the reporting unit's name as it signs its reports, e.g.
	// "Guizhou Example Telecom"; in a registered unit's namespace, the
	// name of its ReportingUnit (spec.name).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	UnitName string `json:"unitName"`

	// unitType is the kind of the reporting unit. One of: BasicTelecom (a
	// basic telecom operator), DomainRegistry (a domain name registry or
	// registrar), InternetCompany, SecuritySupport (a cybersecurity
	// technical support unit), SecurityCompany (a cybersecurity company),
	// Other.
	// +required
	UnitType UnitType `json:"unitType"`

	// contact is the unit's contact person.
	// +required
	Contact Contact `json:"contact"`

	// filledBy is the name of the person who filled in the form (填表人),
	// e.g. "Li Na". Part of the full form.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	FilledBy string `json:"filledBy,omitempty"`
}

// NetworkUnit is the network unit the incident happened in (涉事网络单元).
type NetworkUnit struct {
	// name of the network unit, e.g. "Guiyang metro access network".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name,omitempty"`

	// address of the network unit, a postal address, e.g. "1 Example
	// Road, Guiyang".
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Address string `json:"address,omitempty"`
}

// AreaImpact is an outage or outbreak and the area it reaches.
type AreaImpact struct {
	// scope is the widest area affected. One of: Nationwide (the whole
	// country), MultiProvince (several provinces), Province (the whole
	// province), City (one prefecture-level city, 地级市, such as Zunyi or
	// Guiyang), MultiCounty (several districts or counties within a city),
	// County (one district or county). There is no field for the place's
	// name: write it in spec.description, e.g. "Outage in Zunyi (a
	// prefecture-level city)".
	// +required
	Scope Scope `json:"scope"`
}

// DNSImpact is a resolution system severely abnormal.
type DNSImpact struct {
	// system is the resolution system affected. One of: CNTopLevel (the
	// .CN national top-level domain system), Large (a large DNS system),
	// Other (any other).
	// +required
	System DNSSystem `json:"system"`

	// state says whether the system cannot be reached at all or is slowed.
	// One of: Unreachable, Degraded (give latencyMilliseconds).
	// +required
	State DNSState `json:"state"`

	// latencyMilliseconds is the resolution delay observed, a whole number
	// of milliseconds (e.g. 1500), when the state is Degraded.
	// +optional
	// +kubebuilder:validation:Minimum=0
	LatencyMilliseconds *int64 `json:"latencyMilliseconds,omitempty"`
}

// WebsiteImpact is an important website or platform severely abnormal.
type WebsiteImpact struct {
	// influence is how far the website's or platform's influence reaches.
	// One of: National (nationwide), Provincial (in the province), Local
	// (less).
	// +required
	Influence Influence `json:"influence"`

	// criticalInfrastructure is true when the site is critical information
	// infrastructure (关键信息基础设施).
	// +optional
	CriticalInfrastructure bool `json:"criticalInfrastructure,omitempty"`
}

// DataLeakImpact is a leak of users' information.
type DataLeakImpact struct {
	// records is the number of users' records leaked, a whole number, e.g.
	// 120000.
	// +required
	// +kubebuilder:validation:Minimum=0
	Records int64 `json:"records"`
}

// OtherImpact is harm that no other criterion measures. Its level is the
// office's assessment (§3: 其他...的突发事件), which the office writes on the
// incident as the annotations emergency.netsec.io/assessed-level (I, II,
// III or IV) and emergency.netsec.io/assessed-by (its own user name); the
// unit describes the harm here and may say what level it suggests in
// spec.suggestedLevel. Until the office assesses it, the harm decides no
// level.
type OtherImpact struct {
	// description of the harm, e.g. "defacement of 40 county government
	// portals with political content".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Description string `json:"description"`
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

	// level is the unit's own response level (已启动本单位应急响应级别).
	// One of: I, II, III, IV.
	// +optional
	Level Level `json:"level,omitempty"`
}

// Support is the technical support the unit asks for (技术支持).
// +kubebuilder:validation:XValidation:rule="!has(self.kinds) || size(self.kinds) == 0 || self.needed",message="kinds may be given only when needed is true",fieldPath=".kinds"
// +kubebuilder:validation:XValidation:rule="!self.needed || (has(self.kinds) && size(self.kinds) > 0)",message="at least one kind is required when needed is true: ExpertConsultation, ResponseTeam, Equipment or Other",fieldPath=".kinds"
type Support struct {
	// needed is true when the unit needs technical support.
	// +required
	Needed bool `json:"needed"`

	// kinds of support needed; only when needed is true. Each one of:
	// ExpertConsultation (专家咨询), ResponseTeam (an emergency team,
	// 应急队伍), Equipment (technical equipment, 技术设备), Other (其它).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=4
	Kinds []SupportKind `json:"kinds,omitempty"`
}

// SecurityIncidentSpec is the annex report form (贵州省公共互联网网络安全事件报送表),
// field for field. The quick notice's fields are required; the rest complete
// the full form, which a QuickNotice report owes by the end of the day.
//
// The rules on the spec as a whole read few of its fields: every read
// of a field of the spec costs the API server a copy of the spec's schema
// (about 10 KB of garbage), on every write of an incident, its status
// writes included. Hence one rule for each direction between eventTypes and
// impact, each field bound once by all(), and the optional fields read with ?.
//
// +kubebuilder:validation:XValidation:rule="[self.occurredAt].all(o, [self.discoveredAt].all(d, !o.matches('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$') || !d.matches('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$') || timestamp(d) >= timestamp(o)))",message="discoveredAt must not be before occurredAt",fieldPath=".discoveredAt",reason=FieldValueInvalid
// +kubebuilder:validation:XValidation:rule="[self.eventTypes].all(e, [?self.?impact].exists(i, e.all(t, t == 'InternetOutage' ? has(i.internetOutage) : t == 'DNSAnomaly' ? has(i.dns) : t == 'WebsiteAnomaly' ? has(i.website) : t == 'DataLeak' ? has(i.dataLeak) : t == 'VirusOutbreak' ? has(i.virus) : has(i.other))))",messageExpression="'InternetOutage' in self.eventTypes && !(has(self.impact) && has(self.impact.internetOutage)) ? 'eventTypes includes InternetOutage, so impact.internetOutage is required' : 'DNSAnomaly' in self.eventTypes && !(has(self.impact) && has(self.impact.dns)) ? 'eventTypes includes DNSAnomaly, so impact.dns is required' : 'WebsiteAnomaly' in self.eventTypes && !(has(self.impact) && has(self.impact.website)) ? 'eventTypes includes WebsiteAnomaly, so impact.website is required' : 'DataLeak' in self.eventTypes && !(has(self.impact) && has(self.impact.dataLeak)) ? 'eventTypes includes DataLeak, so impact.dataLeak is required' : 'VirusOutbreak' in self.eventTypes && !(has(self.impact) && has(self.impact.virus)) ? 'eventTypes includes VirusOutbreak, so impact.virus is required' : 'Other' in self.eventTypes && !(has(self.impact) && has(self.impact.other)) ? 'eventTypes includes Other, so impact.other is required' : 'every event type needs its impact section'",fieldPath=".impact",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="[?self.?impact].all(i, [self.eventTypes].all(e, (!has(i.internetOutage) || 'InternetOutage' in e) && (!has(i.dns) || 'DNSAnomaly' in e) && (!has(i.website) || 'WebsiteAnomaly' in e) && (!has(i.dataLeak) || 'DataLeak' in e) && (!has(i.virus) || 'VirusOutbreak' in e) && (!has(i.other) || 'Other' in e)))",messageExpression="has(self.impact.internetOutage) && !('InternetOutage' in self.eventTypes) ? 'impact.internetOutage is given, so eventTypes must include InternetOutage' : has(self.impact.dns) && !('DNSAnomaly' in self.eventTypes) ? 'impact.dns is given, so eventTypes must include DNSAnomaly' : has(self.impact.website) && !('WebsiteAnomaly' in self.eventTypes) ? 'impact.website is given, so eventTypes must include WebsiteAnomaly' : has(self.impact.dataLeak) && !('DataLeak' in self.eventTypes) ? 'impact.dataLeak is given, so eventTypes must include DataLeak' : has(self.impact.virus) && !('VirusOutbreak' in self.eventTypes) ? 'impact.virus is given, so eventTypes must include VirusOutbreak' : has(self.impact.other) && !('Other' in self.eventTypes) ? 'impact.other is given, so eventTypes must include Other' : 'every impact section needs its event type'",fieldPath=".eventTypes"
// +kubebuilder:validation:XValidation:rule="self.?drill.orValue(false) == oldSelf.?drill.orValue(false)",message="drill cannot be changed: a drill stays a drill and a real incident stays real",fieldPath=".drill"
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

	// reportChannel is how the incident was first reported. One of: Form
	// (the full annex form), QuickNotice (a first word). A QuickNotice
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

	// occurredAt is when the incident happened, in RFC 3339 with the
	// offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time
	// ("2026-12-04 14:15", without the T, the seconds and the offset, is
	// refused). A reporter may correct it; the correction is kept in
	// status.corrections, and the deadlines keep counting from the earliest
	// time ever reported.
	// +required
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$') && timestamp(self) == timestamp(self)",message="write the time in RFC 3339 with its offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time (the T, the seconds and the offset are needed)"
	OccurredAt metav1.Time `json:"occurredAt"`

	// discoveredAt is when the incident was discovered, in RFC 3339 with
	// the offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time;
	// not before occurredAt. A reporter may correct it; the correction is kept in
	// status.corrections, and the deadlines count from the earliest
	// discoveredAt ever reported, so that moving it later hides no lateness.
	// +required
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$') && timestamp(self) == timestamp(self)",message="write the time in RFC 3339 with its offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time (the T, the seconds and the offset are needed)"
	DiscoveredAt metav1.Time `json:"discoveredAt"`

	// eventTypes are the kinds of incident; each needs its impact section.
	// Each one of: InternetOutage (users unable to get online; give
	// impact.internetOutage), DNSAnomaly (a DNS system abnormal;
	// impact.dns), WebsiteAnomaly (an important website or platform
	// abnormal; impact.website), DataLeak (users' information leaked;
	// impact.dataLeak), VirusOutbreak (impact.virus), Other (other harm;
	// impact.other).
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=6
	EventTypes []EventType `json:"eventTypes"`

	// impact holds the facts that decide the level.
	// +optional
	Impact Impact `json:"impact,omitzero"`

	// suggestedLevel is the level the reporter suggests (建议事件级别).
	// One of: I (especially major), II (major), III (large), IV (general).
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

// WithdrawalReason is why a reporter withdrew an incident. One of:
// Duplicate, FalseAlarm, Other.
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
	// reason is why the incident is withdrawn. One of: Duplicate (reported
	// already under another name; give duplicateOf), FalseAlarm (there was
	// no incident), Other (say why in note).
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
// BelowThreshold when no criterion is reached. One of: I, II, III, IV,
// BelowThreshold.
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
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
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
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	DueTime metav1.Time `json:"dueTime"`

	// state is Pending until the obligation is met or its time passes.
	// One of: Pending, Met, Missed, Withdrawn (the incident was withdrawn
	// while it was pending).
	// +required
	State DeadlineState `json:"state"`

	// completedTime is when the obligation was met, if it was.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	CompletedTime *metav1.Time `json:"completedTime,omitempty"`
}

// LevelChange records one change of an incident's level.
type LevelChange struct {
	// time of the change.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`

	// from is the level before; empty for the first classification. One
	// of: I, II, III, IV, BelowThreshold.
	// +optional
	From IncidentLevel `json:"from,omitempty"`

	// to is the level after. One of: I, II, III, IV, BelowThreshold.
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
	// phase of the response. One of: Pending, AwaitingApproval, Active,
	// Ended.
	// +optional
	Phase ResponsePhase `json:"phase,omitempty"`
	// level of the response. One of: I, II, III, IV.
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
	// level it was approved for, once approved. One of: I, II, III, IV.
	// +optional
	Level Level `json:"level,omitempty"`
	// startedTime is when the response started.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	StartedTime *metav1.Time `json:"startedTime,omitempty"`
	// endedTime is when the response ended.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	EndedTime *metav1.Time `json:"endedTime,omitempty"`
	// supersededBy names the response at a higher level that took over.
	// +optional
	SupersededBy string `json:"supersededBy,omitempty"`
}

// TimeField names one of an incident's reported times. One of:
// occurredAt, discoveredAt.
// +kubebuilder:validation:Enum=occurredAt;discoveredAt
type TimeField string

// The reported times.
const (
	FieldOccurredAt   TimeField = "occurredAt"
	FieldDiscoveredAt TimeField = "discoveredAt"
)

// TimeCorrection is one reported time moved by a correction.
type TimeCorrection struct {
	// field is the time that moved. One of: occurredAt, discoveredAt.
	// +required
	Field TimeField `json:"field"`
	// from is the time reported before.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	From metav1.Time `json:"from"`
	// to is the time reported now.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	To metav1.Time `json:"to"`
}

// ReportedTimes are an incident's two reported times.
type ReportedTimes struct {
	// occurredAt is when the incident happened.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	OccurredAt metav1.Time `json:"occurredAt"`
	// discoveredAt is when it was discovered.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
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
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`
}

// Correction is one change of an incident's reported facts.
type Correction struct {
	// time the operator saw the change.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`
	// generation of the spec after the change.
	// +required
	Generation int64 `json:"generation"`
	// writer is the user who wrote it, as the API server recorded.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Writer string `json:"writer,omitempty"`
	// level after the change. One of: I, II, III, IV, BelowThreshold.
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
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ReportedTime *metav1.Time `json:"reportedTime,omitempty"`
	// classifiedTime is when the level was first computed.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ClassifiedTime *metav1.Time `json:"classifiedTime,omitempty"`
	// approvedTime is when the covering response's approval or directive
	// was seen.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ApprovedTime *metav1.Time `json:"approvedTime,omitempty"`
	// startedTime is when the covering response started.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	StartedTime *metav1.Time `json:"startedTime,omitempty"`
	// workGroupsReadyTime is when the response's work groups were all set up.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	WorkGroupsReadyTime *metav1.Time `json:"workGroupsReadyTime,omitempty"`
	// endedTime is when the covering response ended.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	EndedTime *metav1.Time `json:"endedTime,omitempty"`
}

// SecurityIncidentStatus is what the operator concluded from the report.
type SecurityIncidentStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// level is the highest level any criterion of §3 reaches. One of: I,
	// II, III, IV, BelowThreshold (no criterion reached).
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
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ClassifiedTime *metav1.Time `json:"classifiedTime,omitempty"`

	// deadlines are the obligations the report set off.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	Deadlines []Deadline `json:"deadlines,omitempty"`

	// nextDeadline is the earliest pending due time, if any.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
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

	// upstream is what the upper cluster decided on this incident's copy,
	// when an Uplink carries it there (a unit's incident, decided by the
	// province; a province's level I or II incident, by the ministry).
	// +optional
	Upstream *UpstreamDecision `json:"upstream,omitempty"`

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

	// support lists the office's answers to the unit's request for
	// technical support (spec.support, §5.2): each SupportDispatch naming
	// this incident, oldest first.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Support []SupportAnswer `json:"support,omitempty"`

	// conditions: Classified, FormComplete, DeadlinesMet, SuggestionMatched,
	// ReportedTimesValid, Withdrawn, SupportAnswered (while support is
	// requested) and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// SupportAnswer is one SupportDispatch that answers the incident's request
// for technical support.
type SupportAnswer struct {
	// namespace of the SupportDispatch.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the SupportDispatch.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// dispatchedBy is who in the office sent it.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	DispatchedBy string `json:"dispatchedBy,omitempty"`

	// time it was written.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`

	// kinds of support sent. Each one of: ExpertConsultation, ResponseTeam,
	// Equipment, Other.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=4
	Kinds []SupportKind `json:"kinds,omitempty"`

	// experts is how many experts were sent.
	// +optional
	Experts int32 `json:"experts,omitempty"`

	// units is how many units were ordered to help.
	// +optional
	Units int32 `json:"units,omitempty"`

	// unacknowledged counts the units ordered that have not yet
	// acknowledged the order.
	// +optional
	Unacknowledged int32 `json:"unacknowledged,omitempty"`
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
// +kubebuilder:printcolumn:name="Copy",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/copy`,priority=1
// +kubebuilder:printcolumn:name="Origin",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/origin-cluster`,priority=1
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.status.upstream.level`,priority=1
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
