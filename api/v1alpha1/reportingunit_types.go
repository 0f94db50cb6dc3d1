package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FiledPlan is a unit's own emergency plan as filed with the bureau (§9.1).
type FiledPlan struct {
	// name of the plan, e.g. "Example Telecom network security emergency plan".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name"`

	// version of the plan, e.g. "2026-1". The office accepts one version
	// (annotation emergency.netsec.io/plan-accepted-version); a new version
	// waits for a new acceptance.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9][A-Za-z0-9._-]*$')",message="must be letters, digits, dots, dashes and underscores, e.g. 2026-1"
	Version string `json:"version"`

	// document is a reference to the filed plan: a file number or a URL,
	// e.g. "GZCA-2026-017".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	Document string `json:"document"`
}

// ResponseTeam is a unit's emergency response team (§8.3).
type ResponseTeam struct {
	// lead of the team.
	// +required
	Lead Contact `json:"lead"`

	// members of the team, by name.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=128
	Members []string `json:"members,omitempty"`
}

// ReportingUnitSpec registers one reporting unit with the office (§2.2). The
// office writes name, type and large; the unit keeps the rest up to date
// (config/admission/units.yaml).
type ReportingUnitSpec struct {
	// name of the unit as it signs its reports, e.g. "Guizhou Example
	// Telecom": every incident filed in this namespace carries it as
	// spec.reporter.unitName. Written by the office.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name"`

	// type of the unit, one of the annex form's unit types: BasicTelecom,
	// DomainRegistry, InternetCompany, SecuritySupport, SecurityCompany,
	// Other. Every incident filed in this namespace carries it as
	// spec.reporter.unitType. Written by the office.
	// +required
	Type UnitType `json:"type"`

	// large marks a large internet company (大型互联网企业), whose plan must be
	// filed with the bureau like a telecom operator's or a registry's
	// (§9.1). Written by the office.
	// +optional
	Large bool `json:"large,omitempty"`

	// leader is the unit's responsible leader (§2.2).
	// +optional
	Leader *Contact `json:"leader,omitempty"`

	// liaison is the unit's liaison with the office (§2.2).
	// +optional
	Liaison *Contact `json:"liaison,omitempty"`

	// dutyContacts are who answers around the clock while a red or orange
	// warning or a III/IV response covering the unit is in force (§4.5.1,
	// §5.3). Each needs a name and a phone.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	DutyContacts []Contact `json:"dutyContacts,omitempty"`

	// responseTeam is the unit's emergency response team (§8.3).
	// +optional
	ResponseTeam *ResponseTeam `json:"responseTeam,omitempty"`

	// plan is the unit's own emergency plan as filed with the bureau (§9.1).
	// +optional
	Plan *FiledPlan `json:"plan,omitempty"`
}

// DutyKind names what a duty answers. One of: Warning, EmergencyResponse,
// SupportDispatch.
// +kubebuilder:validation:Enum=Warning;EmergencyResponse;SupportDispatch
type DutyKind string

// Duty kinds.
const (
	DutyWarning  DutyKind = "Warning"
	DutyResponse DutyKind = "EmergencyResponse"
	// DutyDispatch is an order to help another unit (§5.2).
	DutyDispatch DutyKind = "SupportDispatch"
)

// UnitDuty is one red or orange warning, or III/IV response, in force over
// the unit: it asks for the unit's 24-hour duty and measures (§4.5.1, §5.3);
// or an order to help another unit (a SupportDispatch, §5.2), until the unit
// acknowledges it.
type UnitDuty struct {
	// kind of the object that asks. One of: Warning, EmergencyResponse,
	// SupportDispatch.
	// +required
	Kind DutyKind `json:"kind"`

	// namespace of the warning or response.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the warning or response.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// drill is true when the warning or response is a drill.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// since is when the duty began: the publication or the start.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	Since *metav1.Time `json:"since,omitempty"`

	// acknowledgedTime is when the unit's acknowledgement was recorded;
	// empty while it owes one.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	AcknowledgedTime *metav1.Time `json:"acknowledgedTime,omitempty"`

	// acknowledgement names the unit's UnitReport that acknowledged it.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Acknowledgement string `json:"acknowledgement,omitempty"`
}

// DrillHeld is one drill counted for the unit (§7.2), and how it scored
// against the plan's deadlines.
type DrillHeld struct {
	// incident is the drill incident, in the unit's namespace.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Incident string `json:"incident"`

	// countedBy says why the drill counts. One of: Response (the drill
	// response that covered it ended), Accepted (the office accepted the
	// unit's own drill).
	// +required
	// +kubebuilder:validation:Enum=Response;Accepted
	CountedBy string `json:"countedBy"`

	// time the drill counted: the response's end or the acceptance.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`

	// deadlinesMet of the drill incident's reporting deadlines.
	// +optional
	DeadlinesMet int32 `json:"deadlinesMet"`

	// deadlinesMissed of the drill incident's reporting deadlines.
	// +optional
	DeadlinesMissed int32 `json:"deadlinesMissed"`
}

// YearRecord is a unit's record for one local calendar year (§6.2, §7.2): what
// feeds a telecom operator's yearly assessment. The API server keeps every
// count from going down.
type YearRecord struct {
	// year in the plan's time zone.
	// +required
	// +kubebuilder:validation:Minimum=2000
	// +kubebuilder:validation:Maximum=2200
	Year int32 `json:"year"`

	// incidents the unit reported (real, withdrawn ones included).
	// +optional
	Incidents int32 `json:"incidents"`

	// reportedLate: incidents whose first report missed its deadline.
	// +optional
	ReportedLate int32 `json:"reportedLate"`

	// deadlinesMissed across the unit's real incidents.
	// +optional
	DeadlinesMissed int32 `json:"deadlinesMissed"`

	// corrections made to the unit's real incidents.
	// +optional
	Corrections int32 `json:"corrections"`

	// progressReports the unit wrote.
	// +optional
	ProgressReports int32 `json:"progressReports"`

	// hazardReports the unit wrote (§4.2).
	// +optional
	HazardReports int32 `json:"hazardReports"`

	// summaryReportsOwed by the unit after responses that ended this year.
	// +optional
	SummaryReportsOwed int32 `json:"summaryReportsOwed"`

	// summaryReportsOnTime of those owed.
	// +optional
	SummaryReportsOnTime int32 `json:"summaryReportsOnTime"`

	// summaryReportsMissed of those owed.
	// +optional
	SummaryReportsMissed int32 `json:"summaryReportsMissed"`

	// drills counted this year, with their scores.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Drills []DrillHeld `json:"drills,omitempty"`
}

// ReportingUnitStatus is what the operator observed of a unit.
//
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.records) || (has(self.records) && oldSelf.records.all(o, self.records.exists(n, n.year == o.year && n.incidents >= o.incidents && n.reportedLate >= o.reportedLate && n.deadlinesMissed >= o.deadlinesMissed && n.corrections >= o.corrections && n.progressReports >= o.progressReports && n.hazardReports >= o.hazardReports && n.summaryReportsOwed >= o.summaryReportsOwed && n.summaryReportsOnTime >= o.summaryReportsOnTime && n.summaryReportsMissed >= o.summaryReportsMissed && (!has(o.drills) || (has(n.drills) && size(n.drills) >= size(o.drills))))))",message="a unit's yearly record only grows: no year is removed and no count goes down",fieldPath=".records"
type ReportingUnitStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// acceptedPlanVersion is the plan version the office accepted, as
	// recorded by the API server (emergency.netsec.io/plan-accepted-by).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	AcceptedPlanVersion string `json:"acceptedPlanVersion,omitempty"`

	// duties in force over the unit: red and orange warnings, III/IV
	// responses.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Duties []UnitDuty `json:"duties,omitempty"`

	// unacknowledged counts the duties the unit has not acknowledged.
	// +optional
	Unacknowledged int32 `json:"unacknowledged,omitempty"`

	// records, one per local year, oldest first.
	// +optional
	// +listType=map
	// +listMapKey=year
	// +kubebuilder:validation:MaxItems=50
	Records []YearRecord `json:"records,omitempty"`

	// conditions: PlanFiled, DrillHeldThisYear, DutyReachable and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// ReportingUnit registers one reporting unit (事发单位: a telecom operator,
// a domain registry, an internet company, a security support unit) with the
// office, in the unit's own namespace, and named as that namespace: the
// incidents filed there are this unit's, and only this unit's (§2.2, §9.1).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=unit;units,categories=incident
// +kubebuilder:printcolumn:name="Unit",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Plan",type=string,JSONPath=`.status.conditions[?(@.type=="PlanFiled")].reason`
// +kubebuilder:printcolumn:name="Drill",type=string,JSONPath=`.status.conditions[?(@.type=="DrillHeldThisYear")].status`
// +kubebuilder:printcolumn:name="Duty",type=string,JSONPath=`.status.conditions[?(@.type=="DutyReachable")].reason`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ReportingUnit struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec ReportingUnitSpec `json:"spec"`

	// +optional
	Status ReportingUnitStatus `json:"status,omitempty"`
}

// ReportingUnitList is a list of ReportingUnits.
//
// +kubebuilder:object:root=true
type ReportingUnitList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ReportingUnit `json:"items"`
}

func init() {
	register(&ReportingUnit{}, &ReportingUnitList{})
}

// UnitAcknowledgement is one unit's answer to a duty a warning or a response
// put on it (§4.5.1, §5.3), as the object that asks shows it.
type UnitAcknowledgement struct {
	// namespace of the unit.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// unit is the registered unit's name.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Unit string `json:"unit,omitempty"`

	// report names the unit's acknowledgement (a UnitReport in its
	// namespace); empty while the unit owes one.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Report string `json:"report,omitempty"`

	// time the acknowledgement was received.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`

	// duty is the person on duty the unit named.
	// +optional
	// +kubebuilder:validation:MaxLength=300
	Duty string `json:"duty,omitempty"`
}

// UnitProgress is one unit's progress report as a response shows it.
type UnitProgress struct {
	// namespace of the unit.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// unit is the registered unit's name.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Unit string `json:"unit,omitempty"`

	// report names the UnitReport.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Report string `json:"report"`

	// receivedTime is when the operator received it.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	ReceivedTime metav1.Time `json:"receivedTime"`

	// measures taken, effect and next steps, as the unit wrote them, cut to
	// 512 characters each.
	// +optional
	// +kubebuilder:validation:MaxLength=600
	Measures string `json:"measures,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=600
	Effect string `json:"effect,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=600
	NextSteps string `json:"nextSteps,omitempty"`
}

// UnitSummaryReport is one unit's summary report owed after a response
// (§6.1), as the response shows it.
type UnitSummaryReport struct {
	// namespace of the unit whose incidents the response covered.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// unit is the registered unit's name.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Unit string `json:"unit,omitempty"`

	// report names the unit's summary report (a UnitReport in its
	// namespace); empty while it is owed.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Report string `json:"report,omitempty"`

	// receivedTime is when the operator first saw it.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ReceivedTime *metav1.Time `json:"receivedTime,omitempty"`
}
