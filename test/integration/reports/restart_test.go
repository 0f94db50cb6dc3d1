package reports

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// offline are namespaces the suite's operator does not see: a spec there
// runs an operator of its own, and stops it, as a crash would, while the
// cluster goes on.
var offline = []string{"offline-lift", "offline-kill", "offline-twice", "offline-storm", "offline-storm-crash", "offline-storm-hold"}

// useOffline creates one of the offline namespaces.
func useOffline(ns string) string {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	return ns
}

var _ = Describe("Notifications across a stop of the operator", func() {
	BeforeEach(harness.GrantRoles)

	yellow := func(ns, name string, channels ...string) *v1alpha1.Warning {
		GinkgoHelper()
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: v1alpha1.WarningSpec{
				Level: v1alpha1.WarningYellow, Source: v1alpha1.SourceProvincial, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Provincial government websites", Harm: "Defacement", Precautions: []string{"Patch CMS plugins"}, TimeLimits: "Within 48 hours",
				Issuer: "Provincial emergency office", Hotline: "0851-12321", Channels: channels,
			},
		}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		return w
	}
	annotateAs := func(user string, o client.Object, kv map[string]string) {
		GinkgoHelper()
		Eventually(func() error {
			cur := o.DeepCopyObject().(client.Object)
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(o), cur); err != nil {
				return err
			}
			patch := client.MergeFrom(cur.DeepCopyObject().(client.Object))
			ann := cur.GetAnnotations()
			if ann == nil {
				ann = map[string]string{}
			}
			for k, v := range kv {
				ann[k] = v
			}
			cur.SetAnnotations(ann)
			return harness.AsUser(user).Patch(ctx, cur, patch)
		}).Should(Succeed())
	}

	It("carries out at start a publication and a lift decided while it was down, and reports both", func() {
		ns := useOffline(offline[0])
		public, units, ministry, em := harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, public.URL, 2)
		harness.NewChannel(ns, "units", v1alpha1.ChannelWeCom, v1alpha1.AudienceUnits, units.URL+"/cgi-bin/webhook/send?key=k", 2)
		harness.NewChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		harness.NewChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, em.URL, 2)

		By("no operator runs: the approval, the request to lift and the lift's approval are recorded")
		w := yellow(ns, "decided-while-down")
		annotateAs(harness.ApproverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func() error {
			cur := &v1alpha1.Warning{}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(w), cur); err != nil {
				return err
			}
			cur.Spec.LiftRequested = true
			return harness.AsUser(harness.DutyOfficer).Update(ctx, cur)
		}).Should(Succeed())
		annotateAs(harness.ApproverIII, w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: harness.ApproverIII})
		Consistently(func(g Gomega) v1alpha1.WarningPhase {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			return got.Status.Phase
		}, time.Second).Should(BeEmpty())

		By("the operator starts: both steps are taken, with no other nudge")
		harness.StartOperator(ns)
		Eventually(func(g Gomega) {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			var actions []v1alpha1.WarningAction
			for _, h := range got.Status.History {
				actions = append(actions, h.Action)
			}
			g.Expect(actions).To(Equal([]v1alpha1.WarningAction{v1alpha1.WarningActionPublished, v1alpha1.WarningActionLifted}))
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		id := string(w.UID)
		Expect(public.IDs()).To(ConsistOf(id+"-published", id+"-lifted"))
		Expect(units.Texts()).To(HaveLen(2))
		Expect(ministry.IDs()).To(ConsistOf(id+"-reportedupward", id+"-lifted-reportedupward"))
		Expect(em.IDs()).To(ConsistOf(id+"-reportedupward", id+"-lifted-reportedupward"))
	})

	It("resends, under the same id, only what it sent and did not record before it was killed", func() {
		ns := useOffline(offline[1])
		events, robot := harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(ns, "events", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, events.URL, 5)
		harness.NewChannel(ns, "robot", v1alpha1.ChannelWeCom, v1alpha1.AudienceEmergencyManagement, robot.URL+"/cgi-bin/webhook/send?key=k", 5)
		hold := make(chan struct{})
		events.Hold(hold)
		robot.Hold(hold)

		By("the receivers take the upward report and keep it; the operator is killed before it hears back")
		kill := harness.StartOperator(ns)
		w := yellow(ns, "killed")
		annotateAs(harness.ApproverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func() int { return len(events.IDs()) + len(robot.Texts()) }).Should(Equal(2))
		kill()
		close(hold)
		n := harness.ReportOf(Default, w, "reportedupward")
		for _, d := range n.Status.Deliveries {
			Expect(d.Attempts).To(Equal(int32(1)), "the attempt was written down before it was made")
			Expect(d.State).To(Equal(v1alpha1.DeliveryPending), "its outcome was not")
		}

		By("a new operator sends them again once the first attempt cannot still be under way, with the same id")
		harness.StartOperator(ns)
		Consistently(func() int { return len(events.IDs()) + len(robot.Texts()) }, time.Second).Should(Equal(2))
		Eventually(func(g Gomega) {
			fakeClock.Step(time.Second)
			n := harness.ReportOf(g, w, "reportedupward")
			g.Expect(harness.DeliveryOf(n, "events").State).To(Equal(v1alpha1.DeliveryDelivered))
			g.Expect(harness.DeliveryOf(n, "robot").State).To(Equal(v1alpha1.DeliveryDelivered))
		}).Should(Succeed())
		id := string(w.UID) + "-reportedupward"
		Expect(events.IDs()).To(Equal([]string{id, id}), "a receiver that keeps ids drops the second")
		texts := robot.Texts()
		Expect(texts).To(HaveLen(2))
		Expect(texts[0]).To(ContainSubstring("消息编号 / message id: " + id))
		Expect(texts[1]).To(ContainSubstring("消息编号 / message id: " + id))
		Expect(texts[1]).To(ContainSubstring("第 2 次发送：同一编号的消息是同一条 / attempt 2: a resend of the same message"))
		Expect(strings.Count(texts[0], "第 2 次发送")).To(BeZero())

		By("what was recorded as delivered is not sent again by the next operator either")
		kill2 := harness.StartOperator(ns)
		Consistently(func() int { return len(events.IDs()) + len(robot.Texts()) }, 2*time.Second).Should(Equal(4))
		kill2()
	})

	It("never sends the same attempt twice when two operators run at once", func() {
		ns := useOffline(offline[2])
		slow := harness.NewReceiver(0)
		slow.AnswerAfter(2 * time.Second)
		harness.NewChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, slow.URL, 10)
		harness.NewChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, slow.URL, 10)
		harness.StartOperator(ns)
		harness.StartOperator(ns)
		w := yellow(ns, "twice")
		annotateAs(harness.ApproverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func(g Gomega) {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
		}, 30*time.Second).Should(Succeed())
		Consistently(slow.IDs, 3*time.Second).Should(ConsistOf(string(w.UID)+"-reportedupward", string(w.UID)+"-reportedupward"),
			"one message to each of the two channels, from whichever operator claimed it")
	})
})
