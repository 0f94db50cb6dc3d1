package admission

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// The level of harm no criterion of §3 measures is the office's assessment
// (config/admission/assessments.yaml): a unit describes the harm, the
// office judges its level, in its own name.
var _ = Describe("Trust: the office's assessment of other harm", func() {
	It("is the office's alone, in its own name, on other harm only, and replaced rather than removed", func() {
		const class = "assessment"
		harness.GrantRoles()
		unit := harness.NewNamespace()
		bindUnit(unitA, unit)
		masters := whoAmI(k8s)
		officer, other := harness.AsUser(harness.DutyOfficer), harness.AsUser(harness.OtherOfficer)
		assess := func(l, by string) map[string]any {
			return map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationAssessedLevel: l, v1alpha1.AnnotationAssessedBy: by}}}
		}

		// The builder's incident reports harm of the event type Other only.
		inc := builder.Incident("defacement", unit).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.IncidentLevel { return getIncident(g, inc).Status.Level }).Should(Equal(v1alpha1.BelowThreshold))

		refused(class, unitA, "assess the harm of its own incident",
			mergePatch(harness.AsUser(unitA), inc, assess("II", unitA)), "rule")
		refused(class, unitA, "file an incident with its own assessment already on it",
			harness.AsUser(unitA).Create(ctx, builder.Incident("self-assessed", unit).Edit(func(i *v1alpha1.SecurityIncident) {
				i.Annotations = map[string]string{v1alpha1.AnnotationAssessedLevel: "I", v1alpha1.AnnotationAssessedBy: unitA}
			}).Obj()), "rule")
		refused(class, harness.DutyOfficer, "assess in another officer's name",
			mergePatch(officer, inc, assess("III", harness.OtherOfficer)), "rule own-name")
		refused(class, harness.DutyOfficer, "assess a level that does not exist",
			mergePatch(officer, inc, assess("V", harness.DutyOfficer)), "rule level", "I, II, III or IV")
		refused(class, harness.DutyOfficer, "write the level without who assessed it",
			mergePatch(officer, inc, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationAssessedLevel: "III"}}}),
			"rule together")
		refused(class, masters, "assess as a cluster administrator (a wildcard, not the office)",
			mergePatch(k8s, inc, assess("III", masters)), "rule explicit-grant")
		refused(class, harness.DrillPipeline, "assess a real incident as the drill pipeline",
			mergePatch(harness.AsUser(harness.DrillPipeline), inc, assess("III", harness.DrillPipeline)), "rule")
		refused(class, stranger, "assess with no role at all",
			mergePatch(harness.AsUser(stranger), inc, assess("III", stranger)), "forbidden")

		leak := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, leak)).To(Succeed())
		refused(class, harness.DutyOfficer, "assess an incident that reports no other harm",
			mergePatch(officer, leak, assess("I", harness.DutyOfficer)), "rule other")
		Consistently(func(g Gomega) v1alpha1.IncidentLevel { return getIncident(g, inc).Status.Level }, "1s").Should(Equal(v1alpha1.BelowThreshold))

		allowed(class, harness.DutyOfficer, "assess the other harm at level III, in its own name",
			mergePatch(officer, inc, assess("III", harness.DutyOfficer)))
		Eventually(func(g Gomega) {
			got := getIncident(g, inc)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.IncidentLevel(v1alpha1.LevelIII)))
			g.Expect(got.Status.LevelReasons).To(ConsistOf(ContainSubstring("assessed by the office (" + harness.DutyOfficer + ") as level III")))
		}).Should(Succeed())

		refused(class, unitA, "remove the office's assessment from its incident",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationAssessedLevel: nil, v1alpha1.AnnotationAssessedBy: nil}}}), "rule together", "cannot be removed")
		allowed(class, unitA, "correct its incident's description, the assessment staying",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{"spec": map[string]any{"impact": map[string]any{"other": map[string]any{"description": "defacement of 40 county portals"}}}}))
		refused(class, harness.DutyOfficer, "change the description of the unit's harm while assessing",
			mergePatch(officer, inc, map[string]any{"spec": map[string]any{"impact": map[string]any{"other": map[string]any{"description": "minor"}}}}), "rule lane")

		allowed(class, harness.OtherOfficer, "assess it again, at level II, in its own name",
			mergePatch(other, inc, assess("II", harness.OtherOfficer)))
		Eventually(func(g Gomega) {
			got := getIncident(g, inc)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.IncidentLevel(v1alpha1.LevelII)))
			g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationAssessedBy, harness.OtherOfficer))
			var steps []v1alpha1.IncidentLevel
			for _, c := range got.Status.LevelHistory {
				steps = append(steps, c.To)
			}
			g.Expect(steps).To(Equal([]v1alpha1.IncidentLevel{v1alpha1.BelowThreshold, v1alpha1.IncidentLevel(v1alpha1.LevelIII), v1alpha1.IncidentLevel(v1alpha1.LevelII)}))
		}).Should(Succeed())
	})
})
