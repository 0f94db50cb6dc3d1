package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ChannelType is the format a channel speaks.
// +kubebuilder:validation:Enum=CloudEvents;WeCom;DingTalk
type ChannelType string

// Channel types: a generic webhook receiving CloudEvents 1.0 (structured
// JSON), a WeCom group robot, a DingTalk group robot.
const (
	ChannelCloudEvents ChannelType = "CloudEvents"
	ChannelWeCom       ChannelType = "WeCom"
	ChannelDingTalk    ChannelType = "DingTalk"
)

// Audience is who a channel reaches.
// +kubebuilder:validation:Enum=Public;MinistryOffice;EmergencyManagement
type Audience string

// Audiences: the public (website, SMS, WeChat relays), and the two offices a
// provincial yellow or blue warning is reported to (§4.4).
const (
	AudiencePublic              Audience = "Public"
	AudienceMinistryOffice      Audience = "MinistryOffice"
	AudienceEmergencyManagement Audience = "EmergencyManagement"
)

// NotificationChannelSpec is an endpoint messages are delivered to.
type NotificationChannelSpec struct {
	// type of the endpoint.
	// +required
	Type ChannelType `json:"type"`

	// audience the channel reaches. Warnings name Public channels in
	// spec.channels; every MinistryOffice and EmergencyManagement channel of
	// the namespace receives the upward report of a published provincial
	// yellow or blue warning.
	// +optional
	// +kubebuilder:default=Public
	Audience Audience `json:"audience,omitempty"`

	// secretRef names a Secret in this namespace with the key `address` (the
	// webhook URL, with any key or token) and, for a signed DingTalk robot,
	// `signingSecret`. Neither ever appears in status, events or logs.
	// +required
	SecretRef SecretReference `json:"secretRef"`

	// timeoutSeconds bounds one delivery attempt.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=60
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`
}

// SecretReference names a Secret in the same namespace.
type SecretReference struct {
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// NotificationChannelStatus says whether the channel can be used.
type NotificationChannelStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// NotificationChannel is where warnings are delivered: a webhook posting
// CloudEvents, or a WeCom or DingTalk group robot.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=nch,categories=incident
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Audience",type=string,JSONPath=`.spec.audience`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NotificationChannel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec NotificationChannelSpec `json:"spec"`

	// +optional
	Status NotificationChannelStatus `json:"status,omitempty"`
}

// NotificationChannelList is a list of NotificationChannels.
//
// +kubebuilder:object:root=true
type NotificationChannelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NotificationChannel `json:"items"`
}

func init() {
	register(&NotificationChannel{}, &NotificationChannelList{})
}
