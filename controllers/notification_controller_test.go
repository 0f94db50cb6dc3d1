package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("Notification", func() {
	var ns string
	BeforeEach(func() {
		harness.GrantNotificationRoles()
		ns = harness.NewNamespace()
	})

	It("waits for the office's consent before a message leaves for the public", func() {
		public := harness.NewReceiver(0)
		harness.NewChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, public.URL, 2)
		inc := builder.Incident("leak", ns).Records(2_000_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("leak-response", ns, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(resp), resp)).To(Succeed())
		r, err := notify.PublicNotice(ns+"/leak-response", notify.Texts{ZH: "部分用户信息泄露，请修改密码。", EN: "Some user records leaked; change your password."}, "12321", false)
		Expect(err).NotTo(HaveOccurred())
		ntfs, created, err := controllers.EnsureNotifications(ctx, reconcile.Kit{Client: k8s}, resp, routing.Response{EmergencyResponse: resp}, ns, func(time.Duration) {}, routing.Report{
			Event: v1alpha1.EventPublicNotice, Key: "publicnotice-1", Audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, Time: time.Now(), Content: routing.Says(r),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(HaveLen(1))
		n := &ntfs[0]
		Expect(n.Spec.Source.WrittenBy).To(ContainElement(harness.DutyOfficer))

		By("written twice, it is one report")
		_, created, err = controllers.EnsureNotifications(ctx, reconcile.Kit{Client: k8s}, resp, routing.Response{EmergencyResponse: resp}, ns, func(time.Duration) {}, routing.Report{
			Event: v1alpha1.EventPublicNotice, Key: "publicnotice-1", Audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, Time: time.Now(), Content: routing.Says(r),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeEmpty())

		Eventually(func(g Gomega) metav1.Condition { return harness.Delivered(harness.ReportOf(g, resp, "publicnotice-1")) }).Should(
			And(HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.NotificationAwaitingConsentReason)))
		Consistently(public.Attempts, 2*time.Second).Should(BeZero())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, harness.ReportOf(g, resp, "publicnotice-1")) }).Should(ContainElement("Normal/AwaitingConsent"))

		By("only the office's entitled officer, in their own name, who did not write it, may consent")
		consent := func(user, name string) error {
			return harness.AnnotateNotification(harness.AsUser(user), n, map[string]string{v1alpha1.AnnotationReleaseApprovedBy: name})
		}
		harness.RefusedWith(consent(harness.MinistryDuty, harness.MinistryDuty), "rule entitled", harness.MinistryDuty)
		harness.RefusedWith(consent(harness.DutyOfficer, harness.DutyOfficer), "rule four-eyes", harness.DutyOfficer)
		harness.RefusedWith(consent(harness.PressOfficer, "the-director"), "rule own-name")
		Consistently(public.Attempts, time.Second).Should(BeZero())
		Expect(consent(harness.PressOfficer, harness.PressOfficer)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.ReportOf(g, resp, "publicnotice-1")
			g.Expect(harness.Delivered(got).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(got.Status.ReleaseApprovedBy).To(Equal(harness.PressOfficer))
			g.Expect(got.Status.ReleaseApprovedTime).NotTo(BeNil())
		}).Should(Succeed())
		Expect(public.IDs()).To(Equal([]string{string(resp.UID) + "-publicnotice-1"}))
		harness.RefusedWith(consent(harness.PressOfficer, "someone-else"), "rule immutable")

		By("the public confirms nothing")
		harness.RefusedWith(harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), n, map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty}), "rule confirm")

		By("a warning's publication is its own approval: it takes no consent")
		w := harness.NewWarning(ns, "own-approval", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "website")
		Eventually(func(g Gomega) {
			g.Expect(harness.Delivered(harness.ReportOf(g, w, "published")).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		harness.RefusedWith(harness.AnnotateNotification(harness.AsUser(harness.PressOfficer), harness.ReportOf(Default, w, "published"),
			map[string]string{v1alpha1.AnnotationReleaseApprovedBy: harness.PressOfficer}), "rule consent")
	})

	It("says a channel without its Secret is not Ready, and the source that cannot report upward says so", func() {
		ministry, em := harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		Expect(k8s.Create(ctx, &v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{Name: "emergency-management", Namespace: ns},
			Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelDingTalk, Audience: v1alpha1.AudienceEmergencyManagement,
				SecretRef: v1alpha1.SecretReference{Name: "em-endpoint"}},
		})).To(Succeed())
		Expect(harness.Consent(ns, "emergency-management")).To(Succeed())
		channelReady := func(g Gomega) metav1.Condition {
			ch := &v1alpha1.NotificationChannel{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "emergency-management"}, ch)).To(Succeed())
			return harness.ConditionOf(ch.Status.Conditions, v1alpha1.ConditionReady)
		}
		absent := `Secret "em-endpoint" does not hold a usable DingTalk address`
		Eventually(channelReady).Should(And(HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.ChannelSecretUnusableReason),
			HaveField("Message", ContainSubstring(absent))))

		w := harness.NewWarning(ns, "no-secret", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		harness.ApproveYellow(w)
		Eventually(func(g Gomega) {
			c := harness.ConditionOf(harness.GetWarning(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.NotificationNoChannelReason))
			g.Expect(c.Message).To(ContainSubstring("no Ready channel for EmergencyManagement"))
			g.Expect(harness.ConditionOf(harness.GetWarning(g, w).Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
		}).Should(Succeed())
		Eventually(ministry.IDs).Should(HaveLen(1), "the ministry office is not held up")

		By("a Secret without an address is not enough, and the channel says no more than when there was none")
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "em-endpoint", Namespace: ns},
			StringData: map[string]string{"signingSecret": "SEC-1"}})).To(Succeed())
		Consistently(func(g Gomega) metav1.Condition {
			fakeClock.Step(controllers.ChannelRecheckNotReady)
			return channelReady(g)
		}).WithTimeout(2 * time.Second).WithPolling(200 * time.Millisecond).Should(And(HaveField("Reason", v1alpha1.ChannelSecretUnusableReason), HaveField("Message", ContainSubstring(absent))))

		By("with its address, the channel is Ready at its next check and the report goes out")
		secret := &corev1.Secret{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "em-endpoint"}, secret)).To(Succeed())
		secret.StringData = map[string]string{"address": em.URL + "/robot/send?access_token=t"}
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		Eventually(func(g Gomega) {
			fakeClock.Step(controllers.ChannelRecheckNotReady)
			g.Expect(channelReady(g).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.ConditionOf(harness.GetWarning(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(em.Texts()).To(HaveLen(1))
		Expect(ministry.IDs()).To(HaveLen(1))
	})

})
