package units

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

func getIncident(g Gomega, inc *v1alpha1.SecurityIncident) *v1alpha1.SecurityIncident {
	out := &v1alpha1.SecurityIncident{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(inc), out)).To(Succeed())
	return out
}

func getDispatch(g Gomega, d *v1alpha1.SupportDispatch) *v1alpha1.SupportDispatch {
	out := &v1alpha1.SupportDispatch{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(d), out)).To(Succeed())
	return out
}

// dispatch is the office's answer to inc's request for support: one expert,
// and helpers ordered to help.
func dispatch(name string, inc *v1alpha1.SecurityIncident, helpers ...string) *v1alpha1.SupportDispatch {
	d := &v1alpha1.SupportDispatch{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: office}, Spec: v1alpha1.SupportDispatchSpec{
		Drill:       inc.Spec.Drill,
		IncidentRef: v1alpha1.ObjectRef{Namespace: inc.Namespace, Name: inc.Name},
		Kinds:       []v1alpha1.SupportKind{v1alpha1.SupportExpertConsultation, v1alpha1.SupportResponseTeam},
		Experts:     []v1alpha1.Contact{{Name: "Wang Fang", Phone: "+86 851 8888 0101"}},
		Note:        "On site by 16:00.",
	}}
	for _, ns := range helpers {
		d.Spec.Units = append(d.Spec.Units, v1alpha1.DispatchedUnit{Namespace: ns, Task: "Trace the attack sources with two engineers."})
	}
	return d
}

func dispatchAck(d *v1alpha1.SupportDispatch) v1alpha1.UnitReportSpec {
	return v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportAcknowledgement, Drill: d.Spec.Drill,
		DispatchRef:     &v1alpha1.ObjectRef{Namespace: d.Namespace, Name: d.Name},
		Acknowledgement: &v1alpha1.AcknowledgementDetails{Duty: v1alpha1.Contact{Name: "Li Lei", Phone: "+86 851 8888 0001"}, Measures: "Two engineers leave now."}}
}

var _ = Describe("Support requests (§5.2)", func() {
	It("answers a unit's request for support on record: what was sent, by whom, and each ordered unit's acknowledgement", func() {
		harness.GrantRoles()
		requester, helper, bystander := newUnit(), newUnit(), newUnit()
		inc := newIncident(builder.Incident("ddos", requester).Records(1_500_000).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.Support = &v1alpha1.Support{Needed: true, Kinds: []v1alpha1.SupportKind{v1alpha1.SupportExpertConsultation, v1alpha1.SupportResponseTeam}}
		}))

		By("the request waits for the office's answer")
		Eventually(func(g Gomega) metav1.Condition {
			return harness.ConditionOf(getIncident(g, inc).Status.Conditions, v1alpha1.IncidentSupportAnsweredCondition)
		}).Should(And(HaveField("Status", metav1.ConditionFalse), HaveField("Reason", v1alpha1.IncidentSupportAwaitedReason)))

		By("the duty officer sends an expert and orders another unit to help")
		d := dispatch("ddos-support", inc, helper)
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, d)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getDispatch(g, d)
			g.Expect(got.Status.DispatchedBy).To(Equal(harness.DutyOfficer))
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.DispatchReadyReason))
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.DispatchAcknowledgedCondition).Reason).To(Equal(v1alpha1.DispatchAwaitingAcknowledgementReason))
			g.Expect(got.Status.Unacknowledged).To(Equal(int32(1)))
			c := harness.ConditionOf(getIncident(g, inc).Status.Conditions, v1alpha1.IncidentSupportAnsweredCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Message).To(ContainSubstring("by " + harness.DutyOfficer))
			support := getIncident(g, inc).Status.Support
			g.Expect(support).To(HaveLen(1))
			g.Expect(support[0]).To(And(HaveField("Name", d.Name), HaveField("DispatchedBy", harness.DutyOfficer),
				HaveField("Experts", int32(1)), HaveField("Units", int32(1)), HaveField("Unacknowledged", int32(1))))
			u := getUnit(g, helper)
			g.Expect(u.Status.Duties).To(ContainElement(And(HaveField("Kind", v1alpha1.DutyDispatch), HaveField("Name", d.Name))))
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDutyReachableCondition).Reason).To(Equal(v1alpha1.UnitDutyNotAcknowledgedReason))
		}).Should(Succeed())

		By("a unit the dispatch does not order cannot acknowledge it")
		stray := file(bystander, "stray-ack", dispatchAck(d))
		Eventually(func(g Gomega) string { return readyOf(g, stray).Reason }).Should(Equal(v1alpha1.UnitReportNotCoveredReason))

		By("the unit ordered acknowledges, with who leads its team")
		ack := file(helper, "ack-ddos-support", dispatchAck(d))
		Eventually(func(g Gomega) {
			got := getDispatch(g, d)
			g.Expect(got.Status.Acknowledgements).To(ConsistOf(And(HaveField("Namespace", helper), HaveField("Report", ack.Name),
				HaveField("Unit", unitName), HaveField("Duty", "Li Lei +86 851 8888 0001"))))
			g.Expect(got.Status.Unacknowledged).To(BeZero())
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.DispatchAcknowledgedCondition).Reason).To(Equal(v1alpha1.DispatchAllAcknowledgedReason))
			g.Expect(getIncident(g, inc).Status.Support[0].Unacknowledged).To(BeZero())
			g.Expect(readyOf(g, ack).Reason).To(Equal(v1alpha1.UnitReportAcceptedReason))
			u := getUnit(g, helper)
			g.Expect(u.Status.Duties).NotTo(ContainElement(HaveField("Kind", v1alpha1.DutyDispatch)))
		}).Should(Succeed())

		By("the record holds: the dispatch is neither changed nor deleted, nor its sender rewritten")
		Eventually(func(g Gomega) {
			cur := getDispatch(g, d)
			cur.Spec.Note = "never mind"
			harness.RefusedIn(g, harness.AsUser(harness.DutyOfficer).Update(ctx, cur), "on record and cannot be changed")
		}).Should(Succeed())
		harness.RefusedWith(annotate(harness.AsUser(harness.DutyOfficer), d, map[string]any{v1alpha1.AnnotationCreatedBy: harness.OtherOfficer}), "rule immutable")
		harness.RefusedWith(harness.AsUser(harness.DutyOfficer).Delete(ctx, d), "rule record")
		harness.RefusedWith(k8s.Delete(ctx, d), "rule record")
	})

	It("says when a dispatch answers nothing: no request, an unregistered unit, a drill over a real incident", func() {
		harness.GrantRoles()
		requester := newUnit()
		quiet := newIncident(builder.Incident("quiet", requester))
		d := dispatch("unasked", quiet)
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, d)).To(Succeed())
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getDispatch(g, d).Status.Conditions, v1alpha1.ConditionReady).Reason
		}).Should(Equal(v1alpha1.DispatchNoSupportRequestedReason))
		Expect(harness.ConditionOf(getIncident(Default, quiet).Status.Conditions, v1alpha1.IncidentSupportAnsweredCondition).Type).To(BeEmpty(),
			"an incident that asks for no support has no SupportAnswered condition")

		asking := newIncident(builder.Incident("asking", requester).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.Support = &v1alpha1.Support{Needed: true, Kinds: []v1alpha1.SupportKind{v1alpha1.SupportEquipment}}
		}))
		nowhere := dispatch("to-nowhere", asking, "no-such-unit")
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, nowhere)).To(Succeed())
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getDispatch(g, nowhere).Status.Conditions, v1alpha1.ConditionReady).Reason
		}).Should(Equal(v1alpha1.DispatchUnknownUnitReason))

		drill := dispatch("drill-over-real", asking)
		drill.Spec.Drill = true
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, drill)).To(Succeed())
		Eventually(func(g Gomega) string {
			return harness.ConditionOf(getDispatch(g, drill).Status.Conditions, v1alpha1.ConditionReady).Reason
		}).Should(Equal(v1alpha1.DispatchDrillMismatchReason))
		Eventually(func(g Gomega) []string {
			var names []string
			for _, a := range getIncident(g, asking).Status.Support {
				names = append(names, a.Name)
			}
			return names
		}).Should(Equal([]string{nowhere.Name}), "a drill's dispatch is no answer to a real request")

		By("a dispatch sends someone")
		empty := dispatch("empty", asking)
		empty.Spec.Experts = nil
		harness.RefusedWith(harness.AsUser(harness.DutyOfficer).Create(ctx, empty), "spec.experts", "a dispatch sends someone")
		By("a drill pipeline cannot send real support")
		harness.RefusedWith(harness.AsUser(harness.DrillPipeline).Create(ctx, dispatch("pipeline", asking)), "rule lane")
	})
})
