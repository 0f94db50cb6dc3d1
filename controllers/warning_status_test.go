package controllers

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

func newWarningScope(st v1alpha1.WarningStatus, liftRequested bool) *warningScope {
	w := &v1alpha1.Warning{Spec: v1alpha1.WarningSpec{Level: v1alpha1.WarningYellow, LiftRequested: liftRequested}, Status: st}
	return &warningScope{Pass: reconcile.Begin(testKit(setterNow), w, false)}
}

func TestWarningSetApproved(t *testing.T) {
	s := newWarningScope(v1alpha1.WarningStatus{}, false)
	s.setApproved(approval.Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason, Message: "Waits."})
	s.setApproved(approval.Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason, Message: "Waits."})
	if diff := cmp.Diff(got{Status: "False", Reason: "AwaitingApproval", Message: "Waits.", Events: []string{"Normal/AwaitingApproval"}},
		outcome(s.Obj.Status.Conditions, v1alpha1.WarningApprovedCondition, s.Events)); diff != "" {
		t.Errorf("Approved while waiting, set twice (-want +got):\n%s", diff)
	}
	s.setApproved(approval.Verdict{Passed: true, Reason: v1alpha1.WarningApprovedReason, Message: "Approved by li for yellow warning."})
	if c := conditionOf(s.Obj.Status.Conditions, v1alpha1.WarningApprovedCondition); c.Status != "True" || c.Reason != "Approved" {
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
			s.Obj.Status.Conditions = tc.before
			s.setPublished()
			s.setLifted()
			if diff := cmp.Diff(tc.published, outcome(s.Obj.Status.Conditions, v1alpha1.WarningPublishedCondition, s.Events)); diff != "" {
				t.Errorf("Published (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.lifted, outcome(s.Obj.Status.Conditions, v1alpha1.WarningLiftedCondition, s.Events)); diff != "" {
				t.Errorf("Lifted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWarningSetDelivered(t *testing.T) {
	published := metav1.NewTime(setterNow)
	ntf := func(name string, c *metav1.Condition) v1alpha1.Notification {
		n := v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if c != nil {
			c.Type = v1alpha1.NotificationDeliveredCondition
			n.Status.Conditions = []metav1.Condition{*c}
		}
		return n
	}
	done := ntf("a", &metav1.Condition{Status: "True", Reason: "Delivered"})
	failing := ntf("b", &metav1.Condition{Status: "False", Reason: "DeliveryPending", Message: "sms (attempt 2): refused."})
	unreachable := ntf("c", &metav1.Condition{Status: "False", Reason: "NoChannel", Message: "Cannot reach every audience: no Ready channel for Public."})
	cases := map[string]struct {
		published bool
		ntfs      []v1alpha1.Notification
		want      got
	}{
		"not published": {want: got{Status: "Unknown", Reason: "NotPublished", Message: "Nothing is delivered before the warning is published."}},
		"pending, with the failing one's error": {published: true, ntfs: []v1alpha1.Notification{done, failing},
			want: got{Status: "False", Reason: "DeliveryPending", Message: "1 of 2 messages not yet delivered. b: sms (attempt 2): refused."}},
		"just written down": {published: true, ntfs: []v1alpha1.Notification{ntf("d", nil)},
			want: got{Status: "False", Reason: "DeliveryPending", Message: "1 of 1 messages not yet delivered. d: not yet delivered"}},
		"no channel comes first": {published: true, ntfs: []v1alpha1.Notification{failing, unreachable},
			want: got{Status: "False", Reason: "NoChannel", Message: "2 of 2 messages not yet delivered. c: Cannot reach every audience: no Ready channel for Public. b: sms (attempt 2): refused."}},
		"all delivered": {published: true, ntfs: []v1alpha1.Notification{done},
			want: got{Status: "True", Reason: "Delivered", Message: "All 1 messages delivered."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st := v1alpha1.WarningStatus{}
			if tc.published {
				st.PublishedTime = &published
			}
			s := newWarningScope(st, false)
			s.setDelivered(tc.ntfs, nil)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.WarningDeliveredCondition, s.Events)); diff != "" {
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
			s := &workGroupScope{Pass: reconcile.Begin(testKit(setterNow), &v1alpha1.WorkGroup{}, false)}
			s.setStaffed(tc.lead, tc.members)
			if diff := cmp.Diff(tc.want, outcome(s.Obj.Status.Conditions, v1alpha1.WorkGroupStaffedCondition, s.Events)); diff != "" {
				t.Errorf("Staffed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCalendarReady(t *testing.T) {
	s := &calendarScope{Pass: reconcile.Begin(testKit(setterNow), &v1alpha1.HolidayCalendar{}, false)}
	r := &HolidayCalendarReconciler{}
	s.setValid([]int{2025, 2026}, nil)
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "True", Reason: v1alpha1.CalendarValidReason, Message: "Covers 2 year(s); other years count weekends only."},
		outcome(s.Obj.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready of a valid calendar (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{2025, 2026}, s.Obj.Status.Years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	s.setValid(nil, errBadDate)
	reconcile.SetReady(s.Pass, r.ready(s))
	if c := conditionOf(s.Obj.Status.Conditions, v1alpha1.ConditionReady); c.Status != "False" || c.Reason != v1alpha1.CalendarInvalidReason || c.Message != errBadDate.Error() || s.Obj.Status.Years != nil {
		t.Errorf("Ready of an invalid calendar: %+v, years %v", c, s.Obj.Status.Years)
	}
}

var errBadDate = errors.New(`spec.holidays[1].end: "2026-02-30" is not a date`)

func TestCalendarSetComingYearCovered(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	cases := map[string]struct {
		now    time.Time
		years  []int
		reason string
		wake   time.Time
	}{
		"this year, before November":             {now: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), years: []int{2026}, reason: v1alpha1.CalendarYearsCoveredReason, wake: time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
		"this year missing":                      {now: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), years: []int{2025}, reason: v1alpha1.CalendarCurrentYearMissingReason, wake: time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
		"from November, the coming year missing": {now: time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai), years: []int{2025, 2026}, reason: v1alpha1.CalendarComingYearMissingReason, wake: time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)},
		"from November, the coming year in":      {now: time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai), years: []int{2026, 2027}, reason: v1alpha1.CalendarYearsCoveredReason, wake: time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			hc := &v1alpha1.HolidayCalendar{Spec: v1alpha1.HolidayCalendarSpec{TimeZone: "Asia/Shanghai"}}
			s := &calendarScope{Pass: reconcile.Begin(testKit(tc.now), hc, false)}
			s.setComingYearCovered(tc.years)
			if c := conditionOf(hc.Status.Conditions, v1alpha1.CalendarComingYearCoveredCondition); c.Reason != tc.reason {
				t.Errorf("ComingYearCovered %s (%s), want %s", c.Reason, c.Message, tc.reason)
			}
			if !s.WakeTime().Equal(tc.wake) {
				t.Errorf("wakes at %s, want %s", s.WakeTime(), tc.wake)
			}
		})
	}
}
