package controllers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// setConnected says the upper cluster answered this pass.
func (s *uplinkScope) setConnected() {
	s.contact()
	s.Set(v1alpha1.UplinkConnectedCondition, metav1.ConditionTrue, v1alpha1.UplinkConnectedReason,
		fmt.Sprintf("The upper cluster %s answers; this cluster is %s there, in namespace %s.",
			s.Obj.Spec.Upper.Name, s.Obj.Spec.Cluster, s.Obj.Spec.Upper.Namespace))
}

// setDisconnected says why the link is down. What waits to cross is
// unknown while it is, and stays as the last pass found it.
func (s *uplinkScope) setDisconnected(reason, message string) {
	s.Set(v1alpha1.UplinkConnectedCondition, metav1.ConditionFalse, reason, message)
	s.Set(v1alpha1.UplinkInSyncCondition, metav1.ConditionUnknown, reason,
		"Not known while the link is down; it catches up once the upper cluster answers.")
}

// setInSync writes what the pass found across: the counts, the backlog and
// the conflicts, and whether anything waits to cross.
func (s *uplinkScope) setInSync() {
	st := &s.Obj.Status
	st.Counts = s.counts
	st.Backlog = int32(s.failed + s.waiting + len(s.conflicts))
	st.Conflicts = nil
	for i, c := range s.conflicts {
		if i == 10 {
			break
		}
		st.Conflicts = append(st.Conflicts, c)
	}
	switch {
	case len(s.conflicts) > 0:
		s.Set(v1alpha1.UplinkInSyncCondition, metav1.ConditionFalse, v1alpha1.UplinkConflictReason,
			fmt.Sprintf("%d record(s) cannot cross: the other side holds an object of the same name copied from another origin (%s). "+
				"Rename or remove one of the two; nothing is overwritten.", len(s.conflicts), strings.Join(st.Conflicts, ", ")))
	case s.failed > 0 || s.waiting > 0:
		s.Set(v1alpha1.UplinkInSyncCondition, metav1.ConditionFalse, v1alpha1.UplinkBacklogReason,
			fmt.Sprintf("%d record(s) did not cross in the last pass and %d wait for the next; the link goes on.", s.failed, s.waiting))
		if s.failed > 0 {
			s.RecheckIn(uplinkBacklogRetry)
		}
	default:
		s.Set(v1alpha1.UplinkInSyncCondition, metav1.ConditionTrue, v1alpha1.UplinkInSyncReason,
			"Every record is across, either way, and current.")
	}
}
