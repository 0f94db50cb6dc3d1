package controllers

import (
	"testing"

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
