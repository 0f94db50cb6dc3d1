package reports

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("Reports of incidents and responses", Ordered, func() {
	var (
		unit, office                   string
		unitDesk, officeDesk, ministry *harness.Receiver
		leading, emergencyManagement   *harness.Receiver
		inc                            *v1alpha1.SecurityIncident
		resp                           *v1alpha1.EmergencyResponse
	)
	BeforeAll(func() {
		harness.GrantNotificationRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
		unitDesk, officeDesk, ministry, leading, emergencyManagement = harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0), harness.NewReceiver(0)
		harness.NewChannel(unit, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, unitDesk.URL, 2)
		harness.NewChannel(office, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, officeDesk.URL, 2)
		harness.NewChannel(office, "ministry", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceMinistryOffice, ministry.URL, 2)
		harness.NewChannel(office, "leading-group", v1alpha1.ChannelWeCom, v1alpha1.AudienceLeadingGroup, leading.URL+"/cgi-bin/webhook/send?key=k", 2)
		harness.NewChannel(office, "emergency-management", v1alpha1.ChannelDingTalk, v1alpha1.AudienceEmergencyManagement, emergencyManagement.URL+"/robot/send?access_token=t", 2)
	})
	getIncident := func(g Gomega) *v1alpha1.SecurityIncident { return harness.Get(g, inc) }
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
			return harness.ConditionOf(harness.Get(g, o).Status.Conditions, v1alpha1.ConditionReportedUpward)
		case *v1alpha1.EmergencyResponse:
			return harness.ConditionOf(harness.GetResponse(g, o).Status.Conditions, v1alpha1.ConditionReportedUpward)
		}
		return metav1.Condition{}
	}

	It("tells the office of an incident, of each change of its level and of a missed deadline, once each", func() {
		discovered := fakeClock.Now()
		inc = builder.Incident("leak", unit).QuickNotice().Discovered(discovered).Records(200_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		uid := string(inc.UID)
		Eventually(unitDesk.IDs).Should(Equal([]string{uid + "-reported"}))
		Eventually(func(g Gomega) string { return reported(g, inc).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))

		By("its level rises from IV to III")
		records(2_000_000)
		Eventually(unitDesk.IDs).Should(Equal([]string{uid + "-reported", uid + "-levelchanged-iv-iii-1"}))

		By("the full form is not in by midnight")
		y, m, d := discovered.In(shanghai).Date()
		fakeClock.SetTime(time.Date(y, m, d+1, 0, 0, 0, 0, shanghai))
		Eventually(unitDesk.IDs).Should(Equal([]string{uid + "-reported", uid + "-levelchanged-iv-iii-1", uid + "-deadlinemissed-fullform"}))
		Consistently(unitDesk.IDs, 2*time.Second).Should(HaveLen(3))
		n := harness.ReportOf(Default, inc, "deadlinemissed-fullform")
		Expect(n.Spec.Event).To(Equal(v1alpha1.EventDeadlineMissed))
		Expect(n.Spec.Message.ZH).To(ContainSubstring("【报送超时】" + unit + "/leak：报送表补报（事发当日）未按时完成"))
	})

	It("tells the ministry office and the leading group of a response's start, situation, escalation and end; emergency management of the end", func() {
		resp = builder.Response("leak-response", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIII))
		uid := string(resp.UID)
		By("waiting for its decision, it tells the leading group, whose decision it is (§5.3)")
		Eventually(leading.RobotIDs).Should(ConsistOf(uid + "-awaitingdecision-iii"))
		Expect(leading.Texts()).To(ContainElement(ContainSubstring("【应急响应待决定】" + office + "/leak-response：较大（III级）响应待局网安领导小组决定")))
		Eventually(func(g Gomega) string { return reported(g, resp).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))
		Expect(ministry.IDs()).To(BeEmpty())
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		By("started, with its work group set up: the start and the situation (§5.3, §5.4)")
		Eventually(ministry.IDs).Should(ConsistOf(uid+"-started", uid+"-situation-workgroups"))
		Eventually(leading.RobotIDs).Should(ConsistOf(uid+"-awaitingdecision-iii", uid+"-started", uid+"-situation-workgroups"))
		Expect(leading.Texts()).To(ContainElement(HavePrefix("【应急响应启动】较大（III级）事件应急响应已启动")))

		By("the office asks the ministry for support beyond the province: the ministry's office alone is asked, once (§5.4, §5.5)")
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.SupportRequests = []v1alpha1.SupportRequest{{Name: "scrubbing", Kinds: []v1alpha1.SupportKind{v1alpha1.SupportEquipment},
				What: "Upstream scrubbing of the attack traffic from outside the province"}}
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(ministry.IDs).Should(ConsistOf(uid+"-started", uid+"-situation-workgroups", uid+"-supportrequest-scrubbing"))
		Expect(harness.ReportOf(Default, resp, "supportrequest-scrubbing").Spec.Message.ZH).To(ContainSubstring("【请求支援】"))
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.SupportRequests[0].What = "never mind"
			harness.RefusedIn(g, harness.AsUser(harness.DutyOfficer).Update(ctx, cur), "a support request is on record")
		}).Should(Succeed())

		By("its incident rises above the level it was started for: the incident itself is reported upward at once (§2.2, §5.4)")
		records(20_000_000)
		Eventually(ministry.IDs).Should(ContainElement(uid + "-escalated"))
		Eventually(func(g Gomega) []v1alpha1.Audience {
			n := harness.ReportOf(g, inc, "reportedupward-ii")
			g.Expect(n.Spec.Event).To(Equal(v1alpha1.EventIncidentReportedUpward))
			g.Expect(n.Spec.Message.ZH).To(ContainSubstring("【网络安全突发事件上报】重大（II级）事件"))
			return n.Spec.Audiences
		}).Should(Equal([]v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup}))

		By("it ends")
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.EndRequested = true
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Expect(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII})).To(Succeed())
		Eventually(emergencyManagement.RobotIDs).Should(Equal([]string{uid + "-ended"}))

		By("the summary reports come in (§6.1): the unit's, from its namespace, to the office; the office's upward")
		Expect(k8s.Create(ctx, builder.Summary("summary", unit, resp))).To(Succeed())
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.SummaryReports.Office = &v1alpha1.SubmittedReport{SubmittedAt: metav1.NewTime(fakeClock.Now()), Document: "GZ-office"}
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		wantLeading := []string{uid + "-awaitingdecision-iii", uid + "-started", uid + "-situation-workgroups", uid + "-escalated", uid + "-ended", uid + "-summary-office"}
		want := []string{uid + "-started", uid + "-situation-workgroups", uid + "-supportrequest-scrubbing", uid + "-escalated", uid + "-ended", uid + "-summary-office"}
		Eventually(ministry.IDs).Should(ConsistOf(want))
		Eventually(leading.RobotIDs).Should(ConsistOf(wantLeading))
		Eventually(officeDesk.IDs).Should(Equal([]string{uid + "-summary-unit-" + unit}))
		Eventually(func(g Gomega) string { return reported(g, resp).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))

		By("each exactly once, and the incident's own reports too")
		Consistently(func(g Gomega) {
			g.Expect(ministry.IDs()).To(ConsistOf(want))
			g.Expect(leading.RobotIDs()).To(ConsistOf(wantLeading))
			g.Expect(emergencyManagement.RobotIDs()).To(Equal([]string{uid + "-ended"}))
			g.Expect(officeDesk.IDs()).To(Equal([]string{uid + "-summary-unit-" + unit}))
		}, 2*time.Second).Should(Succeed())
		Expect(unitDesk.IDs()).To(ConsistOf(string(inc.UID)+"-reported", string(inc.UID)+"-levelchanged-iv-iii-1",
			string(inc.UID)+"-deadlinemissed-fullform", string(inc.UID)+"-levelchanged-iii-ii-1"))
	})

	It("says so on the source when an office has no channel, and catches up when one is set up", func() {
		other := harness.NewNamespace()
		late := builder.Incident("no-desk", other).Records(200_000).Obj()
		Expect(k8s.Create(ctx, late)).To(Succeed())
		Eventually(func(g Gomega) metav1.Condition { return reported(g, late) }).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.NotificationNoChannelReason),
			HaveField("Message", ContainSubstring("no Ready channel for Office"))))
		desk := harness.NewReceiver(0)
		harness.NewChannel(other, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, desk.URL, 2)
		Eventually(desk.IDs).Should(Equal([]string{string(late.UID) + "-reported"}))
		Eventually(func(g Gomega) string { return reported(g, late).Reason }).Should(Equal(v1alpha1.ReportedUpwardReason))
	})
})
