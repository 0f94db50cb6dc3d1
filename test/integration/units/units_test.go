package units

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/unit"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// unitName is the registered name of every unit here: the test builder's
// default reporter, so that the incidents it builds are the unit's own.
const unitName = "Guizhou Example Telecom"

// office is where the office's responses and warnings are.
const office = harness.OfficeNamespace

// newUnit creates a namespace and registers its unit, a telecom operator
// with a duty contact, named as the namespace.
func newUnit() string {
	GinkgoHelper()
	ns := harness.NewBareNamespace()
	harness.RegisterUnit(ns, unitName, v1alpha1.UnitBasicTelecom)
	Eventually(func(g Gomega) {
		u := getUnit(g, ns)
		u.Spec.DutyContacts = []v1alpha1.Contact{{Name: "Li Lei", Phone: "+86 851 8888 0001"}}
		g.Expect(k8s.Update(ctx, u)).To(Succeed())
	}).Should(Succeed())
	return ns
}

func getUnit(g Gomega, ns string) *v1alpha1.ReportingUnit {
	u := &v1alpha1.ReportingUnit{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: ns}, u)).To(Succeed())
	return u
}

func unitCondition(g Gomega, ns, typ string) metav1.Condition {
	return harness.ConditionOf(getUnit(g, ns).Status.Conditions, typ)
}

// record is a unit's record of a year, or an empty one.
func record(u *v1alpha1.ReportingUnit, year int32) v1alpha1.YearRecord {
	if r := unit.Find(u.Status.Records, year); r != nil {
		return *r
	}
	return v1alpha1.YearRecord{}
}

func getReport(g Gomega, ur *v1alpha1.UnitReport) *v1alpha1.UnitReport {
	out := &v1alpha1.UnitReport{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ur), out)).To(Succeed())
	return out
}

// readyOf is a unit report's Ready condition, as read afresh.
func readyOf(g Gomega, ur *v1alpha1.UnitReport) metav1.Condition {
	return harness.ConditionOf(getReport(g, ur).Status.Conditions, v1alpha1.ConditionReady)
}

// file creates a unit's report in its namespace.
func file(ns, name string, spec v1alpha1.UnitReportSpec) *v1alpha1.UnitReport {
	GinkgoHelper()
	ur := &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: spec}
	Expect(k8s.Create(ctx, ur)).To(Succeed())
	return ur
}

func summaryOn(resp *v1alpha1.EmergencyResponse) v1alpha1.UnitReportSpec {
	return v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportSummary, ResponseRef: &v1alpha1.ObjectRef{Namespace: resp.Namespace, Name: resp.Name},
		Summary: &v1alpha1.SummaryDetails{DirectCauses: "An unpatched CMS", IndirectCauses: "No patch window", Course: "Found, isolated, restored",
			Responsibility: "The web team", ImpactAndLoss: "Four hours of outage", Lessons: "Patch monthly", Proposals: "A patch window"}}
}

func acknowledgement(kind v1alpha1.DutyKind, o client.Object) v1alpha1.UnitReportSpec {
	ref := &v1alpha1.ObjectRef{Namespace: o.GetNamespace(), Name: o.GetName()}
	spec := v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportAcknowledgement,
		Acknowledgement: &v1alpha1.AcknowledgementDetails{Duty: v1alpha1.Contact{Name: "Li Lei", Phone: "+86 851 8888 0001"}}}
	if kind == v1alpha1.DutyWarning {
		spec.WarningRef = ref
	} else {
		spec.ResponseRef = ref
	}
	return spec
}

// annotate writes annotations as a user, the way `kubectl annotate` does.
func annotate(c client.Client, o client.Object, kv map[string]any) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": kv}})
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(ctx, o.DeepCopyObject().(client.Object), client.RawPatch(types.MergePatchType, patch))
}

// startedResponse opens a level III response over the incidents, as the
// duty officer, and has the leading group approve it.
func startedResponse(name string, incidents ...*v1alpha1.SecurityIncident) *v1alpha1.EmergencyResponse {
	GinkgoHelper()
	resp := builder.Response(name, office, incidents...).Obj()
	Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
	Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)).To(Succeed())
	Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	return resp
}

// end ends a response on the leading group's approval.
func end(resp *v1alpha1.EmergencyResponse) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		cur := harness.GetResponse(g, resp)
		cur.Spec.EndRequested = true
		g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
	}).Should(Succeed())
	Expect(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII})).To(Succeed())
	Eventually(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.EndedTime }).ShouldNot(BeNil())
}

// newIncident reports an incident in ns as the unit.
func newIncident(b *builder.IncidentBuilder) *v1alpha1.SecurityIncident {
	GinkgoHelper()
	inc := b.Obj()
	Expect(k8s.Create(ctx, inc)).To(Succeed())
	return inc
}

// gathered is the operator's metric of a unit's record, or -1 when there
// is none.
func gathered(ns string, year int32, measure string) float64 {
	GinkgoHelper()
	m := harness.Gathered("incident_operator_unit_record", map[string]string{"namespace": ns, "year": strconv.Itoa(int(year)), "measure": measure})
	if m == nil {
		return -1
	}
	return m.GetGauge().GetValue()
}

// The specs run in order: the last steps the operator's clock to the local
// new year.
var _ = Describe("Reporting units", Ordered, func() {
	BeforeAll(harness.GrantRoles)

	It("refuses, on the report, what a unit may not report on, naming the field", func() {
		ns, other := newUnit(), newUnit()
		inc := newIncident(builder.Incident("outage", ns).Records(1_500_000))
		resp := startedResponse("refusals-"+ns, inc)

		By("a response that does not exist")
		ghost := file(ns, "ghost", v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportProgress, ResponseRef: &v1alpha1.ObjectRef{Namespace: office, Name: "no-such-response"},
			Progress: &v1alpha1.ProgressDetails{TakenAt: metav1.Now(), Measures: "m", Effect: "e", NextSteps: "n"}})
		Eventually(func(g Gomega) {
			c := readyOf(g, ghost)
			g.Expect(c.Reason).To(Equal(v1alpha1.UnitReportUnknownTargetReason))
			g.Expect(c.Message).To(ContainSubstring("spec.responseRef"))
		}).Should(Succeed())

		By("a response over another unit's incidents only")
		stranger := file(other, "stranger", acknowledgement(v1alpha1.DutyResponse, resp))
		Eventually(func(g Gomega) {
			c := readyOf(g, stranger)
			g.Expect(c.Reason).To(Equal(v1alpha1.UnitReportNotCoveredReason))
			g.Expect(c.Message).To(ContainSubstring("covers no incident of namespace " + other))
		}).Should(Succeed())

		By("a summary report while the response runs")
		early := file(ns, "early-summary", summaryOn(resp))
		Eventually(func(g Gomega) string { return readyOf(g, early).Reason }).Should(Equal(v1alpha1.UnitReportBeforeEndReason))

		By("a hazard report whose unit's register is gone (a unit files only where it is registered, tenancy.yaml)")
		hazard := file(other, "hazard", v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportHazard, Hazard: &v1alpha1.HazardDetails{Description: "Scanning of our DNS"}})
		Eventually(func(g Gomega) string { return readyOf(g, hazard).Reason }).Should(Equal(v1alpha1.UnitReportAcceptedReason))
		Expect(k8s.Delete(ctx, getUnit(Default, other))).To(Succeed())
		Eventually(func(g Gomega) {
			got := getReport(g, hazard)
			g.Expect(got.Status.ReceivedTime).NotTo(BeNil())
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.UnitReportNoUnitReason))
		}).Should(Succeed())

		By("it counts again once the office registers the unit anew, and carries the office's decision")
		harness.RegisterUnit(other, "Example Registry", v1alpha1.UnitDomainRegistry)
		Expect(annotate(harness.AsUser(harness.DutyOfficer), hazard, map[string]any{v1alpha1.AnnotationConsultation: "RiskNotice", v1alpha1.AnnotationConsultedBy: harness.DutyOfficer})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getReport(g, hazard)
			g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.UnitReportAcceptedReason))
			g.Expect(got.Status.Consultation).To(Equal(v1alpha1.ConsultationRiskNotice))
			g.Expect(got.Status.ConsultedBy).To(Equal(harness.DutyOfficer))
		}).Should(Succeed())
		end(resp)
	})

	It("asks a unit for its duty while a red warning over it is published, and no longer once it is lifted", func() {
		ns, bystander := newUnit(), newUnit()
		Eventually(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitDutyReachableCondition).Reason }).Should(Equal(v1alpha1.UnitNoDutyReason))

		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "red-" + ns, Namespace: office}, Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningRed, Source: v1alpha1.SourceNational, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
			Scope: "Provincial DNS resolvers", Harm: "Cache poisoning", Precautions: []string{"Patch resolvers"},
			TimeLimits: "Within 24 hours", Issuer: "National office", Hotline: "12321", Units: []string{ns}}}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())

		By("the unit owes an acknowledgement, and the warning shows it")
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(u.Status.Duties).To(HaveLen(1))
			g.Expect(u.Status.Duties[0].Kind).To(Equal(v1alpha1.DutyWarning))
			g.Expect(u.Status.Duties[0].Name).To(Equal(w.Name))
			g.Expect(u.Status.Unacknowledged).To(Equal(int32(1)))
			c := harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDutyReachableCondition)
			g.Expect(c.Reason).To(Equal(v1alpha1.UnitDutyNotAcknowledgedReason))
			g.Expect(c.Message).To(ContainSubstring("warning " + office + "/" + w.Name))
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
			got := harness.GetWarning(g, w)
			g.Expect(got.Status.Acknowledgements).To(Equal([]v1alpha1.UnitAcknowledgement{{Namespace: ns, Unit: unitName}}))
			g.Expect(got.Status.Unacknowledged).To(Equal(int32(1)))
			g.Expect(harness.Gathered("incident_operator_unit_duties_unacknowledged", map[string]string{"namespace": ns}).GetGauge().GetValue()).To(Equal(1.0))
		}).Should(Succeed())
		Expect(harness.ConditionOf(getUnit(Default, bystander).Status.Conditions, v1alpha1.UnitDutyReachableCondition).Reason).To(Equal(v1alpha1.UnitNoDutyReason),
			"a warning naming one unit asks nothing of another")

		By("the unit acknowledges with its person on duty")
		ack := file(ns, "ack-red", acknowledgement(v1alpha1.DutyWarning, w))
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDutyReachableCondition).Reason).To(Equal(v1alpha1.UnitDutyAcknowledgedReason))
			g.Expect(u.Status.Duties[0].Acknowledgement).To(Equal(ack.Name))
			g.Expect(u.Status.Unacknowledged).To(BeZero())
			got := harness.GetWarning(g, w)
			g.Expect(got.Status.Acknowledgements).To(HaveLen(1))
			g.Expect(got.Status.Acknowledgements[0].Report).To(Equal(ack.Name))
			g.Expect(got.Status.Acknowledgements[0].Duty).To(Equal("Li Lei +86 851 8888 0001"))
			g.Expect(got.Status.Unacknowledged).To(BeZero())
			g.Expect(readyOf(g, ack).Reason).To(Equal(v1alpha1.UnitReportAcceptedReason))
		}).Should(Succeed())

		By("the ministry lifts the warning: nothing is owed")
		Eventually(func(g Gomega) {
			cur := harness.GetWarning(g, w)
			cur.Spec.LiftRequested = true
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Expect(annotate(harness.AsUser(harness.MinistryUser), w, map[string]any{v1alpha1.AnnotationLiftDirective: "MIIT-2026-LIFT-9"})).To(Succeed())
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(u.Status.Duties).To(BeEmpty())
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDutyReachableCondition).Reason).To(Equal(v1alpha1.UnitNoDutyReason))
			got := harness.GetWarning(g, w)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.WarningLifted))
			g.Expect(got.Status.Acknowledgements).To(BeEmpty())
		}).Should(Succeed())
	})

	It("tracks one summary report per unit of a response over two units' incidents, met by each unit's own report", func() {
		ns1, ns2 := newUnit(), newUnit()
		inc1 := newIncident(builder.Incident("leak", ns1).Records(1_500_000))
		inc2 := newIncident(builder.Incident("leak", ns2).Records(1_500_000))
		resp := startedResponse("two-units-"+ns1, inc1, inc2)

		By("both units owe an acknowledgement of the III response")
		for _, ns := range []string{ns1, ns2} {
			Eventually(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitDutyReachableCondition).Reason }).Should(Equal(v1alpha1.UnitDutyNotAcknowledgedReason))
		}

		end(resp)
		s1, s2 := v1alpha1.DeadlineUnitSummaryReportPrefix+ns1, v1alpha1.DeadlineUnitSummaryReportPrefix+ns2
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, s1).State).To(Equal(v1alpha1.DeadlinePending))
			g.Expect(harness.ResponseDeadline(got, s2).State).To(Equal(v1alpha1.DeadlinePending))
			g.Expect(harness.ResponseDeadline(got, v1alpha1.DeadlineOfficeSummaryReport).State).To(Equal(v1alpha1.DeadlinePending))
		}).Should(Succeed())
		By("the duties end with the response")
		for _, ns := range []string{ns1, ns2} {
			Eventually(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitDutyReachableCondition).Reason }).Should(Equal(v1alpha1.UnitNoDutyReason))
		}

		By("the first unit hands in its summary: its deadline is met, the other's is not")
		first := file(ns1, "summary", summaryOn(resp))
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, s1).State).To(Equal(v1alpha1.DeadlineMet))
			g.Expect(harness.ResponseDeadline(got, s2).State).To(Equal(v1alpha1.DeadlinePending))
			g.Expect(readyOf(g, first).Reason).To(Equal(v1alpha1.UnitReportAcceptedReason))
		}).Should(Succeed())
		second := file(ns2, "summary", summaryOn(resp))
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(harness.ResponseDeadline(got, s2).State).To(Equal(v1alpha1.DeadlineMet))
			g.Expect(readyOf(g, second).Reason).To(Equal(v1alpha1.UnitReportAcceptedReason))
		}).Should(Succeed())

		By("each unit's record counts its summary report, on time, in the year the response ended")
		year := unit.Year(harness.GetResponse(Default, resp).Status.EndedTime.Time, shanghai)
		for _, ns := range []string{ns1, ns2} {
			Eventually(func(g Gomega) {
				r := record(getUnit(g, ns), year)
				g.Expect(r.SummaryReportsOwed).To(Equal(int32(1)))
				g.Expect(r.SummaryReportsOnTime).To(Equal(int32(1)))
				g.Expect(r.SummaryReportsMissed).To(BeZero())
				g.Expect(r.Incidents).To(Equal(int32(1)))
			}).Should(Succeed())
		}
	})

	It("keeps a late report in the unit's record after the incident is withdrawn, shows the record as metrics, and never lowers it", func() {
		ns := newUnit()
		late := newIncident(builder.Incident("late", ns).Discovered(time.Now().Add(-3 * time.Hour)))
		onTime := newIncident(builder.Incident("on-time", ns))
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(harness.Get(g, late), v1alpha1.DeadlineInitialReport).State
		}).Should(Equal(v1alpha1.DeadlineMissed))
		year := unit.Year(harness.Get(Default, late).CreationTimestamp.Time, shanghai)
		hazard := file(ns, "hazard", v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportHazard, Hazard: &v1alpha1.HazardDetails{Description: "Botnet scanning our IDC"}})
		Eventually(func(g Gomega) {
			received := getReport(g, hazard).Status.ReceivedTime
			g.Expect(received).NotTo(BeNil())
			r := record(getUnit(g, ns), unit.Year(received.Time, shanghai))
			g.Expect(r.HazardReports).To(Equal(int32(1)))
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			r := record(getUnit(g, ns), year)
			g.Expect(r.Incidents).To(Equal(int32(2)))
			g.Expect(r.ReportedLate).To(Equal(int32(1)))
			g.Expect(r.DeadlinesMissed).To(Equal(int32(1)))
		}).Should(Succeed())

		By("the late incident is withdrawn as a duplicate; it stays on the record")
		Eventually(func(g Gomega) {
			cur := harness.Get(g, late)
			cur.Spec.Withdrawal = &v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalDuplicate, DuplicateOf: onTime.Name}
			g.Expect(k8s.Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) *v1alpha1.WithdrawalRecord { return harness.Get(g, late).Status.Withdrawal }).ShouldNot(BeNil())
		Consistently(func(g Gomega) {
			r := record(getUnit(g, ns), year)
			g.Expect(r.Incidents).To(Equal(int32(2)))
			g.Expect(r.ReportedLate).To(Equal(int32(1)))
		}, 2*time.Second).Should(Succeed())

		By("a drill the office accepted stays counted after the drill incident is deleted")
		drill := newIncident(builder.Incident("tabletop", ns).Drill())
		Expect(annotate(harness.AsUser(harness.DutyOfficer), drill, map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.DutyOfficer})).To(Succeed())
		var drillYear int32
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDrillHeldCondition).Reason).To(Equal(v1alpha1.UnitDrillCountedReason))
			held := unit.DrillCounted(u.Status.Records, drill.Name)
			g.Expect(held).NotTo(BeNil())
			g.Expect(held.CountedBy).To(Equal(v1alpha1.DrillCountedByAcceptance))
			drillYear = unit.Year(held.Time.Time, shanghai)
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, getUnit(g, ns)) }).Should(ContainElement("Normal/" + v1alpha1.UnitDrillCountedEvent))
		Expect(k8s.Delete(ctx, drill)).To(Succeed())
		Consistently(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(record(u, drillYear).Drills).To(HaveLen(1))
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDrillHeldCondition).Reason).To(Equal(v1alpha1.UnitDrillCountedReason))
		}, 2*time.Second).Should(Succeed())

		By("the metrics show the record the status keeps")
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(u.Status.Records).NotTo(BeEmpty())
			for _, r := range u.Status.Records {
				want := map[string]int32{
					"incidents": r.Incidents, "reported_late": r.ReportedLate, "deadlines_missed": r.DeadlinesMissed, "corrections": r.Corrections,
					"drills": int32(len(r.Drills)), "progress_reports": r.ProgressReports, "hazard_reports": r.HazardReports,
					"summary_reports_owed": r.SummaryReportsOwed, "summary_reports_on_time": r.SummaryReportsOnTime, "summary_reports_missed": r.SummaryReportsMissed,
				}
				for measure, n := range want {
					g.Expect(gathered(ns, r.Year, measure)).To(Equal(float64(n)), "%s in %d", measure, r.Year)
				}
			}
		}).Should(Succeed())
		Expect(gathered(ns, year, "reported_late")).To(Equal(1.0))

		By("kubectl incident units, as a table and as CSV, says what the metrics say, for the same objects")
		rows, err := plugin.ReadUnits(ctx, k8s, ns, int(year))
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(1))
		var csvOut strings.Builder
		Expect(plugin.WriteUnitsCSV(&csvOut, rows, int(year))).To(Succeed())
		table, err := csv.NewReader(strings.NewReader(csvOut.String())).ReadAll()
		Expect(err).NotTo(HaveOccurred())
		Expect(table).To(HaveLen(2))
		column := map[string]string{}
		for i, h := range table[0] {
			column[h] = table[1][i]
		}
		for measure, header := range map[string]string{"incidents": "incidents", "reported_late": "reported_late", "deadlines_missed": "deadlines_missed",
			"corrections": "corrections", "progress_reports": "progress_reports", "hazard_reports": "hazard_reports", "drills": "drills_held",
			"summary_reports_owed": "summary_reports_owed", "summary_reports_on_time": "summary_reports_on_time", "summary_reports_missed": "summary_reports_missed"} {
			Expect(column).To(HaveKey(header), "the CSV has no column %s: %v", header, table[0])
			Expect(column[header]).To(Equal(strconv.Itoa(int(gathered(ns, year, measure)))), "%s", measure)
		}

		By("the API server refuses a record that goes down, whoever writes it")
		u := getUnit(Default, ns)
		lowered := u.DeepCopy()
		for i := range lowered.Status.Records {
			if lowered.Status.Records[i].Year == year {
				lowered.Status.Records[i].ReportedLate = 0
			}
		}
		harness.RefusedWith(k8s.Status().Update(ctx, lowered), "a unit's yearly record only grows")
	})

	It("asks for a new drill at the local new year, keeping last year's on record", func() {
		ns := newUnit()
		Eventually(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitDrillHeldCondition).Reason }).Should(Equal(v1alpha1.UnitDrillDueReason))

		By("the unit files its plan and the office accepts that version")
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			u.Spec.Plan = &v1alpha1.FiledPlan{Name: "Example Telecom network security emergency plan", Version: "2026-1", Document: "GZCA-2026-017"}
			g.Expect(k8s.Update(ctx, u)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitPlanFiledCondition).Reason }).Should(Equal(v1alpha1.UnitPlanAwaitingReason))
		Expect(annotate(harness.AsUser(harness.DutyOfficer), getUnit(Default, ns), map[string]any{v1alpha1.AnnotationPlanAcceptedBy: harness.DutyOfficer, v1alpha1.AnnotationPlanAcceptedVersion: "2026-1"})).To(Succeed())
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitPlanFiledCondition).Reason).To(Equal(v1alpha1.UnitPlanAcceptedReason))
			g.Expect(u.Status.AcceptedPlanVersion).To(Equal("2026-1"))
		}).Should(Succeed())

		By("the office accepts the unit's own drill")
		drill := newIncident(builder.Incident("red-team", ns).Drill())
		Expect(annotate(harness.AsUser(harness.DutyOfficer), drill, map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.DutyOfficer})).To(Succeed())
		thisYear := unit.Year(fakeClock.Now(), shanghai)
		Eventually(func(g Gomega) {
			c := unitCondition(g, ns, v1alpha1.UnitDrillHeldCondition)
			g.Expect(c.Reason).To(Equal(v1alpha1.UnitDrillCountedReason))
			g.Expect(c.Message).To(ContainSubstring(drill.Name))
			g.Expect(unitCondition(g, ns, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.UnitReadyReason))
		}).Should(Succeed())

		By("the year turns in Shanghai")

		newYear := unit.NewYear(fakeClock.Now(), shanghai)
		fakeClock.SetTime(newYear.Add(-time.Second))
		Consistently(func(g Gomega) string { return unitCondition(g, ns, v1alpha1.UnitDrillHeldCondition).Reason }, 2*time.Second).Should(Equal(v1alpha1.UnitDrillCountedReason))
		fakeClock.SetTime(newYear)
		Eventually(func(g Gomega) {
			u := getUnit(g, ns)
			c := harness.ConditionOf(u.Status.Conditions, v1alpha1.UnitDrillHeldCondition)
			g.Expect(c.Reason).To(Equal(v1alpha1.UnitDrillDueReason))
			g.Expect(c.Message).To(ContainSubstring("No drill counted in " + strconv.Itoa(int(thisYear)+1)))
			g.Expect(harness.ConditionOf(u.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.UnitDrillDueReason))
			g.Expect(record(u, thisYear).Drills).To(HaveLen(1))
		}).Should(Succeed())
	})
})
