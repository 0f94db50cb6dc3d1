package controllers

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The condition setters of every kind, without a cluster: what each writes
// for what a step found, and which events it announces.

var setterNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// got is what a setter left: the condition it wrote and the event reasons.
type got struct {
	Status  metav1.ConditionStatus
	Reason  string
	Message string
	Events  []string
}

func outcome(conds []metav1.Condition, typ string, l reconcile.EventLog) got {
	c := conditionOf(conds, typ)
	return got{Status: c.Status, Reason: c.Reason, Message: c.Message, Events: l.Reasons()}
}

// conditionOf returns a condition from a list, or an empty one.
func conditionOf(conds []metav1.Condition, typ string) metav1.Condition {
	if c := meta.FindStatusCondition(conds, typ); c != nil {
		return *c
	}
	return metav1.Condition{}
}
