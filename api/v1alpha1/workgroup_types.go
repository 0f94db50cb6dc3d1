package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ProgressReport is a unit's report while a response is active (§5.3):
// measures taken, when, their effect, next steps and suggestions.
type ProgressReport struct {
	// time of the report, in RFC 3339 with the offset, e.g.
	// 2026-12-04T14:15:00+08:00 for 14:15 Beijing time.
	// +required
	Time metav1.Time `json:"time"`

	// unit that reports.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Unit string `json:"unit,omitempty"`

	// measures taken.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	Measures string `json:"measures"`

	// effect achieved.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Effect string `json:"effect,omitempty"`

	// nextSteps planned.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	NextSteps string `json:"nextSteps,omitempty"`

	// suggestions to the office.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Suggestions string `json:"suggestions,omitempty"`
	// reportedBy is the user who added the report, as the API server
	// recorded it (config/admission/created_by.yaml): whatever a client
	// writes there is replaced.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ReportedBy string `json:"reportedBy,omitempty"`
}

// WorkGroupSpec is one work group of a response.
//
// +kubebuilder:validation:XValidation:rule="self.type == oldSelf.type",message="type cannot be changed",fieldPath=".type"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.reports) || (has(self.reports) && size(self.reports) >= size(oldSelf.reports) && oldSelf.reports.all(r, r in self.reports))",message="progress reports are append-only: a report cannot be changed or removed",fieldPath=".reports"
type WorkGroupSpec struct {
	// type of the work group. One of: Recovery (emergency recovery),
	// AttackTracing (tracing the attack), ImpactAssessment (assessing the
	// impact), InformationRelease (releasing information),
	// CrossDepartmentCoordination (coordinating with other departments).
	// +required
	Type WorkGroupType `json:"type"`

	// lead of the work group.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Lead string `json:"lead,omitempty"`

	// members of the work group.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=256
	Members []string `json:"members,omitempty"`

	// reports are the units' progress reports, oldest first; append-only.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=256
	Reports []ProgressReport `json:"reports,omitempty"`
}

// WorkGroupStatus is what the operator observed of a work group.
type WorkGroupStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// reportCount is the number of progress reports: those in spec.reports
	// and the units' own (unitReports).
	// +optional
	ReportCount int32 `json:"reportCount,omitempty"`

	// unitReports name the units' progress reports for this work group
	// (UnitReports of type Progress naming its response and its type), as
	// namespace/name, in the order received.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=320
	UnitReports []string `json:"unitReports,omitempty"`

	// lastReportTime is the time of the latest progress report.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	LastReportTime *metav1.Time `json:"lastReportTime,omitempty"`

	// conditions: Staffed and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WorkGroup is one work group of an EmergencyResponse, created by the
// operator once the response starts and owned by it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=wg,categories=incident
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Response",type=string,JSONPath=`.metadata.ownerReferences[0].name`
// +kubebuilder:printcolumn:name="Lead",type=string,JSONPath=`.spec.lead`
// +kubebuilder:printcolumn:name="Reports",type=integer,JSONPath=`.status.reportCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type WorkGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorkGroupSpec `json:"spec"`

	// +optional
	Status WorkGroupStatus `json:"status,omitempty"`
}

// WorkGroupList is a list of WorkGroups.
//
// +kubebuilder:object:root=true
type WorkGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WorkGroup `json:"items"`
}

func init() {
	register(&WorkGroup{}, &WorkGroupList{})
}
