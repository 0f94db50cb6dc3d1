package responses

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

func workGroups(g Gomega, resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroup {
	list := &v1alpha1.WorkGroupList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(resp.Namespace))).To(Succeed())
	return list.Items
}

var _ = Describe("EmergencyResponse approval", func() {
	var unit, office string
	BeforeEach(func() {
		harness.GrantRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
	})

	// newResponse creates, as the duty officer, a response to a fresh incident.
	newResponse := func(inc *v1alpha1.SecurityIncident, edit func(*builder.ResponseBuilder)) *v1alpha1.EmergencyResponse {
		GinkgoHelper()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		b := builder.Response("resp", office, inc)
		if edit != nil {
			edit(b)
		}
		resp := b.Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Expect(resp.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationCreatedBy, harness.DutyOfficer))
		return resp
	}
	leakIII := func() *v1alpha1.SecurityIncident { return builder.Incident("leak", unit).Records(1_500_000).Obj() }

	It("holds a response until it is approved: no work groups, no measures", func() {
		resp := newResponse(leakIII(), func(b *builder.ResponseBuilder) {
			b.Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.LevelIII))
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval))
			c := harness.ResponseCondition(got, v1alpha1.ResponseApprovedCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseAwaitingApprovalReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, resp) }).Should(ContainElement("Normal/AwaitingApproval"))
		Consistently(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.StartedTime).To(BeNil())
			g.Expect(got.Status.MeasuresInForce).To(BeEmpty())
			g.Expect(workGroups(g, resp)).To(BeEmpty())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("starts on an entitled approval and sets up the five work groups, owned by the response", func() {
		// Its start is reported to the ministry and the leading group; the
		// incident's report to the office: none is stuck, so it is Ready.
		harness.ReachOffice(v1alpha1.AudienceOffice, v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup)
		inc := leakIII()
		resp := newResponse(inc, func(b *builder.ResponseBuilder) { b.Measures(v1alpha1.MeasureAffectedUserNotification) })
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseAwaitingApproval))

		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			g.Expect(got.Status.Approval).NotTo(BeNil())
			g.Expect(got.Status.Approval.ApprovedBy).To(Equal(harness.ApproverIII))
			g.Expect(got.Status.CommandedBy).To(Equal("Office"))
			g.Expect(got.Status.MeasuresInForce).To(ConsistOf(v1alpha1.MeasureAffectedUserNotification))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseWorkGroupsReadyCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
			wgs := workGroups(g, resp)
			g.Expect(wgs).To(HaveLen(5))
			var names []string
			for _, wg := range wgs {
				names = append(names, wg.Name)
				g.Expect(metav1.IsControlledBy(&wg, got)).To(BeTrue(), wg.Name)
			}
			g.Expect(names).To(ConsistOf("resp-recovery", "resp-attack-tracing", "resp-impact-assessment",
				"resp-information-release", "resp-cross-department-coordination"))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, resp) }).Should(ContainElements("Normal/Started", "Normal/WorkGroupCreated"))
		started := func(g Gomega) (n int) {
			for _, r := range harness.EventReasons(g, resp) {
				if r == "Normal/Started" {
					n++
				}
			}
			return n
		}
		Consistently(started, time.Second).Should(Equal(1), "a stale read must not start the response twice")

		By("the incident shows the response and its timeline")
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.Response).NotTo(BeNil())
			g.Expect(got.Status.Response.Name).To(Equal("resp"))
			g.Expect(got.Status.Response.Phase).To(Equal(v1alpha1.ResponseActive))
			tl := got.Status.Timeline
			g.Expect(tl.ReportedTime).NotTo(BeNil())
			g.Expect(tl.ClassifiedTime).NotTo(BeNil())
			g.Expect(tl.ApprovedTime).NotTo(BeNil())
			g.Expect(tl.StartedTime).NotTo(BeNil())
			g.Expect(tl.WorkGroupsReadyTime).NotTo(BeNil())
		}).Should(Succeed())

		By("a deleted work group comes back")
		Expect(k8s.Delete(ctx, &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: "resp-recovery", Namespace: office}})).To(Succeed())
		Eventually(func(g Gomega) types.UID {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "resp-recovery"}, wg)).To(Succeed())
			g.Expect(wg.DeletionTimestamp).To(BeNil())
			return wg.UID
		}).ShouldNot(BeEmpty())

		By("a work group no longer asked for is removed")
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.WorkGroups = []v1alpha1.WorkGroupType{v1alpha1.WorkGroupRecovery, v1alpha1.WorkGroupImpactAssessment}
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) []string {
			var names []string
			for _, wg := range workGroups(g, resp) {
				if wg.DeletionTimestamp == nil {
					names = append(names, wg.Name)
				}
			}
			return names
		}).Should(ConsistOf("resp-recovery", "resp-impact-assessment"))
	})

	It("keeps the units' progress reports on the work group, append-only", func() {
		resp := newResponse(leakIII(), func(b *builder.ResponseBuilder) {
			b.WorkGroups(v1alpha1.WorkGroupRecovery).Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		key := client.ObjectKey{Namespace: office, Name: "resp-recovery"}
		report := v1alpha1.ProgressReport{Time: metav1.NewTime(time.Now().Truncate(time.Second)), Unit: "Guizhou Example Telecom",
			Measures: "Bucket closed; credentials rotated.", Effect: "No further access.", NextSteps: "Notify users.", Suggestions: "None."}
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, key, wg)).To(Succeed())
			wg.Spec.Lead = "Zhou Lin"
			wg.Spec.Reports = append(wg.Spec.Reports, report)
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, wg)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, key, wg)).To(Succeed())
			g.Expect(wg.Status.ReportCount).To(Equal(int32(1)))
			g.Expect(wg.Spec.Reports[0].ReportedBy).To(Equal(harness.DutyOfficer), "the API server records who added the report")
			g.Expect(harness.ConditionOf(wg.Status.Conditions, v1alpha1.WorkGroupStaffedCondition).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())

		wg := &v1alpha1.WorkGroup{}
		Expect(k8s.Get(ctx, key, wg)).To(Succeed())
		wg.Spec.Reports[0].Effect = "Rewritten afterwards."
		harness.RefusedWith(harness.AsUser(harness.DutyOfficer).Update(ctx, wg), "spec.reports", "append-only")

		By("a second report signed with someone else's name is stamped with its writer's")
		Expect(k8s.Get(ctx, key, wg)).To(Succeed())
		forged := report
		forged.Measures, forged.ReportedBy = "Second report.", "another-unit"
		wg.Spec.Reports = append(wg.Spec.Reports, forged)
		Expect(harness.AsUser(harness.OtherOfficer).Update(ctx, wg)).To(Succeed())
		Expect(k8s.Get(ctx, key, wg)).To(Succeed())
		Expect(wg.Spec.Reports).To(HaveLen(2))
		Expect(wg.Spec.Reports[0].ReportedBy).To(Equal(harness.DutyOfficer), "the first report keeps its writer")
		Expect(wg.Spec.Reports[1].ReportedBy).To(Equal(harness.OtherOfficer))
	})

	It("refuses an approval from a user without the right, naming the rule", func() {
		resp := newResponse(leakIII(), nil)
		harness.RefusedWith(harness.Approve(harness.AsUser(harness.OtherOfficer), resp, harness.OtherOfficer, v1alpha1.LevelIII),
			"rule entitled", harness.OtherOfficer, "levels/iii")
		Consistently(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.StartedTime }, 2*time.Second).Should(BeNil())
	})

	It("refuses self-approval, and an approval in someone else's name", func() {
		Expect(k8s.Create(ctx, leakIII())).To(Succeed())
		own := builder.Response("own", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		Expect(harness.AsUser(harness.ApproverIII).Create(ctx, own)).To(Succeed())
		harness.RefusedWith(harness.Approve(harness.AsUser(harness.ApproverIII), own, harness.ApproverIII, v1alpha1.LevelIII), "rule four-eyes")

		resp := builder.Response("other", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		harness.RefusedWith(harness.Approve(harness.AsUser(harness.ApproverIII), resp, "someone-else", v1alpha1.LevelIII), "rule own-name")

		By("nor can a creator claim to be someone else")
		forged := builder.Response("forged", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		forged.Annotations = map[string]string{v1alpha1.AnnotationCreatedBy: "nobody"}
		Expect(harness.AsUser(harness.ApproverIII).Create(ctx, forged)).To(Succeed())
		Expect(forged.Annotations[v1alpha1.AnnotationCreatedBy]).To(Equal(harness.ApproverIII))
	})

	It("refuses to change or remove an approval once given, even to a cluster administrator", func() {
		resp := newResponse(leakIII(), nil)
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		harness.RefusedWith(harness.Annotate(k8s, resp, map[string]any{v1alpha1.AnnotationApprovedBy: "admin"}), "rule immutable", v1alpha1.AnnotationApprovedBy)
		harness.RefusedWith(harness.Annotate(k8s, resp, map[string]any{v1alpha1.AnnotationApprovedBy: nil}), "rule immutable", v1alpha1.AnnotationApprovedBy)
		harness.RefusedWith(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationApprovedLevel: "IV"}), "rule immutable", v1alpha1.AnnotationApprovedLevel)
		Expect(harness.GetResponse(Default, resp).Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationApprovedBy, harness.ApproverIII))

		By("and the approved response's incidents stay as they were")
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.IncidentRefs = append(cur.Spec.IncidentRefs, v1alpha1.IncidentRef{Namespace: unit, Name: "another"})
			err := harness.AsUser(harness.DutyOfficer).Update(ctx, cur)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			harness.RefusedWith(err, "rule frozen")
		}).Should(Succeed())
	})

	It("lets only the ministry leading group start a level I response, and its office end it (§5.3, §5.5)", func() {
		resp := newResponse(builder.Incident("cn", unit).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDNSAnomaly}
			i.Spec.Impact = v1alpha1.Impact{DNS: &v1alpha1.DNSImpact{System: v1alpha1.DNSCNTopLevel, State: v1alpha1.DNSUnreachable}}
		}).Obj(), nil)
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelI))
		directive := map[string]any{v1alpha1.AnnotationDirective: "MIIT-2026-001", v1alpha1.AnnotationApprovedLevel: "I"}

		harness.RefusedWith(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, directive), "rule entitled", "levels/i")
		harness.RefusedWith(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelI), "rule level")

		harness.RefusedWith(harness.Annotate(harness.AsUser(harness.MinistryUser), resp, directive), "rule entitled", "levels/i")
		Expect(harness.Annotate(harness.AsUser(harness.MinistryLeader), resp, directive)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			g.Expect(got.Status.Approval.Directive).To(Equal("MIIT-2026-001"))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseApprovedCondition).Reason).To(Equal(v1alpha1.ResponseDirectedReason))
		}).Should(Succeed())
		By("it runs under the ministry's leading group, and the office sets up no work groups of its own (§5.3)")
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.CommandedBy).To(Equal("MinistryLeadingGroup"))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseWorkGroupsReadyCondition).Reason).To(Equal(v1alpha1.ResponseCommandedByMinistryReason))
			g.Expect(got.Status.WorkGroups).To(BeEmpty())
		}).Should(Succeed())
		Consistently(func(g Gomega) []v1alpha1.WorkGroup {
			list := &v1alpha1.WorkGroupList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(resp.Namespace), client.MatchingLabels{v1alpha1.LabelResponse: resp.Name})).To(Succeed())
			return list.Items
		}, time.Second).Should(BeEmpty())
	})

	It("lets the drill pipeline approve a drill and never a real response", func() {
		drillInc := builder.Incident("drill-leak", unit).Drill().Records(1_500_000).Obj()
		drill := newResponse(drillInc, func(b *builder.ResponseBuilder) {
			b.Drill().Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), drill, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, drill).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))

		realInc := builder.Incident("real-leak", unit).Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, realInc)).To(Succeed())
		real := builder.Response("real", office, realInc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, real)).To(Succeed())
		// Refused twice, each on its own: drills/iii does not cover a real
		// response (rule entitled), and the pipeline writes no real record
		// (rule lane); the API server names the first policy it evaluated.
		drillApproval := harness.Approve(harness.AsUser(harness.DrillPipeline), real, harness.DrillPipeline, v1alpha1.LevelIII)
		harness.RefusedWith(drillApproval)
		Expect(drillApproval).To(MatchError(MatchRegexp(`rule entitled: .*levels/iii|rule lane`)))

		By("and a drill response that covers a real incident does not start")
		mixed := builder.Response("mixed", office, realInc).Drill().Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, mixed)).To(Succeed())
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), mixed, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) string {
			return harness.ResponseCondition(harness.GetResponse(g, mixed), v1alpha1.ResponseApprovedCondition).Reason
		}).Should(Equal(v1alpha1.ResponseDrillMismatchReason))
		Consistently(func(g Gomega) []v1alpha1.WorkGroup {
			list := &v1alpha1.WorkGroupList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(office), client.MatchingLabels{v1alpha1.LabelResponse: "mixed"})).To(Succeed())
			return list.Items
		}, 2*time.Second).Should(BeEmpty())
	})

	It("refuses an approval for another level, naming the level to write, so that no typo locks the record", func() {
		resp := newResponse(leakIII(), nil)
		harness.RefusedWith(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIV), "rule level", "approved-level=III")
		Consistently(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.StartedTime }, time.Second).Should(BeNil())
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	})

	It("asks for affected-user notification in a response to a data leak", func() {
		resp := newResponse(leakIII(), nil)
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			c := harness.ResponseCondition(got, v1alpha1.ResponseMeasuresCompleteCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseUserNotificationMissing))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.Measures = []v1alpha1.Measure{v1alpha1.MeasureAffectedUserNotification}
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) metav1.ConditionStatus {
			return harness.ResponseCondition(harness.GetResponse(g, resp), v1alpha1.ResponseMeasuresCompleteCondition).Status
		}).Should(Equal(metav1.ConditionTrue))
	})
})

var _ = Describe("EmergencyResponse end and summary reports", Ordered, func() {
	var unit, office string
	var resp *v1alpha1.EmergencyResponse
	BeforeAll(func() {
		harness.GrantRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp = builder.Response("zunyi", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIV))
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIV)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	})

	It("shows the unit's own progress reports on the response and the work group, and its acknowledgement of the IV response", func() {
		ref := v1alpha1.ObjectRef{Namespace: office, Name: resp.Name}
		By("the response asks the unit for its duty until it acknowledges")
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Unacknowledged).To(Equal(int32(1)))
			g.Expect(got.Status.Acknowledgements).To(ConsistOf(HaveField("Namespace", unit)))
		}).Should(Succeed())
		Expect(k8s.Create(ctx, builder.Acknowledgement("duty", unit, ref, false))).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Unacknowledged).To(BeZero())
			g.Expect(got.Status.Acknowledgements).To(ConsistOf(And(HaveField("Report", "duty"), HaveField("Duty", "Li Lei +86 851 8888 0001"))))
		}).Should(Succeed())

		By("a progress report for the recovery group, and one from a namespace the response does not cover")
		p := builder.Progress("progress-1", unit, resp)
		p.Spec.Progress.WorkGroup = v1alpha1.WorkGroupRecovery
		Expect(k8s.Create(ctx, p)).To(Succeed())
		stranger := harness.NewNamespace()
		Expect(k8s.Create(ctx, builder.Progress("progress-x", stranger, resp))).To(Succeed())
		Eventually(func(g Gomega) int32 { return harness.GetResponse(g, resp).Status.ProgressReports }).Should(Equal(int32(1)))
		Expect(harness.GetResponse(Default, resp).Status.Progress).To(ConsistOf(And(HaveField("Report", "progress-1"), HaveField("Measures", "Blocked the attacking prefixes."))))
		Eventually(func(g Gomega) []string {
			list := &v1alpha1.WorkGroupList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(office), client.MatchingLabels{v1alpha1.LabelResponse: resp.Name})).To(Succeed())
			g.Expect(list.Items).To(HaveLen(1))
			g.Expect(list.Items[0].Status.ReportCount).To(Equal(int32(1)))
			return list.Items[0].Status.UnitReports
		}).Should(Equal([]string{unit + "/progress-1"}))
		Consistently(func(g Gomega) int32 { return harness.GetResponse(g, resp).Status.ProgressReports }, time.Second).Should(Equal(int32(1)))
	})

	It("ends only on the end approval, after the end is requested", func() {
		harness.RefusedWith(harness.Annotate(harness.AsUser(harness.OtherOfficer), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.OtherOfficer}), "rule entitled")
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.EndRequested = true
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) string {
			return harness.ResponseCondition(harness.GetResponse(g, resp), v1alpha1.ResponseEndedCondition).Reason
		}).Should(Equal(v1alpha1.ResponseAwaitingEndApprovalReason))

		Expect(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseEnded))
			g.Expect(got.Status.EndedTime).NotTo(BeNil())
			g.Expect(got.Status.EndApproval.ApprovedBy).To(Equal(harness.ApproverIII))
			g.Expect(got.Status.Deadlines).To(HaveLen(2))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseCalendarCoveredCondition).Reason).To(Equal(v1alpha1.ResponseCalendarNotFoundReason))
		}).Should(Succeed())
	})

	It("keeps an ended response's record", func() {
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.WorkGroups = append(cur.Spec.WorkGroups, v1alpha1.WorkGroupAttackTracing)
			err := harness.AsUser(harness.DutyOfficer).Update(ctx, cur)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			harness.RefusedWith(err, "rule frozen")
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "zunyi-recovery"}, wg)).To(Succeed())
			g.Expect(wg.Labels).To(HaveKeyWithValue(v1alpha1.LabelResponseEnded, "true"))
			wg.Spec.Lead = "late edit"
			err := harness.AsUser(harness.DutyOfficer).Update(ctx, wg)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			harness.RefusedWith(err, "rule frozen")
		}).Should(Succeed())
	})

	It("counts the summary reports in working days, met and missed on the operator's clock", func() {
		By("the 2025 calendar as the default, which does not cover this year")
		cal := &v1alpha1.HolidayCalendar{}
		Expect(harness.LoadYAML(harness.Path("config", "samples", "emergency_v1alpha1_holidaycalendar_2025.yaml"), cal)).To(Succeed())
		Expect(k8s.Create(ctx, cal)).To(Succeed())
		Eventually(func(g Gomega) []int32 {
			got := &v1alpha1.HolidayCalendar{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "default"}, got)).To(Succeed())
			return got.Status.Years
		}).Should(Equal([]int32{2025}))

		var ended time.Time
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			ended = got.Status.EndedTime.Time
			c := harness.ResponseCondition(got, v1alpha1.ResponseCalendarCoveredCondition)
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseCalendarYearMissingReason))
			g.Expect(c.Message).To(ContainSubstring(ended.In(shanghai).Format("2006")))
		}).Should(Succeed())

		unitDue := weekdaysAfter(ended, 10)
		unitDeadline := v1alpha1.DeadlineUnitSummaryReportPrefix + unit
		officeDue := weekdaysAfter(ended, 20)
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, unitDeadline).DueTime.Time).To(BeTemporally("==", unitDue))
			g.Expect(harness.ResponseDeadline(got, v1alpha1.DeadlineOfficeSummaryReport).DueTime.Time).To(BeTemporally("==", officeDue))
			g.Expect(got.Status.NextDeadline.Time).To(BeTemporally("==", unitDue))
		}).Should(Succeed())

		By("the unit's report comes in, from its namespace, on the ninth working day")
		fakeClock.SetTime(unitDue.Add(-36 * time.Hour))
		Expect(k8s.Create(ctx, builder.Summary("summary", unit, resp))).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, unitDeadline).State).To(Equal(v1alpha1.DeadlineMet))
			g.Expect(got.Status.UnitSummaryReports).To(HaveLen(1))
			g.Expect(got.Status.UnitSummaryReports[0].Report).To(Equal("summary"))
			g.Expect(got.Status.UnitSummaryReports[0].ReceivedTime.Time).To(BeTemporally("==", fakeClock.Now().Truncate(time.Second)))
		}).Should(Succeed())

		By("the office's report does not, and its deadline passes at its time")
		fakeClock.SetTime(officeDue.Add(-time.Second))
		Consistently(func(g Gomega) v1alpha1.DeadlineState {
			return harness.ResponseDeadline(harness.GetResponse(g, resp), v1alpha1.DeadlineOfficeSummaryReport).State
		}, 2*time.Second).Should(Equal(v1alpha1.DeadlinePending))
		fakeClock.SetTime(officeDue)
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, v1alpha1.DeadlineOfficeSummaryReport).State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseDeadlinesMetCondition).Reason).To(Equal(v1alpha1.ResponseReportMissedReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, resp) }).Should(ContainElement("Warning/ReportDeadlineMissed"))
	})
})

// weekdaysAfter is the end of the n-th weekday after t's day in Shanghai:
// the deadline for a year with no official schedule. Counted here by hand,
// independently of internal/plan/workday.
func weekdaysAfter(t time.Time, n int) time.Time {
	y, m, d := t.In(shanghai).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, shanghai)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day.AddDate(0, 0, 1)
}

var _ = Describe("EmergencyResponse: one command per incident (§5.3)", Ordered, func() {
	var unit, office string
	var inc *v1alpha1.SecurityIncident
	var first *v1alpha1.EmergencyResponse
	BeforeAll(func() {
		harness.GrantRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
		inc = builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		first = builder.Response("first", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, first)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, first).Status.Level }).Should(Equal(v1alpha1.LevelIV))
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), first, harness.ApproverIII, v1alpha1.LevelIV)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, first).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	})

	It("does not start a second response at the same level over the same incident, though approved", func() {
		second := builder.Response("second", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, second)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, second).Status.Level }).Should(Equal(v1alpha1.LevelIV))
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), second, harness.ApproverIII, v1alpha1.LevelIV)).To(Succeed())
		Eventually(func(g Gomega) metav1.Condition {
			return harness.ResponseCondition(harness.GetResponse(g, second), v1alpha1.ResponseApprovedCondition)
		}).Should(And(HaveField("Reason", v1alpha1.ResponseAnotherCommandsReason), HaveField("Message", ContainSubstring(office+"/first"))))
		Consistently(func(g Gomega) {
			got := harness.GetResponse(g, second)
			g.Expect(got.Status.StartedTime).To(BeNil())
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval))
			g.Expect(workGroups(g, got)).To(HaveLen(1)) // the first's only
		}, 2*time.Second).Should(Succeed())
	})

	It("ends the response a higher level takes over, its work groups marked and named, with no summary reports of its own", func() {
		higher := builder.Response("higher", office, inc).Level(v1alpha1.LevelIII).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, higher)).To(Succeed())
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), higher, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, higher).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, first)
			g.Expect(got.Status.SupersededBy).To(Equal(office + "/higher"))
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseEnded))
			g.Expect(got.Status.MeasuresInForce).To(BeEmpty())
			g.Expect(got.Status.Deadlines).To(BeEmpty())
			ended := harness.ResponseCondition(got, v1alpha1.ResponseEndedCondition)
			g.Expect(ended.Reason).To(Equal(v1alpha1.ResponseSupersededReason))
			g.Expect(ended.Message).To(ContainSubstring("first-recovery"))
			list := &v1alpha1.WorkGroupList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(office), client.MatchingLabels{v1alpha1.LabelResponse: "first"})).To(Succeed())
			g.Expect(list.Items).To(HaveLen(1))
			g.Expect(list.Items[0].Labels).To(HaveKeyWithValue(v1alpha1.LabelResponseEnded, "true"))
		}).Should(Succeed())
	})
})

var _ = Describe("EmergencyResponse over a drill filed where no unit is registered", func() {
	It("owes only the office's summary report: no unit is there to hand one in", func() {
		harness.GrantRoles()
		bare, office := harness.NewBareNamespace(), harness.NewNamespace()
		inc := builder.Incident("exercise", bare).Drill().Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("exercise", office, inc).Drill().WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIV))
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), resp, harness.DrillPipeline, v1alpha1.LevelIV)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		Eventually(func(g Gomega) {
			cur := harness.GetResponse(g, resp)
			cur.Spec.EndRequested = true
			g.Expect(harness.AsUser(harness.DrillPipeline).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Expect(harness.Annotate(harness.AsUser(harness.DrillPipeline), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.DrillPipeline})).To(Succeed())
		Eventually(func(g Gomega) []string {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Acknowledgements).To(BeEmpty())
			g.Expect(got.Status.UnitSummaryReports).To(BeEmpty())
			var names []string
			for _, d := range got.Status.Deadlines {
				names = append(names, d.Name)
			}
			return names
		}).Should(Equal([]string{v1alpha1.DeadlineOfficeSummaryReport}))
	})
})
