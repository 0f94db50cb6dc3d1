package admission

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Attempts to step out of a role's lane (config/admission/lanes.yaml),
// stored for real, not dry-run, beside the drill pipeline's and the
// recipient's own paths: the drill pipeline changes nothing real, and a
// recipient confirms and does nothing else.
var _ = Describe("Trust: every role stays in its lane", func() {
	const class = "lanes"
	var unit, office string
	BeforeEach(func() {
		harness.GrantNotificationRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
		// The authorizer sees a new binding a moment later.
		Eventually(func() bool {
			return selfCan(harness.AsUser(unitA), authorizationv1.ResourceAttributes{
				Group: v1alpha1.GroupVersion.Group, Resource: "securityincidents", Verb: "create", Namespace: unit})
		}).Should(BeTrue())
	})

	// ended starts a real level III response as the leading group and ends it.
	ended := func(name string, inc *v1alpha1.SecurityIncident) *v1alpha1.EmergencyResponse {
		GinkgoHelper()
		resp := builder.Response(name, office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIII))
		Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		Expect(mergePatch(harness.AsUser(harness.DutyOfficer), resp, map[string]any{"spec": map[string]any{"endRequested": true}})).To(Succeed())
		Expect(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII})).To(Succeed())
		Eventually(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.EndedTime }).ShouldNot(BeNil())
		return resp
	}
	summary := map[string]any{"spec": map[string]any{"summaryReports": map[string]any{"office": map[string]any{
		"submittedAt": time.Now().UTC().Format(time.RFC3339), "document": "GZ-DRILL-1"}}}}
	label := map[string]any{"metadata": map[string]any{"labels": map[string]any{"example.org/note": "x"}}}
	annotation := map[string]any{"metadata": map[string]any{"annotations": map[string]any{"example.org/note": "x"}}}

	It("keeps the drill pipeline off real records, and lets it run a drill end to end", func() {
		pipeline := harness.AsUser(harness.DrillPipeline)
		inc := builder.Incident("outage", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := ended("real", inc)
		w := harness.NewWarning(office, "yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		harness.ApproveYellow(w)
		Eventually(func(g Gomega) *metav1.Time { return getWarningOf(g, w).Status.PublishedTime }).ShouldNot(BeNil())
		pending := builder.Response("pending", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, pending)).To(Succeed())

		refused(class, harness.DrillPipeline, "request the lift of a real, published warning",
			mergePatch(pipeline, w, map[string]any{"spec": map[string]any{"liftRequested": true}}), "rule lane", "records/real")
		refused(class, harness.DrillPipeline, "record a summary report on a real, ended response",
			mergePatch(pipeline, resp, summary), "rule lane", "real record")
		refused(class, harness.DrillPipeline, "add a label to a real incident", mergePatch(pipeline, inc, label), "rule lane")
		refused(class, harness.DrillPipeline, "annotate a real response", mergePatch(pipeline, resp, annotation), "rule lane")
		refused(class, harness.DrillPipeline, "delete a real response that was never approved", pipeline.Delete(ctx, pending), "rule lane")
		refused(class, harness.DrillPipeline, "file a real incident",
			pipeline.Create(ctx, builder.Incident("forged", unit).Obj()), "rule lane")
		Eventually(func(g Gomega) {
			got := getWarningOf(g, w)
			g.Expect(got.Spec.LiftRequested).To(BeFalse())
			g.Expect(got.Status.LiftedTime).To(BeNil())
			gotResp := harness.GetResponse(g, resp)
			g.Expect(gotResp.Spec.SummaryReports.Office).To(BeNil())
			g.Expect(gotResp.Annotations).NotTo(HaveKey("example.org/note"))
			g.Expect(getIncident(g, inc).Labels).NotTo(HaveKey("example.org/note"))
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pending), &v1alpha1.EmergencyResponse{})).To(Succeed())
		}).Should(Succeed())

		By("the drill itself: set up by the pipeline and the office, approved, ended and reported on by the pipeline")
		drillInc := builder.Incident("drill-leak", unit).Drill().Records(1_500_000).Obj()
		allowed(class, harness.DrillPipeline, "file a drill incident", pipeline.Create(ctx, drillInc))
		drill := builder.Response("drill", office, drillInc).Drill().Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, drill)).To(Succeed())
		refused(class, harness.DrillPipeline, "turn a drill response into a real one",
			mergePatch(pipeline, drill, map[string]any{"spec": map[string]any{"drill": false}}), "drill cannot be changed")
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, drill).Status.Level }).Should(Equal(v1alpha1.LevelIII))
		allowed(class, harness.DrillPipeline, "approve a drill response",
			harness.Approve(pipeline, drill, harness.DrillPipeline, v1alpha1.LevelIII))
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, drill).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		allowed(class, harness.DrillPipeline, "request the end of a drill response",
			mergePatch(pipeline, drill, map[string]any{"spec": map[string]any{"endRequested": true}}))
		allowed(class, harness.DrillPipeline, "end a drill response",
			harness.Annotate(pipeline, drill, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.DrillPipeline}))
		Eventually(func(g Gomega) *metav1.Time { return harness.GetResponse(g, drill).Status.EndedTime }).ShouldNot(BeNil())
		allowed(class, harness.DrillPipeline, "record the summary report of a drill", mergePatch(pipeline, drill, summary))
		Eventually(func(g Gomega) *v1alpha1.ReceivedReports {
			return harness.GetResponse(g, drill).Status.SummaryReportsReceived
		}).ShouldNot(BeNil())
		allowed(class, harness.DrillPipeline, "delete the drill response", pipeline.Delete(ctx, drill))
		allowed(class, harness.DrillPipeline, "delete the drill incident", pipeline.Delete(ctx, drillInc))
	})

	It("lets a recipient confirm a report and change nothing else on it", func() {
		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := ended("confirmed", inc)
		var report *v1alpha1.Notification // written once the start is on record
		Eventually(func(g Gomega) { report = harness.ReportOf(g, resp, "started") }).Should(Succeed())
		recipient := harness.AsUser(harness.MinistryDuty)

		refused(class, harness.MinistryDuty, "add a label to a report", mergePatch(recipient, report, label), "rule lane", "label example.org/note")
		refused(class, harness.MinistryDuty, "annotate a report", mergePatch(recipient, report, annotation), "rule lane", "annotation example.org/note")
		refused(class, harness.MinistryDuty, "change what a report says",
			mergePatch(recipient, report, map[string]any{"spec": map[string]any{"message": map[string]any{"en": "Nothing happened"}}}),
			"the record of what was reported")
		refused(class, harness.PressOfficer, "annotate a report as the release approver", mergePatch(harness.AsUser(harness.PressOfficer), report, annotation), "rule lane")
		refused(class, unitA, "annotate a report as a reporting unit", mergePatch(harness.AsUser(unitA), report, annotation), "forbidden")
		refused(class, harness.OtherOfficer, "annotate a report as the office", mergePatch(harness.AsUser(harness.OtherOfficer), report, annotation), "forbidden")
		refused(class, "cluster-admin", "label a report", mergePatch(k8s, report, label), "rule lane")
		allowed(class, harness.MinistryDuty, "confirm a report",
			harness.AnnotateNotification(recipient, report, map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty}))
		Eventually(func(g Gomega) {
			got := harness.ReportOf(g, resp, "started")
			g.Expect(got.Status.ConfirmedBy).To(Equal(harness.MinistryDuty))
			g.Expect(got.Labels).NotTo(HaveKey("example.org/note"))
			g.Expect(got.Annotations).NotTo(HaveKey("example.org/note"))
			g.Expect(got.Spec.Message.EN).NotTo(Equal("Nothing happened"))
		}).Should(Succeed())
	})
})
