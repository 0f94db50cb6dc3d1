package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// summarise sets Ready, the summary every kind has: True with reason and
// message when every condition it depends on is True, else False with the
// reason and message of the first that is not.
func summarise[T object](p *pass[T], reason, message string, dependsOn ...string) {
	for _, typ := range dependsOn {
		c := meta.FindStatusCondition(p.obj.GetConditions(), typ)
		if c != nil && c.Status == metav1.ConditionTrue {
			continue
		}
		if c == nil {
			p.set(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ResponseNotReadyReason, typ+" is not yet known.")
			return
		}
		p.set(v1alpha1.ConditionReady, metav1.ConditionFalse, c.Reason, c.Message)
		return
	}
	p.set(v1alpha1.ConditionReady, metav1.ConditionTrue, reason, message)
}
