package reports

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// The cache drops the texts of every notification (CacheOptions, which this
// suite's manager uses too); every delivery sends them in full, the first
// as well as one made long after.
var _ = Describe("A notification's texts", func() {
	It("still go out in full to a channel named by the warning and made after the delivery", func() {
		harness.GrantNotificationRoles()
		ns := harness.NewNamespace()
		sms, website := harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, sms.URL, 2)
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: "late-channel", Namespace: ns},
			Spec: v1alpha1.WarningSpec{
				Level: v1alpha1.WarningRed, Source: v1alpha1.SourceNational, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Mail servers of the province", Harm: "Credential theft", Precautions: []string{"Reset administrator passwords"}, TimeLimits: "Within 24 hours",
				Issuer: "National office", Hotline: "12321", Channels: []string{"sms", "website"},
			},
		}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(harness.Delivered(harness.ReportOf(g, w, "published")).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(sms.IDs()).To(HaveLen(1))

		By("the website channel is made, and a confirmation wakes the notification")
		harness.NewChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, website.URL, 2)
		Eventually(func(g Gomega) {
			ch := &v1alpha1.NotificationChannel{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "website"}, ch)).To(Succeed())
			g.Expect(harness.ConditionOf(ch.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), harness.ReportOf(Default, w, "published"),
			map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty})).To(Succeed())
		Eventually(website.IDs).Should(Equal(sms.IDs()))
		websiteBodies, smsBodies := website.Bodies(), sms.Bodies()
		Expect(websiteBodies[0]["data"]).NotTo(BeEmpty())
		Expect(websiteBodies[0]["data"]).To(Equal(smsBodies[0]["data"]), "the same message, texts and facts")
	})
})
