package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// The accessors below let one reconcile skeleton set the conditions and the
// observed generation of every kind in this group.

// GetConditions returns the incident's conditions.
func (in *SecurityIncident) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the incident's conditions.
func (in *SecurityIncident) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *SecurityIncident) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the response's conditions.
func (in *EmergencyResponse) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the response's conditions.
func (in *EmergencyResponse) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *EmergencyResponse) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the warning's conditions.
func (in *Warning) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the warning's conditions.
func (in *Warning) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *Warning) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the work group's conditions.
func (in *WorkGroup) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the work group's conditions.
func (in *WorkGroup) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *WorkGroup) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the calendar's conditions.
func (in *HolidayCalendar) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the calendar's conditions.
func (in *HolidayCalendar) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *HolidayCalendar) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the unit's conditions.
func (in *ReportingUnit) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the unit's conditions.
func (in *ReportingUnit) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *ReportingUnit) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the unit report's conditions.
func (in *UnitReport) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the unit report's conditions.
func (in *UnitReport) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *UnitReport) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the dispatch's conditions.
func (in *SupportDispatch) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the dispatch's conditions.
func (in *SupportDispatch) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *SupportDispatch) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetConditions returns the link's conditions.
func (in *Uplink) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions replaces the link's conditions.
func (in *Uplink) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *Uplink) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }
