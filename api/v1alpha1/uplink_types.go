package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UplinkMember is what this cluster is on the upper one. One of: Unit (a
// reporting unit's own cluster, linked to the province's), Province (the
// province's cluster, linked to the ministry's).
// +kubebuilder:validation:Enum=Unit;Province
type UplinkMember string

// The members a link can be.
const (
	// UplinkUnit: this cluster is a reporting unit's. Its incidents and
	// its reports go up into its registered namespace on the province's
	// cluster, as itself; the province's warnings, and the responses
	// covering its incidents, come down as mirrors.
	UplinkUnit UplinkMember = "Unit"
	// UplinkProvince: this cluster is the province's. Its level I and II
	// incidents and responses go up to the ministry's cluster, relayed;
	// the ministry's directives on those responses and its warnings come
	// down.
	UplinkProvince UplinkMember = "Province"
)

// SecretKeyRef names one key of a Secret.
type SecretKeyRef struct {
	// namespace of the Secret, e.g. incident-operator-system.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// key in the Secret's data; "kubeconfig" when not given.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// UpperCluster is the cluster a link goes up to.
type UpperCluster struct {
	// name of the upper cluster, as this cluster calls it, e.g. province
	// or ministry: the mirrors it sends down carry it as their origin.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`
	// kubeconfig is the Secret holding a kubeconfig for the upper cluster,
	// whose credentials the upper side granted for this member's
	// namespace there only. This cluster makes every connection; the upper
	// cluster holds no credentials of this one.
	// +required
	Kubeconfig SecretKeyRef `json:"kubeconfig"`
	// namespace is this member's namespace on the upper cluster: for a
	// unit, the namespace the office registered it in.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// officeNamespace is the upper office's namespace, whose warnings and
	// responses this link reads; "emergency-office" when not given.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	OfficeNamespace string `json:"officeNamespace,omitempty"`
}

// UplinkSpec says where this cluster's records go up and what it is there.
//
// +kubebuilder:validation:XValidation:rule="self.member != 'Unit' || size(self.namespaces) == 1",message="a unit's link carries exactly one namespace of this cluster, the unit's own",fieldPath=".namespaces"
type UplinkSpec struct {
	// cluster is this cluster's name, as the upper cluster knows it: every
	// copy this link makes carries it as its origin, and the upper side's
	// grant to copy names it. Cannot be changed.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cluster cannot be changed: the copies on the upper cluster carry it"
	Cluster string `json:"cluster"`
	// member is what this cluster is on the upper one: Unit or Province.
	// Cannot be changed.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="member cannot be changed"
	Member UplinkMember `json:"member"`
	// upper is the cluster this link goes up to.
	// +required
	Upper UpperCluster `json:"upper"`
	// namespaces of this cluster whose records go up: for a unit, its own
	// namespace (exactly one), where its incidents and reports are filed
	// and where the mirrors come down; for the province, the namespaces
	// whose level I and II incidents go up (every namespace when empty).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	Namespaces []string `json:"namespaces,omitempty"`
}

// UplinkCount is how many records of one kind this link holds across.
type UplinkCount struct {
	// kind of the records, e.g. SecurityIncident.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Kind string `json:"kind"`
	// direction: Up (copies on the upper cluster) or Down (mirrors here).
	// +required
	// +kubebuilder:validation:Enum=Up;Down
	Direction string `json:"direction"`
	// copies is how many records of the kind are across and current.
	// +required
	Copies int32 `json:"copies"`
}

// UplinkStatus says whether the link is connected and what is left to
// cross.
type UplinkStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// lastContactTime is the last time the upper cluster answered, kept
	// to the five minutes.
	// An RFC 3339 time, shown in UTC: 2026-12-04T06:15:00Z is
	// 2026-12-04T14:15:00+08:00, Beijing time.
	// +optional
	LastContactTime *metav1.Time `json:"lastContactTime,omitempty"`
	// backlog is how many records are waiting to cross, either way, as the
	// last pass found them: created or changed on one side and not yet on
	// the other.
	// +optional
	Backlog int32 `json:"backlog"`
	// counts of the records across, by kind and direction.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Counts []UplinkCount `json:"counts,omitempty"`
	// conflicts names up to 10 records that cannot cross because the other
	// side holds an object of that name copied from another origin.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=512
	Conflicts []string `json:"conflicts,omitempty"`
	// conditions: Connected, InSync, Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Uplink links this cluster to the next organisation's: a unit's cluster
// to the province's, the province's to the ministry's. This cluster makes
// every connection, with credentials the upper side granted for one
// namespace; its records go up as copies carrying their origin, the upper
// side's decisions come back into their status, and warnings, responses
// and directives come down as read-only mirrors.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=upl,categories=incident
// +kubebuilder:printcolumn:name="Member",type=string,JSONPath=`.spec.member`
// +kubebuilder:printcolumn:name="Upper",type=string,JSONPath=`.spec.upper.name`
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.upper.namespace`
// +kubebuilder:printcolumn:name="Connected",type=string,JSONPath=`.status.conditions[?(@.type=="Connected")].status`
// +kubebuilder:printcolumn:name="Backlog",type=integer,JSONPath=`.status.backlog`
// +kubebuilder:printcolumn:name="Last Contact",type=date,JSONPath=`.status.lastContactTime`
// +kubebuilder:printcolumn:name="Reason",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Connected")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Uplink struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec UplinkSpec `json:"spec"`
	// +optional
	Status UplinkStatus `json:"status,omitempty"`
}

// UplinkList is a list of Uplinks.
//
// +kubebuilder:object:root=true
type UplinkList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Uplink `json:"items"`
}

func init() {
	register(&Uplink{}, &UplinkList{})
}

// UpstreamDecision is what the upper cluster decided on a copy of this
// record, fed back by the link.
type UpstreamDecision struct {
	// cluster is the upper cluster's name (the link's spec.upper.name).
	// +required
	// +kubebuilder:validation:MaxLength=63
	Cluster string `json:"cluster"`
	// namespace and name of the copy there.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// level the upper cluster gives the incident. One of: I, II, III, IV,
	// BelowThreshold.
	// +optional
	Level IncidentLevel `json:"level,omitempty"`
	// responses covering the copy there, by name.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=253
	Responses []string `json:"responses,omitempty"`
	// missedDeadlines are the names of the copy's deadlines the upper
	// cluster found missed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=63
	MissedDeadlines []string `json:"missedDeadlines,omitempty"`
	// ready is the copy's Ready condition there: True, False or Unknown.
	// +optional
	// +kubebuilder:validation:MaxLength=16
	Ready string `json:"ready,omitempty"`
	// readyMessage is that condition's message.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	ReadyMessage string `json:"readyMessage,omitempty"`
}
