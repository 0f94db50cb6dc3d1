package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UnitReportType is what a unit's report is. One of: Progress, Summary,
// Hazard, Acknowledgement.
// +kubebuilder:validation:Enum=Progress;Summary;Hazard;Acknowledgement
type UnitReportType string

// Unit report types.
const (
	// UnitReportProgress is a progress report while a response runs (§5.3).
	UnitReportProgress UnitReportType = "Progress"
	// UnitReportSummary is the unit's summary report after a response
	// ended, owed within 10 working days (§6.1).
	UnitReportSummary UnitReportType = "Summary"
	// UnitReportHazard is a hazard report: the unit judges an incident may
	// happen (§4.2).
	UnitReportHazard UnitReportType = "Hazard"
	// UnitReportAcknowledgement acknowledges a red or orange warning, or a
	// III/IV response, with the unit's 24-hour duty (§4.5.1, §5.3).
	UnitReportAcknowledgement UnitReportType = "Acknowledgement"
)

// ObjectRef names an object of this API in a namespace.
type ObjectRef struct {
	// namespace of the object (the office's for responses and warnings).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the object.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// ProgressDetails is a progress report (§5.3).
type ProgressDetails struct {
	// takenAt is when the measures were taken (RFC 3339 with the offset,
	// e.g. 2026-12-04T14:15:00+08:00).
	// +required
	TakenAt metav1.Time `json:"takenAt"`

	// workGroup the report is for, when it is for one of the response's
	// work groups. One of: Recovery, AttackTracing, ImpactAssessment,
	// InformationRelease, CrossDepartmentCoordination.
	// +optional
	WorkGroup WorkGroupType `json:"workGroup,omitempty"`

	// measures taken.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	Measures string `json:"measures"`

	// effect achieved.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	Effect string `json:"effect"`

	// nextSteps planned.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	NextSteps string `json:"nextSteps"`

	// suggestions to the office.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Suggestions string `json:"suggestions,omitempty"`
}

// SummaryDetails is a unit's summary report after a response (§6.1). Every
// part is required.
type SummaryDetails struct {
	// directCauses of the incident.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	DirectCauses string `json:"directCauses"`

	// indirectCauses of the incident.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	IndirectCauses string `json:"indirectCauses"`

	// course of the incident and its handling.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Course string `json:"course"`

	// responsibility: who answers for what.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Responsibility string `json:"responsibility"`

	// impactAndLoss: the harm done and the losses.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	ImpactAndLoss string `json:"impactAndLoss"`

	// lessons learned.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Lessons string `json:"lessons"`

	// proposals for improvement.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Proposals string `json:"proposals"`
}

// HazardDetails is a hazard report (§4.2): what the unit expects and why.
type HazardDetails struct {
	// description of the hazard: what may happen, where, and the signs.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Description string `json:"description"`

	// expectedAt is when the unit expects the incident, if it can say
	// (RFC 3339 with the offset, e.g. 2026-12-04T20:00:00+08:00).
	// +optional
	ExpectedAt *metav1.Time `json:"expectedAt,omitempty"`

	// suggestedLevel of a warning, if the unit suggests one. One of: Red
	// (a possible level I incident), Orange (II), Yellow (III), Blue (IV),
	// RiskNotice (a risk notice below warning level).
	// +optional
	SuggestedLevel WarningLevel `json:"suggestedLevel,omitempty"`
}

// AcknowledgementDetails acknowledges a duty with who is on duty.
type AcknowledgementDetails struct {
	// duty is the person on 24-hour duty, with a phone.
	// +required
	Duty Contact `json:"duty"`

	// measures the unit takes.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Measures string `json:"measures,omitempty"`
}

// UnitReportSpec is one report a unit writes from its own namespace. It is on
// record once filed: it cannot be changed or deleted; a further report is a
// new object.
//
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="a unit's report is on record and cannot be changed; file a new report instead"
// +kubebuilder:validation:XValidation:rule="(self.type == 'Progress') == has(self.progress) && (self.type == 'Summary') == has(self.summary) && (self.type == 'Hazard') == has(self.hazard) && (self.type == 'Acknowledgement') == has(self.acknowledgement)",message="give exactly the part named by type: progress for Progress, summary for Summary, hazard for Hazard, acknowledgement for Acknowledgement"
// +kubebuilder:validation:XValidation:rule="!(self.type in ['Progress', 'Summary']) || has(self.responseRef)",message="a progress or summary report names the response it reports on",fieldPath=".responseRef"
// +kubebuilder:validation:XValidation:rule="self.type != 'Acknowledgement' || [has(self.responseRef), has(self.warningRef), has(self.dispatchRef)].filter(x, x).size() == 1",message="an acknowledgement names exactly one of the warning (warningRef), the response (responseRef) or the support dispatch (dispatchRef) it answers",fieldPath=".warningRef"
// +kubebuilder:validation:XValidation:rule="self.type == 'Acknowledgement' || !has(self.warningRef)",message="only an acknowledgement names a warning",fieldPath=".warningRef"
// +kubebuilder:validation:XValidation:rule="self.type == 'Acknowledgement' || !has(self.dispatchRef)",message="only an acknowledgement names a support dispatch",fieldPath=".dispatchRef"
// +kubebuilder:validation:XValidation:rule="self.type != 'Hazard' || !has(self.responseRef)",message="a hazard report comes before any response and names none",fieldPath=".responseRef"
type UnitReportSpec struct {
	// type of the report. One of: Progress (how the measures go while a
	// response runs; give progress), Summary (the unit's summary after a
	// response ended; give summary), Hazard (an incident may happen; give
	// hazard), Acknowledgement (the answer to a red or orange warning or a
	// III/IV response, with the 24-hour duty; give acknowledgement).
	// +required
	Type UnitReportType `json:"type"`

	// drill marks a report made in an exercise.
	// +optional
	Drill bool `json:"drill,omitempty"`

	// responseRef names the response a progress, summary or
	// acknowledgement report is about.
	// +optional
	ResponseRef *ObjectRef `json:"responseRef,omitempty"`

	// warningRef names the warning an acknowledgement answers.
	// +optional
	WarningRef *ObjectRef `json:"warningRef,omitempty"`

	// dispatchRef names the SupportDispatch whose order to help an
	// acknowledgement answers (§5.2: 各单位接到调派指令后，应积极响应).
	// +optional
	DispatchRef *ObjectRef `json:"dispatchRef,omitempty"`

	// progress is the progress report, for type Progress.
	// +optional
	Progress *ProgressDetails `json:"progress,omitempty"`

	// summary is the summary report, for type Summary.
	// +optional
	Summary *SummaryDetails `json:"summary,omitempty"`

	// hazard is the hazard report, for type Hazard.
	// +optional
	Hazard *HazardDetails `json:"hazard,omitempty"`

	// acknowledgement, for type Acknowledgement.
	// +optional
	Acknowledgement *AcknowledgementDetails `json:"acknowledgement,omitempty"`
}

// Consultation is the office's decision on a hazard report (§4.2). One of:
// Warning (a warning is issued), RiskNotice (a risk notice is issued),
// NoAction (nothing is issued).
// +kubebuilder:validation:Enum=Warning;RiskNotice;NoAction
type Consultation string

// Consultation outcomes.
const (
	ConsultationWarning    Consultation = "Warning"
	ConsultationRiskNotice Consultation = "RiskNotice"
	ConsultationNoAction   Consultation = "NoAction"
)

// UnitReportStatus is what the operator observed of a unit's report.
type UnitReportStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// unit is the registered unit's name, from the namespace's
	// ReportingUnit.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Unit string `json:"unit,omitempty"`

	// receivedTime is when the operator first saw the report, by its own
	// clock: deadlines count from it, not from any time typed in.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	ReceivedTime *metav1.Time `json:"receivedTime,omitempty"`

	// consultation is the office's decision on a hazard report. One of:
	// Warning (a warning is issued), RiskNotice (a risk notice is issued),
	// NoAction (nothing is issued), as the API server recorded it
	// (emergency.netsec.io/consultation, .../consulted-by).
	// +optional
	Consultation Consultation `json:"consultation,omitempty"`

	// consultedBy is who decided.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ConsultedBy string `json:"consultedBy,omitempty"`

	// upstream is the report's copy on the province's cluster, when an
	// Uplink carries it there, and its Ready condition there.
	// +optional
	Upstream *UpstreamDecision `json:"upstream,omitempty"`

	// conditions: Ready (Accepted: the report names something it may report
	// on).
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// UnitReport is one report a unit writes from its own namespace: a progress
// report, its summary report after a response, a hazard report, or the
// acknowledgement of a warning or a response with its 24-hour duty.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ureport;ur,categories=incident
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Unit",type=string,JSONPath=`.status.unit`
// +kubebuilder:printcolumn:name="Response",type=string,JSONPath=`.spec.responseRef.name`
// +kubebuilder:printcolumn:name="Warning",type=string,JSONPath=`.spec.warningRef.name`
// +kubebuilder:printcolumn:name="Drill",type=boolean,JSONPath=`.spec.drill`,priority=1
// +kubebuilder:printcolumn:name="Decision",type=string,JSONPath=`.status.consultation`
// +kubebuilder:printcolumn:name="Received",type=date,JSONPath=`.status.receivedTime`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Copy",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/copy`,priority=1
// +kubebuilder:printcolumn:name="Origin",type=string,JSONPath=`.metadata.labels.emergency\.netsec\.io/origin-cluster`,priority=1
type UnitReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec UnitReportSpec `json:"spec"`

	// +optional
	Status UnitReportStatus `json:"status,omitempty"`
}

// UnitReportList is a list of UnitReports.
//
// +kubebuilder:object:root=true
type UnitReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []UnitReport `json:"items"`
}

func init() {
	register(&UnitReport{}, &UnitReportList{})
}
