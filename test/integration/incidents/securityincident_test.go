package incidents

import (
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("SecurityIncident", func() {
	var ns string
	BeforeEach(func() {
		ns = harness.NewNamespace()
		// An incident whose report cannot go out is not Ready; one of level I
		// or II is reported to the offices above too (§2.2, §5.4).
		harness.ReachOffice(v1alpha1.AudienceOffice, v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup)
	})

	DescribeTable("each sample gets its level, its reasons and its conditions",
		func(file string, level v1alpha1.IncidentLevel, reasons []string, ready metav1.ConditionStatus, form string) {
			// Each sample is another unit's: filed in that unit's namespace.
			unitNs := harness.NewBareNamespace()
			inc := loadSample(file, unitNs)
			harness.RegisterUnit(unitNs, inc.Spec.Reporter.UnitName, inc.Spec.Reporter.UnitType)
			Expect(k8s.Create(ctx, inc)).To(Succeed())
			Eventually(func(g Gomega) {
				got := harness.Get(g, inc)
				g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
				g.Expect(got.Status.Level).To(Equal(level))
				g.Expect(got.Status.LevelReasons).To(HaveLen(len(reasons)))
				for i, r := range reasons {
					g.Expect(got.Status.LevelReasons[i]).To(HavePrefix(r))
				}
				g.Expect(harness.Condition(got, v1alpha1.IncidentClassifiedCondition).Status).To(Equal(metav1.ConditionTrue))
				g.Expect(harness.Condition(got, v1alpha1.IncidentFormCompleteCondition).Reason).To(Equal(form))
				g.Expect(harness.Condition(got, v1alpha1.ConditionReady).Status).To(Equal(ready))
				g.Expect(got.Status.LevelHistory).To(HaveLen(1))
				g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport).State).To(Equal(v1alpha1.DeadlineMet))
				for _, c := range got.Status.Conditions {
					g.Expect(c.ObservedGeneration).To(Equal(got.Generation), c.Type)
				}
			}).Should(Succeed())
			// The first level is no event (one per incident, routine): the
			// Classified condition and the history say why it was set.
			got := harness.Get(Default, inc)
			msg := harness.Condition(got, v1alpha1.IncidentClassifiedCondition).Message
			Expect(msg).NotTo(BeEmpty())
			for _, r := range reasons {
				Expect(msg).To(ContainSubstring(r))
			}
			Expect(got.Status.LevelHistory[0].Cause).NotTo(BeEmpty())
		},
		Entry("level I", "real/emergency_v1alpha1_securityincident_level_i.yaml", v1alpha1.IncidentLevel("I"),
			[]string{"Level I: .CN national top-level domain system unreachable"}, metav1.ConditionTrue, "Complete"),
		Entry("level II", "real/emergency_v1alpha1_securityincident_level_ii.yaml", v1alpha1.IncidentLevel("II"),
			[]string{"Level II: a nationally influential website", "Level II: 12,000,000 users' records leaked"}, metav1.ConditionTrue, "Complete"),
		Entry("level III", "real/emergency_v1alpha1_securityincident_level_iii.yaml", v1alpha1.IncidentLevel("III"),
			[]string{"Level III: 1,200,000 users' records leaked"}, metav1.ConditionTrue, "Complete"),
		Entry("level IV", "real/emergency_v1alpha1_securityincident_level_iv.yaml", v1alpha1.IncidentLevel("IV"),
			[]string{"Level IV: many users unable to get online in one prefecture-level city"}, metav1.ConditionTrue, "Complete"),
		Entry("quick notice below threshold", "real/emergency_v1alpha1_securityincident_quicknotice.yaml", v1alpha1.BelowThreshold,
			nil, metav1.ConditionFalse, "Pending"),
	)

	It("flags a suggested level that differs, in status and by an event", func() {
		inc := builder.Incident("suggests-iv", ns).Records(1_000_000).Suggested(v1alpha1.LevelIV).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) {
			c := harness.Condition(harness.Get(g, inc), v1alpha1.IncidentSuggestionMatchedCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.IncidentSuggestionDiffersReason))
			g.Expect(c.Message).To(Equal("The reporter suggested level IV; the criteria of §3 give level III."))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElement("Warning/SuggestionDiffers"))
	})

	It("records every change of level, and warns when it falls", func() {
		inc := builder.Incident("growing-leak", ns).Records(100_000).Suggested("").Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.IncidentLevel { return harness.Get(g, inc).Status.Level }).Should(Equal(v1alpha1.IncidentLevel("IV")))

		setRecords := func(n int64) {
			Eventually(func(g Gomega) {
				cur := harness.Get(g, inc)
				cur.Spec.Impact.DataLeak.Records = n
				g.Expect(k8s.Update(ctx, cur)).To(Succeed())
			}).Should(Succeed())
		}
		setRecords(1_500_000)
		Eventually(func(g Gomega) v1alpha1.IncidentLevel { return harness.Get(g, inc).Status.Level }).Should(Equal(v1alpha1.IncidentLevel("III")))
		setRecords(40_000)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.BelowThreshold))
			h := got.Status.LevelHistory
			g.Expect(h).To(HaveLen(3))
			g.Expect([]v1alpha1.IncidentLevel{h[0].From, h[0].To, h[1].From, h[1].To, h[2].From, h[2].To}).To(Equal(
				[]v1alpha1.IncidentLevel{"", "IV", "IV", "III", "III", v1alpha1.BelowThreshold}))
			g.Expect([]int64{h[0].Generation, h[1].Generation, h[2].Generation}).To(Equal([]int64{1, 2, 3}))
			g.Expect(h[1].Cause).To(ContainSubstring("1,500,000 users' records leaked"))
			g.Expect(h[2].Cause).To(Equal("no criterion of §3 is reached"))
			g.Expect(harness.Condition(got, v1alpha1.IncidentClassifiedCondition).Message).To(ContainSubstring("40,000 users' records leaked: fewer than 100,000"))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElements(
			"Normal/LevelRaised", "Warning/LevelLowered"))
	})

	It("flags a report made long after discovery as late", func() {
		inc := builder.Incident("late", ns).Discovered(time.Now().Add(-3 * time.Hour)).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport).State).To(Equal(v1alpha1.DeadlineMissed))
			c := harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Message).To(HavePrefix("Missed: InitialReport"))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElement("Warning/ReportedLate"))
	})

	It("refuses a quick notice that does not state the measures taken and the suggestions (§4.1), naming each field", func() {
		inc := builder.Incident("bare-notice", ns).QuickNotice().Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.MeasuresTaken, i.Spec.ProposedMeasures = "", ""
		}).Obj()
		err := k8s.Create(ctx, inc)
		harness.RefusedWith(err, "spec.measuresTaken: Required value")
		harness.RefusedWith(err, "spec.proposedMeasures: Required value")
		Expect(k8s.Create(ctx, builder.Incident("bare-notice", ns).QuickNotice().Obj())).To(Succeed())
	})

	It("marks a drill's events as a drill", func() {
		// A suggested level that differs makes an event (the first
		// classification makes none).
		inc := builder.Incident("drill", ns).Drill().Records(2_000_000).Suggested(v1alpha1.LevelIV).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) {
			evs := harness.EventsFor(g, inc)
			g.Expect(evs).NotTo(BeEmpty())
			for _, e := range evs {
				g.Expect(e.Note).To(HavePrefix("DRILL: "))
			}
		}).Should(Succeed())
	})

	It("writes nothing once settled: the resourceVersion stays still", func() {
		inc := builder.Incident("still", ns).Records(1_000_000).Suggested(v1alpha1.LevelIII).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		var rv string
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.Condition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
			// Ready while its report is on its way; settled once delivered.
			g.Expect(harness.Condition(got, v1alpha1.ConditionReconciling).Status).To(Equal(metav1.ConditionFalse))
			rv = got.ResourceVersion
		}).Should(Succeed())
		Consistently(func(g Gomega) string { return harness.Get(g, inc).ResourceVersion }, 4*time.Second, 250*time.Millisecond).Should(Equal(rv))

		// A pass over the settled incident (a changed annotation wakes it)
		// reads what the cache does not keep of it from the API server, and
		// finds nothing to write: its status stays as it was.
		before := harness.Get(Default, inc)
		patch := client.MergeFrom(before.DeepCopy())
		before.Annotations = map[string]string{"example.com/note": "looked at"}
		Expect(k8s.Patch(ctx, before, patch)).To(Succeed())
		rv = before.ResourceVersion
		Consistently(func(g Gomega) string { return harness.Get(g, inc).ResourceVersion }, 4*time.Second, 250*time.Millisecond).Should(Equal(rv))
		Expect(harness.Get(Default, inc).Status).To(Equal(before.Status))
	})
})

var _ = Describe("SecurityIncident deadlines on the operator's clock", Ordered, func() {
	var ns string
	BeforeAll(func() {
		ns = harness.NewNamespace()
		// An incident whose report cannot go out is not Ready; one of level I
		// or II is reported to the offices above too (§2.2, §5.4).
		harness.ReachOffice(v1alpha1.AudienceOffice, v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup)
	})

	// A quick notice discovered now (on the operator's clock) owes the full
	// form by the next midnight in Asia/Shanghai.
	quickNotice := func(name string) *v1alpha1.SecurityIncident {
		return builder.Incident(name, ns).QuickNotice().Discovered(fakeClock.Now()).Records(100_000).Obj()
	}
	midnightAfter := func(t time.Time) time.Time {
		y, m, d := t.In(shanghai).Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, shanghai)
	}
	completeForm := func(inc *v1alpha1.SecurityIncident) {
		full := builder.Incident("", "").Obj().Spec
		Eventually(func(g Gomega) {
			cur := harness.Get(g, inc)
			cur.Spec.Reporter = full.Reporter
			cur.Spec.NetworkUnit = full.NetworkUnit
			cur.Spec.MeasuresTaken, cur.Spec.ProposedMeasures, cur.Spec.Support = full.MeasuresTaken, full.ProposedMeasures, full.Support
			cur.Spec.SuggestedLevel = v1alpha1.LevelIV
			g.Expect(k8s.Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
	}

	It("meets the full-form deadline when the form comes in the same day", func() {
		inc := quickNotice("met")
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		due := midnightAfter(inc.Spec.DiscoveredAt.Time)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlinePending))
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).DueTime.Time).To(BeTemporally("==", due))
			g.Expect(got.Status.NextDeadline).NotTo(BeNil())
			g.Expect(got.Status.NextDeadline.Time).To(BeTemporally("==", due))
			g.Expect(harness.Condition(got, v1alpha1.IncidentFormCompleteCondition).Message).To(ContainSubstring("spec.reporter.contact.email"))
		}).Should(Succeed())

		completeForm(inc)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlineMet))
			g.Expect(harness.Condition(got, v1alpha1.IncidentFormCompleteCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(harness.Condition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(got.Status.NextDeadline).To(BeNil())
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElement("Normal/FormCompleted"))
	})

	It("misses it at midnight, on time and without polling, and keeps it missed", func() {
		inc := quickNotice("missed")
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		due := midnightAfter(inc.Spec.DiscoveredAt.Time)
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(harness.Get(g, inc), v1alpha1.DeadlineFullForm).State
		}).Should(Equal(v1alpha1.DeadlinePending))

		// One second before midnight nothing changes.
		fakeClock.SetTime(due.Add(-time.Second))
		Consistently(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(harness.Get(g, inc), v1alpha1.DeadlineFullForm).State
		}, 2*time.Second).Should(Equal(v1alpha1.DeadlinePending))

		// At midnight the requeue the operator asked for fires.
		fakeClock.SetTime(due)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(harness.Condition(got, v1alpha1.IncidentFormCompleteCondition).Reason).To(Equal(v1alpha1.IncidentFormOverdueReason))
			g.Expect(harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition).Reason).To(Equal(v1alpha1.IncidentDeadlineMissedReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, inc) }).Should(ContainElement("Warning/DeadlineMissed"))

		// The form that comes in late completes the report; the miss stays.
		completeForm(inc)
		Eventually(func(g Gomega) {
			got := harness.Get(g, inc)
			d := harness.DeadlineOf(got, v1alpha1.DeadlineFullForm)
			g.Expect(d.State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(d.CompletedTime).NotTo(BeNil())
			g.Expect(harness.Condition(got, v1alpha1.IncidentFormCompleteCondition).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
	})

	It("leaves a met deadline met after its time has passed", func() {
		got := &v1alpha1.SecurityIncidentList{}
		Expect(k8s.List(ctx, got, client.InNamespace(ns))).To(Succeed())
		for _, inc := range got.Items {
			if inc.Name == "met" {
				Expect(harness.DeadlineOf(&inc, v1alpha1.DeadlineFullForm).State).To(Equal(v1alpha1.DeadlineMet))
			}
		}
	})
})

// loadSample reads a sample from config/samples into ns, with its times
// moved to just now on the operator's clock (keeping the gap between
// occurrence and discovery), so
// that the report counts as immediate.
func loadSample(file, ns string) *v1alpha1.SecurityIncident {
	data, err := os.ReadFile(harness.Path("config", "samples", file))
	Expect(err).NotTo(HaveOccurred())
	inc := &v1alpha1.SecurityIncident{}
	Expect(yaml.UnmarshalStrict(data, inc)).To(Succeed())
	// The real samples are filed in their units' namespaces, the drills in
	// the office's (default).
	Expect(strings.TrimSpace(inc.Namespace)).To(Or(Equal("default"), HavePrefix("unit-")))
	inc.Namespace = ns
	gap := inc.Spec.DiscoveredAt.Sub(inc.Spec.OccurredAt.Time)
	discovered := fakeClock.Now()
	inc.Spec.DiscoveredAt = metav1.NewTime(discovered)
	inc.Spec.OccurredAt = metav1.NewTime(discovered.Add(-gap))
	return inc
}
