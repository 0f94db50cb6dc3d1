package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WorkGroupType is one of the work groups the office sets up (§5.3). One
// of: Recovery, AttackTracing, ImpactAssessment, InformationRelease,
// CrossDepartmentCoordination.
// +kubebuilder:validation:Enum=Recovery;AttackTracing;ImpactAssessment;InformationRelease;CrossDepartmentCoordination
type WorkGroupType string

// Work group types: emergency recovery, attack tracing, impact assessment,
// information release, cross-department coordination.
const (
	WorkGroupRecovery                    WorkGroupType = "Recovery"
	WorkGroupAttackTracing               WorkGroupType = "AttackTracing"
	WorkGroupImpactAssessment            WorkGroupType = "ImpactAssessment"
	WorkGroupInformationRelease          WorkGroupType = "InformationRelease"
	WorkGroupCrossDepartmentCoordination WorkGroupType = "CrossDepartmentCoordination"
)

// AllWorkGroupTypes are the five work groups of §5.3, set up when a response
// names none.
var AllWorkGroupTypes = []WorkGroupType{
	WorkGroupRecovery, WorkGroupAttackTracing, WorkGroupImpactAssessment,
	WorkGroupInformationRelease, WorkGroupCrossDepartmentCoordination,
}

// Measure is one of the measures the office can require (§5.5). One of:
// BandwidthExpansion, AttackSourceControl, AttackTrafficFiltering,
// VulnerabilityPatching, VirusRemoval, PortClosure, BackupRestore,
// SystemShutdown, AffectedUserNotification.
// +kubebuilder:validation:Enum=BandwidthExpansion;AttackSourceControl;AttackTrafficFiltering;VulnerabilityPatching;VirusRemoval;PortClosure;BackupRestore;SystemShutdown;AffectedUserNotification
type Measure string

// Measures of §5.5.
const (
	MeasureBandwidthExpansion       Measure = "BandwidthExpansion"
	MeasureAttackSourceControl      Measure = "AttackSourceControl"
	MeasureAttackTrafficFiltering   Measure = "AttackTrafficFiltering"
	MeasureVulnerabilityPatching    Measure = "VulnerabilityPatching"
	MeasureVirusRemoval             Measure = "VirusRemoval"
	MeasurePortClosure              Measure = "PortClosure"
	MeasureBackupRestore            Measure = "BackupRestore"
	MeasureSystemShutdown           Measure = "SystemShutdown"
	MeasureAffectedUserNotification Measure = "AffectedUserNotification"
)

// IncidentRef names a SecurityIncident, in any namespace.
type IncidentRef struct {
	// namespace of the incident (the reporting unit's namespace), e.g.
	// unit-telecom-a.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the incident, e.g. outage-2026-12-04.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// SubmittedReport records a summary report handed in (§6.1).
type SubmittedReport struct {
	// submittedAt is when the report was handed in, in RFC 3339 with the
	// offset, e.g. 2026-12-04T14:15:00+08:00 for 14:15 Beijing time.
	// +required
	SubmittedAt metav1.Time `json:"submittedAt"`

	// document is a reference to the report: a file number or a URL, e.g.
	// "GZCA-2026-031".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	Document string `json:"document"`
}

// SummaryReports are the office's reports owed after a response ends
// (§6.1). Each unit hands in its own summary report from its namespace, as a
// UnitReport of type Summary; status.unitSummaryReports shows them.
type SummaryReports struct {
	// office is the emergency office's summary report, owed within 20
	// working days.
	// +optional
	Office *SubmittedReport `json:"office,omitempty"`
}

// EmergencyResponseSpec is a response to one or more incidents (§5).
//
// +kubebuilder:validation:XValidation:rule="(has(self.drill) && self.drill) == (has(oldSelf.drill) && oldSelf.drill)",message="drill cannot be changed",fieldPath=".drill"
// +kubebuilder:validation:XValidation:rule="!(has(oldSelf.endRequested) && oldSelf.endRequested) || (has(self.endRequested) && self.endRequested)",message="endRequested cannot be withdrawn once set",fieldPath=".endRequested"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.summaryReports) || !has(oldSelf.summaryReports.office) || (has(self.summaryReports) && has(self.summaryReports.office) && self.summaryReports.office == oldSelf.summaryReports.office)",message="a submitted report cannot be changed or removed",fieldPath=".summaryReports.office"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.supportRequests) || (has(self.supportRequests) && oldSelf.supportRequests.all(o, self.supportRequests.exists(n, n == o)))",message="a support request is on record once written: add a new one, do not change or remove one",fieldPath=".supportRequests"
type EmergencyResponseSpec struct {
	// incidentRefs are the incidents this response answers.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	IncidentRefs []IncidentRef `json:"incidentRefs"`

	// drill marks a response to drill incidents only; approvers entitled to
	// drills only may approve it. Cannot be changed.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// level of the response. One of: I (especially major), II (major), III
	// (large), IV (general). When not given, the highest level among its
	// incidents; status.level is the level in force.
	// +optional
	Level Level `json:"level,omitempty"`

	// workGroups the office sets up once the response starts; all five of
	// §5.3 when not given. Each one of: Recovery (emergency
	// recovery), AttackTracing (tracing the attack), ImpactAssessment
	// (assessing the impact), InformationRelease (releasing information),
	// CrossDepartmentCoordination (coordinating with other departments).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=5
	WorkGroups []WorkGroupType `json:"workGroups,omitempty"`

	// measures the office requires of the units (§5.5). Each one of:
	// BandwidthExpansion (expand
	// bandwidth), AttackSourceControl (control the attack's sources),
	// AttackTrafficFiltering (filter the attack traffic),
	// VulnerabilityPatching (patch the vulnerability), VirusRemoval (remove
	// the virus), PortClosure (close ports), BackupRestore (restore from
	// backup), SystemShutdown (shut systems down), AffectedUserNotification
	// (notify the affected users).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=9
	Measures []Measure `json:"measures,omitempty"`

	// commander is who commands the response, by name and post, e.g.
	// "Wang Jun, deputy director of the office".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Commander string `json:"commander,omitempty"`

	// endRequested asks to end the response; it ends on the end approval or
	// directive (§5.6).
	// +optional
	EndRequested bool `json:"endRequested,omitempty"`

	// summaryReports record the summary reports handed in after the end.
	// +optional
	SummaryReports SummaryReports `json:"summaryReports,omitzero"`

	// supportRequests are the office's requests to the ministry's emergency
	// office for support beyond the province (§5.4: 必要时向部应急办和相关部门
	// 请求提供支援; §5.5: 必要时报部应急办协调其他区域提供配合与支持). Each is
	// reported to the ministry's office once the response has started; a
	// request is on record once written.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	SupportRequests []SupportRequest `json:"supportRequests,omitempty"`
}

// SupportRequest is the office's request for support from beyond the
// province.
type SupportRequest struct {
	// name of the request within the response, e.g. "traffic-scrubbing".
	// +required
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$`
	Name string `json:"name"`

	// kinds of support asked for. Each one of: ExpertConsultation,
	// ResponseTeam, Equipment, Other.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=4
	Kinds []SupportKind `json:"kinds"`

	// what is asked for and why, e.g. "upstream scrubbing of the attack
	// traffic from outside the province".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	What string `json:"what"`
}

// SupportRequestSent is when the operator first saw a support request: the
// report to the ministry carries that time.
type SupportRequestSent struct {
	// name of the request (spec.supportRequests[].name).
	// +required
	// +kubebuilder:validation:MaxLength=32
	Name string `json:"name"`

	// seenTime is when the operator first saw it.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	SeenTime metav1.Time `json:"seenTime"`
}

// ResponsePhase is where a response stands. One of: Pending,
// AwaitingApproval, Active, Ended.
// +kubebuilder:validation:Enum=Pending;AwaitingApproval;Active;Ended
type ResponsePhase string

// Response phases.
const (
	ResponsePending          ResponsePhase = "Pending"
	ResponseAwaitingApproval ResponsePhase = "AwaitingApproval"
	ResponseActive           ResponsePhase = "Active"
	ResponseEnded            ResponsePhase = "Ended"
)

// Approval is a start or end decision as the API server admitted it.
type Approval struct {
	// approvedBy is the leading group member who approved (III and IV).
	// +optional
	ApprovedBy string `json:"approvedBy,omitempty"`

	// directive is the reference of the ministry's directive (I and II).
	// +optional
	Directive string `json:"directive,omitempty"`

	// level the approval or directive covers. One of: I, II, III, IV.
	// +optional
	Level Level `json:"level,omitempty"`

	// time the operator first saw the decision.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +required
	Time metav1.Time `json:"time"`

	// incidents as they were when the decision started the response: the
	// approval binds to these objects (by uid) at these levels, not to
	// their names.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Incidents []ApprovedIncident `json:"incidents,omitempty"`
}

// ApprovedIncident is an incident as a start decision found it.
type ApprovedIncident struct {
	// +required
	Namespace string `json:"namespace"`
	// +required
	Name string `json:"name"`
	// +required
	UID string `json:"uid"`
	// level of the incident then. One of: I, II, III, IV, BelowThreshold.
	// +optional
	Level IncidentLevel `json:"level,omitempty"`
}

// ReceivedReports is when the cluster first recorded each summary report,
// the time its deadline counts, whatever date the writer typed.
type ReceivedReports struct {
	// officeTime is when the cluster first recorded the office's summary
	// report.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	OfficeTime *metav1.Time `json:"officeTime,omitempty"`
}

// EmergencyResponseStatus is where the response stands.
type EmergencyResponseStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase: Pending (incidents not yet classified), AwaitingApproval,
	// Active or Ended.
	// +optional
	Phase ResponsePhase `json:"phase,omitempty"`

	// level in force: spec.level, or the highest level among the incidents.
	// One of: I, II, III, IV.
	// +optional
	Level Level `json:"level,omitempty"`

	// approval that started the response.
	// +optional
	Approval *Approval `json:"approval,omitempty"`

	// endApproval that ended the response.
	// +optional
	EndApproval *Approval `json:"endApproval,omitempty"`

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

	// workGroups are the names of the work groups set up.
	// +optional
	// +listType=atomic
	WorkGroups []string `json:"workGroups,omitempty"`

	// workGroupsReadyTime is when all work groups were first ready.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	WorkGroupsReadyTime *metav1.Time `json:"workGroupsReadyTime,omitempty"`

	// measuresInForce are the measures required while the response is
	// active. Each one of: BandwidthExpansion, AttackSourceControl,
	// AttackTrafficFiltering, VulnerabilityPatching, VirusRemoval,
	// PortClosure, BackupRestore, SystemShutdown, AffectedUserNotification.
	// +optional
	// +listType=atomic
	MeasuresInForce []Measure `json:"measuresInForce,omitempty"`

	// deadlines: the summary reports owed after the end.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=40
	Deadlines []Deadline `json:"deadlines,omitempty"`

	// nextDeadline is the earliest pending due time, if any.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	NextDeadline *metav1.Time `json:"nextDeadline,omitempty"`

	// summaryReportsReceived is when the cluster first recorded each
	// summary report (§6.1): its deadline counts from this time.
	// +optional
	SummaryReportsReceived *ReceivedReports `json:"summaryReportsReceived,omitempty"`

	// commandedBy is who commands the response at its level (§5.3). One
	// of: MinistryLeadingGroup, MinistryOffice, Office.
	// MinistryLeadingGroup for I (部领导小组), MinistryOffice for II
	// (部应急办), under whose command the office works, or Office for III
	// and IV (局网安应急办), which sets up its work groups.
	// +optional
	// +kubebuilder:validation:Enum=MinistryLeadingGroup;MinistryOffice;Office
	CommandedBy string `json:"commandedBy,omitempty"`

	// unitSummaryReports: each unit whose incidents the response covered,
	// and its summary report once received (§6.1). The deadline of each is
	// UnitSummaryReport/<namespace> in deadlines.
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=32
	UnitSummaryReports []UnitSummaryReport `json:"unitSummaryReports,omitempty"`

	// acknowledgements: while a III or IV response is active, each unit
	// whose incidents it covers, and its acknowledgement with its 24-hour
	// duty once received (§5.3).
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=32
	Acknowledgements []UnitAcknowledgement `json:"acknowledgements,omitempty"`

	// unacknowledged counts the units that owe an acknowledgement.
	// +optional
	Unacknowledged int32 `json:"unacknowledged,omitempty"`

	// progressReports counts the units' progress reports on this response.
	// +optional
	ProgressReports int32 `json:"progressReports,omitempty"`

	// supportRequests records when the operator first saw each of the
	// office's support requests (spec.supportRequests).
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	SupportRequests []SupportRequestSent `json:"supportRequests,omitempty"`

	// progress lists the units' progress reports as they came in, the
	// latest 64: the office reports each upward as the situation develops
	// (§5.3, §5.4).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Progress []UnitProgress `json:"progress,omitempty"`

	// supersededBy names the response at a higher level that took over the
	// same incidents after they rose above this one's approved level.
	// +optional
	SupersededBy string `json:"supersededBy,omitempty"`

	// conditions: Approved, WorkGroupsReady, MeasuresComplete, Ended,
	// DeadlinesMet, CalendarCovered and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// EmergencyResponse is the response to one or more incidents (§5). It starts
// only on an approval (III, IV) or a directive (I, II) that the API server
// admitted, and ends only on the same authority.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=er;eresp,categories=incident
// +kubebuilder:printcolumn:name="Level",type=string,JSONPath=`.status.level`
// +kubebuilder:printcolumn:name="Drill",type=boolean,JSONPath=`.spec.drill`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Command",type=string,JSONPath=`.status.commandedBy`
// +kubebuilder:printcolumn:name="Approved By",type=string,JSONPath=`.metadata.annotations.emergency\.netsec\.io/approved-by`
// +kubebuilder:printcolumn:name="Directive",type=string,JSONPath=`.metadata.annotations.emergency\.netsec\.io/directive`,priority=1
// +kubebuilder:printcolumn:name="Started",type=date,JSONPath=`.status.startedTime`
// +kubebuilder:printcolumn:name="Next Deadline",type=string,JSONPath=`.status.nextDeadline`
// +kubebuilder:printcolumn:name="Unacked",type=integer,JSONPath=`.status.unacknowledged`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Copy",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/copy`,priority=1
// +kubebuilder:printcolumn:name="Origin",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/origin-cluster`,priority=1
type EmergencyResponse struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec EmergencyResponseSpec `json:"spec"`

	// +optional
	Status EmergencyResponseStatus `json:"status,omitempty"`
}

// EmergencyResponseList is a list of EmergencyResponses.
//
// +kubebuilder:object:root=true
type EmergencyResponseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []EmergencyResponse `json:"items"`
}

func init() {
	register(&EmergencyResponse{}, &EmergencyResponseList{})
}
