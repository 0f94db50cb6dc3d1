package controllers

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The people who receive reports and release information.
const (
	ministryDuty = "ministry-duty" // speaks for the offices that receive reports: confirms receipt
	pressOfficer = "press-officer" // the emergency office's consent to release to the public
)

// grantNotificationRoles binds the shipped report roles to the test users;
// the duty officer may consent too, so that four eyes are what stops them.
var grantNotificationRoles = func() func() {
	done := false
	return func() {
		grantRoles()
		if done {
			return
		}
		bind := func(role string, subjects ...string) {
			crb := &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: role + "-ntf-test"},
				RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
			}
			for _, s := range subjects {
				crb.Subjects = append(crb.Subjects, rbacv1.Subject{Kind: "User", Name: s})
			}
			Expect(k8s.Create(ctx, crb)).To(Succeed())
		}
		bind("emergency-report-recipient", ministryDuty)
		bind("emergency-release-approver", pressOfficer, dutyOfficer)
		done = true
	}
}()

// annotateNotification writes annotations as a user, as `kubectl annotate`.
func annotateNotification(c client.Client, n *v1alpha1.Notification, kv map[string]string) error {
	cur := &v1alpha1.Notification{}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(n), cur); err != nil {
		return err
	}
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	for k, v := range kv {
		cur.Annotations[k] = v
	}
	return c.Patch(ctx, cur, patch)
}

func delivered(n *v1alpha1.Notification) metav1.Condition {
	return conditionOf(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
}

var _ = Describe("Notification", func() {
	var ns string
	BeforeEach(func() {
		grantNotificationRoles()
		ns = newNamespace()
	})

	warningOf := func(name string, level v1alpha1.WarningLevel, source v1alpha1.WarningSource, drill bool, channels ...string) *v1alpha1.Warning {
		GinkgoHelper()
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: v1alpha1.WarningSpec{
				Level: level, Source: source, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Mail servers of the province", Harm: "Credential theft", Precautions: []string{"Reset administrator passwords"},
				Issuer: "National office", Hotline: "12321", Channels: channels, Drill: drill,
			},
		}
		Expect(asUser(dutyOfficer).Create(ctx, w)).To(Succeed())
		return w
	}
	approveYellow := func(w *v1alpha1.Warning) {
		GinkgoHelper()
		Eventually(func() error {
			cur := &v1alpha1.Warning{}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(w), cur); err != nil {
				return err
			}
			patch := client.MergeFrom(cur.DeepCopy())
			cur.Annotations[v1alpha1.AnnotationApprovedBy] = approverIII
			cur.Annotations[v1alpha1.AnnotationApprovedLevel] = "Yellow"
			return asUser(approverIII).Patch(ctx, cur, patch)
		}).Should(Succeed())
	}
	getW := func(g Gomega, w *v1alpha1.Warning) *v1alpha1.Warning {
		out := &v1alpha1.Warning{}
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), out)).To(Succeed())
		return out
	}

	It("is sent once while the source and the notification are written during a slow send", func() {
		slow := newReceiver(0)
		slow.answerAfter = 3 * time.Second
		newChannel(ns, "sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, slow.URL, 10)
		w := warningOf("slow", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "sms")
		Eventually(slow.attempts).Should(Equal(1))

		By("while the receiver takes its time, the warning and its notification are written")
		for i := range 3 {
			Eventually(func() error {
				cur := getW(Default, w)
				patch := client.MergeFrom(cur.DeepCopy())
				cur.Annotations["touched"] = strings.Repeat("x", i+1)
				return k8s.Patch(ctx, cur, patch)
			}).Should(Succeed())
		}
		Expect(annotateNotification(asUser(ministryDuty), reportOf(Default, w, "published"), map[string]string{v1alpha1.AnnotationConfirmedBy: ministryDuty})).To(Succeed())
		Expect(slow.attempts()).To(Equal(1), "still the first send")

		Eventually(func(g Gomega) {
			n := reportOf(g, w, "published")
			g.Expect(delivered(n).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(n.Status.ConfirmedBy).To(Equal(ministryDuty))
			g.Expect(deliveryOf(n, "sms").Attempts).To(Equal(int32(1)))
		}, 20*time.Second).Should(Succeed())
		Consistently(slow.ids, 2*time.Second).Should(Equal([]string{string(w.UID) + "-published"}))
	})

	It("sends once when the operator stops before writing the attempt down", func() {
		rcv := newReceiver(0)
		newChannel(ns, "sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, rcv.URL, 2)
		failDeliveryClaims.arm(ns, 1)
		w := warningOf("stops-early", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "sms")
		Eventually(func(g Gomega) {
			g.Expect(delivered(reportOf(g, w, "published")).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(failDeliveryClaims.left()).To(BeZero())
		Consistently(rcv.ids, 2*time.Second).Should(Equal([]string{string(w.UID) + "-published"}))
	})

	It("waits for the office's consent before a message leaves for the public", func() {
		public := newReceiver(0)
		newChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, public.URL, 2)
		inc := builder.Incident("leak", ns).Records(2_000_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("leak-response", ns, inc).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(resp), resp)).To(Succeed())
		r, err := notify.PublicNotice(ns+"/leak-response", notify.Texts{ZH: "部分用户信息泄露，请修改密码。", EN: "Some user records leaked; change your password."}, "12321", false)
		Expect(err).NotTo(HaveOccurred())
		ntfs, created, err := ensureNotifications(ctx, reconcile.Kit{Client: k8s}, resp, routing.Response{EmergencyResponse: resp}, ns, func(time.Duration) {}, routing.Report{
			Event: v1alpha1.EventPublicNotice, Key: "publicnotice-1", Audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, Time: time.Now(), Content: r,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(HaveLen(1))
		n := &ntfs[0]
		Expect(n.Spec.Source.WrittenBy).To(ContainElement(dutyOfficer))

		By("written twice, it is one report")
		_, created, err = ensureNotifications(ctx, reconcile.Kit{Client: k8s}, resp, routing.Response{EmergencyResponse: resp}, ns, func(time.Duration) {}, routing.Report{
			Event: v1alpha1.EventPublicNotice, Key: "publicnotice-1", Audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, Time: time.Now(), Content: r,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeEmpty())

		Eventually(func(g Gomega) metav1.Condition { return delivered(reportOf(g, resp, "publicnotice-1")) }).Should(
			And(HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.NotificationAwaitingConsentReason)))
		Consistently(public.attempts, 2*time.Second).Should(BeZero())
		Eventually(func(g Gomega) []string { return eventReasons(g, reportOf(g, resp, "publicnotice-1")) }).Should(ContainElement("Normal/AwaitingConsent"))

		By("only the office's entitled officer, in their own name, who did not write it, may consent")
		consent := func(user, name string) error {
			return annotateNotification(asUser(user), n, map[string]string{v1alpha1.AnnotationReleaseApprovedBy: name})
		}
		refusedWith(consent(ministryDuty, ministryDuty), "rule entitled", ministryDuty)
		refusedWith(consent(dutyOfficer, dutyOfficer), "rule four-eyes", dutyOfficer)
		refusedWith(consent(pressOfficer, "the-director"), "rule own-name")
		Consistently(public.attempts, time.Second).Should(BeZero())
		Expect(consent(pressOfficer, pressOfficer)).To(Succeed())
		Eventually(func(g Gomega) {
			got := reportOf(g, resp, "publicnotice-1")
			g.Expect(delivered(got).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(got.Status.ReleaseApprovedBy).To(Equal(pressOfficer))
			g.Expect(got.Status.ReleaseApprovedTime).NotTo(BeNil())
		}).Should(Succeed())
		Expect(public.ids()).To(Equal([]string{string(resp.UID) + "-publicnotice-1"}))
		refusedWith(consent(pressOfficer, "someone-else"), "rule immutable")

		By("the public confirms nothing")
		refusedWith(annotateNotification(asUser(ministryDuty), n, map[string]string{v1alpha1.AnnotationConfirmedBy: ministryDuty}), "rule confirm")

		By("a warning's publication is its own approval: it takes no consent")
		w := warningOf("own-approval", v1alpha1.WarningRed, v1alpha1.SourceNational, false, "website")
		Eventually(func(g Gomega) {
			g.Expect(delivered(reportOf(g, w, "published")).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		refusedWith(annotateNotification(asUser(pressOfficer), reportOf(Default, w, "published"),
			map[string]string{v1alpha1.AnnotationReleaseApprovedBy: pressOfficer}), "rule consent")
	})

	It("records who confirmed receipt, once, and keeps the report as it was made", func() {
		ministry, em := newReceiver(0), newReceiver(0)
		newChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		newChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, em.URL, 2)
		w := warningOf("confirm", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		approveYellow(w)
		var n *v1alpha1.Notification
		Eventually(func(g Gomega) {
			n = reportOf(g, w, "reportedupward")
			g.Expect(delivered(n).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		confirm := func(user, name string) error {
			return annotateNotification(asUser(user), n, map[string]string{v1alpha1.AnnotationConfirmedBy: name})
		}
		refusedWith(confirm(pressOfficer, pressOfficer), "rule confirm", pressOfficer)
		refusedWith(confirm(ministryDuty, "the-minister"), "rule own-name")
		Expect(confirm(ministryDuty, ministryDuty)).To(Succeed())
		Eventually(func(g Gomega) {
			got := reportOf(g, w, "reportedupward")
			g.Expect(got.Status.ConfirmedBy).To(Equal(ministryDuty))
			g.Expect(got.Status.ConfirmedTime).NotTo(BeNil())
			g.Expect(eventReasons(g, got)).To(ContainElement("Normal/Confirmed"))
		}).Should(Succeed())
		refusedWith(confirm(ministryDuty, "nobody"), "rule immutable")

		By("the report cannot be rewritten, nor made with its decisions filled in, nor deleted")
		Eventually(func() error {
			cur := reportOf(Default, w, "reportedupward")
			cur.Spec.Message.ZH = "改写"
			return k8s.Update(ctx, cur)
		}).Should(MatchError(ContainSubstring("the record of what was reported and cannot be changed")))
		forged := reportOf(Default, w, "reportedupward")
		forged.ObjectMeta = metav1.ObjectMeta{Name: "forged", Namespace: ns, Annotations: map[string]string{v1alpha1.AnnotationConfirmedBy: "admin"}}
		refusedWith(k8s.Create(ctx, forged), "rule created")
		refusedWith(k8s.Delete(ctx, reportOf(Default, w, "reportedupward")), "rule record")
	})

	It("says a channel without its Secret is not Ready, and the source that cannot report upward says so", func() {
		ministry, em := newReceiver(0), newReceiver(0)
		newChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		Expect(k8s.Create(ctx, &v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{Name: "emergency-management", Namespace: ns},
			Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelDingTalk, Audience: v1alpha1.AudienceEmergencyManagement,
				SecretRef: v1alpha1.SecretReference{Name: "em-endpoint"}},
		})).To(Succeed())
		channelReady := func(g Gomega) metav1.Condition {
			ch := &v1alpha1.NotificationChannel{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "emergency-management"}, ch)).To(Succeed())
			return conditionOf(ch.Status.Conditions, v1alpha1.ConditionReady)
		}
		Eventually(channelReady).Should(And(HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.ChannelSecretMissingReason),
			HaveField("Message", ContainSubstring(`Secret "em-endpoint" of channel "emergency-management": notfound`))))

		w := warningOf("no-secret", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		approveYellow(w)
		Eventually(func(g Gomega) {
			c := conditionOf(getW(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.NotificationNoChannelReason))
			g.Expect(c.Message).To(ContainSubstring("no Ready channel for EmergencyManagement"))
			g.Expect(conditionOf(getW(g, w).Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
		}).Should(Succeed())
		Eventually(ministry.ids).Should(HaveLen(1), "the ministry office is not held up")

		By("a Secret without an address is not enough")
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "em-endpoint", Namespace: ns},
			StringData: map[string]string{"signingSecret": "SEC-1"}})).To(Succeed())
		Eventually(func(g Gomega) string {
			fakeClock.Step(channelRecheckNotReady)
			return channelReady(g).Reason
		}).Should(Equal(v1alpha1.ChannelSecretIncompleteReason))

		By("with its address, the channel is Ready at its next check and the report goes out")
		secret := &corev1.Secret{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "em-endpoint"}, secret)).To(Succeed())
		secret.StringData = map[string]string{"address": em.URL + "/robot/send?access_token=t"}
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		Eventually(func(g Gomega) {
			fakeClock.Step(channelRecheckNotReady)
			g.Expect(channelReady(g).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(conditionOf(getW(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(em.texts()).To(HaveLen(1))
		Expect(ministry.ids()).To(HaveLen(1))
	})

	It("says DRILL in every message of a drill", func() {
		wecom, website, leading := newReceiver(0), newReceiver(0), newReceiver(0)
		newChannel(ns, "wecom", v1alpha1.ChannelWeCom, v1alpha1.AudienceUnits, wecom.URL+"/cgi-bin/webhook/send?key=k", 2)
		newChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, website.URL, 2)
		newChannel(ns, "leading-group", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceLeadingGroup, leading.URL, 2)
		w := warningOf("drill", v1alpha1.WarningRed, v1alpha1.SourceNational, true)
		Eventually(func(g Gomega) {
			g.Expect(conditionOf(getW(g, w).Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(wecom.texts()).To(HaveLen(1))
		Expect(wecom.texts()[0]).To(HavePrefix("【演练 DRILL】【红色预警】发布\n"))
		Expect(wecom.texts()[0]).To(ContainSubstring("\n\n[DRILL] [Red warning] Published"))
		Expect(website.ids()).To(Equal([]string{string(w.UID) + "-published"}))
		leading.mu.Lock()
		bodies := leading.bodies
		leading.mu.Unlock()
		Expect(bodies).To(HaveLen(1))
		body := bodies[0]
		Expect(body["drill"]).To(BeTrue())
		data := body["data"].(map[string]any)
		Expect(data["drill"]).To(BeTrue())
		Expect(data["summary"]).To(HavePrefix("【演练 DRILL】【红色预警】转发，报局网安领导小组 / [DRILL] [Red warning] Relayed"))
		for _, key := range []string{"published", "reportedupward"} {
			n := reportOf(Default, w, key)
			Expect(n.Spec.Drill).To(BeTrue())
			Expect(n.Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "true"))
			Eventually(func(g Gomega) {
				evs := eventsFor(g, n)
				g.Expect(evs).NotTo(BeEmpty())
				for _, e := range evs {
					g.Expect(e.Note).To(HavePrefix("DRILL: "))
				}
			}).Should(Succeed())
		}
		By("a drill's report may be cleaned up with the drill (a real one may not)")
		Expect(k8s.Delete(ctx, reportOf(Default, w, "published"), client.DryRunAll)).To(Succeed())
	})
})
