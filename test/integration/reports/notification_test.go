package reports

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/form"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("Notification", func() {
	var ns string
	BeforeEach(func() {
		harness.GrantNotificationRoles()
		ns = harness.NewNamespace()
	})

	It("is sent once while the source and the notification are written during a slow send", func() {
		slow := harness.NewReceiver(0)
		slow.AnswerAfter(3 * time.Second)
		harness.NewChannel(ns, "sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, slow.URL, 10)
		w := harness.NewWarning(ns, "slow", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "sms")
		Eventually(slow.Attempts).Should(Equal(1))

		By("while the receiver takes its time, the warning and its notification are written")
		for i := range 3 {
			Eventually(func() error {
				cur := harness.GetWarning(Default, w)
				patch := client.MergeFrom(cur.DeepCopy())
				cur.Annotations["touched"] = strings.Repeat("x", i+1)
				return k8s.Patch(ctx, cur, patch)
			}).Should(Succeed())
		}
		Expect(harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), harness.ReportOf(Default, w, "published"), map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty})).To(Succeed())
		Expect(slow.Attempts()).To(Equal(1), "still the first send")

		Eventually(func(g Gomega) {
			n := harness.ReportOf(g, w, "published")
			g.Expect(harness.Delivered(n).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(n.Status.ConfirmedBy).To(Equal(harness.MinistryDuty))
			g.Expect(harness.DeliveryOf(n, "sms").Attempts).To(Equal(int32(1)))
		}, 20*time.Second).Should(Succeed())
		Consistently(slow.IDs, 2*time.Second).Should(Equal([]string{string(w.UID) + "-published"}))
	})

	It("sends once when the operator stops before writing the attempt down", func() {
		rcv := harness.NewReceiver(0)
		harness.NewChannel(ns, "sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, rcv.URL, 2)
		harness.FailDeliveryClaims.Arm(ns, 1)
		w := harness.NewWarning(ns, "stops-early", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "sms")
		Eventually(func(g Gomega) {
			g.Expect(harness.Delivered(harness.ReportOf(g, w, "published")).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(harness.FailDeliveryClaims.Left()).To(BeZero())
		Consistently(rcv.IDs, 2*time.Second).Should(Equal([]string{string(w.UID) + "-published"}))
	})

	It("puts the office's confirmation of an incident's report on the incident, and the printed form says who confirmed", func() {
		office := harness.NewReceiver(0)
		harness.NewChannel(ns, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, office.URL, 2)
		inc := builder.Incident("confirmed", ns).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		var n *v1alpha1.Notification
		Eventually(func(g Gomega) {
			n = harness.ReportOf(g, inc, "reported")
			g.Expect(harness.Delivered(n).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(form.Markdown(harness.Get(Default, inc))).To(ContainSubstring("报送结果已电话确认：否"))
		Expect(harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), n, map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty})).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.ReceiptConfirmed).NotTo(BeNil())
			g.Expect(got.Status.ReceiptConfirmed.By).To(Equal(harness.MinistryDuty))
			g.Expect(form.Markdown(got)).To(ContainSubstring("报送结果已电话确认：是（" + harness.MinistryDuty + "，"))
		}).Should(Succeed())
	})

	It("records who confirmed receipt, once, and keeps the report as it was made", func() {
		ministry, em := harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		harness.NewChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, em.URL, 2)
		w := harness.NewWarning(ns, "confirm", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		harness.ApproveYellow(w)
		var n *v1alpha1.Notification
		Eventually(func(g Gomega) {
			n = harness.ReportOf(g, w, "reportedupward")
			g.Expect(harness.Delivered(n).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		confirm := func(user, name string) error {
			return harness.AnnotateNotification(harness.AsUser(user), n, map[string]string{v1alpha1.AnnotationConfirmedBy: name})
		}
		harness.RefusedWith(confirm(harness.PressOfficer, harness.PressOfficer), "rule confirm", harness.PressOfficer)
		harness.RefusedWith(confirm(harness.MinistryDuty, "the-minister"), "rule own-name")
		// The cache keeps a delivered report without its other conditions;
		// the pass that records the confirmation must not write them anew.
		// The operator's clock moves on, so that a condition written anew
		// would show it in its transition time.
		settled := harness.ReportOf(Default, w, "reportedupward")
		Expect(settled.Status.Conditions).To(HaveLen(4))
		fakeClock.Step(time.Minute)
		Expect(confirm(harness.MinistryDuty, harness.MinistryDuty)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.ReportOf(g, w, "reportedupward")
			g.Expect(got.Status.ConfirmedBy).To(Equal(harness.MinistryDuty))
			g.Expect(got.Status.ConfirmedTime).NotTo(BeNil())
			g.Expect(harness.EventReasons(g, got)).To(ContainElement("Normal/Confirmed"))
			// Ready now names who confirmed; no condition changed its
			// status, so none has a new transition time.
			g.Expect(got.Status.Conditions).To(HaveLen(len(settled.Status.Conditions)))
			for _, was := range settled.Status.Conditions {
				now := harness.ConditionOf(got.Status.Conditions, was.Type)
				g.Expect(now.Status).To(Equal(was.Status), was.Type)
				g.Expect(now.LastTransitionTime.Equal(&was.LastTransitionTime)).To(BeTrue(), "%s moved from %s to %s", was.Type, was.LastTransitionTime, now.LastTransitionTime)
			}
		}).Should(Succeed())
		harness.RefusedWith(confirm(harness.MinistryDuty, "nobody"), "rule immutable")

		By("the report cannot be rewritten, nor made with its decisions filled in, nor deleted")
		Eventually(func() error {
			cur := harness.ReportOf(Default, w, "reportedupward")
			cur.Spec.Message.ZH = "改写"
			return k8s.Update(ctx, cur)
		}).Should(MatchError(ContainSubstring("the record of what was reported and cannot be changed")))
		forged := harness.ReportOf(Default, w, "reportedupward")
		forged.ObjectMeta = metav1.ObjectMeta{Name: "forged", Namespace: ns, Annotations: map[string]string{v1alpha1.AnnotationConfirmedBy: "admin"}}
		harness.RefusedWith(k8s.Create(ctx, forged), "rule created")
		harness.RefusedWith(k8s.Delete(ctx, harness.ReportOf(Default, w, "reportedupward")), "rule record")
	})

	It("says DRILL in every message of a drill", func() {
		wecom, website, leading := harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "wecom", v1alpha1.ChannelWeCom, v1alpha1.AudienceUnits, wecom.URL+"/cgi-bin/webhook/send?key=k", 2)
		harness.NewChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, website.URL, 2)
		harness.NewChannel(ns, "leading-group", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceLeadingGroup, leading.URL, 2)
		w := harness.NewWarning(ns, "drill", v1alpha1.WarningRed, v1alpha1.SourceNational, true)
		Eventually(func(g Gomega) {
			g.Expect(harness.ConditionOf(harness.GetWarning(g, w).Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(wecom.Texts()).To(HaveLen(1))
		Expect(wecom.Texts()[0]).To(HavePrefix("【演练 DRILL】【红色预警】发布\n"))
		Expect(wecom.Texts()[0]).To(ContainSubstring("\n\n[DRILL] [Red warning] Published"))
		Expect(website.IDs()).To(Equal([]string{string(w.UID) + "-published"}))
		bodies := leading.Bodies()
		Expect(bodies).To(HaveLen(1))
		body := bodies[0]
		Expect(body["drill"]).To(BeTrue())
		data := body["data"].(map[string]any)
		Expect(data["drill"]).To(BeTrue())
		Expect(data["summary"]).To(HavePrefix("【演练 DRILL】【红色预警】转发，报局网安领导小组 / [DRILL] [Red warning] Relayed"))
		for _, key := range []string{"published", "reportedupward"} {
			n := harness.ReportOf(Default, w, key)
			Expect(n.Spec.Drill).To(BeTrue())
			Expect(n.Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "true"))
			Eventually(func(g Gomega) {
				evs := harness.EventsFor(g, n)
				g.Expect(evs).NotTo(BeEmpty())
				for _, e := range evs {
					g.Expect(e.Note).To(HavePrefix("DRILL: "))
				}
			}).Should(Succeed())
		}
		By("a drill's report may be cleaned up with the drill (a real one may not)")
		Expect(k8s.Delete(ctx, harness.ReportOf(Default, w, "published"), client.DryRunAll)).To(Succeed())
	})
})
