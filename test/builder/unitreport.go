package builder

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Summary is a unit's complete summary report (§6.1) on resp, filed in the
// unit's namespace ns.
func Summary(name, ns string, resp *v1alpha1.EmergencyResponse) *v1alpha1.UnitReport {
	return &v1alpha1.UnitReport{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.UnitReportSpec{
			Type: v1alpha1.UnitReportSummary, Drill: resp.Spec.Drill,
			ResponseRef: &v1alpha1.ObjectRef{Namespace: resp.Namespace, Name: resp.Name},
			Summary: &v1alpha1.SummaryDetails{
				DirectCauses: "A misconfigured border router.", IndirectCauses: "No review of changes.",
				Course: "Detected at 09:10, isolated at 09:40, restored at 11:00.", Responsibility: "The network operations team.",
				ImpactAndLoss: "Two hours without service in one city.", Lessons: "Review every change.",
				Proposals: "Four-eyes review of router changes.",
			},
		},
	}
}

// Progress is a unit's progress report (§5.3) on resp, filed in ns.
func Progress(name, ns string, resp *v1alpha1.EmergencyResponse) *v1alpha1.UnitReport {
	return &v1alpha1.UnitReport{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.UnitReportSpec{
			Type: v1alpha1.UnitReportProgress, Drill: resp.Spec.Drill,
			ResponseRef: &v1alpha1.ObjectRef{Namespace: resp.Namespace, Name: resp.Name},
			Progress: &v1alpha1.ProgressDetails{
				TakenAt:  metav1.NewTime(time.Now().Add(-time.Minute).Truncate(time.Second)),
				Measures: "Blocked the attacking prefixes.", Effect: "Traffic back to normal.", NextSteps: "Watch for an hour.",
			},
		},
	}
}

// Acknowledgement is a unit's acknowledgement, with its duty, of what asks
// for it: a warning (warning set) or a response.
func Acknowledgement(name, ns string, target v1alpha1.ObjectRef, warning bool) *v1alpha1.UnitReport {
	ur := &v1alpha1.UnitReport{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.UnitReportSpec{
			Type: v1alpha1.UnitReportAcknowledgement,
			Acknowledgement: &v1alpha1.AcknowledgementDetails{
				Duty:     v1alpha1.Contact{Name: "Li Lei", Phone: "+86 851 8888 0001"},
				Measures: "24-hour duty from now.",
			},
		},
	}
	if warning {
		ur.Spec.WarningRef = &target
	} else {
		ur.Spec.ResponseRef = &target
	}
	return ur
}
