package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Holiday is a run of days off, e.g. the Spring Festival.
//
// +kubebuilder:validation:XValidation:rule="!has(self.end) || self.end >= self.start",message="end must not be before start",fieldPath=".end"
type Holiday struct {
	// name of the holiday.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name,omitempty"`

	// start is the first day off, a date written YYYY-MM-DD, e.g.
	// 2026-10-01.
	// +required
	// +kubebuilder:validation:Format=date
	Start string `json:"start"`

	// end is the last day off, a date written YYYY-MM-DD, e.g. 2026-10-07;
	// start when not given.
	// +optional
	// +kubebuilder:validation:Format=date
	End string `json:"end,omitempty"`
}

// Workday is an official make-up working day (调休) on a weekend.
type Workday struct {
	// date of the make-up working day, written YYYY-MM-DD, e.g.
	// 2026-10-10.
	// +required
	// +kubebuilder:validation:Format=date
	Date string `json:"date"`

	// name says which holiday it makes up for.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name,omitempty"`
}

// HolidayCalendarSpec is the official schedule of days off and make-up
// working days, one or more years of it.
type HolidayCalendarSpec struct {
	// timeZone in which the days are counted, e.g. Asia/Shanghai.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	TimeZone string `json:"timeZone"`

	// holidays are the public holidays. A year counts as covered when at
	// least one holiday or make-up day of it is listed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=512
	Holidays []Holiday `json:"holidays,omitempty"`

	// workdays are the Saturdays and Sundays declared working days.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=512
	Workdays []Workday `json:"workdays,omitempty"`
}

// HolidayCalendarStatus says whether the calendar could be read.
type HolidayCalendarStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// years the calendar covers.
	// +optional
	// +listType=atomic
	Years []int32 `json:"years,omitempty"`

	// conditions: Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// HolidayCalendar is the working-day calendar the operator counts report
// deadlines in. The operator reads the one named by its --holiday-calendar
// flag (default "default").
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=hcal,categories=incident
// +kubebuilder:printcolumn:name="Time Zone",type=string,JSONPath=`.spec.timeZone`
// +kubebuilder:printcolumn:name="Years",type=string,JSONPath=`.status.years`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type HolidayCalendar struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec HolidayCalendarSpec `json:"spec"`

	// +optional
	Status HolidayCalendarStatus `json:"status,omitempty"`
}

// HolidayCalendarList is a list of HolidayCalendars.
//
// +kubebuilder:object:root=true
type HolidayCalendarList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []HolidayCalendar `json:"items"`
}

func init() {
	register(&HolidayCalendar{}, &HolidayCalendarList{})
}
