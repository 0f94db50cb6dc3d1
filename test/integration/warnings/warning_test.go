package warnings

import (
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// deliveries is the operator's count of deliveries to a channel with an
// outcome (incident_operator_notification_deliveries_total).
func deliveries(ns, channel, outcome string) float64 {
	GinkgoHelper()
	return harness.Gathered("incident_operator_notification_deliveries_total",
		map[string]string{"namespace": ns, "channel": channel, "outcome": outcome}).GetCounter().GetValue()
}

var _ = Describe("Warning", func() {
	var ns string
	BeforeEach(func() {
		harness.GrantRoles()
		ns = harness.NewNamespace()
	})

	channel := func(name string, typ v1alpha1.ChannelType, audience v1alpha1.Audience, address string) {
		GinkgoHelper()
		harness.NewChannel(ns, name, typ, audience, address, 2)
	}
	newWarning := func(name string, level v1alpha1.WarningLevel, source v1alpha1.WarningSource, channels ...string) *v1alpha1.Warning {
		GinkgoHelper()
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: v1alpha1.WarningSpec{
				Level: level, Source: source, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Provincial government websites", Harm: "Defacement and data theft",
				Precautions: []string{"Patch CMS plugins", "Watch for web shells"}, TimeLimits: "Patch within 48 hours",
				Issuer: "Provincial emergency office", Hotline: "0851-12321", Channels: channels,
			},
		}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		return w
	}
	getWarning := func(g Gomega, w *v1alpha1.Warning) *v1alpha1.Warning {
		out := &v1alpha1.Warning{}
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), out)).To(Succeed())
		return out
	}
	annotateWarning := func(c client.Client, w *v1alpha1.Warning, kv map[string]string) error {
		cur := &v1alpha1.Warning{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(w), cur); err != nil {
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
	editSpec := func(w *v1alpha1.Warning, edit func(*v1alpha1.WarningSpec)) {
		Eventually(func(g Gomega) {
			cur := getWarning(g, w)
			edit(&cur.Spec)
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
	}

	It("takes every sample, and gives each colour its measures", func() {
		drills, err := filepath.Glob(harness.Path("config", "samples", "emergency_v1alpha1_warning_*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(drills).To(HaveLen(5), "a drill of each colour and a drill risk notice")
		onRecord, err := filepath.Glob(harness.Path("config", "samples", "real", "emergency_v1alpha1_warning_*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(onRecord).To(HaveLen(5), "a warning of each colour and a risk notice")
		files := append(drills, onRecord...)
		for _, f := range files {
			w := &v1alpha1.Warning{}
			Expect(harness.LoadYAML(f, w)).To(Succeed())
			w.Namespace = ns
			Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed(), f)
			want := v1alpha1.WarningPublished
			if approval.NeedsApproval(w.Spec.Level) {
				want = v1alpha1.WarningAwaitingApproval
			}
			Eventually(func(g Gomega) {
				got := getWarning(g, w)
				g.Expect(got.Status.Phase).To(Equal(want), f)
				if want == v1alpha1.WarningPublished {
					g.Expect(got.Status.Measures).To(Equal(warning.Measures(w.Spec.Level)), f)
				} else {
					g.Expect(got.Status.Measures).To(BeEmpty(), f)
				}
			}).Should(Succeed())
		}
	})

	It("refuses a colour from the wrong source, naming the field", func() {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: ns}, Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningRed, Source: v1alpha1.SourceProvincial, StartTime: metav1.Now(), Scope: "x", Harm: "x",
			Precautions: []string{"x"}, Issuer: "x", Hotline: "12321"}}
		harness.RefusedWith(k8s.Create(ctx, w), "spec.source", "a red warning comes only from the national office")
		w.Spec.Level, w.Spec.Source = v1alpha1.WarningYellow, v1alpha1.SourceMinistry
		harness.RefusedWith(k8s.Create(ctx, w), "spec.source", "yellow and blue warnings and risk notices are issued in the province")
	})

	It("refuses a warning that does not state its time limits (§4.4), naming the field", func() {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "no-limits", Namespace: ns}, Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningBlue, Source: v1alpha1.SourceProvincial, StartTime: metav1.Now(), Scope: "x", Harm: "x",
			Precautions: []string{"x"}, Issuer: "x", Hotline: "12321"}}
		harness.RefusedWith(k8s.Create(ctx, w), "spec.timeLimits", "at least 1 chars long")
		w.Spec.TimeLimits = "Within 48 hours"
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
	})

	It("relays a red warning at once, with the red measures, exactly once to its channel", func() {
		sms := harness.NewReceiver(0)
		channel("sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, sms.URL)
		w := newWarning("red", v1alpha1.WarningRed, v1alpha1.SourceNational, "sms")
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningPublished))
			g.Expect(got.Status.Measures).To(Equal(warning.Measures(v1alpha1.WarningRed)))
			g.Expect(got.Status.Measures).To(ContainElements("Duty24Hours", "ExpertsAndToolsOnStandby"))
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.WarningDeliveredCondition).Status).To(Equal(metav1.ConditionTrue))
			published := harness.ReportOf(g, got, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			g.Expect(published.Status.Deliveries[0].Attempts).To(Equal(int32(1)))
		}).Should(Succeed())
		Expect(sms.IDs()).To(Equal([]string{string(w.UID) + "-published"}))

		By("the leading group is told of the relay (§4.4); without a channel for it, the warning says so")
		Eventually(func(g Gomega) {
			c := harness.ConditionOf(getWarning(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward)
			g.Expect(c.Reason).To(Equal(v1alpha1.NotificationNoChannelReason))
			g.Expect(c.Message).To(ContainSubstring("no Ready channel for LeadingGroup"))
			g.Expect(harness.ReportOf(g, w, "reportedupward").Spec.Event).To(Equal(v1alpha1.EventWarningRelayed))
		}).Should(Succeed())
	})

	It("publishes a yellow warning only after an entitled approval, then reports it upward", func() {
		wecom, ministry, emergencyManagement := harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0)
		channel("wecom", v1alpha1.ChannelWeCom, v1alpha1.AudiencePublic, wecom.URL+"/cgi-bin/webhook/send?key=k")
		channel("ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL)
		channel("emergency-management", v1alpha1.ChannelDingTalk, v1alpha1.AudienceEmergencyManagement, emergencyManagement.URL)
		w := newWarning("yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, "wecom")
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getWarning(g, w).Status.Conditions, v1alpha1.WarningApprovedCondition).Reason
		}).Should(Equal(v1alpha1.WarningAwaitingApprovalReason))
		Consistently(func() int { return wecom.Attempts() + ministry.Attempts() }, 2*time.Second).Should(BeZero())

		approval := map[string]string{v1alpha1.AnnotationApprovedBy: harness.OtherOfficer, v1alpha1.AnnotationApprovedLevel: "Yellow"}
		harness.RefusedWith(annotateWarning(harness.AsUser(harness.OtherOfficer), w, approval), "rule entitled", harness.OtherOfficer)
		approval[v1alpha1.AnnotationApprovedBy] = harness.DutyOfficer
		harness.RefusedWith(annotateWarning(harness.AsUser(harness.DutyOfficer), w, approval), "rule four-eyes")

		approval[v1alpha1.AnnotationApprovedBy] = harness.ApproverIII
		Expect(annotateWarning(harness.AsUser(harness.ApproverIII), w, approval)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningPublished))
			g.Expect(got.Status.History).To(HaveLen(1))
			g.Expect(got.Status.History[0].ApprovedBy).To(Equal(harness.ApproverIII))
			g.Expect(got.Status.Measures).To(Equal([]string{"CollectAndReport", "TrackAndAssess", "PublishPrecautionsAndHotline"}))
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(wecom.Texts()).To(HaveLen(1))
		Expect(wecom.Texts()[0]).To(ContainSubstring("Yellow"))
		Expect(ministry.IDs()).To(Equal([]string{string(w.UID) + "-reportedupward"}))
		Expect(emergencyManagement.Texts()).To(HaveLen(1))
		Expect(emergencyManagement.Texts()[0]).To(ContainSubstring("【黄色预警】发布，报部应急办、省应急管理相关部门"))

		By("an adjustment to blue needs its own approval")
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.Level = v1alpha1.WarningBlue })
		Consistently(func(g Gomega) v1alpha1.WarningLevel { return getWarning(g, w).Status.PublishedLevel }, 2*time.Second).Should(Equal(v1alpha1.WarningYellow))
		By("kubectl get shows the colour in force, and the colour asked for beside it")
		Eventually(func(g Gomega) {
			row := columns(g, w)
			g.Expect(row).To(HaveKeyWithValue("Level", "Yellow"))
			g.Expect(row).To(HaveKeyWithValue("Requested", "Blue"))
		}).Should(Succeed())
		Expect(annotateWarning(harness.AsUser(harness.ApproverIII), w, map[string]string{v1alpha1.AnnotationApprovedByPrefix + "blue": harness.ApproverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.PublishedLevel).To(Equal(v1alpha1.WarningBlue))
			g.Expect(got.Status.AdjustedTime).NotTo(BeNil())
		}).Should(Succeed())

		By("and lifting needs the lift approval; it ends the measures")
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.LiftRequested = true })
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getWarning(g, w).Status.Conditions, v1alpha1.WarningLiftedCondition).Reason
		}).Should(Equal(v1alpha1.WarningAwaitingApprovalReason))
		Expect(annotateWarning(harness.AsUser(harness.ApproverIII), w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: harness.ApproverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			g.Expect(got.Status.Measures).To(BeEmpty())
			g.Expect(got.Status.LiftedTime).NotTo(BeNil())
			var actions []string
			for _, h := range got.Status.History {
				actions = append(actions, string(h.Action)+"/"+string(h.Level)+"/"+h.ApprovedBy)
			}
			g.Expect(actions).To(Equal([]string{"Published/Yellow/" + harness.ApproverIII, "Adjusted/Blue/" + harness.ApproverIII, "Lifted/Blue/" + harness.ApproverIII}))
		}).Should(Succeed())
		Eventually(wecom.Texts).Should(HaveLen(3))
		Eventually(ministry.IDs).Should(Equal([]string{string(w.UID) + "-reportedupward", string(w.UID) + "-adjusted-1-reportedupward", string(w.UID) + "-lifted-reportedupward"}))
		Eventually(emergencyManagement.Texts).Should(HaveLen(3))
		Consistently(func() int { return len(wecom.Texts()) + len(ministry.IDs()) + len(emergencyManagement.Texts()) }, time.Second).Should(Equal(9))

		By("and an approval once given cannot be changed")
		harness.RefusedWith(annotateWarning(k8s, w, map[string]string{v1alpha1.AnnotationApprovedBy: "admin"}), "rule immutable")
	})

	It("carries out the ministry's directed adjustment of an orange warning to yellow, and reports it to the leading group (§4.6)", func() {
		leading := harness.NewReceiver(0)
		channel("leading-adjust", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceLeadingGroup, leading.URL)
		w := newWarning("orange-down", v1alpha1.WarningOrange, v1alpha1.SourceMinistry)
		Eventually(func(g Gomega) v1alpha1.WarningPhase { return getWarning(g, w).Status.Phase }).Should(Equal(v1alpha1.WarningPublished))
		By("without the directive the office cannot lower it")
		Eventually(func(g Gomega) {
			cur := getWarning(g, w)
			cur.Spec.Level = v1alpha1.WarningYellow
			err := harness.AsUser(harness.DutyOfficer).Update(ctx, cur)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse(), "a conflict is retried")
			g.Expect(err).To(MatchError(ContainSubstring("rule directive")))
		}).Should(Succeed())
		By("the ministry's directive for yellow, and the office carries it out")
		Expect(annotateWarning(harness.AsUser(harness.MinistryUser), w, map[string]string{approval.AnnotationDirectivePrefix + "yellow": "MIIT-2026-ADJ-7"})).To(Succeed())
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.Level = v1alpha1.WarningYellow })
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.PublishedLevel).To(Equal(v1alpha1.WarningYellow))
			g.Expect(got.Status.History[len(got.Status.History)-1].Directive).To(Equal("MIIT-2026-ADJ-7"))
			g.Expect(got.Status.Measures).To(Equal([]string{"CollectAndReport", "TrackAndAssess", "PublishPrecautionsAndHotline"}))
		}).Should(Succeed())
		Eventually(leading.IDs).Should(ContainElement(string(w.UID) + "-adjusted-1-reportedupward"))
	})

	It("lifts a red warning only on the ministry's directive", func() {
		w := newWarning("red-lift", v1alpha1.WarningRed, v1alpha1.SourceNational)
		Eventually(func(g Gomega) v1alpha1.WarningPhase { return getWarning(g, w).Status.Phase }).Should(Equal(v1alpha1.WarningPublished))
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.LiftRequested = true })
		harness.RefusedWith(annotateWarning(harness.AsUser(harness.ApproverIII), w, map[string]string{v1alpha1.AnnotationLiftDirective: "D-1"}), "rule entitled")
		harness.RefusedWith(annotateWarning(harness.AsUser(harness.ApproverIII), w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: harness.ApproverIII}), "rule level")
		Consistently(func(g Gomega) v1alpha1.WarningPhase { return getWarning(g, w).Status.Phase }, time.Second).Should(Equal(v1alpha1.WarningPublished))
		Expect(annotateWarning(harness.AsUser(harness.MinistryUser), w, map[string]string{v1alpha1.AnnotationLiftDirective: "MIIT-2026-LIFT-3"})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			g.Expect(got.Status.History[len(got.Status.History)-1].Directive).To(Equal("MIIT-2026-LIFT-3"))
			g.Expect(got.Status.Measures).To(BeEmpty())
		}).Should(Succeed())
	})

	It("retries a failing receiver with backoff, delivering once, and never holds up a healthy one", func() {
		flaky, healthy := harness.NewReceiver(2), harness.NewReceiver(0)
		channel("flaky", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, flaky.URL)
		channel("healthy", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, healthy.URL)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		dead := "http://" + l.Addr().String()
		Expect(l.Close()).To(Succeed())
		channel("dead", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, dead)

		w := newWarning("orange", v1alpha1.WarningOrange, v1alpha1.SourceMinistry, "flaky", "healthy", "dead")
		Eventually(healthy.IDs, 5*time.Second).Should(HaveLen(1))

		delivery := func(g Gomega, ch string) v1alpha1.NotificationDelivery {
			return harness.DeliveryOf(harness.ReportOf(g, w, "published"), ch)
		}
		Eventually(func(g Gomega) {
			g.Expect(delivery(g, "healthy").DeliveredTime).NotTo(BeNil())
			g.Expect(delivery(g, "flaky").LastError).To(ContainSubstring("503"))
			g.Expect(delivery(g, "dead").LastError).NotTo(BeEmpty())
		}).Should(Succeed())
		// Retries wait on the operator's clock: 1 s, then 2 s.
		Eventually(func(g Gomega) {
			fakeClock.Step(2 * time.Second)
			g.Expect(delivery(g, "flaky").DeliveredTime).NotTo(BeNil())
		}).Should(Succeed())
		d := delivery(Default, "flaky")
		Expect(d.Attempts).To(Equal(int32(3)))
		Expect(d.LastError).To(BeEmpty())
		Expect(flaky.IDs()).To(Equal([]string{string(w.UID) + "-published"}))
		Expect(deliveries(ns, "flaky", "Failed")).To(Equal(2.0))
		Expect(deliveries(ns, "flaky", "Delivered")).To(Equal(1.0))
		Expect(healthy.IDs()).To(HaveLen(1))
		Expect(delivery(Default, "dead").DeliveredTime).To(BeNil())
		Expect(delivery(Default, "dead").State).To(Equal(v1alpha1.DeliveryFailed))
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, harness.ReportOf(g, w, "published")) }).Should(ContainElements("Normal/Delivered", "Warning/DeliveryFailed"))
	})

	It("does not send twice across a stop between sending and recording", func() {
		rcv := harness.NewReceiver(0)
		channel("cloudevents", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, rcv.URL)
		harness.FailDeliveryRecords.Arm(ns, 1)
		w := newWarning("restart", v1alpha1.WarningRed, v1alpha1.SourceNational, "cloudevents")
		Eventually(func(g Gomega) {
			fakeClock.Step(time.Second) // the failed reconcile is retried on the operator's clock
			published := harness.ReportOf(g, w, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			g.Expect(published.Status.Deliveries[0].DeliveredTime).NotTo(BeNil())
		}).Should(Succeed())
		Expect(harness.FailDeliveryRecords.Left()).To(BeZero())
		ids := rcv.IDs()
		Expect(ids).To(HaveLen(2), "sent before the stop, and again after it")
		Expect(ids[0]).To(Equal(ids[1]), "the receiver sees the same event id and drops the second")

		By("what status records as delivered is not sent again")
		Expect(annotateWarning(k8s, w, map[string]string{"touched": "yes"})).To(Succeed())
		Consistently(rcv.IDs, 2*time.Second).Should(HaveLen(2))
	})

	It("never shows a channel's address anywhere", func() {
		secretToken := "TOPSECRET-" + ns
		channel("robot", v1alpha1.ChannelDingTalk, v1alpha1.AudiencePublic, "http://127.0.0.1:1/robot/send?access_token="+secretToken)
		w := newWarning("leaky", v1alpha1.WarningRiskNotice, v1alpha1.SourceProvincial, "robot")
		Eventually(func(g Gomega) string {
			published := harness.ReportOf(g, w, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			return published.Status.Deliveries[0].LastError
		}).ShouldNot(BeEmpty())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, harness.ReportOf(g, w, "published")) }).Should(ContainElement("Warning/DeliveryFailed"))
		ch := &v1alpha1.NotificationChannel{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "robot"}, ch)).To(Succeed())
		for _, o := range []client.Object{getWarning(Default, w), harness.ReportOf(Default, w, "published"), ch} {
			all, err := json.Marshal(o)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(all)).NotTo(ContainSubstring(secretToken))
			for _, e := range harness.EventsFor(Default, o) {
				Expect(e.Note).NotTo(ContainSubstring(secretToken))
			}
		}
		Expect(harness.OperatorLog.String()).NotTo(ContainSubstring(secretToken))
		Expect(strings.Count(harness.OperatorLog.String(), "127.0.0.1:1/")).To(BeZero())
	})
})
