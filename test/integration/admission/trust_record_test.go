package admission

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

// Correct, never erase: a reporting unit corrects its reported times and
// withdraws its incidents, through its own credentials, and no one uses
// either to hide a late report or to take an incident off the record.
var _ = Describe("Trust: corrections and withdrawals of the record", func() {
	const class = "correct, never erase"
	var unit, unitBNs string
	BeforeEach(func() {
		harness.GrantRoles()
		unit, unitBNs = harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
		bindUnit(unitB, unitBNs)
		Eventually(func() error {
			return harness.AsUser(unitA).List(ctx, &v1alpha1.SecurityIncidentList{}, &client.ListOptions{Namespace: unit})
		}).Should(Succeed())
	})
	rfc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	spec := func(v map[string]any) map[string]any { return map[string]any{"spec": v} }

	It("keeps a late report late, whatever the unit writes, and keeps a withdrawn incident on record", func() {
		discovered := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
		inc := builder.Incident("late", unit).Discovered(discovered).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		var due metav1.Time
		Eventually(func(g Gomega) {
			d := harness.DeadlineOf(getIncident(g, inc), v1alpha1.DeadlineInitialReport)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed))
			due = d.DueTime
		}).Should(Succeed())
		stillLate := func(g Gomega) {
			got := getIncident(g, inc)
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationEarliestDiscoveredAt, rfc(discovered)))
			g.Expect(got.Status.CountedFrom.DiscoveredAt.Time).To(BeTemporally("==", discovered))
			d := harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(d.DueTime.Time).To(BeTemporally("==", due.Time))
			g.Expect(harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition).Status).To(Equal(metav1.ConditionFalse))
		}

		notActedOn(class, unitA, "move discoveredAt later, to just before the report, to escape lateness",
			mergePatch(harness.AsUser(unitA), inc, spec(map[string]any{"discoveredAt": rfc(time.Now().Add(-5 * time.Minute))})),
			"the correction is kept; the deadline counts from the earliest discovery on record and stays Missed", stillLate)
		notActedOn(class, unitA, "write the earliest-discovered-at and earliest-occurred-at annotations itself",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationEarliestDiscoveredAt: rfc(time.Now()), v1alpha1.AnnotationEarliestOccurredAt: rfc(time.Now())}}}),
			"the API server put back the earliest times; the deadline is unchanged", stillLate)
		notActedOn(class, unitA, "remove the earliest-* annotations with a correction moving discovery later again",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{
				"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationEarliestDiscoveredAt: nil, v1alpha1.AnnotationEarliestOccurredAt: nil}},
				"spec":     map[string]any{"discoveredAt": rfc(time.Now().Add(-time.Minute))}}),
			"the API server put them back; still late", stillLate)

		allowed(class, unitA, "withdraw its own incident as a false alarm",
			mergePatch(harness.AsUser(unitA), inc, spec(map[string]any{"withdrawal": map[string]any{"reason": "FalseAlarm"}})))
		Eventually(func(g Gomega) {
			got := getIncident(g, inc)
			g.Expect(got.Status.Withdrawal).NotTo(BeNil())
			g.Expect(got.Status.Withdrawal.By).To(Equal(unitA))
			g.Expect(harness.Condition(got, v1alpha1.IncidentWithdrawnCondition).Reason).To(Equal("FalseAlarm"))
			// Withdrawn, the late report stays late.
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport).State).To(Equal(v1alpha1.DeadlineMissed))
		}).Should(Succeed())

		refused(class, unitA, "remove the withdrawal",
			mergePatch(harness.AsUser(unitA), inc, spec(map[string]any{"withdrawal": nil})), "withdrawal cannot be changed or removed")
		refused(class, unitA, "change the withdrawal's reason to Duplicate",
			mergePatch(harness.AsUser(unitA), inc, spec(map[string]any{"withdrawal": map[string]any{"reason": "Duplicate", "duplicateOf": "other"}})),
			"withdrawal cannot be changed or removed")
		refused(class, "cluster-admin", "remove the withdrawal",
			mergePatch(k8s, inc, spec(map[string]any{"withdrawal": nil})), "withdrawal cannot be changed or removed")
		refused(class, unitA, "delete the withdrawn real incident (a unit deletes nothing)",
			harness.AsUser(unitA).Delete(ctx, inc), "forbidden")
		refused(class, "cluster-admin", "delete the withdrawn real incident",
			k8s.Delete(ctx, inc), "rule record")
		Expect(getIncident(Default, inc).Spec.Withdrawal).To(Equal(&v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalFalseAlarm}))
	})

	It("lets only the reporting unit withdraw, and a typo corrected earlier keeps its lateness", func() {
		real := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
		typo := real.Add(10 * 24 * time.Hour)
		inc := builder.Incident("typo", unit).Discovered(real).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.DiscoveredAt = metav1.NewTime(typo)
			i.Annotations = map[string]string{v1alpha1.AnnotationEarliestDiscoveredAt: rfc(typo.Add(24 * time.Hour))}
		}).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		Expect(inc.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationEarliestDiscoveredAt, rfc(typo)))
		record(class, unitA, "forge earliest-discovered-at on create", "accepted, not acted on: the API server replaced it with spec.discoveredAt")
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(getIncident(g, inc), v1alpha1.DeadlineInitialReport).State
		}).Should(Equal(v1alpha1.DeadlineMet))

		withdraw := spec(map[string]any{"withdrawal": map[string]any{"reason": "Duplicate", "duplicateOf": "late"}})
		refused(class, unitB, "withdraw another unit's incident", mergePatch(harness.AsUser(unitB), inc, withdraw), "forbidden")
		refused(class, harness.DrillPipeline, "withdraw a real incident", mergePatch(harness.AsUser(harness.DrillPipeline), inc, withdraw), "forbidden")
		refused(class, harness.DutyOfficer, "withdraw a unit's incident", mergePatch(harness.AsUser(harness.DutyOfficer), inc, withdraw), "forbidden")
		Expect(getIncident(Default, inc).Spec.Withdrawal).To(BeNil())

		allowed(class, unitA, "correct the typo in discoveredAt (12-14 for 12-04) to the earlier, real time",
			mergePatch(harness.AsUser(unitA), inc, spec(map[string]any{"discoveredAt": rfc(real)})))
		Eventually(func(g Gomega) {
			got := getIncident(g, inc)
			d := harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed), "on time only against the typo")
			g.Expect(d.DueTime.Time).To(BeTemporally("==", real.Add(time.Hour)))
			g.Expect(got.Status.Corrections).To(HaveLen(1))
			g.Expect(got.Status.Corrections[0].Writer).To(Equal(unitA))
			g.Expect(got.Status.Corrections[0].Times).To(ConsistOf(And(
				HaveField("Field", v1alpha1.FieldDiscoveredAt),
				HaveField("From.Time", BeTemporally("==", typo)),
				HaveField("To.Time", BeTemporally("==", real)))))
		}).Should(Succeed())
	})
})
