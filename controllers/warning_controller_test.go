package controllers

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
)

// receiver is a webhook endpoint on loopback that records what it gets, and
// fails the first `failures` requests. With answerAfter set it takes that
// long to answer; with hold set, it keeps what it got and answers once hold
// is closed (or the sender gives up).
type receiver struct {
	*httptest.Server
	mu          sync.Mutex
	failures    int
	bodies      []map[string]any
	hits        int
	answerAfter time.Duration
	hold        chan struct{}
}

func newReceiver(failures int) *receiver {
	r := &receiver{failures: failures}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		data, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits++
		if r.failures > 0 {
			r.failures--
			r.mu.Unlock()
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		body := map[string]any{}
		_ = json.Unmarshal(data, &body)
		r.bodies = append(r.bodies, body)
		wait, hold := r.answerAfter, r.hold
		r.mu.Unlock()
		if wait > 0 {
			time.Sleep(wait)
		}
		if hold != nil {
			select {
			case <-hold:
			case <-req.Context().Done():
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	DeferCleanup(r.Close)
	return r
}

// newChannel creates a channel and the Secret holding its address.
func newChannel(ns, name string, typ v1alpha1.ChannelType, audience v1alpha1.Audience, address string, timeoutSeconds int32) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-endpoint", Namespace: ns},
		StringData: map[string]string{"address": address},
	})).To(Succeed())
	Expect(k8s.Create(ctx, &v1alpha1.NotificationChannel{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.NotificationChannelSpec{Type: typ, Audience: audience, SecretRef: v1alpha1.SecretReference{Name: name + "-endpoint"},
			TimeoutSeconds: timeoutSeconds},
	})).To(Succeed())
}

// reportOf reads the notification a source made under a key ("published",
// "reportedupward", "adjusted-1", …).
func reportOf(g Gomega, src client.Object, key string) *v1alpha1.Notification {
	n := &v1alpha1.Notification{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: src.GetNamespace(), Name: routing.NotificationName(src.GetName(), key, string(src.GetUID()))}, n)).To(Succeed())
	return n
}

// deliveryOf is a notification's delivery to one channel, or an empty one.
func deliveryOf(n *v1alpha1.Notification, channel string) v1alpha1.NotificationDelivery {
	for _, d := range n.Status.Deliveries {
		if d.Channel == channel {
			return d
		}
	}
	return v1alpha1.NotificationDelivery{}
}

// ids are the CloudEvents ids received, in order, duplicates included.
func (r *receiver) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		id, _ := b["id"].(string)
		out = append(out, id)
	}
	return out
}

func (r *receiver) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		if t, ok := b["text"].(map[string]any); ok {
			out = append(out, t["content"].(string))
		}
	}
	return out
}

func (r *receiver) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

var _ = Describe("Warning", func() {
	var ns string
	BeforeEach(func() {
		grantRoles()
		ns = newNamespace()
	})

	channel := func(name string, typ v1alpha1.ChannelType, audience v1alpha1.Audience, address string) {
		GinkgoHelper()
		newChannel(ns, name, typ, audience, address, 2)
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
		Expect(asUser(dutyOfficer).Create(ctx, w)).To(Succeed())
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
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
	}

	It("takes every sample, and gives each colour its measures", func() {
		drills, err := filepath.Glob(filepath.Join("..", "config", "samples", "emergency_v1alpha1_warning_*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(drills).To(HaveLen(5), "a drill of each colour and a drill risk notice")
		onRecord, err := filepath.Glob(filepath.Join("..", "config", "samples", "real", "emergency_v1alpha1_warning_*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(onRecord).To(HaveLen(5), "a warning of each colour and a risk notice")
		files := append(drills, onRecord...)
		for _, f := range files {
			w := &v1alpha1.Warning{}
			Expect(loadYAML(f, w)).To(Succeed())
			w.Namespace = ns
			Expect(asUser(dutyOfficer).Create(ctx, w)).To(Succeed(), f)
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
		refusedWith(k8s.Create(ctx, w), "spec.source", "a red warning comes only from the national office")
		w.Spec.Level, w.Spec.Source = v1alpha1.WarningYellow, v1alpha1.SourceMinistry
		refusedWith(k8s.Create(ctx, w), "spec.source", "yellow and blue warnings and risk notices are issued in the province")
	})

	It("relays a red warning at once, with the red measures, exactly once to its channel", func() {
		sms := newReceiver(0)
		channel("sms", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, sms.URL)
		w := newWarning("red", v1alpha1.WarningRed, v1alpha1.SourceNational, "sms")
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningPublished))
			g.Expect(got.Status.Measures).To(Equal(warning.Measures(v1alpha1.WarningRed)))
			g.Expect(got.Status.Measures).To(ContainElements("Duty24Hours", "ExpertsAndToolsOnStandby"))
			g.Expect(conditionOf(got.Status.Conditions, v1alpha1.WarningDeliveredCondition).Status).To(Equal(metav1.ConditionTrue))
			published := reportOf(g, got, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			g.Expect(published.Status.Deliveries[0].Attempts).To(Equal(int32(1)))
		}).Should(Succeed())
		Expect(sms.ids()).To(Equal([]string{string(w.UID) + "-published"}))

		By("the leading group is told of the relay (§4.4); without a channel for it, the warning says so")
		Eventually(func(g Gomega) {
			c := conditionOf(getWarning(g, w).Status.Conditions, v1alpha1.ConditionReportedUpward)
			g.Expect(c.Reason).To(Equal(v1alpha1.NotificationNoChannelReason))
			g.Expect(c.Message).To(ContainSubstring("no Ready channel for LeadingGroup"))
			g.Expect(reportOf(g, w, "reportedupward").Spec.Event).To(Equal(v1alpha1.EventWarningRelayed))
		}).Should(Succeed())
	})

	It("publishes a yellow warning only after an entitled approval, then reports it upward", func() {
		wecom, ministry, emergencyManagement := newReceiver(0), newReceiver(0), newReceiver(0)
		channel("wecom", v1alpha1.ChannelWeCom, v1alpha1.AudiencePublic, wecom.URL+"/cgi-bin/webhook/send?key=k")
		channel("ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL)
		channel("emergency-management", v1alpha1.ChannelDingTalk, v1alpha1.AudienceEmergencyManagement, emergencyManagement.URL)
		w := newWarning("yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, "wecom")
		Eventually(func(g Gomega) string {
			return conditionOf(getWarning(g, w).Status.Conditions, v1alpha1.WarningApprovedCondition).Reason
		}).Should(Equal(v1alpha1.WarningAwaitingApprovalReason))
		Consistently(func() int { return wecom.attempts() + ministry.attempts() }, 2*time.Second).Should(BeZero())

		approval := map[string]string{v1alpha1.AnnotationApprovedBy: otherOfficer, v1alpha1.AnnotationApprovedLevel: "Yellow"}
		refusedWith(annotateWarning(asUser(otherOfficer), w, approval), "rule entitled", otherOfficer)
		approval[v1alpha1.AnnotationApprovedBy] = dutyOfficer
		refusedWith(annotateWarning(asUser(dutyOfficer), w, approval), "rule four-eyes")

		approval[v1alpha1.AnnotationApprovedBy] = approverIII
		Expect(annotateWarning(asUser(approverIII), w, approval)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningPublished))
			g.Expect(got.Status.History).To(HaveLen(1))
			g.Expect(got.Status.History[0].ApprovedBy).To(Equal(approverIII))
			g.Expect(got.Status.Measures).To(Equal([]string{"CollectAndReport", "TrackAndAssess", "PublishPrecautionsAndHotline"}))
			g.Expect(conditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(wecom.texts()).To(HaveLen(1))
		Expect(wecom.texts()[0]).To(ContainSubstring("Yellow"))
		Expect(ministry.ids()).To(Equal([]string{string(w.UID) + "-reportedupward"}))
		Expect(emergencyManagement.texts()).To(HaveLen(1))
		Expect(emergencyManagement.texts()[0]).To(ContainSubstring("【黄色预警】发布，报部应急办、省应急管理相关部门"))

		By("an adjustment to blue needs its own approval")
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.Level = v1alpha1.WarningBlue })
		Consistently(func(g Gomega) v1alpha1.WarningLevel { return getWarning(g, w).Status.PublishedLevel }, 2*time.Second).Should(Equal(v1alpha1.WarningYellow))
		Expect(annotateWarning(asUser(approverIII), w, map[string]string{v1alpha1.AnnotationApprovedByPrefix + "blue": approverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.PublishedLevel).To(Equal(v1alpha1.WarningBlue))
			g.Expect(got.Status.AdjustedTime).NotTo(BeNil())
		}).Should(Succeed())

		By("and lifting needs the lift approval; it ends the measures")
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.LiftRequested = true })
		Eventually(func(g Gomega) string {
			return conditionOf(getWarning(g, w).Status.Conditions, v1alpha1.WarningLiftedCondition).Reason
		}).Should(Equal(v1alpha1.WarningAwaitingApprovalReason))
		Expect(annotateWarning(asUser(approverIII), w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: approverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			g.Expect(got.Status.Measures).To(BeEmpty())
			g.Expect(got.Status.LiftedTime).NotTo(BeNil())
			var actions []string
			for _, h := range got.Status.History {
				actions = append(actions, string(h.Action)+"/"+string(h.Level)+"/"+h.ApprovedBy)
			}
			g.Expect(actions).To(Equal([]string{"Published/Yellow/" + approverIII, "Adjusted/Blue/" + approverIII, "Lifted/Blue/" + approverIII}))
		}).Should(Succeed())
		Eventually(wecom.texts).Should(HaveLen(3))
		Eventually(ministry.ids).Should(Equal([]string{string(w.UID) + "-reportedupward", string(w.UID) + "-adjusted-1-reportedupward", string(w.UID) + "-lifted-reportedupward"}))
		Consistently(func() int { return len(wecom.texts()) + len(ministry.ids()) + len(emergencyManagement.texts()) }, time.Second).Should(Equal(9))

		By("and an approval once given cannot be changed")
		refusedWith(annotateWarning(k8s, w, map[string]string{v1alpha1.AnnotationApprovedBy: "admin"}), "rule immutable")
	})

	It("lifts a red warning only on the ministry's directive", func() {
		w := newWarning("red-lift", v1alpha1.WarningRed, v1alpha1.SourceNational)
		Eventually(func(g Gomega) v1alpha1.WarningPhase { return getWarning(g, w).Status.Phase }).Should(Equal(v1alpha1.WarningPublished))
		editSpec(w, func(s *v1alpha1.WarningSpec) { s.LiftRequested = true })
		refusedWith(annotateWarning(asUser(approverIII), w, map[string]string{v1alpha1.AnnotationLiftDirective: "D-1"}), "rule entitled")
		refusedWith(annotateWarning(asUser(approverIII), w, map[string]string{v1alpha1.AnnotationLiftApprovedBy: approverIII}), "rule level")
		Consistently(func(g Gomega) v1alpha1.WarningPhase { return getWarning(g, w).Status.Phase }, time.Second).Should(Equal(v1alpha1.WarningPublished))
		Expect(annotateWarning(asUser(ministryUser), w, map[string]string{v1alpha1.AnnotationLiftDirective: "MIIT-2026-LIFT-3"})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			g.Expect(got.Status.History[len(got.Status.History)-1].Directive).To(Equal("MIIT-2026-LIFT-3"))
			g.Expect(got.Status.Measures).To(BeEmpty())
		}).Should(Succeed())
	})

	It("retries a failing receiver with backoff, delivering once, and never holds up a healthy one", func() {
		flaky, healthy := newReceiver(2), newReceiver(0)
		channel("flaky", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, flaky.URL)
		channel("healthy", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, healthy.URL)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		dead := "http://" + l.Addr().String()
		Expect(l.Close()).To(Succeed())
		channel("dead", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, dead)

		w := newWarning("orange", v1alpha1.WarningOrange, v1alpha1.SourceMinistry, "flaky", "healthy", "dead")
		Eventually(healthy.ids, 5*time.Second).Should(HaveLen(1))

		delivery := func(g Gomega, ch string) v1alpha1.NotificationDelivery {
			return deliveryOf(reportOf(g, w, "published"), ch)
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
		Expect(flaky.ids()).To(Equal([]string{string(w.UID) + "-published"}))
		Expect(testutil.ToFloat64(deliveryOutcomes.WithLabelValues(ns, "flaky", "Failed"))).To(Equal(2.0))
		Expect(testutil.ToFloat64(deliveryOutcomes.WithLabelValues(ns, "flaky", "Delivered"))).To(Equal(1.0))
		Expect(healthy.ids()).To(HaveLen(1))
		Expect(delivery(Default, "dead").DeliveredTime).To(BeNil())
		Expect(delivery(Default, "dead").State).To(Equal(v1alpha1.DeliveryFailed))
		Eventually(func(g Gomega) []string { return eventReasons(g, reportOf(g, w, "published")) }).Should(ContainElements("Normal/Delivered", "Warning/DeliveryFailed"))
	})

	It("does not send twice across a stop between sending and recording", func() {
		rcv := newReceiver(0)
		channel("cloudevents", v1alpha1.ChannelCloudEvents, v1alpha1.AudiencePublic, rcv.URL)
		failDeliveryRecords.arm(ns, 1)
		w := newWarning("restart", v1alpha1.WarningRed, v1alpha1.SourceNational, "cloudevents")
		Eventually(func(g Gomega) {
			fakeClock.Step(time.Second) // the failed reconcile is retried on the operator's clock
			published := reportOf(g, w, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			g.Expect(published.Status.Deliveries[0].DeliveredTime).NotTo(BeNil())
		}).Should(Succeed())
		Expect(failDeliveryRecords.left()).To(BeZero())
		ids := rcv.ids()
		Expect(ids).To(HaveLen(2), "sent before the stop, and again after it")
		Expect(ids[0]).To(Equal(ids[1]), "the receiver sees the same event id and drops the second")

		By("what status records as delivered is not sent again")
		Expect(annotateWarning(k8s, w, map[string]string{"touched": "yes"})).To(Succeed())
		Consistently(rcv.ids, 2*time.Second).Should(HaveLen(2))
	})

	It("never shows a channel's address anywhere", func() {
		secretToken := "TOPSECRET-" + ns
		channel("robot", v1alpha1.ChannelDingTalk, v1alpha1.AudiencePublic, "http://127.0.0.1:1/robot/send?access_token="+secretToken)
		w := newWarning("leaky", v1alpha1.WarningRiskNotice, v1alpha1.SourceProvincial, "robot")
		Eventually(func(g Gomega) string {
			published := reportOf(g, w, "published")
			g.Expect(published.Status.Deliveries).To(HaveLen(1))
			return published.Status.Deliveries[0].LastError
		}).ShouldNot(BeEmpty())
		Eventually(func(g Gomega) []string { return eventReasons(g, reportOf(g, w, "published")) }).Should(ContainElement("Warning/DeliveryFailed"))
		ch := &v1alpha1.NotificationChannel{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "robot"}, ch)).To(Succeed())
		for _, o := range []client.Object{getWarning(Default, w), reportOf(Default, w, "published"), ch} {
			all, err := json.Marshal(o)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(all)).NotTo(ContainSubstring(secretToken))
			for _, e := range eventsFor(Default, o) {
				Expect(e.Note).NotTo(ContainSubstring(secretToken))
			}
		}
		Expect(operatorLog.String()).NotTo(ContainSubstring(secretToken))
		Expect(strings.Count(operatorLog.String(), "127.0.0.1:1/")).To(BeZero())
	})
})
