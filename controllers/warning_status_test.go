package controllers

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/approval"
)

func newWarningScope(st v1alpha1.WarningStatus, liftRequested bool) *warningScope {
	w := &v1alpha1.Warning{Spec: v1alpha1.WarningSpec{Level: v1alpha1.WarningYellow, LiftRequested: liftRequested}, Status: st}
	return &warningScope{pass: begin(testKit(setterNow), w, false)}
}

func TestWarningSetApproved(t *testing.T) {
	s := newWarningScope(v1alpha1.WarningStatus{}, false)
	s.setApproved(approval.Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason, Message: "Waits."})
	s.setApproved(approval.Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason, Message: "Waits."})
	if diff := cmp.Diff(got{Status: "False", Reason: "AwaitingApproval", Message: "Waits.", Events: []string{"Normal/AwaitingApproval"}},
		outcome(s.obj.Status.Conditions, v1alpha1.WarningApprovedCondition, s.events)); diff != "" {
		t.Errorf("Approved while waiting, set twice (-want +got):\n%s", diff)
	}
	s.setApproved(approval.Verdict{Passed: true, Reason: v1alpha1.WarningApprovedReason, Message: "Approved by li for yellow warning."})
	if c := conditionOf(s.obj.Status.Conditions, v1alpha1.WarningApprovedCondition); c.Status != "True" || c.Reason != "Approved" {
		t.Errorf("Approved after the approval: %+v", c)
	}
}

func TestWarningSetPublishedAndLifted(t *testing.T) {
	published := metav1.NewTime(setterNow)
	cases := map[string]struct {
		st            v1alpha1.WarningStatus
		liftRequested bool
		before        []metav1.Condition
		published     got
		lifted        got
	}{
		"awaiting publication says what it waits for": {
			before:    []metav1.Condition{{Type: v1alpha1.WarningApprovedCondition, Status: "False", Reason: "AwaitingApproval", Message: "Waits for li."}},
			published: got{Status: "False", Reason: "AwaitingApproval", Message: "Waits for li."},
			lifted:    got{Status: "False", Reason: "InForce", Message: "The warning is not lifted."}},
		"published": {st: v1alpha1.WarningStatus{PublishedTime: &published, PublishedLevel: v1alpha1.WarningBlue},
			published: got{Status: "True", Reason: "Published", Message: "Published as blue warning."},
			lifted:    got{Status: "False", Reason: "InForce", Message: "The warning is not lifted."}},
		"a requested lift keeps its wait in view": {st: v1alpha1.WarningStatus{PublishedTime: &published, PublishedLevel: v1alpha1.WarningYellow}, liftRequested: true,
			before:    []metav1.Condition{{Type: v1alpha1.WarningLiftedCondition, Status: "False", Reason: "AwaitingApproval", Message: "Lifting waits."}},
			published: got{Status: "True", Reason: "Published", Message: "Published as yellow warning."},
			lifted:    got{Status: "False", Reason: "AwaitingApproval", Message: "Lifting waits."}},
		"lifted": {st: v1alpha1.WarningStatus{PublishedTime: &published, PublishedLevel: v1alpha1.WarningYellow, LiftedTime: &published},
			published: got{Status: "True", Reason: "Published", Message: "Published as yellow warning."},
			lifted:    got{Status: "True", Reason: "Lifted", Message: "Lifted; its measures have ended."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := newWarningScope(tc.st, tc.liftRequested)
			s.obj.Status.Conditions = tc.before
			s.setPublished()
			s.setLifted()
			if diff := cmp.Diff(tc.published, outcome(s.obj.Status.Conditions, v1alpha1.WarningPublishedCondition, s.events)); diff != "" {
				t.Errorf("Published (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.lifted, outcome(s.obj.Status.Conditions, v1alpha1.WarningLiftedCondition, s.events)); diff != "" {
				t.Errorf("Lifted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWarningSetDelivered(t *testing.T) {
	published := metav1.NewTime(setterNow)
	done := v1alpha1.Delivery{Channel: "a", Kind: v1alpha1.DeliveryPublished, DeliveredTime: &published}
	failing := v1alpha1.Delivery{Channel: "b", Kind: v1alpha1.DeliveryPublished, LastError: "refused"}
	cases := map[string]struct {
		st   v1alpha1.WarningStatus
		want got
	}{
		"not published": {want: got{Status: "Unknown", Reason: "NotPublished", Message: "Nothing is delivered before the warning is published."}},
		"pending, with the failing one's error": {st: v1alpha1.WarningStatus{PublishedTime: &published, Deliveries: []v1alpha1.Delivery{done, failing}},
			want: got{Status: "False", Reason: "DeliveryPending", Message: "1 of 2 messages not yet delivered. Published to b: refused"}},
		"all delivered": {st: v1alpha1.WarningStatus{PublishedTime: &published, Deliveries: []v1alpha1.Delivery{done}},
			want: got{Status: "True", Reason: "Delivered", Message: "All 1 messages delivered."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := newWarningScope(tc.st, false)
			s.setDelivered()
			if diff := cmp.Diff(tc.want, outcome(s.obj.Status.Conditions, v1alpha1.WarningDeliveredCondition, s.events)); diff != "" {
				t.Errorf("Delivered (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkGroupSetStaffed(t *testing.T) {
	cases := map[string]struct {
		lead    string
		members int
		want    got
	}{
		"no lead": {want: got{Status: "False", Reason: v1alpha1.WorkGroupNoLeadReason, Message: "No lead yet: set spec.lead."}},
		"led":     {lead: "wang", members: 3, want: got{Status: "True", Reason: v1alpha1.WorkGroupLeadAssignedReason, Message: "Led by wang with 3 members."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &workGroupScope{pass: begin(testKit(setterNow), &v1alpha1.WorkGroup{}, false)}
			s.setStaffed(tc.lead, tc.members)
			if diff := cmp.Diff(tc.want, outcome(s.obj.Status.Conditions, v1alpha1.WorkGroupStaffedCondition, s.events)); diff != "" {
				t.Errorf("Staffed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCalendarSetValid(t *testing.T) {
	s := &calendarScope{pass: begin(testKit(setterNow), &v1alpha1.HolidayCalendar{}, false)}
	s.setValid([]int{2025, 2026}, nil)
	if diff := cmp.Diff(got{Status: "True", Reason: v1alpha1.CalendarValidReason, Message: "Covers 2 year(s); other years count weekends only."},
		outcome(s.obj.Status.Conditions, v1alpha1.ConditionReady, s.events)); diff != "" {
		t.Errorf("Ready of a valid calendar (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{2025, 2026}, s.obj.Status.Years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	s.setValid(nil, errBadDate)
	if c := conditionOf(s.obj.Status.Conditions, v1alpha1.ConditionReady); c.Status != "False" || c.Reason != v1alpha1.CalendarInvalidReason || c.Message != errBadDate.Error() || s.obj.Status.Years != nil {
		t.Errorf("Ready of an invalid calendar: %+v, years %v", c, s.obj.Status.Years)
	}
}

var errBadDate = errors.New(`spec.holidays[1].end: "2026-02-30" is not a date`)
