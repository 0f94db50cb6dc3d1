package incidents

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Correct, never erase: a reporter corrects a reported time, and the
// deadlines count from the earliest time ever on record; a reporter
// withdraws an incident, which stays on record; a time in the future is
// flagged at once.
var _ = Describe("SecurityIncident corrections and withdrawal", func() {
	const reporter = "unit-c-reporter"
	var ns string
	var unit client.Client
	BeforeEach(func() {
		ns = harness.NewNamespace()
		harness.GrantRoles()
		Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "unit-reporters", Namespace: ns},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "emergency-reporting-unit"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: reporter}},
		})).To(Succeed())
		unit = harness.AsUser(reporter)
		// The API server's authorizer sees the binding a moment later.
		Eventually(func() error { return unit.List(ctx, &v1alpha1.SecurityIncidentList{}, client.InNamespace(ns)) }).Should(Succeed())
		harness.ReachOffice(v1alpha1.AudienceOffice) // an incident whose report cannot go out is not Ready
	})

	patchSpec := func(c client.Client, inc *v1alpha1.SecurityIncident, spec map[string]any) error {
		data, err := json.Marshal(map[string]any{"spec": spec})
		Expect(err).NotTo(HaveOccurred())
		return c.Patch(ctx, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: inc.Name, Namespace: inc.Namespace}},
			client.RawPatch(types.MergePatchType, data))
	}
	rfc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }

	It("moves the deadlines earlier when a typo in discoveredAt is corrected, and records the correction with its writer, from and to", func() {
		real := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
		typo := real.Add(10 * 24 * time.Hour) // "12-14" typed for "12-04"
		inc := builder.Incident("typo", ns).Discovered(real).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.DiscoveredAt = metav1.NewTime(typo)
		}).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			d := harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport)
			g.Expect(d.DueTime.Time).To(BeTemporally("==", typo.Add(time.Hour)))
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMet), "on time against the typo")
			g.Expect(harness.Condition(got, v1alpha1.IncidentReportedTimesValidCondition).Reason).To(Equal(v1alpha1.IncidentTimeInFutureReason))
		}).Should(Succeed())

		Expect(patchSpec(unit, inc, map[string]any{"discoveredAt": rfc(real)})).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			d := harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport)
			g.Expect(d.DueTime.Time).To(BeTemporally("==", real.Add(time.Hour)), "counted from the corrected, earlier discovery")
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed), "reported three hours after the real discovery")
			g.Expect(got.Status.CountedFrom.DiscoveredAt.Time).To(BeTemporally("==", real))
			g.Expect(got.Status.Reported.DiscoveredAt.Time).To(BeTemporally("==", real))
			g.Expect(got.Status.Corrections).To(HaveLen(1))
			c := got.Status.Corrections[0]
			g.Expect(c.Writer).To(Equal(reporter))
			g.Expect(c.Times).To(HaveLen(1))
			g.Expect(c.Times[0].Field).To(Equal(v1alpha1.FieldDiscoveredAt))
			g.Expect(c.Times[0].From.Time).To(BeTemporally("==", typo))
			g.Expect(c.Times[0].To.Time).To(BeTemporally("==", real))
			g.Expect(harness.Condition(got, v1alpha1.IncidentReportedTimesValidCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition).Reason).To(Equal(v1alpha1.IncidentDeadlineMissedReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElements("Normal/Corrected", "Warning/ReportedLate"))
	})

	It("keeps a late report late when discovery is moved later", func() {
		discovered := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
		inc := builder.Incident("late", ns).Discovered(discovered).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		var due metav1.Time
		Eventually(func(g Gomega) {
			d := harness.DeadlineOf(harness.Get(g, inc), v1alpha1.DeadlineInitialReport)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed))
			due = d.DueTime
		}).Should(Succeed())

		Expect(patchSpec(unit, inc, map[string]any{"discoveredAt": rfc(time.Now().Add(-5 * time.Minute))})).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.Corrections).To(HaveLen(1))
			g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationEarliestDiscoveredAt, rfc(discovered)))
			g.Expect(got.Status.CountedFrom.DiscoveredAt.Time).To(BeTemporally("==", discovered))
			d := harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(d.DueTime.Time).To(BeTemporally("==", due.Time))
		}).Should(Succeed())
	})

	It("counts from the first time when discovery is moved later twice in quick succession", func() {
		discovered := fakeClock.Now().Truncate(time.Second)
		inc := builder.Incident("twice", ns).QuickNotice().Discovered(discovered).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		later, laterStill := discovered.Add(26*time.Hour), discovered.Add(50*time.Hour)
		Expect(patchSpec(unit, inc, map[string]any{"discoveredAt": rfc(later)})).To(Succeed())
		Expect(patchSpec(unit, inc, map[string]any{"discoveredAt": rfc(laterStill)})).To(Succeed())

		// The API server folded each write in as it admitted it.
		got := harness.Get(Default, inc)
		Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationEarliestDiscoveredAt, rfc(discovered)))
		Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationEarliestOccurredAt, rfc(discovered.Add(-10*time.Minute))))
		due := midnightIn(discovered)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.Reported.DiscoveredAt.Time).To(BeTemporally("==", laterStill))
			g.Expect(got.Status.CountedFrom.DiscoveredAt.Time).To(BeTemporally("==", discovered))
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).DueTime.Time).To(BeTemporally("==", due))
		}).Should(Succeed())
	})

	It("withdraws an incident with its reason: recorded with writer and time, its deadlines no longer tracked", func() {
		inc := builder.Incident("false-alarm", ns).QuickNotice().Discovered(fakeClock.Now()).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		due := midnightIn(inc.Spec.DiscoveredAt.Time)
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(harness.Get(g, inc), v1alpha1.DeadlineFullForm).State
		}).Should(Equal(v1alpha1.DeadlinePending))

		Expect(patchSpec(unit, inc, map[string]any{"withdrawal": map[string]any{"reason": "FalseAlarm", "note": "a monitoring test"}})).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.Withdrawal).NotTo(BeNil())
			g.Expect(got.Status.Withdrawal.By).To(Equal(reporter))
			g.Expect(got.Status.Withdrawal.Time.IsZero()).To(BeFalse())
			c := harness.Condition(got, v1alpha1.IncidentWithdrawnCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal("FalseAlarm"))
			g.Expect(c.Message).To(ContainSubstring("Withdrawn by " + reporter + " as a false alarm. Note: a monitoring test"))
			g.Expect(harness.Condition(got, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.IncidentWithdrawnReason))
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlineWithdrawn))
			g.Expect(got.Status.NextDeadline).To(BeNil())
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElement("Normal/Withdrawn"))
		// Told to whom the first report went, once the withdrawal is on record.
		Eventually(func(g Gomega) {
			created := harness.Get(g, inc)
			first, withdrawal := harness.ReportOf(g, created, "reported"), harness.ReportOf(g, created, "withdrawn")
			g.Expect(withdrawal.Spec.Event).To(Equal(v1alpha1.EventIncidentWithdrawn))
			g.Expect(withdrawal.Spec.Audiences).To(Equal(first.Spec.Audiences))
			g.Expect(withdrawal.Spec.Message.EN).To(ContainSubstring("a false alarm"))
		}).Should(Succeed())

		// The form's day passes and the operator looks again: nothing is missed.
		fakeClock.SetTime(due.Add(time.Hour))
		Expect(patchSpec(unit, inc, map[string]any{"description": "Looked again after midnight."})).To(Succeed())
		Eventually(func(g Gomega) int64 {
			got := harness.Get(g, inc)
			return got.Status.ObservedGeneration - got.Generation
		}).Should(BeZero())
		Consistently(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlineWithdrawn))
			g.Expect(harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.EventReasons(g, inc)).NotTo(ContainElement("Warning/DeadlineMissed"))
		}, 2*time.Second).Should(Succeed())
	})

	It("keeps a withdrawal: it cannot be changed or removed, and the incident cannot be deleted", func() {
		inc := builder.Incident("dup", ns).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		Expect(patchSpec(unit, inc, map[string]any{"withdrawal": map[string]any{"reason": "Duplicate", "duplicateOf": "first"}})).To(Succeed())

		for what, w := range map[string]any{
			"its reason changed": map[string]any{"reason": "FalseAlarm", "duplicateOf": nil},
			"the other incident": map[string]any{"duplicateOf": "second"},
			"removed":            nil,
		} {
			err := patchSpec(unit, inc, map[string]any{"withdrawal": w})
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "withdrawal %s: %v", what, err)
			Expect(err.Error()).To(ContainSubstring("withdrawal cannot be changed or removed once given"), what)
		}
		// A unit deletes nothing (RBAC); nor does anyone else a real incident.
		err := unit.Delete(ctx, inc)
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("cannot delete"))
		err = k8s.Delete(ctx, inc)
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("rule record"))
		Expect(err.Error()).To(ContainSubstring("withdraw it"))
		Expect(harness.Get(Default, inc).Spec.Withdrawal).To(Equal(&v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalDuplicate, DuplicateOf: "first"}))
	})

	It("refuses a withdrawal that does not say why", func() {
		inc := builder.Incident("why", ns).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		err := patchSpec(unit, inc, map[string]any{"withdrawal": map[string]any{"reason": "Other"}})
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("note is required when reason is Other"))
		err = patchSpec(unit, inc, map[string]any{"withdrawal": map[string]any{"reason": "Duplicate"}})
		Expect(err.Error()).To(ContainSubstring("duplicateOf is required when reason is Duplicate"))
	})

	It("flags a reported time in the future at once, with a Warning event naming the field", func() {
		inc := builder.Incident("future", ns).Discovered(time.Now().Add(-time.Hour)).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.DiscoveredAt = metav1.NewTime(i.Spec.DiscoveredAt.Add(10 * 24 * time.Hour))
		}).Obj()
		Expect(unit.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			c := harness.Condition(got, v1alpha1.IncidentReportedTimesValidCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.IncidentTimeInFutureReason))
			g.Expect(c.Message).To(HavePrefix("spec.discoveredAt ("))
			g.Expect(c.Message).NotTo(ContainSubstring("spec.occurredAt"))
			ready := harness.Condition(got, v1alpha1.ConditionReady)
			g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(ready.Reason).To(Equal(v1alpha1.IncidentTimeInFutureReason))
			g.Expect(harness.Condition(got, v1alpha1.ConditionStalled).Reason).To(Equal(v1alpha1.IncidentTimeInFutureReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string {
			var notes []string
			for _, e := range harness.EventsFor(g, inc) {
				if e.Reason == v1alpha1.IncidentTimeInFutureEvent && e.Type == "Warning" {
					notes = append(notes, e.Note)
				}
			}
			return notes
		}).Should(ContainElement(HavePrefix("spec.discoveredAt (")))
	})

	It("leaves a withdrawn incident out of a response's level, and says so", func() {
		kept := builder.Incident("kept", ns).Records(200_000).Obj()         // level IV
		dropped := builder.Incident("dropped", ns).Records(1_500_000).Obj() // level III
		Expect(unit.Create(ctx, kept)).To(Succeed())
		Expect(unit.Create(ctx, dropped)).To(Succeed())
		Expect(patchSpec(unit, dropped, map[string]any{"withdrawal": map[string]any{"reason": "Duplicate", "duplicateOf": "kept"}})).To(Succeed())
		resp := builder.Response("r", harness.NewNamespace(), kept, dropped).Obj()
		Expect(k8s.Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.LevelIV))
			c := harness.ResponseCondition(got, v1alpha1.ResponseIncidentsCountedCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseIncidentsWithdrawnReason))
			g.Expect(c.Message).To(ContainSubstring(ns + "/dropped (Withdrawn as a duplicate of kept)"))
		}).Should(Succeed())
	})
})

// midnightIn is the end of t's local day in Asia/Shanghai.
func midnightIn(t time.Time) time.Time {
	y, m, d := t.In(shanghai).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, shanghai)
}
