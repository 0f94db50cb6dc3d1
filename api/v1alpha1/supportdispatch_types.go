package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DispatchedUnit is a registered unit the office orders to help (调派指令,
// §5.2), with its task.
type DispatchedUnit struct {
	// namespace of the unit: the namespace its ReportingUnit is registered
	// in, e.g. "unit-security-a".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// task the unit is given, e.g. "send two engineers to trace the attack
	// sources".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Task string `json:"task"`
}

// SupportDispatchSpec is the office's answer to a unit's request for
// technical support (§5.2: 事发单位在先期处置时根据需要可向局网安应急办请求支援，
// 局网安应急办可安排专家组成员提供技术支援，各单位接到调派指令后，应积极响应):
// what it sends, to which incident. It is on record once written: a further
// answer is a new object.
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="a dispatch is on record and cannot be changed; write a new one for further support"
// +kubebuilder:validation:XValidation:rule="(has(self.experts) && size(self.experts) > 0) || (has(self.units) && size(self.units) > 0)",message="a dispatch sends someone: give experts (the bureau's expert group) or units (ordered to help), or both",fieldPath=".experts"
type SupportDispatchSpec struct {
	// drill marks a dispatch made in an exercise; it must match the
	// incident's spec.drill (the operator says DrillMismatch otherwise).
	// +optional
	Drill bool `json:"drill,omitempty"`

	// incidentRef is the incident whose support request this answers.
	// +required
	IncidentRef ObjectRef `json:"incidentRef"`

	// kinds of support this sends. Each one of: ExpertConsultation (专家咨询),
	// ResponseTeam (an emergency team, 应急队伍), Equipment (technical
	// equipment, 技术设备), Other (其它).
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=4
	Kinds []SupportKind `json:"kinds"`

	// experts of the bureau's expert group sent, each with a phone.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Experts []Contact `json:"experts,omitempty"`

	// units ordered to help, each a registered unit with its task; each
	// acknowledges the order with a UnitReport of type Acknowledgement
	// naming this dispatch (dispatchRef).
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=16
	Units []DispatchedUnit `json:"units,omitempty"`

	// note to the requesting unit: when and where the support arrives.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Note string `json:"note,omitempty"`
}

// SupportDispatchStatus is what the operator observed of a dispatch.
type SupportDispatchStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// dispatchedBy is who wrote the dispatch, as the API server recorded it
	// (emergency.netsec.io/created-by).
	// +optional
	// +kubebuilder:validation:MaxLength=256
	DispatchedBy string `json:"dispatchedBy,omitempty"`

	// acknowledgements lists each unit ordered to help, with its
	// acknowledgement once received.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Acknowledgements []UnitAcknowledgement `json:"acknowledgements,omitempty"`

	// unacknowledged counts the units ordered to help that have not yet
	// acknowledged the order.
	// +optional
	Unacknowledged int32 `json:"unacknowledged,omitempty"`

	// conditions: Ready (Dispatched; UnknownIncident, NoSupportRequested,
	// UnknownUnit), Acknowledged (AllAcknowledged, AwaitingAcknowledgement,
	// NoUnitsOrdered).
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// SupportDispatch is the office's answer to an incident's request for
// technical support: the experts it sends and the units it orders to help,
// each of which acknowledges the order (§5.2, §8.4).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=dispatch;sd,categories=incident
// +kubebuilder:printcolumn:name="Incident",type=string,JSONPath=`.spec.incidentRef.name`
// +kubebuilder:printcolumn:name="Unit NS",type=string,JSONPath=`.spec.incidentRef.namespace`
// +kubebuilder:printcolumn:name="Kinds",type=string,JSONPath=`.spec.kinds`
// +kubebuilder:printcolumn:name="By",type=string,JSONPath=`.status.dispatchedBy`
// +kubebuilder:printcolumn:name="Unacked",type=integer,JSONPath=`.status.unacknowledged`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SupportDispatch struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec SupportDispatchSpec `json:"spec"`

	// +optional
	Status SupportDispatchStatus `json:"status,omitempty"`
}

// SupportDispatchList is a list of SupportDispatches.
//
// +kubebuilder:object:root=true
type SupportDispatchList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SupportDispatch `json:"items"`
}

func init() {
	register(&SupportDispatch{}, &SupportDispatchList{})
}
