package admission

import (
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Attempts on who an audience is: a channel claims an audience, and only
// someone who speaks for that audience makes it theirs
// (config/admission/channels.yaml, the consent grants of
// config/rbac/approval_roles.yaml); the operator delivers through
// consented channels only, of the source's namespace and the office's.

const (
	drillOnly      = "system:serviceaccount:gitops:drill-only" // the drill pipeline's role alone
	recipientToo   = "recipient-with-pen"                      // a recipient who may also edit channels
	channelEditor  = "test-channel-editor"                     // the role that gives recipientToo the pen
	consentKey     = v1alpha1.AnnotationConsentedBy
	office         = harness.OfficeNamespace
	ministryTarget = "ministry-office"
)

// officeChannel creates, as the administrator, a channel of the office's
// namespace and its Secret (removed when the spec ends), without consent.
func officeChannel(name string, a v1alpha1.Audience, address string) *v1alpha1.NotificationChannel {
	GinkgoHelper()
	harness.NewUnconsentedChannel(office, name, v1alpha1.ChannelCloudEvents, a, address, 5)
	return &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: office}}
}

// annotate writes (or, with by empty, removes) the consent as c.
func annotate(c client.Client, ch *v1alpha1.NotificationChannel, by string) error {
	var v any = by
	if by == "" {
		v = nil
	}
	return mergePatch(c, ch.DeepCopy(), map[string]any{"metadata": map[string]any{"annotations": map[string]any{consentKey: v}}})
}

func getChannel(g Gomega, ch *v1alpha1.NotificationChannel) *v1alpha1.NotificationChannel {
	out := &v1alpha1.NotificationChannel{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ch), out)).To(Succeed())
	return out
}

// origin is the scheme, host and port of a receiver's address.
func origin(r *harness.Receiver) string {
	u, err := url.Parse(r.URL)
	Expect(err).NotTo(HaveOccurred())
	return u.Scheme + "://" + u.Host
}

var _ = Describe("Trust: an audience owns its address", func() {
	const class = "channels"
	var unit string
	BeforeEach(func() {
		harness.GrantNotificationRoles()
		bindRole(drillOnly, "emergency-drill-approver")
		Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: channelEditor},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"notificationchannels"},
				Verbs: []string{"get", "list", "watch", "create", "update", "patch"}}},
		}))).To(Succeed())
		bindRole(recipientToo, "emergency-report-recipient")
		bindRole(recipientToo, channelEditor)
		unit = harness.NewNamespace()
		bindUnit(unitA, unit)
	})

	It("admits a consent only from whoever speaks for the channel's audience, by name", func() {
		receiver := harness.NewReceiver(0)
		By("the ministry registers its own channel in the office's namespace and consents")
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ministryTarget + "-endpoint", Namespace: office},
			StringData: map[string]string{"address": receiver.URL + "/ministry"}})).To(Succeed())
		// The office lets the ministry read and keep its own endpoint's
		// Secret (rule secret: a channel names only a Secret its writer may read).
		letRead(office, harness.MinistryUser, ministryTarget+"-endpoint", "update", "patch")
		ministryCh := &v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{Name: ministryTarget, Namespace: office, Annotations: map[string]string{consentKey: harness.MinistryUser}},
			Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceMinistryOffice,
				SecretRef: v1alpha1.SecretReference{Name: ministryTarget + "-endpoint"}},
		}
		err := harness.AsUser(harness.MinistryUser).Create(ctx, ministryCh)
		allowed(class, harness.MinistryUser, "register the ministry's own channel (MinistryOffice) in the office's namespace, consented by itself", err)
		DeferCleanup(func() {
			Expect(client.IgnoreNotFound(k8s.Delete(ctx, ministryCh))).To(Succeed())
			Expect(client.IgnoreNotFound(k8s.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ministryTarget + "-endpoint", Namespace: office}}))).To(Succeed())
		})
		Eventually(func(g Gomega) {
			g.Expect(harness.ConditionOf(getChannel(g, ministryCh).Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())

		By("the office cannot speak for the ministry")
		unclaimed := officeChannel("ministry-by-office", v1alpha1.AudienceMinistryOffice, receiver.URL+"/office-says-ministry")
		err = annotate(harness.AsUser(harness.OtherOfficer), unclaimed, harness.OtherOfficer)
		refused(class, harness.OtherOfficer, "consent, as the office, to a channel claiming MinistryOffice", err, "rule consent:", "does not speak for MinistryOffice")

		By("a recipient confirms receipt and nothing else")
		err = annotate(harness.AsUser(harness.MinistryDuty), unclaimed, harness.MinistryDuty)
		refused(class, harness.MinistryDuty, "consent to a MinistryOffice channel as the report recipient", err, "cannot patch")
		err = annotate(harness.AsUser(recipientToo), unclaimed, recipientToo)
		refused(class, recipientToo, "consent to a MinistryOffice channel as a recipient who may edit channels (confirm is not consent)", err, "rule consent:", "audiences/ministryoffice")

		By("a wildcard speaks for nobody")
		wildcardRole("audience-wildcard", rbacv1.PolicyRule{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"audiences"}, Verbs: []string{"*"}})
		publicCh := officeChannel("public-by-wildcard", v1alpha1.AudiencePublic, receiver.URL+"/wildcard")
		err = annotate(harness.AsUser("audience-wildcard"), publicCh, "audience-wildcard")
		refused(class, "audience-wildcard", `consent to a Public channel holding "*" on audiences`, err, "rule explicit-grant:")
		admin := whoAmI(k8s)
		err = annotate(k8s, publicCh, admin)
		refused(class, admin, "consent to a Public channel as the cluster administrator (system:masters)", err, "rule explicit-grant:")

		By("a consent carries its writer's own name")
		officeCh := officeChannel("office-desk-forged", v1alpha1.AudienceOffice, receiver.URL+"/forged")
		err = annotate(harness.AsUser(harness.DutyOfficer), officeCh, harness.OtherOfficer)
		refused(class, harness.DutyOfficer, "consent to an Office channel in another officer's name", err, "rule consent:", "own user name")

		By("a consented channel's address cannot be moved under its consent")
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "office-relay", Namespace: office},
			StringData: map[string]string{"address": receiver.URL + "/relay"}})).To(Succeed())
		DeferCleanup(func() {
			Expect(client.IgnoreNotFound(k8s.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "office-relay", Namespace: office}}))).To(Succeed())
		})
		// The officer may read that Secret (rule secret passes): what stops
		// the move is the ministry's consent.
		letRead(office, harness.OtherOfficer, "office-relay")
		err = mergePatch(harness.AsUser(harness.OtherOfficer), ministryCh.DeepCopy(), map[string]any{"spec": map[string]any{"secretRef": map[string]any{"name": "office-relay"}}})
		refused(class, harness.OtherOfficer, "point the ministry's consented channel at another Secret, keeping the consent", err, "rule consent:", "takes that consent away")
		err = mergePatch(harness.AsUser(harness.OtherOfficer), ministryCh.DeepCopy(), map[string]any{"spec": map[string]any{"audience": "Office"}})
		refused(class, harness.OtherOfficer, "turn the ministry's consented channel into an Office one, keeping the consent", err, "rule consent:", "takes that consent away")
		Expect(getChannel(Default, ministryCh).Spec.SecretRef.Name).To(Equal(ministryTarget + "-endpoint"))

		By("withdrawing a consent is always allowed, and stops delivery")
		err = annotate(harness.AsUser(harness.OtherOfficer), ministryCh, "")
		allowed(class, harness.OtherOfficer, "remove the ministry's consent from its channel (it only stops delivery)", err)
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getChannel(g, ministryCh).Status.Conditions, v1alpha1.ConditionReady).Reason
		}).Should(Equal(v1alpha1.ChannelNoConsentReason))
	})

	It("lets no one outside the office and the ministry write a channel", func() {
		ch := func(ns, name string, a v1alpha1.Audience) *v1alpha1.NotificationChannel {
			return &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
				Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: a, SecretRef: v1alpha1.SecretReference{Name: name + "-endpoint"}}}
		}
		err := harness.AsUser(drillOnly).Create(ctx, ch(office, "drill-made", v1alpha1.AudienceOffice))
		refused(class, drillOnly, "create a channel in the office's namespace as the drill pipeline", err, "cannot create")
		err = harness.AsUser(unitA).Create(ctx, ch(unit, "ministry-of-my-own", v1alpha1.AudienceMinistryOffice))
		refused(class, unitA, "create, in the unit's own namespace, a channel claiming MinistryOffice", err, "cannot create")
	})

	It("delivers nothing through a channel its audience did not consent to", func() {
		squatter, desk := harness.NewReceiver(0), harness.NewReceiver(0)
		// As if a role let a unit write channels: the channel is accepted,
		// claims the office, and gets nothing.
		harness.NewUnconsentedChannel(unit, "office-of-my-own", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, squatter.URL, 5)
		harness.NewChannel(office, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, desk.URL, 5)
		inc := builder.Incident("squatted", unit).Records(1_000_000).Suggested(v1alpha1.LevelIII).Obj()
		err := harness.AsUser(unitA).Create(ctx, inc)
		notActedOn(class, "administrator (as a role that let a unit write channels)", "a channel in a unit's namespace claims Office without its consent; the unit files an incident",
			err, "the unconsented channel is NoConsent, gets nothing, and is on no delivery; the office's consented channel has the report", func(g Gomega) {
				g.Expect(desk.IDs()).NotTo(BeEmpty())
				g.Expect(squatter.Attempts()).To(BeZero())
				n := harness.ReportOf(g, inc, "reported")
				for _, d := range n.Status.Deliveries {
					g.Expect(d.Channel).NotTo(Equal("office-of-my-own"))
				}
				sq := &v1alpha1.NotificationChannel{}
				g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: unit, Name: "office-of-my-own"}, sq)).To(Succeed())
				g.Expect(harness.ConditionOf(sq.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.ChannelNoConsentReason))
			})
	})

	It("brings a unit's report to the office's consented channel, naming where it went", func() {
		desk := harness.NewReceiver(0)
		harness.NewChannel(office, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, desk.URL+"/cloudevents/office?token=NEVERSHOWN", 5)
		inc := builder.Incident("filed-at-home", unit).Records(1_000_000).Suggested(v1alpha1.LevelIII).Obj()
		err := harness.AsUser(unitA).Create(ctx, inc)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			// The office's channel serves every namespace: earlier specs'
			// reports still owed to the office arrive too.
			g.Expect(desk.IDs()).To(ContainElement(string(harness.Get(g, inc).UID) + "-reported"))
			n := harness.ReportOf(g, inc, "reported")
			g.Expect(n.Namespace).To(Equal(unit))
			d := harness.DeliveryOf(n, "office-desk")
			g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
			g.Expect(d.Namespace).To(Equal(office))
			g.Expect(d.Endpoint).To(Equal(origin(desk)))
			g.Expect(harness.ConditionOf(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition).Status).To(Equal(metav1.ConditionTrue))
			got := harness.Get(g, inc)
			g.Expect(harness.Condition(got, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.Condition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(harness.ReportOf(Default, inc, "reported").Status.Deliveries[0].Endpoint).NotTo(ContainSubstring("NEVERSHOWN"))
		allowed(class, unitA, "file an incident in the unit's own namespace: delivered to the office's consented channel in "+office+" (delivery names namespace and endpoint)", err)
	})

	It("publishes to the public through a channel the public's consenter made theirs", func() {
		public := harness.NewReceiver(0)
		ch := officeChannel("public-sms", v1alpha1.AudiencePublic, public.URL)
		err := annotate(harness.AsUser(harness.PressOfficer), ch, harness.PressOfficer)
		allowed(class, harness.PressOfficer, "consent, for the public, to the office's Public channel", err)
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "public-risk", Namespace: office}, Spec: yellowSpec()}
		// A drill, so that it can go when the spec ends and leave the
		// office's namespace as the other specs expect it.
		w.Spec.Level, w.Spec.Channels, w.Spec.Drill = v1alpha1.WarningRiskNotice, []string{"public-sms"}, true
		err = harness.AsUser(harness.DutyOfficer).Create(ctx, w)
		DeferCleanup(func() { Expect(client.IgnoreNotFound(k8s.Delete(ctx, w))).To(Succeed()) })
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			// The office's Public channel serves every namespace: earlier
			// specs' warnings may arrive too.
			g.Expect(public.Bodies()).To(ContainElement(HaveKeyWithValue("subject", office+"/public-risk")))
			g.Expect(harness.ConditionOf(getWarningOf(g, w).Status.Conditions, v1alpha1.WarningDeliveredCondition).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		allowed(class, harness.DutyOfficer, "publish a risk notice through the consented Public channel (received)", err)
	})

	It("says so, everywhere, when a report cannot go out", func() {
		before := harness.Gathered("incident_operator_reports_undeliverable", map[string]string{"audience": "Office"}).GetGauge().GetValue()
		inc := builder.Incident("nowhere-to-go", unit).Records(1_000_000).Suggested(v1alpha1.LevelIII).Obj()
		err := harness.AsUser(unitA).Create(ctx, inc)
		notActedOn(class, unitA, "file an incident while no consented channel reaches the office",
			err, "the incident is Ready=False (NoChannel), a Warning event ReportUndeliverable, the undeliverable gauge grows", func(g Gomega) {
				got := harness.Get(g, inc)
				ready := harness.Condition(got, v1alpha1.ConditionReady)
				g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
				g.Expect(ready.Reason).To(Equal(v1alpha1.NotificationNoChannelReason))
				g.Expect(ready.Message).To(ContainSubstring("no Ready channel for Office"))
				g.Expect(harness.EventReasons(g, inc)).To(ContainElement("Warning/" + v1alpha1.ReportUndeliverableEvent))
				g.Expect(harness.Gathered("incident_operator_reports_undeliverable", map[string]string{"audience": "Office"}).GetGauge().GetValue()).To(BeNumerically(">", before))
			})
		// Once per cause: the event is not raised again on every pass.
		Consistently(func(g Gomega) int {
			n := 0
			for _, r := range harness.EventReasons(g, inc) {
				if r == "Warning/"+v1alpha1.ReportUndeliverableEvent {
					n++
				}
			}
			return n
		}, 2*time.Second, 200*time.Millisecond).Should(Equal(1))

		By("a consented channel for the office makes it go out, and the incident Ready")
		desk := harness.NewReceiver(0)
		harness.NewChannel(office, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, desk.URL, 5)
		Eventually(func(g Gomega) {
			g.Expect(desk.IDs()).To(ContainElement(string(harness.Get(g, inc).UID) + "-reported"))
			g.Expect(harness.Condition(harness.Get(g, inc), v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
	})
})

var _ = Describe("Trust: a consenting role does not move channels", func() {
	const class = "channels"
	It("lets the leading group consent to its channel, not change where a channel sends", func() {
		harness.GrantRoles()
		office := harness.NewNamespace()
		receiver := harness.NewReceiver(0)
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "lg-endpoint", Namespace: office},
			StringData: map[string]string{"address": receiver.URL + "/leading-group"}})).To(Succeed())
		ch := &v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{Name: "leading-group", Namespace: office},
			Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceLeadingGroup,
				SecretRef: v1alpha1.SecretReference{Name: "lg-endpoint"}},
		}
		Expect(k8s.Create(ctx, ch)).To(Succeed())
		const lgOnly = "leading-group-member" // the leading group's role only
		bindRole(lgOnly, "emergency-leading-group")
		lg := harness.AsUser(lgOnly)
		refused(class, lgOnly, "turn the leading group's channel into a Units channel", mergePatch(lg, ch, map[string]any{"spec": map[string]any{"audience": "Units"}}), "rule lane")
		refused(class, lgOnly, "change the type of a channel", mergePatch(lg, ch, map[string]any{"spec": map[string]any{"type": "WeCom"}}), "rule lane")
		allowed(class, lgOnly, "consent, in its own name, to the channel that claims the leading group",
			mergePatch(lg, ch, map[string]any{"metadata": map[string]any{"annotations": map[string]any{consentKey: lgOnly}}}))
		Eventually(func(g Gomega) metav1.ConditionStatus {
			return harness.ConditionOf(getChannel(g, ch).Status.Conditions, v1alpha1.ConditionReady).Status
		}).Should(Equal(metav1.ConditionTrue))
	})
})
