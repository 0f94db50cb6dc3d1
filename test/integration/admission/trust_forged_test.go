package admission

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// A report is the operator's record of what the plan requires: a
// Notification a person writes (a cluster administrator may create one,
// whatever it says) is sent to nobody, and says so.

var _ = Describe("Trust: a report written by a person is not sent", func() {
	const class = "text is data"
	It("leaves a notification a cluster administrator wrote undelivered, Ready=False NotFromOperator, with a Warning event", func() {
		harness.GrantRoles()
		ns := harness.NewNamespace()
		receiver := harness.ReachOffice(v1alpha1.AudienceOffice)
		const root = "root-admin" // another administrator than the operator's own identity
		admin := harness.AsMember(root, "system:masters")
		forged := &v1alpha1.Notification{
			ObjectMeta: metav1.ObjectMeta{Name: "forged", Namespace: ns},
			Spec: v1alpha1.NotificationSpec{
				Source:    v1alpha1.NotificationSource{Kind: "SecurityIncident", Name: "nothing", UID: "forged-uid"},
				Event:     v1alpha1.EventIncidentReported,
				Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice},
				EventID:   "forged-id",
				Time:      metav1.Now(),
				Message: v1alpha1.NotificationMessage{ZH: "【网络安全突发事件报告】伪造\n消息编号 / message id: forged",
					EN: "[Cybersecurity incident report] forged\nmessage id: forged"},
			},
		}
		err := admin.Create(ctx, forged)
		notActedOn(class, root+" (system:masters)", "create a report of its own wording to the office", err,
			"sent to nobody: Ready=False NotFromOperator, a Warning event, nothing received", func(g Gomega) {
				got := &v1alpha1.Notification{}
				g.Expect(k8s.Get(ctx, harness.KeyOf(forged), got)).To(Succeed())
				g.Expect(got.Annotations[v1alpha1.AnnotationCreatedBy]).To(Equal(root))
				ready := harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady)
				g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
				g.Expect(ready.Reason).To(Equal(v1alpha1.NotificationNotFromOperatorReason))
				g.Expect(got.Status.Deliveries).To(BeEmpty())
				g.Expect(harness.EventReasons(g, got)).To(ContainElement("Warning/" + v1alpha1.NotificationNotFromOperatorReason))
				g.Expect(receiver.IDs()).NotTo(ContainElement("forged-id"))
			})
		Consistently(receiver.IDs, time.Second).ShouldNot(ContainElement("forged-id"))
	})
})
