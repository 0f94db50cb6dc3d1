package controllers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of a UnitReport: why it does not count, when it does not. Its
// only condition is Ready.

// noUnit: the report's namespace has no register.
func noUnit(namespace string) reconcile.Cause {
	return reconcile.Cause{Reason: v1alpha1.UnitReportNoUnitReason, Message: fmt.Sprintf(
		"metadata.namespace: namespace %s has no ReportingUnit named %s; the office registers a unit before its reports count.", namespace, namespace)}
}

// unknownTarget: the response or warning named does not exist.
func unknownTarget(field, kind string, ref *v1alpha1.ObjectRef) reconcile.Cause {
	return reconcile.Cause{Reason: v1alpha1.UnitReportUnknownTargetReason, Message: fmt.Sprintf(
		"%s: there is no %s %s/%s; name one the office has opened.", field, kind, ref.Namespace, ref.Name)}
}

// summaryTooEarly: a summary report counts only when received after its
// response ended (§6.1); one received before stays on record and does not
// count, and the unit files a new one.
func summaryTooEarly(resp *v1alpha1.EmergencyResponse, received *metav1.Time) reconcile.Cause {
	switch {
	case !ended(resp):
		return reconcile.Cause{Reason: v1alpha1.UnitReportBeforeEndReason, Message: fmt.Sprintf(
			"spec.responseRef: the response %s/%s has not ended; hand in the summary report after it ends (§6.1), as a new report.", resp.Namespace, resp.Name)}
	case received != nil && received.Before(resp.Status.EndedTime):
		return reconcile.Cause{Reason: v1alpha1.UnitReportBeforeEndReason, Message: fmt.Sprintf(
			"spec.responseRef: received at %s, before the response %s/%s ended at %s; it does not count: hand in the summary report again, as a new report.",
			received.UTC().Format("2006-01-02T15:04:05Z"), resp.Namespace, resp.Name, resp.Status.EndedTime.UTC().Format("2006-01-02T15:04:05Z"))}
	}
	return reconcile.Cause{}
}

// acceptedMessage is Ready's message when the report counts.
func (s *unitReportScope) acceptedMessage() string {
	spec := &s.Obj.Spec
	what := strings.ToLower(string(spec.Type)) + " report"
	switch {
	case spec.ResponseRef != nil:
		return fmt.Sprintf("The %s on response %s/%s is on record.", what, spec.ResponseRef.Namespace, spec.ResponseRef.Name)
	case spec.WarningRef != nil:
		return fmt.Sprintf("The %s of warning %s/%s is on record.", what, spec.WarningRef.Namespace, spec.WarningRef.Name)
	case spec.DispatchRef != nil:
		return fmt.Sprintf("The %s of the order to help, dispatch %s/%s, is on record.", what, spec.DispatchRef.Namespace, spec.DispatchRef.Name)
	}
	return fmt.Sprintf("The %s is on record.", what)
}
