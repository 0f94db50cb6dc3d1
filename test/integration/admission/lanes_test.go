package admission

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// The lanes: what each shipped role may change, kind by kind, on a real
// record and on a drill, tried through each role's own credentials with a
// server-side dry run (admission runs, nothing is stored). The table it
// finds is the one docs/trust.md shows between its lanes markers, so the
// page says what the API server does; LANES_TABLE_WRITE=1 rewrites it.

// laneGroups are the columns: what a write changes.
var laneGroups = []string{"create", "spec", "labels", "annotations", "delete"}

// laneSubject is one row group: a user bound to one role as the README
// says to bind it.
type laneSubject struct {
	role string // as the table shows it
	user string
	bind func(ns string)
	// probe is a resource the role may list, to wait for its binding.
	probe string
}

// laneKind is one kind, its real and drill records and how each column
// writes it.
type laneKind struct {
	kind        string
	real, drill client.Object // drill is nil for a kind that has none
	// fresh is a new record like the real one (or the drill), to create.
	fresh func(drill bool) client.Object
	// empty is an object of the kind to patch or delete by name.
	empty func() client.Object
	spec  map[string]any
}

var ruleName = regexp.MustCompile(`denied request: rule ([a-z-]+):`)

// laneOutcome is what a cell says: yes, RBAC, CRD (the schema's own
// rules) or the rule that refused. The API server names only the first
// policy that refused, in an order of its own; a write to a real record by
// a user without records/real is refused by rule lane whatever else also
// refuses it, and the cell says lane so that the table is the same from
// one run to the next.
func laneOutcome(err error, real, holdsReal bool) string {
	GinkgoHelper()
	if err == nil {
		return "yes"
	}
	msg := err.Error()
	if m := ruleName.FindStringSubmatch(msg); m != nil {
		if real && !holdsReal {
			return "lane"
		}
		return m[1]
	}
	switch {
	case apierrors.IsForbidden(err) && strings.Contains(msg, " cannot "):
		return "RBAC"
	case apierrors.IsInvalid(err):
		return "CRD"
	}
	Fail("an answer that is neither an admission nor a refusal: " + msg)
	return ""
}

// tryLane writes one column of one record as c, with a dry run.
func tryLane(c client.Client, k laneKind, obj client.Object, drill bool, group string) error {
	GinkgoHelper()
	target := k.empty()
	target.SetName(obj.GetName())
	target.SetNamespace(obj.GetNamespace())
	var body map[string]any
	switch group {
	case "create":
		return c.Create(ctx, k.fresh(drill), client.DryRunAll)
	case "delete":
		return c.Delete(ctx, target, client.DryRunAll)
	case "spec":
		body = map[string]any{"spec": k.spec}
	case "labels":
		body = map[string]any{"metadata": map[string]any{"labels": map[string]any{"lanes.example.org/note": "x"}}}
	case "annotations":
		body = map[string]any{"metadata": map[string]any{"annotations": map[string]any{"lanes.example.org/note": "x"}}}
	}
	data, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(ctx, target, client.RawPatch(types.MergePatchType, data), client.DryRunAll)
}

// holdsReal asks the API server, as the user, whether they may write real
// records in ns.
func holdsReal(c client.Client, ns string) bool {
	GinkgoHelper()
	return selfCan(c, authorizationv1.ResourceAttributes{Group: v1alpha1.GroupVersion.Group, Resource: "records", Name: "real", Verb: "write", Namespace: ns})
}

func selfCan(c client.Client, attrs authorizationv1.ResourceAttributes) bool {
	GinkgoHelper()
	review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &attrs}}
	Expect(c.Create(ctx, review)).To(Succeed())
	return review.Status.Allowed
}

// laneFixtures makes a real record and a drill of every kind in ns, as the
// cluster administrator, none of them approved, published or ended, so
// that what refuses a write is the lane and not the record.
func laneFixtures(ns string) []laneKind {
	GinkgoHelper()
	mk := func(o client.Object) client.Object {
		GinkgoHelper()
		Expect(k8s.Create(ctx, o)).To(Succeed())
		return o
	}
	incident := func(name string, drill bool) *v1alpha1.SecurityIncident {
		b := builder.Incident(name, ns)
		if drill {
			b.Drill()
		}
		return b.Obj()
	}
	realInc, drillInc := mk(incident("real", false)).(*v1alpha1.SecurityIncident), mk(incident("drill", true)).(*v1alpha1.SecurityIncident)
	response := func(name string, drill bool) *v1alpha1.EmergencyResponse {
		if drill {
			return builder.Response(name, ns, drillInc).Drill().Obj()
		}
		return builder.Response(name, ns, realInc).Obj()
	}
	workGroup := func(name string, drill bool) *v1alpha1.WorkGroup {
		wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.WorkGroupSpec{Type: v1alpha1.WorkGroupRecovery}}
		if drill {
			wg.Labels = map[string]string{v1alpha1.LabelDrill: "true"}
		}
		return wg
	}
	warning := func(name string, drill bool) *v1alpha1.Warning {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: yellowSpec()}
		w.Spec.Drill = drill
		return w
	}
	realW, drillW := mk(warning("real", false)).(*v1alpha1.Warning), mk(warning("drill", true)).(*v1alpha1.Warning)
	notification := func(name string, drill bool) *v1alpha1.Notification {
		src := realW
		if drill {
			src = drillW
		}
		return &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.NotificationSpec{
			Source:    v1alpha1.NotificationSource{Kind: "Warning", Name: src.Name, UID: string(src.UID)},
			Event:     v1alpha1.EventWarningRelayed,
			Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice},
			Drill:     drill,
			EventID:   name + "-" + string(src.UID),
			Time:      metav1.NewTime(time.Now().Truncate(time.Second)),
			Message:   v1alpha1.NotificationMessage{ZH: "黄色预警", EN: "Yellow warning"},
		}}
	}
	channel := func(name string) *v1alpha1.NotificationChannel {
		return &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.NotificationChannelSpec{
			Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceOffice, SecretRef: v1alpha1.SecretReference{Name: name + "-endpoint"}}}
	}
	calendar := func(name string) *v1alpha1.HolidayCalendar {
		return &v1alpha1.HolidayCalendar{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.HolidayCalendarSpec{TimeZone: "Asia/Shanghai"}}
	}
	pair := func(build func(string, bool) client.Object) (client.Object, client.Object, func(bool) client.Object) {
		return mk(build("real", false)), mk(build("drill", true)), func(drill bool) client.Object {
			if drill {
				return build("new-drill", true)
			}
			return build("new-real", false)
		}
	}
	kinds := []laneKind{{
		kind: "SecurityIncident", real: realInc, drill: drillInc,
		fresh: func(drill bool) client.Object {
			if drill {
				return incident("new-drill", true)
			}
			return incident("new-real", false)
		},
		empty: func() client.Object { return &v1alpha1.SecurityIncident{} },
		spec:  map[string]any{"description": "Edited."},
	}}
	add := func(kind string, build func(string, bool) client.Object, empty func() client.Object, spec map[string]any) {
		r, d, fresh := pair(build)
		kinds = append(kinds, laneKind{kind: kind, real: r, drill: d, fresh: fresh, empty: empty, spec: spec})
	}
	add("EmergencyResponse", func(n string, d bool) client.Object { return response(n, d) },
		func() client.Object { return &v1alpha1.EmergencyResponse{} }, map[string]any{"commander": "Someone else"})
	add("WorkGroup", func(n string, d bool) client.Object { return workGroup(n, d) },
		func() client.Object { return &v1alpha1.WorkGroup{} }, map[string]any{"lead": "Someone else"})
	kinds = append(kinds, laneKind{kind: "Warning", real: realW, drill: drillW,
		fresh: func(drill bool) client.Object {
			if drill {
				return warning("new-drill", true)
			}
			return warning("new-real", false)
		},
		empty: func() client.Object { return &v1alpha1.Warning{} }, spec: map[string]any{"hotline": "12322"}})
	add("Notification", func(n string, d bool) client.Object { return notification(n, d) },
		func() client.Object { return &v1alpha1.Notification{} }, map[string]any{"channels": []string{"elsewhere"}})
	kinds = append(kinds,
		laneKind{kind: "NotificationChannel", real: mk(channel("real")),
			fresh: func(bool) client.Object { return channel("new-real") },
			empty: func() client.Object { return &v1alpha1.NotificationChannel{} }, spec: map[string]any{"timeoutSeconds": 7}},
		laneKind{kind: "HolidayCalendar", real: mk(calendar("lanes-" + ns)),
			fresh: func(bool) client.Object { return calendar("lanes-new-" + ns) },
			empty: func() client.Object { return &v1alpha1.HolidayCalendar{} },
			spec:  map[string]any{"holidays": []map[string]string{{"name": "Lanes day", "start": "2027-01-04"}}}})
	// A unit is registered once per namespace, named as it: ns's own (by
	// NewNamespace) is the record, a new one goes into a namespace without.
	bare := harness.NewBareNamespace()
	unit := &v1alpha1.ReportingUnit{}
	Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: ns}, unit)).To(Succeed())
	kinds = append(kinds, laneKind{kind: "ReportingUnit", real: unit,
		fresh: func(bool) client.Object {
			return &v1alpha1.ReportingUnit{ObjectMeta: metav1.ObjectMeta{Name: bare, Namespace: bare},
				Spec: v1alpha1.ReportingUnitSpec{Name: "Lanes Registry", Type: v1alpha1.UnitDomainRegistry}}
		},
		empty: func() client.Object { return &v1alpha1.ReportingUnit{} },
		spec:  map[string]any{"liaison": map[string]any{"name": "Li Lei", "phone": "+86 851 8888 0001"}}})
	report := func(name string, drill bool) *v1alpha1.UnitReport {
		return &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.UnitReportSpec{
			Type: v1alpha1.UnitReportHazard, Drill: drill, Hazard: &v1alpha1.HazardDetails{Description: "Scanning of the DNS servers."}}}
	}
	add("UnitReport", func(n string, d bool) client.Object { return report(n, d) },
		func() client.Object { return &v1alpha1.UnitReport{} }, map[string]any{"hazard": map[string]any{"description": "Nothing."}})
	dispatch := func(name string, drill bool) *v1alpha1.SupportDispatch {
		inc := realInc
		if drill {
			inc = drillInc
		}
		return &v1alpha1.SupportDispatch{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.SupportDispatchSpec{
			Drill: drill, IncidentRef: v1alpha1.ObjectRef{Namespace: inc.GetNamespace(), Name: inc.GetName()},
			Kinds:   []v1alpha1.SupportKind{v1alpha1.SupportExpertConsultation},
			Experts: []v1alpha1.Contact{{Name: "Wang Fang", Phone: "+86 851 8888 0101"}}}}
	}
	add("SupportDispatch", func(n string, d bool) client.Object { return dispatch(n, d) },
		func() client.Object { return &v1alpha1.SupportDispatch{} }, map[string]any{"note": "Edited."})
	DeferCleanup(func() {
		Expect(client.IgnoreNotFound(k8s.Delete(ctx, &v1alpha1.HolidayCalendar{ObjectMeta: metav1.ObjectMeta{Name: "lanes-" + ns}}))).To(Succeed())
	})
	return kinds
}

// laneCell is one cell: the real record's outcome, and the drill's ("" for
// a kind without drills).
type laneCell struct{ real, drill string }

func (c laneCell) String() string {
	if c.drill == "" || c.drill == c.real {
		return c.real
	}
	return c.real + " / " + c.drill
}

const (
	lanesBegin = "<!-- lanes:begin -->"
	lanesEnd   = "<!-- lanes:end -->"
)

var _ = Describe("Lanes: every role changes only what its job covers", Ordered, func() {
	var (
		ns       string
		kinds    []laneKind
		subjects []laneSubject
		results  map[string]map[string]map[string]laneCell // role → kind → group
		clients  map[string]client.Client
	)

	BeforeAll(func() {
		harness.GrantNotificationRoles()
		Expect(harness.ApplyRBAC("role.yaml")).To(Succeed())
		ns = harness.NewNamespace()
		cluster := func(role string) func(string) {
			return func(string) { bindRole("lanes-"+role, role) }
		}
		// namespaced binds role to user in the namespace the attempt runs in.
		namespaced := func(binding, role, user string) func(string) {
			return func(ns string) {
				Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
					ObjectMeta: metav1.ObjectMeta{Name: binding, Namespace: ns},
					RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
					Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: user}},
				})).To(Succeed())
			}
		}
		subjects = []laneSubject{
			{"emergency-office", "lanes-emergency-office", cluster("emergency-office"), "emergencyresponses"},
			{"emergency-leading-group", "lanes-emergency-leading-group", cluster("emergency-leading-group"), "emergencyresponses"},
			{"emergency-ministry-office", "lanes-emergency-ministry-office", cluster("emergency-ministry-office"), "emergencyresponses"},
			{"emergency-ministry-leading-group", "lanes-emergency-ministry-leading-group", cluster("emergency-ministry-leading-group"), "emergencyresponses"},
			{"emergency-drill-approver", "lanes-emergency-drill-approver", cluster("emergency-drill-approver"), "emergencyresponses"},
			{"emergency-reporting-unit (in its namespace)", "lanes-emergency-reporting-unit",
				namespaced("lanes-unit", "emergency-reporting-unit", "lanes-emergency-reporting-unit"), "securityincidents"},
			{"emergency-unit-reader (in the office's namespace)", "lanes-emergency-unit-reader",
				namespaced("lanes-unit-reader", "emergency-unit-reader", "lanes-emergency-unit-reader"), "warnings"},
			{"emergency-report-recipient", "lanes-emergency-report-recipient", cluster("emergency-report-recipient"), "notifications"},
			{"emergency-release-approver", "lanes-emergency-release-approver", cluster("emergency-release-approver"), "notifications"},
			{"the operator (manager-role)", "lanes-operator", func(string) { bindRole("lanes-operator", "manager-role") }, "notifications"},
			{"cluster-admin", "lanes-cluster-admin", cluster("cluster-admin"), "secrets"},
			{"no role", "lanes-no-role", func(string) {}, ""},
		}
		clients = map[string]client.Client{}
		for _, s := range subjects {
			s.bind(ns)
			c := harness.AsUser(s.user)
			clients[s.role] = c
			if s.probe != "" {
				Eventually(func() bool {
					return selfCan(c, authorizationv1.ResourceAttributes{Group: groupOf(s.probe), Resource: s.probe, Verb: "list", Namespace: ns})
				}).Should(BeTrue(), "%s's binding", s.role)
			}
		}
		kinds = laneFixtures(ns)

		results = map[string]map[string]map[string]laneCell{}
		for _, s := range subjects {
			c := clients[s.role]
			holds := map[string]bool{ns: holdsReal(c, ns), "": holdsReal(c, "")}
			results[s.role] = map[string]map[string]laneCell{}
			for _, k := range kinds {
				results[s.role][k.kind] = map[string]laneCell{}
				for _, g := range laneGroups {
					cell := laneCell{real: laneOutcome(tryLane(c, k, k.real, false, g), true, holds[k.real.GetNamespace()])}
					if k.drill != nil {
						cell.drill = laneOutcome(tryLane(c, k, k.drill, true, g), false, true)
					}
					results[s.role][k.kind][g] = cell
				}
			}
		}
	})

	It("keeps the drill pipeline off every real record, and on its drills", func() {
		for _, k := range kinds {
			for _, g := range laneGroups {
				cell := results["emergency-drill-approver"][k.kind][g]
				Expect(cell.real).NotTo(Equal("yes"), "the drill pipeline may %s a real %s", g, k.kind)
				if k.kind == "SecurityIncident" || k.kind == "EmergencyResponse" || k.kind == "Warning" {
					Expect(cell.drill).To(Equal("yes"), "the drill pipeline may not %s a drill %s", g, k.kind)
				}
			}
		}
		// The lane itself refuses it, not only RBAC or another rule: the
		// pipeline's role may write these kinds.
		Expect(results["emergency-drill-approver"]["EmergencyResponse"]["annotations"].real).To(Equal("lane"))
		Expect(results["emergency-drill-approver"]["SecurityIncident"]["labels"].real).To(Equal("lane"))
		Expect(results["emergency-drill-approver"]["Warning"]["spec"].real).To(Equal("lane"))
	})

	It("lets a recipient confirm a report and change nothing else", func() {
		for _, k := range kinds {
			for _, g := range laneGroups {
				cell := results["emergency-report-recipient"][k.kind][g]
				Expect(cell.real).NotTo(Equal("yes"), "a recipient may %s a real %s", g, k.kind)
				if k.drill != nil {
					Expect(cell.drill).NotTo(Equal("yes"), "a recipient may %s a drill %s", g, k.kind)
				}
			}
		}
		recipient := clients["emergency-report-recipient"]
		for _, k := range kinds {
			if k.kind != "Notification" {
				continue
			}
			for _, n := range []client.Object{k.real, k.drill} {
				Expect(mergePatch(recipient, n, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
					v1alpha1.AnnotationConfirmedBy: "lanes-emergency-report-recipient"}}}, client.DryRunAll)).To(Succeed(), "confirming %s", n.GetName())
			}
		}
	})

	It("lets a user with no role change nothing", func() {
		for _, k := range kinds {
			for _, g := range laneGroups {
				Expect(results["no role"][k.kind][g].String()).To(Equal("RBAC"), "%s of %s", g, k.kind)
			}
		}
	})

	It("keeps the operator's own role writing what it writes: work groups and notifications, real ones too", func() {
		op := results["the operator (manager-role)"]
		for _, g := range []string{"create", "spec", "labels", "annotations", "delete"} {
			Expect(op["WorkGroup"][g].String()).To(Equal("yes"), "the operator's %s of a work group", g)
		}
		Expect(op["Notification"]["create"].String()).To(Equal("yes"))
	})

	It("is the table docs/trust.md shows", func() {
		table := lanesTable(subjects, kinds, results)
		path := harness.Path("docs", "trust.md")
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		page := string(data)
		begin, end := strings.Index(page, lanesBegin), strings.Index(page, lanesEnd)
		Expect(begin).To(BeNumerically(">=", 0), "docs/trust.md has no %s", lanesBegin)
		Expect(end).To(BeNumerically(">", begin), "docs/trust.md has no %s after %s", lanesEnd, lanesBegin)
		shown := page[begin+len(lanesBegin) : end]
		if os.Getenv("LANES_TABLE_WRITE") == "1" {
			page = page[:begin+len(lanesBegin)] + "\n" + table + page[end:]
			Expect(os.WriteFile(path, []byte(page), 0o644)).To(Succeed())
			return
		}
		Expect(shown).To(Equal("\n"+table), "docs/trust.md's table of lanes is not what the API server does; "+
			"regenerate it with LANES_TABLE_WRITE=1 go test ./test/integration/admission -run TestAdmission -ginkgo.focus Lanes")
	})
})

// lanesTable is the Markdown table of the results: a row per role and kind,
// a column per group, each cell the real record's outcome / the drill's.
func lanesTable(subjects []laneSubject, kinds []laneKind, results map[string]map[string]map[string]laneCell) string {
	var b strings.Builder
	b.WriteString("| role | kind | " + strings.Join(laneGroups, " | ") + " |\n")
	b.WriteString("| --- | --- |" + strings.Repeat(" --- |", len(laneGroups)) + "\n")
	for _, s := range subjects {
		for _, k := range kinds {
			fmt.Fprintf(&b, "| %s | %s |", s.role, k.kind)
			for _, g := range laneGroups {
				fmt.Fprintf(&b, " %s |", results[s.role][k.kind][g])
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// groupOf is the API group of a resource the probes name.
func groupOf(resource string) string {
	if resource == "secrets" {
		return ""
	}
	return v1alpha1.GroupVersion.Group
}
