package controllers

import (
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

var messageID = regexp.MustCompile(`消息编号 / message id: (\S+)`)

// robotIDs are the message ids of the robot texts received, in order.
func (r *receiver) robotIDs() []string {
	var out []string
	for _, t := range r.texts() {
		if m := messageID.FindStringSubmatch(t); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

var _ = Describe("Reports of incidents and responses", Ordered, func() {
	var (
		unit, office                   string
		unitDesk, officeDesk, ministry *receiver
		leading, emergencyManagement   *receiver
		inc                            *v1alpha1.SecurityIncident
		resp                           *v1alpha1.EmergencyResponse
	)
	BeforeAll(func() {
		grantNotificationRoles()
		unit, office = newNamespace(), newNamespace()
		unitDesk, officeDesk, ministry, leading, emergencyManagement = newReceiver(0), newReceiver(0), newReceiver(0), newReceiver(0), newReceiver(0)
		newChannel(unit, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, unitDesk.URL, 2)
		newChannel(office, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, officeDesk.URL, 2)
		newChannel(office, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		newChannel(office, "leading-group", v1alpha1.ChannelWeCom, v1alpha1.AudienceLeadingGroup, leading.URL+"/cgi-bin/webhook/send?key=k", 2)
		newChannel(office, "emergency-management", v1alpha1.ChannelDingTalk, v1alpha1.AudienceEmergencyManagement, emergencyManagement.URL+"/robot/send?access_token=t", 2)
	})
	getIncident := func(g Gomega) *v1alpha1.SecurityIncident { return get(g, inc) }
	records := func(n int64) {
		GinkgoHelper()
		Eventually(func(g Gomega) {
			cur := getIncident(g)
			cur.Spec.Impact = builder.Incident("", "").Records(n).Obj().Spec.Impact
			g.Expect(k8s.Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
	}
	reported := func(g Gomega, o client.Object) metav1.Condition {
		switch o := o.(type) {
		case *v1alpha1.SecurityIncident:
			return conditionOf(get(g, o).Status.Conditions, v1alpha1.ConditionReportedUpward)
		case *v1alpha1.EmergencyResponse:
			return conditionOf(getResponse(g, o).Status.Conditions, v1alpha1.ConditionReportedUpward)
		}
		return metav1.Condition{}
	}

	It("tells the office of an incident, of each change of its level and of a missed deadline, once each", func() {
		discovered := fakeClock.Now()
		inc = builder.Incident("leak", unit).QuickNotice().Discovered(discovered).Records(200_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		uid := string(inc.UID)
		Eventually(unitDesk.ids).Should(Equal([]string{uid + "-reported"}))
		Eventually(func(g Gomega) string { return reported(g, inc).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))

		By("its level rises from IV to III")
		records(2_000_000)
		Eventually(unitDesk.ids).Should(Equal([]string{uid + "-reported", uid + "-levelchanged-iv-iii-1"}))

		By("the full form is not in by midnight")
		y, m, d := discovered.In(shanghai).Date()
		fakeClock.SetTime(time.Date(y, m, d+1, 0, 0, 0, 0, shanghai))
		Eventually(unitDesk.ids).Should(Equal([]string{uid + "-reported", uid + "-levelchanged-iv-iii-1", uid + "-deadlinemissed-fullform"}))
		Consistently(unitDesk.ids, 2*time.Second).Should(HaveLen(3))
		n := reportOf(Default, inc, "deadlinemissed-fullform")
		Expect(n.Spec.Event).To(Equal(v1alpha1.EventDeadlineMissed))
		Expect(n.Spec.Message.ZH).To(ContainSubstring("【报送超时】" + unit + "/leak：报送表补报（事发当日）未按时完成"))
	})

	It("tells the ministry office and the leading group of a response's start, situation, escalation and end; emergency management of the end", func() {
		resp = builder.Response("leak-response", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return getResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIII))
		Eventually(func(g Gomega) string { return reported(g, resp).Reason }).Should(Equal(v1alpha1.NothingToReportReason))
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		uid := string(resp.UID)
		By("started, with its work group set up: the start and the situation (§5.3, §5.4)")
		Eventually(ministry.ids).Should(ConsistOf(uid+"-started", uid+"-situation-workgroups"))
		Eventually(leading.robotIDs).Should(ConsistOf(uid+"-started", uid+"-situation-workgroups"))
		Expect(leading.texts()).To(ContainElement(HavePrefix("【应急响应启动】较大（III级）事件应急响应已启动")))

		By("its incident rises above the level it was started for")
		records(20_000_000)
		Eventually(ministry.ids).Should(ContainElement(uid + "-escalated"))

		By("it ends")
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.EndRequested = true
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Expect(annotate(asUser(approverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: approverIII})).To(Succeed())
		Eventually(emergencyManagement.robotIDs).Should(Equal([]string{uid + "-ended"}))

		By("the summary reports come in (§6.1): the unit's to the office, the office's upward")
		for _, who := range []string{"unit", "office"} {
			Eventually(func(g Gomega) {
				cur := getResponse(g, resp)
				r := &v1alpha1.SubmittedReport{SubmittedAt: metav1.NewTime(fakeClock.Now()), Document: "GZ-" + who}
				if who == "unit" {
					cur.Spec.SummaryReports.Unit = r
				} else {
					cur.Spec.SummaryReports.Office = r
				}
				g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
			}).Should(Succeed())
		}
		want := []string{uid + "-started", uid + "-situation-workgroups", uid + "-escalated", uid + "-ended", uid + "-summary-office"}
		Eventually(ministry.ids).Should(ConsistOf(want))
		Eventually(leading.robotIDs).Should(ConsistOf(want))
		Eventually(officeDesk.ids).Should(Equal([]string{uid + "-summary-unit"}))
		Eventually(func(g Gomega) string { return reported(g, resp).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))

		By("each exactly once, and the incident's own reports too")
		Consistently(func(g Gomega) {
			g.Expect(ministry.ids()).To(ConsistOf(want))
			g.Expect(leading.robotIDs()).To(ConsistOf(want))
			g.Expect(emergencyManagement.robotIDs()).To(Equal([]string{uid + "-ended"}))
			g.Expect(officeDesk.ids()).To(Equal([]string{uid + "-summary-unit"}))
		}, 2*time.Second).Should(Succeed())
		Expect(unitDesk.ids()).To(ConsistOf(string(inc.UID)+"-reported", string(inc.UID)+"-levelchanged-iv-iii-1",
			string(inc.UID)+"-deadlinemissed-fullform", string(inc.UID)+"-levelchanged-iii-ii-1"))
	})

	It("says so on the source when an office has no channel, and catches up when one is set up", func() {
		other := newNamespace()
		late := builder.Incident("no-desk", other).Records(200_000).Obj()
		Expect(k8s.Create(ctx, late)).To(Succeed())
		Eventually(func(g Gomega) metav1.Condition { return reported(g, late) }).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.NotificationNoChannelReason),
			HaveField("Message", ContainSubstring("no Ready channel for Office"))))
		desk := newReceiver(0)
		newChannel(other, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, desk.URL, 2)
		Eventually(desk.ids).Should(Equal([]string{string(late.UID) + "-reported"}))
		Eventually(func(g Gomega) string { return reported(g, late).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))
	})
})
