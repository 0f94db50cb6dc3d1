package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ChannelType is the format a channel speaks. One of: CloudEvents (a
// webhook receiving CloudEvents 1.0), WeCom (a WeCom group robot),
// DingTalk (a DingTalk group robot).
// +kubebuilder:validation:Enum=CloudEvents;WeCom;DingTalk
type ChannelType string

// Channel types: a generic webhook receiving CloudEvents 1.0 (structured
// JSON), a WeCom group robot, a DingTalk group robot.
const (
	ChannelCloudEvents ChannelType = "CloudEvents"
	ChannelWeCom       ChannelType = "WeCom"
	ChannelDingTalk    ChannelType = "DingTalk"
)

// Audience is who a channel reaches, and who a report is for. One of:
// Office, LeadingGroup, MinistryOffice, EmergencyManagement, Units, Public.
// +kubebuilder:validation:Enum=Office;LeadingGroup;MinistryOffice;EmergencyManagement;Units;Public
type Audience string

// Audiences: the provincial emergency office (局网安应急办), the provincial
// leading group (局网安领导小组), the ministry's emergency office (部应急办),
// the provincial emergency-management department (省应急管理相关部门), the
// units of the province (基础电信企业、域名机构、互联网企业…), and the public
// (website, SMS, WeChat relays).
const (
	AudienceOffice              Audience = "Office"
	AudienceLeadingGroup        Audience = "LeadingGroup"
	AudienceMinistryOffice      Audience = "MinistryOffice"
	AudienceEmergencyManagement Audience = "EmergencyManagement"
	AudienceUnits               Audience = "Units"
	AudiencePublic              Audience = "Public"
)

// NotificationChannelSpec is an endpoint messages are delivered to.
type NotificationChannelSpec struct {
	// type of the endpoint. One of: CloudEvents (a webhook receiving
	// CloudEvents 1.0, structured JSON), WeCom (a WeCom group robot),
	// DingTalk (a DingTalk group robot).
	// +required
	Type ChannelType `json:"type"`

	// audience the channel claims to reach. One of: Office (the
	// provincial emergency office, 局网安应急办), LeadingGroup (the
	// provincial leading group, 局网安领导小组), MinistryOffice (the
	// ministry's emergency office, 部应急办), EmergencyManagement (the
	// provincial emergency-management department), Units (the units of
	// the province), Public (the public); Public when not given. Once that
	// audience consented (annotation emergency.netsec.io/consented-by),
	// every Notification for it, of this namespace or, for a channel of
	// the office's namespace, of any namespace, is delivered through it; a
	// warning's messages to the Units and the Public go through the
	// channels the warning names, when it names any. Changing it takes the
	// consent away.
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

// NotificationChannelStatus says whether the channel can be used: Ready is
// True when its audience consented to it and its Secret exists and holds
// what its type needs. The Secret is
// read one by one (the operator may only get Secrets, never list or watch
// them), when the channel changes and again every minute while it is not
// Ready, every ten minutes while it is.
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

// NotificationChannel is where notifications are delivered: a webhook
// posting CloudEvents, or a WeCom or DingTalk group robot.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=nch,categories=incident
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Audience",type=string,JSONPath=`.spec.audience`
// +kubebuilder:printcolumn:name="Consented By",type=string,JSONPath=`.metadata.annotations.emergency\.netsec\.io/consented-by`
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

// GetConditions returns the channel's conditions.
func (in *NotificationChannel) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the channel's conditions.
func (in *NotificationChannel) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *NotificationChannel) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }
