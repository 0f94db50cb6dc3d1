package admission

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Attempts on the reporting units' register and reports
// (config/admission/units.yaml, tenancy.yaml): one namespace is one unit's,
// a unit writes its own part of its register and its reports and nothing of
// the office's, and the office's decisions on what a unit files are the
// office's alone, in its own name, on an explicit grant.

// The second unit of these specs, registered in unit B's namespace.
const (
	unitBName                   = "Guizhou Example Registry"
	unitBType v1alpha1.UnitType = v1alpha1.UnitDomainRegistry
)

func unitOf(ns string) *v1alpha1.ReportingUnit {
	return &v1alpha1.ReportingUnit{ObjectMeta: metav1.ObjectMeta{Name: ns, Namespace: ns}}
}

func annotations(kv map[string]any) map[string]any {
	return map[string]any{"metadata": map[string]any{"annotations": kv}}
}

func progressReport(name, ns, office string) *v1alpha1.UnitReport {
	return &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.UnitReportSpec{
		Type:        v1alpha1.UnitReportProgress,
		ResponseRef: &v1alpha1.ObjectRef{Namespace: office, Name: "outage-response"},
		Progress: &v1alpha1.ProgressDetails{TakenAt: metav1.NewTime(time.Now().Truncate(time.Second)),
			Measures: "Rerouted traffic", Effect: "Service restored in Guiyang", NextSteps: "Replace the line card"},
	}}
}

func summaryReport(name, ns, office string) *v1alpha1.UnitReport {
	return &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.UnitReportSpec{
		Type:        v1alpha1.UnitReportSummary,
		ResponseRef: &v1alpha1.ObjectRef{Namespace: office, Name: "outage-response"},
		Summary: &v1alpha1.SummaryDetails{DirectCauses: "A failed line card", IndirectCauses: "No spare on site",
			Course: "Down 40 minutes, rerouted", Responsibility: "The IDC's operations team", ImpactAndLoss: "40 minutes without service in Guiyang",
			Lessons: "Keep spares on site", Proposals: "A second line card in each IDC"},
	}}
}

func hazardReport(name, ns string, drill bool) *v1alpha1.UnitReport {
	return &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.UnitReportSpec{
		Type: v1alpha1.UnitReportHazard, Drill: drill,
		Hazard: &v1alpha1.HazardDetails{Description: "Scanning of the resolvers from one network, rising", SuggestedLevel: v1alpha1.WarningBlue},
	}}
}

func getUnitReport(g Gomega, r *v1alpha1.UnitReport) *v1alpha1.UnitReport {
	out := &v1alpha1.UnitReport{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(r), out)).To(Succeed())
	return out
}

var _ = Describe("Trust: the reporting units", func() {
	var unit, unitBNs, bare string
	BeforeEach(func() {
		harness.GrantRoles()
		unit, bare = harness.NewNamespace(), harness.NewBareNamespace()
		unitBNs = harness.NewBareNamespace()
		harness.RegisterUnit(unitBNs, unitBName, unitBType)
		bindUnit(unitA, unit)
		bindUnit(unitB, unitBNs)
	})

	It("files a real incident only in a registered unit's namespace, under that unit's name", func() {
		const class = "tenancy"
		a := harness.AsUser(unitA)
		refused(class, unitA, "file a real incident in its namespace under unit B's name",
			a.Create(ctx, builder.Incident("as-b", unit).Edit(func(i *v1alpha1.SecurityIncident) {
				i.Spec.Reporter.UnitName, i.Spec.Reporter.UnitType = unitBName, unitBType
			}).Obj()), "rule tenancy", "spec.reporter.unitName", harness.DefaultUnitName)
		refused(class, unitA, "file a real incident in its namespace under its own name and another unit type",
			a.Create(ctx, builder.Incident("other-type", unit).Edit(func(i *v1alpha1.SecurityIncident) {
				i.Spec.Reporter.UnitType = v1alpha1.UnitInternetCompany
			}).Obj()), "rule tenancy", "BasicTelecom")
		refused(class, unitA, "file a real incident in unit B's namespace",
			a.Create(ctx, builder.Incident("into-b", unitBNs).Obj()), "forbidden", "cannot create")

		// A unit's people bound in a namespace no unit is registered in.
		bindUnit(unitA, bare)
		refused(class, unitA, "file a real incident in a namespace with no registered unit",
			a.Create(ctx, builder.Incident("unregistered", bare).Obj()),
			"binding 'tenancy.emergency.netsec.io' denied request", "no params found for policy binding with `Deny` parameterNotFoundAction")
		refused(class, unitA, "file a real incident there labelled as a drill (emergency.netsec.io/drill=true)",
			a.Create(ctx, builder.Incident("labelled", bare).Edit(func(i *v1alpha1.SecurityIncident) {
				i.Labels = map[string]string{v1alpha1.LabelDrill: "true"}
			}).Obj()), "no params found")
		refused(class, unitA, "file a report in a namespace with no registered unit",
			a.Create(ctx, hazardReport("unregistered", bare, false)),
			"binding 'tenancy-reports.emergency.netsec.io' denied request", "no params found")
		refused(class, unitA, "file a real report there labelled as a drill's (emergency.netsec.io/drill=true)",
			a.Create(ctx, func() *v1alpha1.UnitReport {
				r := hazardReport("labelled", bare, false)
				r.Labels = map[string]string{v1alpha1.LabelDrill: "true"}
				return r
			}()), "no params found")
		refused(class, unitA, "file a drill incident in its namespace under unit B's name",
			a.Create(ctx, builder.Incident("drill-as-b", unit).Drill().Edit(func(i *v1alpha1.SecurityIncident) {
				i.Spec.Reporter.UnitName, i.Spec.Reporter.UnitType = unitBName, unitBType
			}).Obj()), "rule tenancy")

		own := builder.Incident("own", unit).Obj()
		allowed(class, unitA, "file a real incident in its namespace under its registered name", a.Create(ctx, own))
		Expect(own.Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "false"))
		refused(class, unitA, "correct its incident to name unit B",
			mergePatch(a, own, map[string]any{"spec": map[string]any{"reporter": map[string]any{"unitName": unitBName}}}), "rule tenancy")
		notActedOn(class, unitA, "relabel its real incident as a drill (emergency.netsec.io/drill=true)",
			mergePatch(a, own, map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelDrill: "true"}}}),
			"the API server sets the label back to spec.drill, false",
			func(g Gomega) {
				g.Expect(getIncident(g, own).Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "false"))
			})
		refused(class, unitA, "relabel its real incident as a drill while naming unit B",
			mergePatch(a, own, map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelDrill: "true"}},
				"spec": map[string]any{"reporter": map[string]any{"unitName": unitBName}}}), "rule tenancy")
		allowed(class, unitB, "file a real incident in its own namespace under its registered name",
			harness.AsUser(unitB).Create(ctx, builder.Incident("b-own", unitBNs).Edit(func(i *v1alpha1.SecurityIncident) {
				i.Spec.Reporter.UnitName, i.Spec.Reporter.UnitType = unitBName, unitBType
			}).Obj()))
		drill := builder.Incident("gitops-drill", bare).Drill().Obj()
		allowed(class, harness.DrillPipeline, "file a drill incident in a namespace with no registered unit",
			harness.AsUser(harness.DrillPipeline).Create(ctx, drill))
		Expect(drill.Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "true"))
		allowed(class, unitA, "file a drill incident in a namespace with no registered unit",
			a.Create(ctx, builder.Incident("own-drill", bare).Drill().Obj()))
		drillReport := hazardReport("drill-scan", bare, true)
		allowed(class, unitA, "file a drill report in a namespace with no registered unit", a.Create(ctx, drillReport))
		Expect(drillReport.Labels).To(HaveKeyWithValue(v1alpha1.LabelDrill, "true"))
	})

	It("asks the same of every role, in a unit's namespace and in the office's", func() {
		const class = "tenancy"
		harness.GrantNotificationRoles()
		Expect(harness.ApplyRBAC("role.yaml")).To(Succeed())
		office := harness.OfficeNamespace
		// One user per role, bound as the README says: the unit's in its
		// namespace, the others cluster-wide.
		type subject struct{ role, user string }
		subjects := []subject{
			{"emergency-office", "units-office"}, {"emergency-leading-group", "units-leading-group"},
			{"emergency-ministry-office", "units-ministry"}, {"emergency-ministry-leading-group", "units-ministry-leader"},
			{"emergency-drill-approver", "units-drill-approver"},
			{"emergency-reporting-unit", "units-reporting-unit"}, {"emergency-report-recipient", "units-recipient"},
			{"emergency-release-approver", "units-release-approver"}, {"manager-role", "units-operator"},
			{"cluster-admin", "units-cluster-admin"},
		}
		for _, s := range subjects {
			if s.role == "emergency-reporting-unit" {
				bindUnitAs(s.user, unit, "units-reporting-unit")
				continue
			}
			bindRole(s.user, s.role)
		}
		Expect(mergePatch(k8s, unitOf(unit), map[string]any{"spec": map[string]any{
			"plan": map[string]any{"name": "Example Telecom plan", "version": "2026-1", "document": "GZCA-2026-017"}}})).To(Succeed())

		// What each role may do, a blank for what is refused, with the words
		// of the refusal.
		type want struct {
			ok    bool
			words []string
		}
		yes, rbac := want{ok: true}, want{words: []string{"cannot"}}
		no := func(words ...string) want { return want{words: words} }
		for _, s := range subjects {
			c := harness.AsUser(s.user)
			real, drill, rename, accept := rbac, rbac, rbac, rbac
			realOffice, drillOffice := rbac, rbac
			switch s.role {
			case "emergency-reporting-unit":
				real, drill, rename, accept = yes, yes, no("rule office", "spec.name"), no("rule plan", "accept on unitplans")
			case "emergency-drill-approver":
				// Refused twice, by the lane and by the tenancy: the API
				// server names whichever policy it evaluated first.
				real, drill, drillOffice, realOffice = no("rule lane"), yes, yes, no()
			case "emergency-office":
				rename, accept = yes, yes
			case "cluster-admin":
				real, drill, rename, drillOffice = yes, yes, yes, yes
				realOffice, accept = no("no params found"), no("rule explicit-grant")
			}
			for _, try := range []struct {
				what string
				err  error
				want want
			}{
				{"file a real incident in unit A's namespace under unit A's name",
					c.Create(ctx, builder.Incident("matrix", unit).Obj(), client.DryRunAll), real},
				{"file a drill incident in unit A's namespace",
					c.Create(ctx, builder.Incident("matrix", unit).Drill().Obj(), client.DryRunAll), drill},
				{"file a real incident in the office's namespace (no unit registered)",
					c.Create(ctx, builder.Incident("matrix", office).Obj(), client.DryRunAll), realOffice},
				{"file a drill incident in the office's namespace",
					c.Create(ctx, builder.Incident("matrix", office).Drill().Obj(), client.DryRunAll), drillOffice},
				{"rename unit A in its register (spec.name)",
					mergePatch(c, unitOf(unit), map[string]any{"spec": map[string]any{"name": "Renamed"}}, client.DryRunAll), rename},
				{"accept unit A's filed plan 2026-1 in its own name",
					mergePatch(c, unitOf(unit), annotations(map[string]any{
						v1alpha1.AnnotationPlanAcceptedBy: s.user, v1alpha1.AnnotationPlanAcceptedVersion: "2026-1"}), client.DryRunAll), accept},
			} {
				if try.want.ok {
					allowed(class, s.role, try.what, try.err)
				} else {
					refused(class, s.role, try.what, try.err, try.want.words...)
				}
			}
		}
	})

	It("lets a unit keep its own register and file its reports, and nothing of the office's", func() {
		const class = "units"
		a := harness.AsUser(unitA)
		duty := map[string]any{"name": "Zhou Qiang", "phone": "+86 851 8888 0002"}
		allowed(class, unitA, "name its duty contacts, liaison and filed plan", mergePatch(a, unitOf(unit), map[string]any{"spec": map[string]any{
			"dutyContacts": []any{duty}, "liaison": duty,
			"plan": map[string]any{"name": "Example Telecom plan", "version": "2026-1", "document": "GZCA-2026-017"}}}))
		refused(class, unitA, "name a duty contact without a phone",
			mergePatch(a, unitOf(unit), map[string]any{"spec": map[string]any{"dutyContacts": []any{map[string]any{"name": "Nobody"}}}}),
			"spec.dutyContacts[0].phone", "Required")
		for field, v := range map[string]any{"name": "Guizhou Example Telecom (renamed)", "type": "InternetCompany", "large": true} {
			refused(class, unitA, "change the office's field spec."+field+" of its register",
				mergePatch(a, unitOf(unit), map[string]any{"spec": map[string]any{field: v}}), "rule office", "spec."+field)
		}
		refused(class, unitA, "register a unit in its namespace (the office registers)",
			a.Create(ctx, &v1alpha1.ReportingUnit{ObjectMeta: metav1.ObjectMeta{Name: unit, Namespace: unit},
				Spec: v1alpha1.ReportingUnitSpec{Name: "Another", Type: v1alpha1.UnitOther}}), "forbidden")
		refused(class, unitA, "deregister itself", a.Delete(ctx, unitOf(unit)), "forbidden")
		refused(class, unitA, "accept its own plan",
			mergePatch(a, unitOf(unit), annotations(map[string]any{v1alpha1.AnnotationPlanAcceptedBy: unitA, v1alpha1.AnnotationPlanAcceptedVersion: "2026-1"})),
			"rule plan", "accept on unitplans")
		refused(class, harness.DutyOfficer, "register a second unit in a unit's namespace under another name",
			harness.AsUser(harness.DutyOfficer).Create(ctx, &v1alpha1.ReportingUnit{ObjectMeta: metav1.ObjectMeta{Name: "second", Namespace: unit},
				Spec: v1alpha1.ReportingUnitSpec{Name: "Second", Type: v1alpha1.UnitOther}}), "rule register", "name this one "+unit)

		progress := progressReport("progress-1", unit, harness.OfficeNamespace)
		progress.Annotations = map[string]string{v1alpha1.AnnotationCreatedBy: "someone-else"}
		allowed(class, unitA, "file a progress report", a.Create(ctx, progress))
		Expect(progress.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationCreatedBy, unitA))
		record(class, unitA, "forge created-by on its report", "accepted, not acted on: the API server replaced it with "+unitA)
		summary := summaryReport("summary-1", unit, harness.OfficeNamespace)
		allowed(class, unitA, "file its summary report after a response", a.Create(ctx, summary))
		partial := summaryReport("summary-2", unit, harness.OfficeNamespace)
		partial.Spec.Summary.Lessons = ""
		refused(class, unitA, "file a summary report without its lessons", a.Create(ctx, partial), "spec.summary.lessons")
		refused(class, unitA, "change its filed progress report",
			mergePatch(a, progress, map[string]any{"spec": map[string]any{"progress": map[string]any{"effect": "All fine"}}}), "forbidden", "cannot patch")
		refused(class, unitA, "delete its filed summary report", a.Delete(ctx, summary), "forbidden", "cannot delete")
		refused(class, "cluster-admin", "change a unit's filed progress report",
			mergePatch(k8s, progress, map[string]any{"spec": map[string]any{"progress": map[string]any{"effect": "All fine"}}}), "on record and cannot be changed")
		refused(class, "cluster-admin", "delete a unit's filed summary report", k8s.Delete(ctx, summary), "rule record")
		refused(class, "cluster-admin", "rewrite created-by on a unit's report",
			mergePatch(k8s, progress, annotations(map[string]any{v1alpha1.AnnotationCreatedBy: "someone-else"})), "rule immutable")
		refused(class, unitB, "file a report in unit A's namespace",
			harness.AsUser(unitB).Create(ctx, progressReport("from-b", unit, harness.OfficeNamespace)), "forbidden")

		hazard := hazardReport("scan", unit, false)
		hazard.Annotations = map[string]string{v1alpha1.AnnotationConsultation: "NoAction", v1alpha1.AnnotationConsultedBy: unitA}
		refused(class, unitA, "file a hazard report with the office's decision already on it", a.Create(ctx, hazard), "rule consultation", "decide on hazards")
		hazard.Annotations = nil
		allowed(class, unitA, "file a hazard report", a.Create(ctx, hazard))
		refused(class, unitA, "decide on its own hazard report",
			mergePatch(a, hazard, annotations(map[string]any{v1alpha1.AnnotationConsultation: "NoAction", v1alpha1.AnnotationConsultedBy: unitA})), "forbidden")

		drill := builder.Incident("own-drill", unit).Drill().Obj()
		Expect(a.Create(ctx, drill)).To(Succeed())
		refused(class, unitA, "accept its own drill as held",
			mergePatch(a, drill, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: unitA})), "rule drill-record", "accept on drills")
		Consistently(func(g Gomega) {
			g.Expect(getIncident(g, drill).Annotations).NotTo(HaveKey(v1alpha1.AnnotationDrillAcceptedBy))
			g.Expect(getUnitReport(g, hazard).Annotations).NotTo(HaveKey(v1alpha1.AnnotationConsultation))
			got := harness.GetUnit(g, unit)
			g.Expect(got.Annotations).NotTo(HaveKey(v1alpha1.AnnotationPlanAcceptedBy))
			g.Expect(got.Spec.Name).To(Equal(harness.DefaultUnitName))
		}, time.Second).Should(Succeed())
		allowed(class, "cluster-admin", "delete a drill report", func() error {
			d := hazardReport("drill-scan", unit, true)
			Expect(a.Create(ctx, d)).To(Succeed())
			return k8s.Delete(ctx, d)
		}())
	})

	It("lets the office accept plans and drills and decide on hazards, in its own name, and change nothing else", func() {
		const class = "units"
		const platformAdmin = "units-platform-admin"
		bindRole(platformAdmin, "cluster-admin")
		masters := whoAmI(k8s)
		a, officer := harness.AsUser(unitA), harness.AsUser(harness.DutyOfficer)
		plan := func(version string) map[string]any {
			return map[string]any{"spec": map[string]any{"plan": map[string]any{"name": "Example Telecom plan", "version": version, "document": "GZCA-2026-017"}}}
		}
		accept := func(by, version string) map[string]any {
			return annotations(map[string]any{v1alpha1.AnnotationPlanAcceptedBy: by, v1alpha1.AnnotationPlanAcceptedVersion: version})
		}
		Expect(mergePatch(a, unitOf(unit), plan("2026-1"))).To(Succeed())

		refused(class, harness.DutyOfficer, "accept a plan in another officer's name",
			mergePatch(officer, unitOf(unit), accept(harness.OtherOfficer, "2026-1")), "rule own-name")
		refused(class, harness.DutyOfficer, "accept a plan version the unit has not filed",
			mergePatch(officer, unitOf(unit), accept(harness.DutyOfficer, "2025-9")), "rule plan", "spec.plan.version", "2026-1")
		refused(class, harness.DutyOfficer, "accept a plan without naming the version",
			mergePatch(officer, unitOf(unit), annotations(map[string]any{v1alpha1.AnnotationPlanAcceptedBy: harness.DutyOfficer})), "rule plan", "together")
		refused(class, harness.DutyOfficer, "accept the plan of a unit that has filed none",
			mergePatch(officer, unitOf(unitBNs), accept(harness.DutyOfficer, "2026-1")), "rule plan", "filed none")
		for who, c := range map[string]client.Client{platformAdmin: harness.AsUser(platformAdmin), masters: k8s} {
			refused(class, who, "accept a unit's plan holding a wildcard grant",
				mergePatch(c, unitOf(unit), accept(who, "2026-1")), "rule explicit-grant", "wildcard")
		}
		allowed(class, harness.DutyOfficer, "accept the unit's filed plan 2026-1 in its own name",
			mergePatch(officer, unitOf(unit), accept(harness.DutyOfficer, "2026-1")))
		allowed(class, unitA, "file plan version 2026-2 (it waits for a new acceptance)", mergePatch(a, unitOf(unit), plan("2026-2")))
		refused(class, unitA, "remove the office's acceptance",
			mergePatch(a, unitOf(unit), annotations(map[string]any{v1alpha1.AnnotationPlanAcceptedBy: nil, v1alpha1.AnnotationPlanAcceptedVersion: nil})), "rule plan")
		refused(class, unitA, "move the acceptance to its new version",
			mergePatch(a, unitOf(unit), annotations(map[string]any{v1alpha1.AnnotationPlanAcceptedVersion: "2026-2"})), "rule own-name")
		allowed(class, harness.OtherOfficer, "accept version 2026-2 in its own name",
			mergePatch(harness.AsUser(harness.OtherOfficer), unitOf(unit), accept(harness.OtherOfficer, "2026-2")))
		allowed(class, harness.DutyOfficer, "register the unit as a large internet company (spec.large)", mergePatch(officer, unitOf(unit), map[string]any{"spec": map[string]any{"large": true}}))

		By("drills: the office accepts a unit's own drill as held")
		realInc := builder.Incident("outage", unit).Obj()
		Expect(a.Create(ctx, realInc)).To(Succeed())
		drill := builder.Incident("drill", unit).Drill().Obj()
		Expect(a.Create(ctx, drill)).To(Succeed())
		refused(class, harness.DutyOfficer, "accept a real incident as a held drill",
			mergePatch(officer, realInc, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.DutyOfficer})),
			"rule drill-record", "only a drill incident is a drill record")
		refused(class, platformAdmin, "accept a unit's drill holding a wildcard grant",
			mergePatch(harness.AsUser(platformAdmin), drill, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: platformAdmin})), "rule explicit-grant")
		refused(class, harness.DrillPipeline, "accept a unit's drill (approve on drills is not accept)",
			mergePatch(harness.AsUser(harness.DrillPipeline), drill, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.DrillPipeline})),
			"rule drill-record", "accept on drills")
		allowed(class, harness.DutyOfficer, "accept the unit's drill as held, in its own name",
			mergePatch(officer, drill, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.DutyOfficer})))
		refused(class, harness.OtherOfficer, "rewrite who accepted the drill",
			mergePatch(harness.AsUser(harness.OtherOfficer), drill, annotations(map[string]any{v1alpha1.AnnotationDrillAcceptedBy: harness.OtherOfficer})), "rule immutable")

		By("the office's patch on incidents and reports writes its decisions only")
		refused(class, harness.DutyOfficer, "edit a unit's incident's description through its patch",
			mergePatch(officer, realInc, map[string]any{"spec": map[string]any{"description": "Nothing happened."}}), "rule lane", "spec")
		refused(class, harness.DutyOfficer, "withdraw a unit's incident through its patch",
			mergePatch(officer, realInc, map[string]any{"spec": map[string]any{"withdrawal": map[string]any{"reason": "FalseAlarm"}}}), "rule lane")
		refused(class, harness.DutyOfficer, "label a unit's incident",
			mergePatch(officer, realInc, map[string]any{"metadata": map[string]any{"labels": map[string]any{"example.org/note": "x"}}}), "rule lane", "label example.org/note")
		refused(class, harness.DutyOfficer, "annotate a unit's incident with anything but its decision",
			mergePatch(officer, drill, annotations(map[string]any{"example.org/note": "x"})), "rule lane", "annotation example.org/note")
		refused(class, harness.DutyOfficer, "put a finalizer on a unit's incident",
			mergePatch(officer, realInc, map[string]any{"metadata": map[string]any{"finalizers": []string{"example.org/hold"}}}), "rule lane", "finalizers")

		By("hazards: the office decides on a unit's hazard report")
		hazard := hazardReport("scan", unit, false)
		Expect(a.Create(ctx, hazard)).To(Succeed())
		progress := progressReport("progress", unit, harness.OfficeNamespace)
		Expect(a.Create(ctx, progress)).To(Succeed())
		decide := func(by, what string) map[string]any {
			return annotations(map[string]any{v1alpha1.AnnotationConsultation: what, v1alpha1.AnnotationConsultedBy: by})
		}
		refused(class, harness.DutyOfficer, "decide on a progress report as if a hazard",
			mergePatch(officer, progress, decide(harness.DutyOfficer, "Warning")), "rule consultation", "hazard reports only")
		refused(class, harness.DutyOfficer, "decide a hazard with a value outside Warning, RiskNotice, NoAction",
			mergePatch(officer, hazard, decide(harness.DutyOfficer, "Later")), "rule consultation", "Later")
		refused(class, harness.DutyOfficer, "decide a hazard without saying who decided",
			mergePatch(officer, hazard, annotations(map[string]any{v1alpha1.AnnotationConsultation: "Warning"})), "rule consultation", "consulted-by")
		refused(class, harness.DutyOfficer, "decide a hazard in another officer's name",
			mergePatch(officer, hazard, decide(harness.OtherOfficer, "Warning")), "rule own-name")
		refused(class, platformAdmin, "decide a hazard holding a wildcard grant",
			mergePatch(harness.AsUser(platformAdmin), hazard, decide(platformAdmin, "Warning")), "rule explicit-grant")
		refused(class, harness.DutyOfficer, "annotate a unit's report with anything but its decision",
			mergePatch(officer, hazard, annotations(map[string]any{"example.org/note": "x"})), "rule lane", "annotation example.org/note")
		allowed(class, harness.DutyOfficer, "decide a hazard report: a risk notice, in its own name",
			mergePatch(officer, hazard, decide(harness.DutyOfficer, "RiskNotice")))
		refused(class, harness.OtherOfficer, "change the decision on the hazard to NoAction",
			mergePatch(harness.AsUser(harness.OtherOfficer), hazard, decide(harness.OtherOfficer, "NoAction")), "rule immutable")
		refused(class, masters, "remove the decision on the hazard",
			mergePatch(k8s, hazard, annotations(map[string]any{v1alpha1.AnnotationConsultation: nil, v1alpha1.AnnotationConsultedBy: nil})), "rule immutable")

		Eventually(func(g Gomega) {
			got := harness.GetUnit(g, unit)
			g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationPlanAcceptedVersion, "2026-2"))
			g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationPlanAcceptedBy, harness.OtherOfficer))
			g.Expect(getIncident(g, drill).Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationDrillAcceptedBy, harness.DutyOfficer))
			inc := getIncident(g, realInc)
			g.Expect(inc.Spec.Description).NotTo(Equal("Nothing happened."))
			g.Expect(inc.Spec.Withdrawal).To(BeNil())
			g.Expect(getUnitReport(g, hazard).Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationConsultation, "RiskNotice"))
		}).Should(Succeed())
	})
})

// bindUnitAs binds the reporting unit's role to user in ns, with a
// RoleBinding named name.
func bindUnitAs(user, ns, name string) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "emergency-reporting-unit"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: user}},
	})).To(Succeed())
	harness.WaitBound(user, ns, "emergency-reporting-unit")
}
