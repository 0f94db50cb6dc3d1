package admission

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// The office's answer to a support request is on record: sent only by the
// office (or, for a drill, the drill pipeline), in the name the API server
// stamped, never changed nor deleted.
var _ = Describe("Trust: support dispatches", func() {
	It("are the office's, stamped with their sender, and stay on record", func() {
		const class = "support dispatch"
		harness.GrantRoles()
		unit, office := harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
		masters := whoAmI(k8s)
		inc := builder.Incident("ddos", unit).Records(1_500_000).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.Support = &v1alpha1.Support{Needed: true, Kinds: []v1alpha1.SupportKind{v1alpha1.SupportResponseTeam}}
		}).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		dispatch := func(ns, name string, drill bool) *v1alpha1.SupportDispatch {
			return &v1alpha1.SupportDispatch{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.SupportDispatchSpec{
				Drill: drill, IncidentRef: v1alpha1.ObjectRef{Namespace: unit, Name: inc.Name},
				Kinds:   []v1alpha1.SupportKind{v1alpha1.SupportResponseTeam},
				Experts: []v1alpha1.Contact{{Name: "Wang Fang", Phone: "+86 851 8888 0101"}}}}
		}

		refused(class, unitA, "answer its own support request with a dispatch in its namespace",
			harness.AsUser(unitA).Create(ctx, dispatch(unit, "self-help", false)), "forbidden")
		refused(class, unitA, "write a dispatch in the office's namespace",
			harness.AsUser(unitA).Create(ctx, dispatch(office, "self-help", false)), "forbidden")
		refused(class, harness.DrillPipeline, "send real support",
			harness.AsUser(harness.DrillPipeline).Create(ctx, dispatch(office, "pipeline", false)), "rule lane")
		forged := dispatch(office, "forged", false)
		forged.Annotations = map[string]string{v1alpha1.AnnotationCreatedBy: harness.OtherOfficer}
		allowed(class, harness.DutyOfficer, "send support naming another officer as the sender (the API server stamps the real one)",
			harness.AsUser(harness.DutyOfficer).Create(ctx, forged))
		Expect(forged.Annotations[v1alpha1.AnnotationCreatedBy]).To(Equal(harness.DutyOfficer))

		d := dispatch(office, "ddos-support", false)
		allowed(class, harness.DutyOfficer, "send an expert in answer to the unit's request", harness.AsUser(harness.DutyOfficer).Create(ctx, d))
		refused(class, harness.OtherOfficer, "rewrite who sent it",
			mergePatch(harness.AsUser(harness.OtherOfficer), d, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationCreatedBy: harness.OtherOfficer}}}),
			"rule immutable")
		refused(class, harness.DutyOfficer, "change what was sent",
			mergePatch(harness.AsUser(harness.DutyOfficer), d, map[string]any{"spec": map[string]any{"note": "nobody went"}}), "cannot be changed")
		refused(class, harness.DutyOfficer, "delete the dispatch", harness.AsUser(harness.DutyOfficer).Delete(ctx, d), "rule record")
		refused(class, masters, "delete the dispatch as a cluster administrator", k8s.Delete(ctx, d), "rule record")

		drillInc := builder.Incident("drill-ddos", unit).Drill().Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, drillInc)).To(Succeed())
		drill := dispatch(office, "drill-support", true)
		drill.Spec.IncidentRef.Name = drillInc.Name
		allowed(class, harness.DrillPipeline, "send support in a drill", harness.AsUser(harness.DrillPipeline).Create(ctx, drill))
		allowed(class, harness.DrillPipeline, "clean up the drill's dispatch", harness.AsUser(harness.DrillPipeline).Delete(ctx, drill))
	})
})
