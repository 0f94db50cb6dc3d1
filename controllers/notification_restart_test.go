package controllers

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// offline are namespaces the suite's operator does not see: a spec there
// runs an operator of its own, and stops it, as a crash would, while the
// cluster goes on.
var offline = []string{"offline-lift", "offline-kill", "offline-twice"}

// offlineNamespaces keeps the suite's operator out of them: its cache of
// every namespaced kind leaves them out.
func offlineNamespaces() map[client.Object]cache.ByObject {
	var sel []fields.Selector
	for _, ns := range offline {
		sel = append(sel, fields.OneTermNotEqualSelector("metadata.namespace", ns))
	}
	out := map[client.Object]cache.ByObject{}
	for _, o := range []client.Object{&v1alpha1.SecurityIncident{}, &v1alpha1.EmergencyResponse{}, &v1alpha1.WorkGroup{},
		&v1alpha1.Warning{}, &v1alpha1.Notification{}, &v1alpha1.NotificationChannel{}} {
		out[o] = cache.ByObject{Field: fields.AndSelectors(sel...)}
	}
	return out
}

// useOffline creates one of the offline namespaces.
func useOffline(ns string) string {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	return ns
}

// startOperator starts an operator of its own on the suite's API server,
// for namespace ns only, with the suite's fake clock and fault injection.
// The function it returns kills it: every reconcile under way is cancelled
// where it stands, and nothing it had not yet written is written.
func startOperator(ns string) (kill func()) {
	GinkgoHelper()
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 k8s.Scheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
	})
	Expect(err).NotTo(HaveOccurred())
	mctx, cancel := context.WithCancel(ctx)
	Expect(Setup(mctx, mgr, Config{
		Clock:           fakeClock,
		Plan:            PlanConfig{TimeZone: shanghai, ReportGrace: time.Hour},
		HolidayCalendar: "default",
		Controller:      controller.Options{NewQueue: queueOn(fakeClock), SkipNameValidation: ptr.To(true)},
		Client:          faultyStatusWrites(mgr.GetClient()),
	})).To(Succeed())
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(mgr.Start(mctx)).To(Succeed())
	}()
	stopped := false
	kill = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	DeferCleanup(kill)
	return kill
}

var _ = Describe("Notifications across a stop of the operator", func() {
	BeforeEach(grantRoles)

	yellow := func(ns, name string, channels ...string) *v1alpha1.Warning {
		GinkgoHelper()
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: v1alpha1.WarningSpec{
				Level: v1alpha1.WarningYellow, Source: v1alpha1.SourceProvincial, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Provincial government websites", Harm: "Defacement", Precautions: []string{"Patch CMS plugins"},
				Issuer: "Provincial emergency office", Hotline: "0851-12321", Channels: channels,
			},
		}
		Expect(asUser(dutyOfficer).Create(ctx, w)).To(Succeed())
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
			return asUser(user).Patch(ctx, cur, patch)
		}).Should(Succeed())
	}

	It("carries out at start a publication and a lift decided while it was down, and reports both", func() {
		ns := useOffline(offline[0])
		public, units, ministry, em := newReceiver(0), newReceiver(0), newReceiver(0), newReceiver(0)
		newChannel(ns, "website", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, public.URL, 2)
		newChannel(ns, "units", v1alpha1.ChannelWeCom, v1alpha1.AudienceUnits, units.URL+"/cgi-bin/webhook/send?key=k", 2)
		newChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		newChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, em.URL, 2)

		By("no operator runs: the approval, the request to lift and the lift's approval are recorded")
		w := yellow(ns, "decided-while-down")
		annotateAs(approverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: approverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func() error {
			cur := &v1alpha1.Warning{}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(w), cur); err != nil {
				return err
			}
			cur.Spec.LiftRequested = true
			return asUser(dutyOfficer).Update(ctx, cur)
		}).Should(Succeed())
		annotateAs(approverIII, w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: approverIII})
		Consistently(func(g Gomega) v1alpha1.WarningPhase {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			return got.Status.Phase
		}, time.Second).Should(BeEmpty())

		By("the operator starts: both steps are taken, with no other nudge")
		startOperator(ns)
		Eventually(func(g Gomega) {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			var actions []v1alpha1.WarningAction
			for _, h := range got.Status.History {
				actions = append(actions, h.Action)
			}
			g.Expect(actions).To(Equal([]v1alpha1.WarningAction{v1alpha1.WarningActionPublished, v1alpha1.WarningActionLifted}))
			g.Expect(conditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		id := string(w.UID)
		Expect(public.ids()).To(ConsistOf(id+"-published", id+"-lifted"))
		Expect(units.texts()).To(HaveLen(2))
		Expect(ministry.ids()).To(ConsistOf(id+"-reportedupward", id+"-lifted-reportedupward"))
		Expect(em.ids()).To(ConsistOf(id+"-reportedupward", id+"-lifted-reportedupward"))
	})

	It("resends, under the same id, only what it sent and did not record before it was killed", func() {
		ns := useOffline(offline[1])
		events, robot := newReceiver(0), newReceiver(0)
		newChannel(ns, "events", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, events.URL, 5)
		newChannel(ns, "robot", v1alpha1.ChannelWeCom, v1alpha1.AudienceEmergencyManagement, robot.URL+"/cgi-bin/webhook/send?key=k", 5)
		hold := make(chan struct{})
		events.mu.Lock()
		events.hold = hold
		events.mu.Unlock()
		robot.mu.Lock()
		robot.hold = hold
		robot.mu.Unlock()

		By("the receivers take the upward report and keep it; the operator is killed before it hears back")
		kill := startOperator(ns)
		w := yellow(ns, "killed")
		annotateAs(approverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: approverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func() int { return len(events.ids()) + len(robot.texts()) }).Should(Equal(2))
		kill()
		close(hold)
		n := reportOf(Default, w, "reportedupward")
		for _, d := range n.Status.Deliveries {
			Expect(d.Attempts).To(Equal(int32(1)), "the attempt was written down before it was made")
			Expect(d.State).To(Equal(v1alpha1.DeliveryPending), "its outcome was not")
		}

		By("a new operator sends them again once the first attempt cannot still be under way, with the same id")
		startOperator(ns)
		Consistently(func() int { return len(events.ids()) + len(robot.texts()) }, time.Second).Should(Equal(2))
		Eventually(func(g Gomega) {
			fakeClock.Step(time.Second)
			n := reportOf(g, w, "reportedupward")
			g.Expect(deliveryOf(n, "events").State).To(Equal(v1alpha1.DeliveryDelivered))
			g.Expect(deliveryOf(n, "robot").State).To(Equal(v1alpha1.DeliveryDelivered))
		}).Should(Succeed())
		id := string(w.UID) + "-reportedupward"
		Expect(events.ids()).To(Equal([]string{id, id}), "a receiver that keeps ids drops the second")
		texts := robot.texts()
		Expect(texts).To(HaveLen(2))
		Expect(texts[0]).To(ContainSubstring("消息编号 / message id: " + id))
		Expect(texts[1]).To(ContainSubstring("消息编号 / message id: " + id))
		Expect(texts[1]).To(ContainSubstring("第 2 次发送：同一编号的消息是同一条 / attempt 2: a resend of the same message"))
		Expect(strings.Count(texts[0], "第 2 次发送")).To(BeZero())

		By("what was recorded as delivered is not sent again by the next operator either")
		kill2 := startOperator(ns)
		Consistently(func() int { return len(events.ids()) + len(robot.texts()) }, 2*time.Second).Should(Equal(4))
		kill2()
	})

	It("never sends the same attempt twice when two operators run at once", func() {
		ns := useOffline(offline[2])
		slow := newReceiver(0)
		slow.answerAfter = 2 * time.Second
		newChannel(ns, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, slow.URL, 10)
		newChannel(ns, "emergency-management", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceEmergencyManagement, slow.URL, 10)
		startOperator(ns)
		startOperator(ns)
		w := yellow(ns, "twice")
		annotateAs(approverIII, w, map[string]string{v1alpha1.AnnotationApprovedBy: approverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"})
		Eventually(func(g Gomega) {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), got)).To(Succeed())
			g.Expect(conditionOf(got.Status.Conditions, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
		}, 30*time.Second).Should(Succeed())
		Consistently(slow.ids, 3*time.Second).Should(ConsistOf(string(w.UID)+"-reportedupward", string(w.UID)+"-reportedupward"),
			"one message to each of the two channels, from whichever operator claimed it")
	})
})
