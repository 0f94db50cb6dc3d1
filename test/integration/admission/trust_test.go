package admission

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Attempts on the record and the authority chain, made by users bound to
// the shipped roles (config/rbac/approval_roles.yaml) through their own
// credentials, the way the README tells operators to bind them. Each
// attempt is either refused by the API server with the rule's name, or
// accepted and shown not to be acted on; the legitimate paths beside them
// must go through, so that a cluster refusing everything fails here.

const (
	unitA    = "unit-a-reporter"
	unitB    = "unit-b-reporter"
	stranger = "stranger"
)

// attempt is one row of the table of attempts.
type attempt struct {
	Class, Who, What, Result string
}

var (
	attemptsMu sync.Mutex
	attempts   []attempt
)

func record(class, who, what, result string) {
	attemptsMu.Lock()
	defer attemptsMu.Unlock()
	attempts = append(attempts, attempt{class, who, what, result})
}

// refused records an attempt that the API server must refuse, naming words.
func refused(class, who, what string, err error, words ...string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "%s by %s got through", what, who)
	Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "%s by %s: want a refusal, got %v", what, who, err)
	for _, w := range words {
		Expect(err.Error()).To(ContainSubstring(w), "%s by %s", what, who)
	}
	msg := err.Error()
	if i := strings.Index(msg, "rule "); i >= 0 {
		msg = msg[i:]
	} else if k := strings.Index(msg, "no params found"); k >= 0 {
		// The tenancy's refusal where no unit is registered, in the API
		// server's own words (config/admission/tenancy.yaml).
		msg = "no registered unit: " + msg[k:]
	} else if j := strings.Index(msg, "cannot"); apierrors.IsForbidden(err) && j >= 0 {
		msg = "RBAC: " + msg[j:]
	}
	record(class, who, what, "refused: "+firstLine(msg, 110))
}

// notActedOn records an attempt the API server accepts and the operator
// does not act on; check proves it from status.
func notActedOn(class, who, what string, err error, proof string, check func(Gomega)) {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), "%s by %s", what, who)
	Eventually(check).Should(Succeed())
	Consistently(check, time.Second).Should(Succeed())
	record(class, who, what, "accepted, not acted on: "+proof)
}

// allowed records a legitimate path, which must go through.
func allowed(class, who, what string, err error) {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), "the legitimate %s by %s was refused", what, who)
	record(class, who, what, "allowed (positive control)")
}

func firstLine(s string, n int) string {
	s = strings.SplitN(s, "\n", 2)[0]
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// The table of attempts, written where TRUST_TABLE points.
var _ = ReportAfterSuite("table of attempts", func(Report) {
	if path := os.Getenv("TRUST_TABLE"); path != "" && len(attempts) > 0 {
		sort.SliceStable(attempts, func(i, j int) bool { return attempts[i].Class < attempts[j].Class })
		var b strings.Builder
		b.WriteString("| class | who | attempt | result |\n| --- | --- | --- | --- |\n")
		for _, a := range attempts {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", a.Class, a.Who, a.What, strings.ReplaceAll(a.Result, "|", "/"))
		}
		Expect(os.WriteFile(path, []byte(b.String()), 0o644)).To(Succeed())
	}
})

// bindUnit binds a reporting unit's user in its own namespace, as the
// README says.
func bindUnit(user, ns string) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "unit-reporters", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "emergency-reporting-unit"},
		Subjects:   []rbacv1.Subject{{Kind: "User", Name: user}},
	})).To(Succeed())
	harness.WaitBound(user, ns, "emergency-reporting-unit")
}

func mergePatch(c client.Client, obj client.Object, v map[string]any, opts ...client.PatchOption) error {
	data, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, data), opts...)
}

func getIncident(g Gomega, inc *v1alpha1.SecurityIncident) *v1alpha1.SecurityIncident {
	out := &v1alpha1.SecurityIncident{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(inc), out)).To(Succeed())
	return out
}

var _ = Describe("Trust: attempts by every role", func() {
	var unit, unitBNs, office string
	BeforeEach(func() {
		harness.GrantRoles()
		unit, unitBNs, office = harness.NewNamespace(), harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
		bindUnit(unitB, unitBNs)
	})

	// started creates, as the duty officer, a response to inc and starts it
	// on the leading group's (III, IV), the ministry leading group's (I) or
	// the ministry office's (II) decision.
	started := func(name string, inc *v1alpha1.SecurityIncident, edit func(*builder.ResponseBuilder)) *v1alpha1.EmergencyResponse {
		GinkgoHelper()
		b := builder.Response(name, office, inc)
		if edit != nil {
			edit(b)
		}
		resp := b.Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		var l v1alpha1.Level
		Eventually(func(g Gomega) v1alpha1.Level { l = harness.GetResponse(g, resp).Status.Level; return l }).ShouldNot(BeEmpty())
		if l == v1alpha1.LevelI || l == v1alpha1.LevelII {
			who := map[v1alpha1.Level]string{v1alpha1.LevelI: harness.MinistryLeader, v1alpha1.LevelII: harness.MinistryUser}[l]
			Expect(harness.Annotate(harness.AsUser(who), resp, map[string]any{v1alpha1.AnnotationDirective: "MIIT-" + name, v1alpha1.AnnotationApprovedLevel: string(l)})).To(Succeed())
		} else {
			Expect(harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, l)).To(Succeed())
		}
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		return resp
	}
	levelI := func(name, ns string) *v1alpha1.SecurityIncident {
		return builder.Incident(name, ns).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDNSAnomaly}
			i.Spec.Impact = v1alpha1.Impact{DNS: &v1alpha1.DNSImpact{System: v1alpha1.DNSCNTopLevel, State: v1alpha1.DNSUnreachable}}
		}).Obj()
	}

	It("start authority follows the incidents, and an approval names the level in force", func() {
		const class = "start authority"
		inc := levelI("cn-dns", unit)
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := builder.Response("low", office, inc).Level(v1alpha1.LevelIII).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelI))

		refused(class, harness.ApproverIII, "approve III on a response the office set to III over a level I incident",
			harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "III"}),
			"rule level", "approved-level=I")
		refused(class, harness.ApproverIII, "approve I with the leading group's approval",
			harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "I"}), "rule level")
		refused(class, harness.ApproverIII, "write a directive for level I",
			harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationDirective: "fake", v1alpha1.AnnotationApprovedLevel: "I"}), "rule entitled", "levels/i")
		// Refused twice: drills/ does not cover a real response (approvals.yaml),
		// and the drill pipeline writes no real record (lanes.yaml).
		drillApproval := harness.Annotate(harness.AsUser(harness.DrillPipeline), resp, map[string]any{v1alpha1.AnnotationDirective: "drill", v1alpha1.AnnotationApprovedLevel: "I"})
		Expect(drillApproval).To(MatchError(MatchRegexp(`rule (entitled|lane)`)))
		refused(class, harness.DrillPipeline, "approve a real response as the drill pipeline", drillApproval)
		refused(class, stranger, "approve with no role at all",
			harness.Annotate(harness.AsUser(stranger), resp, map[string]any{v1alpha1.AnnotationDirective: "x", v1alpha1.AnnotationApprovedLevel: "I"}), "forbidden")
		refused(class, unitA, "approve a response as a reporting unit",
			harness.Annotate(harness.AsUser(unitA), resp, map[string]any{v1alpha1.AnnotationDirective: "x", v1alpha1.AnnotationApprovedLevel: "I"}), "forbidden")
		refused(class, harness.MinistryLeader, "a directive naming level II for a level I response",
			harness.Annotate(harness.AsUser(harness.MinistryLeader), resp, map[string]any{v1alpha1.AnnotationDirective: "MIIT-1", v1alpha1.AnnotationApprovedLevel: "II"}),
			"rule level", "approved-level=I")
		refused(class, harness.MinistryUser, "start a level I response as the ministry office (§5.3: the ministry leading group's decision)",
			harness.Annotate(harness.AsUser(harness.MinistryUser), resp, map[string]any{v1alpha1.AnnotationDirective: "MIIT-1", v1alpha1.AnnotationApprovedLevel: "I"}),
			"rule entitled", "approve on levels/i", "ministry leading group")
		refused(class, harness.MinistryLeader, "start and end a level I response in one write",
			harness.Annotate(harness.AsUser(harness.MinistryLeader), resp, map[string]any{v1alpha1.AnnotationDirective: "MIIT-1", v1alpha1.AnnotationEndDirective: "MIIT-1-end",
				v1alpha1.AnnotationApprovedLevel: "I"}), "rule entitled", "approve and end on levels/i")
		Expect(harness.GetResponse(Default, resp).Status.StartedTime).To(BeNil())

		allowed(class, harness.MinistryLeader, "a directive for level I, the level in force",
			harness.Annotate(harness.AsUser(harness.MinistryLeader), resp, map[string]any{v1alpha1.AnnotationDirective: "MIIT-2026-9", v1alpha1.AnnotationApprovedLevel: "I"}))
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			g.Expect(got.Status.Approval.Incidents).To(ConsistOf(v1alpha1.ApprovedIncident{
				Namespace: unit, Name: "cn-dns", UID: string(getIncident(g, inc).UID), Level: "I"}))
		}).Should(Succeed())

		By("the ministry office, not its leading group, ends a level I response (§5.5)")
		Expect(mergePatch(harness.AsUser(harness.DutyOfficer), resp, map[string]any{"spec": map[string]any{"endRequested": true}})).To(Succeed())
		refused(class, harness.MinistryLeader, "end the level I response it started",
			harness.Annotate(harness.AsUser(harness.MinistryLeader), resp, map[string]any{v1alpha1.AnnotationEndDirective: "MIIT-2026-9-end"}),
			"rule entitled", "end on levels/i", "ministry emergency office")
		refused(class, harness.ApproverIII, "end a level I response on the provincial leading group's approval",
			harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII}), "rule")
		Expect(harness.GetResponse(Default, resp).Status.EndedTime).To(BeNil())
		allowed(class, harness.MinistryUser, "end the level I response as the ministry office directs",
			harness.Annotate(harness.AsUser(harness.MinistryUser), resp, map[string]any{v1alpha1.AnnotationEndDirective: "MIIT-2026-9-end"}))
		Eventually(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.EndedTime }).ShouldNot(BeNil())
	})

	It("keeps four eyes: nobody approves what they wrote", func() {
		const class = "four eyes"
		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := builder.Response("r", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIII))

		Expect(mergePatch(harness.AsUser(harness.ApproverIII), resp, map[string]any{"spec": map[string]any{"level": "IV"}})).To(Succeed())
		Expect(mergePatch(harness.AsUser(harness.ApproverIII), resp, map[string]any{"spec": map[string]any{"level": nil}})).To(Succeed())
		Eventually(func(g Gomega) string { return harness.GetResponse(g, resp).Annotations[v1alpha1.AnnotationWrittenBy] }).Should(Equal(harness.DutyOfficer + "," + harness.ApproverIII))
		refused(class, harness.ApproverIII, "approve a response after editing its level",
			harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII), "rule four-eyes", "wrote the level or incidents")
		refused(class, harness.ApproverIII, "erase written-by, then approve",
			func() error {
				_ = mergePatch(harness.AsUser(harness.ApproverIII), resp, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationWrittenBy: harness.DutyOfficer}}})
				return harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII)
			}(), "rule four-eyes")
		Expect(harness.GetResponse(Default, resp).Annotations[v1alpha1.AnnotationWrittenBy]).To(Equal(harness.DutyOfficer + "," + harness.ApproverIII))
		own := builder.Response("own", office, inc).Obj()
		Expect(k8s.Create(ctx, own)).To(Succeed())
		refused(class, "cluster-admin", "approve a response the administrator created",
			harness.Approve(k8s, own, own.Annotations[v1alpha1.AnnotationCreatedBy], v1alpha1.LevelIII), "rule four-eyes")

		forged := builder.Response("forged", office, inc).Edit(func(r *v1alpha1.EmergencyResponse) {
			r.Annotations = map[string]string{v1alpha1.AnnotationWrittenBy: "nobody", v1alpha1.AnnotationCreatedBy: "nobody"}
		}).Obj()
		Expect(harness.AsUser(harness.ApproverIII).Create(ctx, forged)).To(Succeed())
		Expect(forged.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationWrittenBy, harness.ApproverIII))
		record(class, harness.ApproverIII, "forge created-by and written-by on create", "accepted, not acted on: the API server replaced both with "+harness.ApproverIII)

		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "y", Namespace: office}, Spec: yellowSpec()}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		Expect(mergePatch(harness.AsUser(harness.ApproverIII), w, map[string]any{"spec": map[string]any{"harm": "A harm the leading group typed"}})).To(Succeed())
		refused(class, harness.ApproverIII, "approve a yellow warning after rewriting its harm",
			mergePatch(harness.AsUser(harness.ApproverIII), w, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"}}}), "rule four-eyes", "content of this warning")

		allowed(class, harness.ApproverIII, "approve a response someone else wrote",
			harness.Approve(harness.AsUser(harness.ApproverIII), own, harness.ApproverIII, v1alpha1.LevelIII))
	})

	It("counts no wildcard grant as a decision: an administrator decides nothing", func() {
		const class = "explicit grant"
		harness.GrantNotificationRoles()
		// Three holders of wildcards, none of them the creator of what they
		// try to decide: cluster-admin's binding, a role with every verb on
		// levels and audiences, a role with approve and confirm on every
		// resource of the group; and the test cluster's own administrator
		// (system:masters, which authorization never refuses).
		const clusterAdmin, verbStar, resourceStar = "platform-admin", "verb-wildcard", "resource-wildcard"
		group := v1alpha1.GroupVersion.Group
		bindRole(clusterAdmin, "cluster-admin")
		wildcardRole(verbStar, rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{"levels", "audiences"}, Verbs: []string{"*"}})
		wildcardRole(resourceStar, rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{"*"}, Verbs: []string{"approve", "confirm", "get", "list", "watch", "patch", "update"}})
		masters := whoAmI(k8s)

		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := builder.Response("r", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return harness.GetResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIII))
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "y", Namespace: office}, Spec: yellowSpec()}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())

		for who, c := range map[string]client.Client{
			clusterAdmin: harness.AsUser(clusterAdmin), verbStar: harness.AsUser(verbStar),
			resourceStar: harness.AsUser(resourceStar), masters: k8s,
		} {
			refused(class, who, "approve a level III response someone else wrote",
				harness.Approve(c, resp, who, v1alpha1.LevelIII), "rule explicit-grant", "wildcard")
			refused(class, who, "approve a yellow warning someone else wrote",
				mergePatch(c, w, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
					v1alpha1.AnnotationApprovedBy: who, v1alpha1.AnnotationApprovedLevel: "Yellow"}}}), "rule explicit-grant")
		}
		Consistently(func(g Gomega) {
			g.Expect(harness.GetResponse(g, resp).Status.StartedTime).To(BeNil())
			g.Expect(harness.GetWarning(g, w).Status.PublishedTime).To(BeNil())
		}, time.Second).Should(Succeed())

		allowed(class, harness.ApproverIII, "approve the same response, granted approve on levels/iii by name",
			harness.Approve(harness.AsUser(harness.ApproverIII), resp, harness.ApproverIII, v1alpha1.LevelIII))
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		var started *v1alpha1.Notification // written once the start is on record
		Eventually(func(g Gomega) { started = harness.ReportOf(g, resp, "started") }).Should(Succeed())
		for _, who := range []string{clusterAdmin, verbStar, resourceStar} {
			refused(class, who, "confirm receipt of a report to the ministry",
				harness.AnnotateNotification(harness.AsUser(who), started, map[string]string{v1alpha1.AnnotationConfirmedBy: who}), "rule explicit-grant")
		}
		refused(class, masters, "confirm receipt of a report to the ministry",
			harness.AnnotateNotification(k8s, started, map[string]string{v1alpha1.AnnotationConfirmedBy: masters}), "rule explicit-grant")
		allowed(class, harness.MinistryDuty, "confirm the same report, granted confirm on audiences by name",
			harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), started, map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty}))
	})

	It("keeps the links between records: no role cuts a report from its source or a work group from its response", func() {
		const class = "links"
		harness.GrantNotificationRoles()
		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := started("linked", inc, func(b *builder.ResponseBuilder) { b.WorkGroups(v1alpha1.WorkGroupRecovery) })
		var report *v1alpha1.Notification // written once the start is on record
		Eventually(func(g Gomega) { report = harness.ReportOf(g, resp, "started") }).Should(Succeed())
		wg := &v1alpha1.WorkGroup{}
		Eventually(func() error {
			return k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "linked-recovery"}, wg)
		}).Should(Succeed())

		for _, try := range []struct {
			who  string
			c    client.Client
			what string
			obj  client.Object
			body map[string]any
			rule string
		}{
			{harness.MinistryDuty, harness.AsUser(harness.MinistryDuty), "remove a report's source-uid label", report,
				map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelSourceUID: nil}}}, "rule link"},
			{harness.MinistryDuty, harness.AsUser(harness.MinistryDuty), "point a report's source-uid label at another source", report,
				map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelSourceUID: string(inc.UID)}}}, "rule link"},
			{harness.MinistryDuty, harness.AsUser(harness.MinistryDuty), "drop a report's owner reference", report,
				map[string]any{"metadata": map[string]any{"ownerReferences": nil}}, "rule owner"},
			{harness.DutyOfficer, harness.AsUser(harness.DutyOfficer), "remove a work group's response label", wg,
				map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelResponse: nil}}}, "rule link"},
			{harness.DutyOfficer, harness.AsUser(harness.DutyOfficer), "move a work group to another response by its label", wg,
				map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelResponse: "other"}}}, "rule link"},
			{harness.DutyOfficer, harness.AsUser(harness.DutyOfficer), "drop a work group's owner reference", wg,
				map[string]any{"metadata": map[string]any{"ownerReferences": nil}}, "rule owner"},
			{"cluster-admin", k8s, "remove a report's source-uid label", report,
				map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelSourceUID: nil}}}, "rule link"},
			{"cluster-admin", k8s, "drop a work group's owner reference", wg,
				map[string]any{"metadata": map[string]any{"ownerReferences": nil}}, "rule owner"},
		} {
			refused(class, try.who, try.what, mergePatch(try.c, try.obj, try.body), try.rule)
		}
		Eventually(func(g Gomega) {
			got := &v1alpha1.Notification{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(report), got)).To(Succeed())
			g.Expect(got.Labels).To(HaveKeyWithValue(v1alpha1.LabelSourceUID, string(resp.UID)))
			g.Expect(got.OwnerReferences).To(HaveLen(1))
			gotWG := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(wg), gotWG)).To(Succeed())
			g.Expect(gotWG.Labels).To(HaveKeyWithValue(v1alpha1.LabelResponse, "linked"))
			g.Expect(gotWG.OwnerReferences).To(HaveLen(1))
		}).Should(Succeed())
		allowed(class, harness.DutyOfficer, "name the work group's lead, a field of its own",
			mergePatch(harness.AsUser(harness.DutyOfficer), wg, map[string]any{"spec": map[string]any{"lead": "Wang"}}))
		allowed(class, harness.MinistryDuty, "confirm the report, leaving its links as they are",
			harness.AnnotateNotification(harness.AsUser(harness.MinistryDuty), report, map[string]string{v1alpha1.AnnotationConfirmedBy: harness.MinistryDuty}))
	})

	It("keeps the reported facts: corrections are logged with their writer", func() {
		const class = "record"
		inc := builder.Incident("late", unit).Discovered(time.Now().Add(-3 * time.Hour)).Records(200_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return harness.DeadlineOf(getIncident(g, inc), v1alpha1.DeadlineInitialReport).State
		}).Should(Equal(v1alpha1.DeadlineMissed))

		// Moving a reported time is a correction, kept and counted from the
		// earliest time on record: trust_record_test.go.
		refused(class, unitB, "edit another unit's incident",
			mergePatch(harness.AsUser(unitB), inc, map[string]any{"spec": map[string]any{"measuresTaken": "nothing"}}), "forbidden")
		refused(class, unitA, "write the incident's status",
			harness.AsUser(unitA).Status().Patch(ctx, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: inc.Name, Namespace: unit}},
				client.RawPatch(types.MergePatchType, []byte(`{"status":{"deadlines":[]}}`))), "forbidden")
		refused(class, stranger, "file an incident in a unit's namespace",
			harness.AsUser(stranger).Create(ctx, builder.Incident("fake", unit).Obj()), "forbidden")

		notActedOn(class, unitA, "correct the leaked records (a legitimate correction), forging last-written-by",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{
				"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationLastWrittenBy: "someone-else"}},
				"spec":     map[string]any{"impact": map[string]any{"dataLeak": map[string]any{"records": 20_000_000}}}}),
			"the correction is logged under the real writer; the missed deadline stays Missed",
			func(g Gomega) {
				got := getIncident(g, inc)
				g.Expect(got.Status.Corrections).To(HaveLen(1))
				g.Expect(got.Status.Corrections[0].Writer).To(Equal(unitA))
				g.Expect(got.Status.Level).To(Equal(v1alpha1.IncidentLevel("II")))
				g.Expect(harness.DeadlineOf(got, v1alpha1.DeadlineInitialReport).State).To(Equal(v1alpha1.DeadlineMissed))
				g.Expect(harness.Condition(got, v1alpha1.IncidentDeadlinesMetCondition).Status).To(Equal(metav1.ConditionFalse))
			})
	})

	It("counts summary reports from when the cluster recorded them, after the end only", func() {
		const class = "record"
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := started("sum", inc, func(b *builder.ResponseBuilder) { b.WorkGroups(v1alpha1.WorkGroupRecovery) })
		report := func(at time.Time) map[string]any {
			return map[string]any{"spec": map[string]any{"summaryReports": map[string]any{"office": map[string]any{
				"submittedAt": at.UTC().Format(time.RFC3339), "document": "GZ-1"}}}}
		}
		refused(class, harness.DutyOfficer, "hand in a summary report before the response ended",
			mergePatch(harness.AsUser(harness.DutyOfficer), resp, report(time.Now())), "rule reports")
		// A unit hands in its own summary report from its namespace, as a
		// UnitReport; one filed before the end does not count (§6.1).
		early := summaryReport("early", unit, office)
		early.Spec.ResponseRef.Name = resp.Name
		notActedOn(class, unitA, "hand in its summary report before the response ended",
			harness.AsUser(unitA).Create(ctx, early), "the report says BeforeEnd and the response counts none",
			func(g Gomega) {
				got := getUnitReport(g, early)
				g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.UnitReportBeforeEndReason))
				for _, u := range harness.GetResponse(g, resp).Status.UnitSummaryReports {
					g.Expect(u.Report).To(BeEmpty())
				}
			})

		Expect(mergePatch(harness.AsUser(harness.DutyOfficer), resp, map[string]any{"spec": map[string]any{"endRequested": true}})).To(Succeed())
		Expect(harness.Annotate(harness.AsUser(harness.ApproverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: harness.ApproverIII})).To(Succeed())
		Eventually(func(g Gomega) *metav1.Time { return harness.GetResponse(g, resp).Status.EndedTime }).ShouldNot(BeNil())

		notActedOn(class, harness.DutyOfficer, "a summary report dated in 2020, before the response existed",
			mergePatch(harness.AsUser(harness.DutyOfficer), resp, report(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC))),
			"its deadline counts from when the operator recorded it, not from the typed date",
			func(g Gomega) {
				got := harness.GetResponse(g, resp)
				g.Expect(got.Status.SummaryReportsReceived).NotTo(BeNil())
				g.Expect(got.Status.SummaryReportsReceived.OfficeTime).NotTo(BeNil())
				d := harness.ResponseDeadline(got, v1alpha1.DeadlineOfficeSummaryReport)
				g.Expect(d.State).To(Equal(v1alpha1.DeadlineMet))
				g.Expect(d.CompletedTime.Time).To(BeTemporally("==", got.Status.SummaryReportsReceived.OfficeTime.Time))
				g.Expect(d.CompletedTime.Year()).NotTo(Equal(2020))
			})

		summary := summaryReport("summary", unit, office)
		summary.Spec.ResponseRef.Name = resp.Name
		allowed(class, unitA, "hand in its summary report from its namespace after the end", harness.AsUser(unitA).Create(ctx, summary))
		// On the suite's fake clock the early report's receipt and the end
		// are the same instant, so which of the two the response names is
		// not what this checks: that it has the unit's summary report, from
		// the unit's namespace, and the unit's deadline Met.
		Eventually(func(g Gomega) {
			got := harness.GetResponse(g, resp)
			g.Expect(got.Status.UnitSummaryReports).To(ConsistOf(And(HaveField("Namespace", unit), HaveField("Report", Not(BeEmpty())))))
			g.Expect(harness.ResponseDeadline(got, v1alpha1.DeadlineUnitSummaryReportPrefix+unit).State).To(Equal(v1alpha1.DeadlineMet))
		}).Should(Succeed())
	})

	It("refuses to delete what is on record, for every role; drills stay deletable", func() {
		const class = "deletion"
		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := started("live", inc, func(b *builder.ResponseBuilder) { b.WorkGroups(v1alpha1.WorkGroupRecovery) })

		refused(class, unitA, "delete its own real incident while a response covers it", harness.AsUser(unitA).Delete(ctx, inc), "forbidden")
		refused(class, "cluster-admin", "delete a real incident", k8s.Delete(ctx, inc), "rule record")
		refused(class, unitA, "delete every incident of its namespace at once",
			harness.AsUser(unitA).DeleteAllOf(ctx, &v1alpha1.SecurityIncident{}, client.InNamespace(unit)), "forbidden")
		refused(class, "cluster-admin", "delete every incident of a namespace at once",
			k8s.DeleteAllOf(ctx, &v1alpha1.SecurityIncident{}, client.InNamespace(unit)), "rule record")
		refused(class, harness.DutyOfficer, "delete a live, approved response", harness.AsUser(harness.DutyOfficer).Delete(ctx, resp), "rule record")
		refused(class, "cluster-admin", "delete a live, approved response", k8s.Delete(ctx, resp), "rule record")

		wg := &v1alpha1.WorkGroup{}
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "live-recovery"}, wg)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			cur := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(wg), cur)).To(Succeed())
			cur.Spec.Reports = append(cur.Spec.Reports, v1alpha1.ProgressReport{Time: metav1.NewTime(time.Now().Truncate(time.Second)), Unit: "unit-a", Measures: "isolated the database"})
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		refused(class, harness.DutyOfficer, "delete a work group holding a unit's progress reports", harness.AsUser(harness.DutyOfficer).Delete(ctx, wg), "rule record")
		// Three rules refuse it, each on its own: a drill's label is a link
		// (links.yaml), the mark that makes a record deletable (record.yaml)
		// and what makes a record a drill (lanes.yaml); the API server names
		// the first policy it evaluated.
		relabel := mergePatch(harness.AsUser(harness.DutyOfficer), wg, map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelDrill: "true"}}})
		Expect(relabel).To(MatchError(MatchRegexp(`rule (link|record|lane)`)))
		refused(class, harness.DutyOfficer, "label a real work group as a drill's to make it deletable", relabel)

		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "red", Namespace: office}, Spec: yellowSpec()}
		w.Spec.Level, w.Spec.Source = v1alpha1.WarningRed, v1alpha1.SourceNational
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		Eventually(func(g Gomega) *metav1.Time { return getWarningOf(g, w).Status.PublishedTime }).ShouldNot(BeNil())
		refused(class, harness.DutyOfficer, "delete a published warning", harness.AsUser(harness.DutyOfficer).Delete(ctx, w), "rule record")
		refused(class, "cluster-admin", "delete a published warning", k8s.Delete(ctx, w), "rule record")
		// Refused twice: it is on record (record.yaml) and real (lanes.yaml).
		deleteReal := harness.AsUser(harness.DrillPipeline).Delete(ctx, resp)
		Expect(deleteReal).To(MatchError(MatchRegexp(`rule (record|lane)`)))
		refused(class, harness.DrillPipeline, "delete a real, approved response as the drill pipeline", deleteReal)
		refused(class, harness.DutyOfficer, "write a response's status",
			harness.AsUser(harness.DutyOfficer).Status().Patch(ctx, &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: resp.Name, Namespace: office}},
				client.RawPatch(types.MergePatchType, []byte(`{"status":{"endedTime":null}}`))), "forbidden")
		refused(class, harness.DutyOfficer, "add an incident to an approved response",
			mergePatch(harness.AsUser(harness.DutyOfficer), resp, map[string]any{"spec": map[string]any{"incidentRefs": []map[string]string{
				{"namespace": unit, "name": "leak"}, {"namespace": unit, "name": "another"}}}}), "rule frozen")

		pending := builder.Response("pending", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, pending)).To(Succeed())
		allowed(class, harness.DutyOfficer, "delete a response that was never approved", harness.AsUser(harness.DutyOfficer).Delete(ctx, pending))

		drillInc := builder.Incident("drill", unit).Drill().Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, drillInc)).To(Succeed())
		drill := builder.Response("drill", office, drillInc).Drill().WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, drill)).To(Succeed())
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), drill, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, drill).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		dwg := &v1alpha1.WorkGroup{}
		Eventually(func(g Gomega) map[string]string {
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "drill-recovery"}, dwg)).To(Succeed())
			return dwg.Labels
		}).Should(HaveKeyWithValue(v1alpha1.LabelDrill, "true"))
		// The work group first: once its response is gone, the garbage
		// collector may delete it before the pipeline does.
		allowed(class, harness.DrillPipeline, "delete a drill's work group", harness.AsUser(harness.DrillPipeline).Delete(ctx, dwg))
		allowed(class, harness.DrillPipeline, "delete an approved drill response", harness.AsUser(harness.DrillPipeline).Delete(ctx, drill))
		allowed(class, harness.DrillPipeline, "delete a drill incident", harness.AsUser(harness.DrillPipeline).Delete(ctx, drillInc))
	})

	It("binds an approval to the incidents as they were, not to their names", func() {
		const class = "identity"
		drillInc := builder.Incident("x", unit).Drill().Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, drillInc)).To(Succeed())
		drill := builder.Response("drill-x", office, drillInc).Drill().Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, drill)).To(Succeed())
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), drill, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, drill).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
		Expect(harness.AsUser(harness.DrillPipeline).Delete(ctx, drillInc)).To(Succeed())

		real := builder.Incident("x", unit).Records(1_500_000).Obj()
		notActedOn(class, unitA, "create a real incident under the name of a deleted drill incident",
			harness.AsUser(unitA).Create(ctx, real),
			"the drill response does not cover it",
			func(g Gomega) {
				got := getIncident(g, real)
				g.Expect(got.Status.Level).NotTo(BeEmpty())
				g.Expect(got.Status.Responses).To(BeEmpty())
				g.Expect(got.Status.Response).To(BeNil())
				g.Expect(got.Status.Timeline.StartedTime).To(BeNil())
			})

		first := started("first", real, nil)
		second := builder.Response("second", office, real).Obj()
		notActedOn(class, harness.DutyOfficer, "open a second, never-approved response for the incident",
			harness.AsUser(harness.DutyOfficer).Create(ctx, second),
			"the incident keeps the first response's start on record",
			func(g Gomega) {
				got := getIncident(g, real)
				g.Expect(got.Status.Responses).To(HaveLen(1))
				g.Expect(got.Status.Responses[0].Name).To(Equal(first.Name))
				g.Expect(got.Status.Timeline.StartedTime).NotTo(BeNil())
				g.Expect(got.Status.Response.Name).To(Equal(first.Name))
			})
	})

	It("keeps an approved warning as approved", func() {
		const class = "warning"
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "yellow", Namespace: office}, Spec: yellowSpec()}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		Expect(mergePatch(harness.AsUser(harness.ApproverIII), w, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
			v1alpha1.AnnotationApprovedBy: harness.ApproverIII, v1alpha1.AnnotationApprovedLevel: "Yellow"}}})).To(Succeed())
		Eventually(func(g Gomega) *metav1.Time { return getWarningOf(g, w).Status.PublishedTime }).ShouldNot(BeNil())

		refused(class, harness.DutyOfficer, "rewrite the harm of a published yellow warning",
			mergePatch(harness.AsUser(harness.DutyOfficer), w, map[string]any{"spec": map[string]any{"harm": "Nothing to worry about"}}), "rule frozen")
		refused(class, harness.ApproverIII, "rewrite the precautions of a published yellow warning",
			mergePatch(harness.AsUser(harness.ApproverIII), w, map[string]any{"spec": map[string]any{"precautions": []string{"none"}}}), "rule frozen")
		refused(class, harness.DutyOfficer, "downgrade a published yellow warning to a risk notice",
			mergePatch(harness.AsUser(harness.DutyOfficer), w, map[string]any{"spec": map[string]any{"level": "RiskNotice"}}), "rule frozen")
		refused(class, harness.OtherOfficer, "lift a yellow warning on the office's own word",
			mergePatch(harness.AsUser(harness.OtherOfficer), w, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationLiftApprovedBy: harness.OtherOfficer}}}), "rule entitled")

		red := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "red", Namespace: office}, Spec: yellowSpec()}
		red.Spec.Level, red.Spec.Source = v1alpha1.WarningRed, v1alpha1.SourceNational
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, red)).To(Succeed())
		Eventually(func(g Gomega) *metav1.Time { return getWarningOf(g, red).Status.PublishedTime }).ShouldNot(BeNil())
		refused(class, harness.DutyOfficer, "change a national red warning to orange with no directive",
			mergePatch(harness.AsUser(harness.DutyOfficer), red, map[string]any{"spec": map[string]any{"level": "Orange"}}), "rule directive")
		refused(class, harness.OtherOfficer, "change it to orange with a directive the office wrote",
			mergePatch(harness.AsUser(harness.OtherOfficer), red, map[string]any{"spec": map[string]any{"level": "Orange"},
				"metadata": map[string]any{"annotations": map[string]any{"emergency.netsec.io/directive.orange": "fake"}}}), "rule entitled")
		refused(class, harness.ApproverIII, "lift a red warning with the leading group's approval",
			mergePatch(harness.AsUser(harness.ApproverIII), red, map[string]any{"metadata": map[string]any{"annotations": map[string]any{
				v1alpha1.AnnotationLiftApprovedBy: harness.ApproverIII}}}), "rule level")
		allowed(class, harness.MinistryUser, "change the red warning to orange on the ministry's directive",
			mergePatch(harness.AsUser(harness.MinistryUser), red, map[string]any{"spec": map[string]any{"level": "Orange"},
				"metadata": map[string]any{"annotations": map[string]any{"emergency.netsec.io/directive.orange": "MIIT-ADJ-1"}}}))
		Eventually(func(g Gomega) v1alpha1.WarningLevel { return getWarningOf(g, red).Status.PublishedLevel }).Should(Equal(v1alpha1.WarningOrange))
	})

	It("says when an incident rises above its running response, and records the response that supersedes it", func() {
		const class = "escalation"
		inc := builder.Incident("rising", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		old := started("old", inc, nil)
		Expect(harness.GetResponse(Default, old).Status.Level).To(Equal(v1alpha1.LevelIII))

		notActedOn(class, unitA, "raise the leaked records to level II under a running level III response",
			mergePatch(harness.AsUser(unitA), inc, map[string]any{"spec": map[string]any{"impact": map[string]any{"dataLeak": map[string]any{"records": 20_000_000}}}}),
			"the III response says a II response is owed and keeps its level",
			func(g Gomega) {
				got := harness.GetResponse(g, old)
				g.Expect(got.Status.Level).To(Equal(v1alpha1.LevelIII))
				g.Expect(harness.ResponseCondition(got, v1alpha1.ResponseLevelCoveredCondition).Reason).To(Equal(v1alpha1.ResponseIncidentEscalatedReason))
				g.Expect(harness.Condition(getIncident(g, inc), v1alpha1.IncidentResponseLevelCoveredCondition).Reason).To(Equal(v1alpha1.IncidentResponseOwedReason))
			})
		Eventually(func(g Gomega) []string { return harness.EventReasons(g, old) }).Should(ContainElement("Warning/Escalated"))

		higher := started("higher", inc, nil)
		Eventually(func(g Gomega) {
			g.Expect(harness.GetResponse(g, higher).Status.Level).To(Equal(v1alpha1.LevelII))
			g.Expect(harness.GetResponse(g, old).Status.SupersededBy).To(Equal(office + "/higher"))
			got := getIncident(g, inc)
			g.Expect(got.Status.Responses).To(HaveLen(2))
			g.Expect(harness.Condition(got, v1alpha1.IncidentResponseLevelCoveredCondition).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())
		record(class, harness.MinistryUser, "start a level II response over the risen incident", "allowed (positive control): the III response is superseded, on record")
	})
})

// yellowSpec is a provincial yellow warning's content.
func yellowSpec() v1alpha1.WarningSpec {
	return v1alpha1.WarningSpec{
		Level: v1alpha1.WarningYellow, Source: v1alpha1.SourceProvincial, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
		Scope: "Provincial government websites", Harm: "Defacement and data theft",
		Precautions: []string{"Patch CMS plugins"}, TimeLimits: "Patch within 48 hours",
		Issuer: "Provincial emergency office", Hotline: "0851-12321",
	}
}

func getWarningOf(g Gomega, w *v1alpha1.Warning) *v1alpha1.Warning {
	out := &v1alpha1.Warning{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(w), out)).To(Succeed())
	return out
}

// bindRole binds a ClusterRole to user, cluster-wide.
func bindRole(user, role string) {
	GinkgoHelper()
	Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user + "-" + role},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: user}},
	}))).To(Succeed())
	harness.WaitBound(user, "", role)
}

// wildcardRole makes a ClusterRole of the wildcard rule and a rule to read
// and patch notifications, named after user, and binds it to user, together
// with the emergency office's role (to read and patch what the office
// writes).
func wildcardRole(user string, rule rbacv1.PolicyRule) {
	GinkgoHelper()
	Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		Rules: []rbacv1.PolicyRule{rule, {APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"notifications"},
			Verbs: []string{"get", "list", "watch", "patch", "update"}}},
	}))).To(Succeed())
	bindRole(user, user)
	bindRole(user, "emergency-office")
}

// whoAmI is the user name the API server knows c by.
func whoAmI(c client.Client) string {
	GinkgoHelper()
	review := &authenticationv1.SelfSubjectReview{}
	Expect(c.Create(ctx, review)).To(Succeed())
	return review.Status.UserInfo.Username
}
