package controllers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The people of the plan, as API users of the test control plane.
const (
	dutyOfficer   = "duty-officer"  // emergency office: creates responses
	otherOfficer  = "other-officer" // emergency office, not entitled to approve
	approverIII   = "leading-group" // approves III and IV
	ministryUser  = "ministry"      // directives for I and II
	drillPipeline = "system:serviceaccount:gitops:drill-pipeline"
)

var (
	users       = map[string]client.Client{}
	userConfigs = map[string]*rest.Config{}
)

// asUser returns a client that acts as one of the plan's people.
func asUser(name string) client.Client {
	GinkgoHelper()
	if c, ok := users[name]; ok {
		return c
	}
	u, err := testEnv.AddUser(envtest.User{Name: name, Groups: []string{"system:authenticated"}}, cfg)
	Expect(err).NotTo(HaveOccurred())
	c, err := client.New(u.Config(), client.Options{Scheme: k8s.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	users[name], userConfigs[name] = c, u.Config()
	return c
}

// grantRoles installs the shipped approval roles and binds the test users.
var grantRoles = func() func() {
	done := false
	return func() {
		if done {
			return
		}
		Expect(applyFile("approval_roles.yaml")).To(Succeed())
		bind := func(role string, subjects ...string) {
			crb := &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: role + "-test"},
				RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
			}
			for _, s := range subjects {
				crb.Subjects = append(crb.Subjects, rbacv1.Subject{Kind: "User", Name: s})
			}
			Expect(k8s.Create(ctx, crb)).To(Succeed())
		}
		bind("emergency-office", dutyOfficer, otherOfficer, approverIII, ministryUser, drillPipeline)
		bind("emergency-leading-group", approverIII)
		bind("emergency-ministry", ministryUser)
		bind("emergency-drill-approver", drillPipeline)
		done = true
	}
}()

// loadYAML reads one object from a manifest.
func loadYAML(path string, into client.Object) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return yaml.UnmarshalStrict(data, into)
}

func applyFile(name string) error {
	return localcluster.ApplyFile(ctx, k8s, filepath.Join("..", "config", "rbac", name))
}

// annotate writes annotations as a user, the way `kubectl annotate` does.
func annotate(c client.Client, resp *v1alpha1.EmergencyResponse, kv map[string]any) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": kv}})
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(ctx, &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: resp.Name, Namespace: resp.Namespace}},
		client.RawPatch(types.MergePatchType, patch))
}

// approve writes an approval once the operator has settled the response's
// level, as a person reading `kubectl get` would.
func approve(c client.Client, resp *v1alpha1.EmergencyResponse, user string, level v1alpha1.Level) error {
	GinkgoHelper()
	Eventually(func(g Gomega) v1alpha1.Level { return getResponse(g, resp).Status.Level }).ShouldNot(BeEmpty())
	return annotate(c, resp, map[string]any{v1alpha1.AnnotationApprovedBy: user, v1alpha1.AnnotationApprovedLevel: string(level)})
}

func getResponse(g Gomega, resp *v1alpha1.EmergencyResponse) *v1alpha1.EmergencyResponse {
	out := &v1alpha1.EmergencyResponse{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(resp), out)).To(Succeed())
	return out
}

func responseCondition(resp *v1alpha1.EmergencyResponse, typ string) metav1.Condition {
	return conditionOf(resp.Status.Conditions, typ)
}

func workGroups(g Gomega, resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroup {
	list := &v1alpha1.WorkGroupList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(resp.Namespace))).To(Succeed())
	return list.Items
}

func refusedWith(err error, words ...string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred())
	Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "want a refusal, got %v", err)
	for _, w := range words {
		Expect(err.Error()).To(ContainSubstring(w))
	}
}

var _ = Describe("EmergencyResponse approval", func() {
	var unit, office string
	BeforeEach(func() {
		grantRoles()
		unit, office = newNamespace(), newNamespace()
	})

	// newResponse creates, as the duty officer, a response to a fresh incident.
	newResponse := func(inc *v1alpha1.SecurityIncident, edit func(*builder.ResponseBuilder)) *v1alpha1.EmergencyResponse {
		GinkgoHelper()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		b := builder.Response("resp", office, inc)
		if edit != nil {
			edit(b)
		}
		resp := b.Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		Expect(resp.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationCreatedBy, dutyOfficer))
		return resp
	}
	leakIII := func() *v1alpha1.SecurityIncident { return builder.Incident("leak", unit).Records(1_500_000).Obj() }

	It("holds a response until it is approved: no work groups, no measures", func() {
		resp := newResponse(leakIII(), func(b *builder.ResponseBuilder) {
			b.Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.LevelIII))
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval))
			c := responseCondition(got, v1alpha1.ResponseApprovedCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseAwaitingApprovalReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return eventReasons(g, resp) }).Should(ContainElement("Normal/AwaitingApproval"))
		Consistently(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.StartedTime).To(BeNil())
			g.Expect(got.Status.MeasuresInForce).To(BeEmpty())
			g.Expect(workGroups(g, resp)).To(BeEmpty())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("starts on an entitled approval and sets up the five work groups, owned by the response", func() {
		inc := leakIII()
		resp := newResponse(inc, func(b *builder.ResponseBuilder) { b.Measures(v1alpha1.MeasureAffectedUserNotification) })
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseAwaitingApproval))

		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			g.Expect(got.Status.Approval).NotTo(BeNil())
			g.Expect(got.Status.Approval.ApprovedBy).To(Equal(approverIII))
			g.Expect(got.Status.MeasuresInForce).To(ConsistOf(v1alpha1.MeasureAffectedUserNotification))
			g.Expect(responseCondition(got, v1alpha1.ResponseWorkGroupsReadyCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(responseCondition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
			wgs := workGroups(g, resp)
			g.Expect(wgs).To(HaveLen(5))
			var names []string
			for _, wg := range wgs {
				names = append(names, wg.Name)
				g.Expect(metav1.IsControlledBy(&wg, got)).To(BeTrue(), wg.Name)
			}
			g.Expect(names).To(ConsistOf("resp-recovery", "resp-attack-tracing", "resp-impact-assessment",
				"resp-information-release", "resp-cross-department-coordination"))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return eventReasons(g, resp) }).Should(ContainElements("Normal/Started", "Normal/WorkGroupCreated"))
		started := func(g Gomega) (n int) {
			for _, r := range eventReasons(g, resp) {
				if r == "Normal/Started" {
					n++
				}
			}
			return n
		}
		Consistently(started, time.Second).Should(Equal(1), "a stale read must not start the response twice")

		By("the incident shows the response and its timeline")
		Eventually(func(g Gomega) {
			got := get(g, inc)
			g.Expect(got.Status.Response).NotTo(BeNil())
			g.Expect(got.Status.Response.Name).To(Equal("resp"))
			g.Expect(got.Status.Response.Phase).To(Equal(v1alpha1.ResponseActive))
			tl := got.Status.Timeline
			g.Expect(tl.ReportedTime).NotTo(BeNil())
			g.Expect(tl.ClassifiedTime).NotTo(BeNil())
			g.Expect(tl.ApprovedTime).NotTo(BeNil())
			g.Expect(tl.StartedTime).NotTo(BeNil())
			g.Expect(tl.WorkGroupsReadyTime).NotTo(BeNil())
		}).Should(Succeed())

		By("a deleted work group comes back")
		Expect(k8s.Delete(ctx, &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: "resp-recovery", Namespace: office}})).To(Succeed())
		Eventually(func(g Gomega) types.UID {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "resp-recovery"}, wg)).To(Succeed())
			g.Expect(wg.DeletionTimestamp).To(BeNil())
			return wg.UID
		}).ShouldNot(BeEmpty())

		By("a work group no longer asked for is removed")
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.WorkGroups = []v1alpha1.WorkGroupType{v1alpha1.WorkGroupRecovery, v1alpha1.WorkGroupImpactAssessment}
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) []string {
			var names []string
			for _, wg := range workGroups(g, resp) {
				if wg.DeletionTimestamp == nil {
					names = append(names, wg.Name)
				}
			}
			return names
		}).Should(ConsistOf("resp-recovery", "resp-impact-assessment"))
	})

	It("keeps the units' progress reports on the work group, append-only", func() {
		resp := newResponse(leakIII(), func(b *builder.ResponseBuilder) {
			b.WorkGroups(v1alpha1.WorkGroupRecovery).Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		key := client.ObjectKey{Namespace: office, Name: "resp-recovery"}
		report := v1alpha1.ProgressReport{Time: metav1.NewTime(time.Now().Truncate(time.Second)), Unit: "Guizhou Example Telecom",
			Measures: "Bucket closed; credentials rotated.", Effect: "No further access.", NextSteps: "Notify users.", Suggestions: "None."}
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, key, wg)).To(Succeed())
			wg.Spec.Lead = "Zhou Lin"
			wg.Spec.Reports = append(wg.Spec.Reports, report)
			g.Expect(asUser(dutyOfficer).Update(ctx, wg)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, key, wg)).To(Succeed())
			g.Expect(wg.Status.ReportCount).To(Equal(int32(1)))
			g.Expect(conditionOf(wg.Status.Conditions, v1alpha1.WorkGroupStaffedCondition).Status).To(Equal(metav1.ConditionTrue))
		}).Should(Succeed())

		wg := &v1alpha1.WorkGroup{}
		Expect(k8s.Get(ctx, key, wg)).To(Succeed())
		wg.Spec.Reports[0].Effect = "Rewritten afterwards."
		refusedWith(asUser(dutyOfficer).Update(ctx, wg), "spec.reports", "append-only")
	})

	It("refuses an approval from a user without the right, naming the rule", func() {
		resp := newResponse(leakIII(), nil)
		refusedWith(approve(asUser(otherOfficer), resp, otherOfficer, v1alpha1.LevelIII),
			"rule entitled", otherOfficer, "levels/iii")
		Consistently(func(g Gomega) *metav1.Time { return getResponse(g, resp).Status.StartedTime }, 2*time.Second).Should(BeNil())
	})

	It("refuses self-approval, and an approval in someone else's name", func() {
		Expect(k8s.Create(ctx, leakIII())).To(Succeed())
		own := builder.Response("own", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		Expect(asUser(approverIII).Create(ctx, own)).To(Succeed())
		refusedWith(approve(asUser(approverIII), own, approverIII, v1alpha1.LevelIII), "rule four-eyes")

		resp := builder.Response("other", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		refusedWith(approve(asUser(approverIII), resp, "someone-else", v1alpha1.LevelIII), "rule own-name")

		By("nor can a creator claim to be someone else")
		forged := builder.Response("forged", office, &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: unit}}).Obj()
		forged.Annotations = map[string]string{v1alpha1.AnnotationCreatedBy: "nobody"}
		Expect(asUser(approverIII).Create(ctx, forged)).To(Succeed())
		Expect(forged.Annotations[v1alpha1.AnnotationCreatedBy]).To(Equal(approverIII))
	})

	It("refuses to change or remove an approval once given, even to a cluster administrator", func() {
		resp := newResponse(leakIII(), nil)
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		refusedWith(annotate(k8s, resp, map[string]any{v1alpha1.AnnotationApprovedBy: "admin"}), "rule immutable", v1alpha1.AnnotationApprovedBy)
		refusedWith(annotate(k8s, resp, map[string]any{v1alpha1.AnnotationApprovedBy: nil}), "rule immutable", v1alpha1.AnnotationApprovedBy)
		refusedWith(annotate(asUser(approverIII), resp, map[string]any{v1alpha1.AnnotationApprovedLevel: "IV"}), "rule immutable", v1alpha1.AnnotationApprovedLevel)
		Expect(getResponse(Default, resp).Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationApprovedBy, approverIII))

		By("and the approved response's incidents stay as they were")
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.IncidentRefs = append(cur.Spec.IncidentRefs, v1alpha1.IncidentRef{Namespace: unit, Name: "another"})
			err := asUser(dutyOfficer).Update(ctx, cur)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			refusedWith(err, "rule frozen")
		}).Should(Succeed())
	})

	It("lets only the ministry write a directive for level I", func() {
		resp := newResponse(builder.Incident("cn", unit).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDNSAnomaly}
			i.Spec.Impact = v1alpha1.Impact{DNS: &v1alpha1.DNSImpact{System: v1alpha1.DNSCNTopLevel, State: v1alpha1.DNSUnreachable}}
		}).Obj(), nil)
		Eventually(func(g Gomega) v1alpha1.Level { return getResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelI))
		directive := map[string]any{v1alpha1.AnnotationDirective: "MIIT-2026-001", v1alpha1.AnnotationApprovedLevel: "I"}

		refusedWith(annotate(asUser(approverIII), resp, directive), "rule entitled", "levels/i")
		refusedWith(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelI), "rule level")

		Expect(annotate(asUser(ministryUser), resp, directive)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			g.Expect(got.Status.Approval.Directive).To(Equal("MIIT-2026-001"))
			g.Expect(responseCondition(got, v1alpha1.ResponseApprovedCondition).Reason).To(Equal(v1alpha1.ResponseDirectedReason))
		}).Should(Succeed())
	})

	It("lets the drill pipeline approve a drill and never a real response", func() {
		drillInc := builder.Incident("drill-leak", unit).Drill().Records(1_500_000).Obj()
		drill := newResponse(drillInc, func(b *builder.ResponseBuilder) {
			b.Drill().Measures(v1alpha1.MeasureAffectedUserNotification)
		})
		Expect(approve(asUser(drillPipeline), drill, drillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, drill).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))

		realInc := builder.Incident("real-leak", unit).Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, realInc)).To(Succeed())
		real := builder.Response("real", office, realInc).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, real)).To(Succeed())
		refusedWith(approve(asUser(drillPipeline), real, drillPipeline, v1alpha1.LevelIII), "rule entitled", "levels/iii")

		By("and a drill response that covers a real incident does not start")
		mixed := builder.Response("mixed", office, realInc).Drill().Obj()
		Expect(asUser(dutyOfficer).Create(ctx, mixed)).To(Succeed())
		Expect(approve(asUser(drillPipeline), mixed, drillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) string {
			return responseCondition(getResponse(g, mixed), v1alpha1.ResponseApprovedCondition).Reason
		}).Should(Equal(v1alpha1.ResponseDrillMismatchReason))
		Consistently(func(g Gomega) []v1alpha1.WorkGroup {
			list := &v1alpha1.WorkGroupList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(office), client.MatchingLabels{v1alpha1.LabelResponse: "mixed"})).To(Succeed())
			return list.Items
		}, 2*time.Second).Should(BeEmpty())
	})

	It("refuses an approval for another level, naming the level to write, so that no typo locks the record", func() {
		resp := newResponse(leakIII(), nil)
		refusedWith(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIV), "rule level", "approved-level=III")
		Consistently(func(g Gomega) *metav1.Time { return getResponse(g, resp).Status.StartedTime }, time.Second).Should(BeNil())
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	})

	It("asks for affected-user notification in a response to a data leak", func() {
		resp := newResponse(leakIII(), nil)
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIII)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
			c := responseCondition(got, v1alpha1.ResponseMeasuresCompleteCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseUserNotificationMissing))
			g.Expect(responseCondition(got, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.Measures = []v1alpha1.Measure{v1alpha1.MeasureAffectedUserNotification}
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) metav1.ConditionStatus {
			return responseCondition(getResponse(g, resp), v1alpha1.ResponseMeasuresCompleteCondition).Status
		}).Should(Equal(metav1.ConditionTrue))
	})
})

var _ = Describe("EmergencyResponse end and summary reports", Ordered, func() {
	var unit, office string
	var resp *v1alpha1.EmergencyResponse
	BeforeAll(func() {
		grantRoles()
		unit, office = newNamespace(), newNamespace()
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp = builder.Response("zunyi", office, inc).WorkGroups(v1alpha1.WorkGroupRecovery).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return getResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIV))
		Expect(approve(asUser(approverIII), resp, approverIII, v1alpha1.LevelIV)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))
	})

	It("ends only on the end approval, after the end is requested", func() {
		refusedWith(annotate(asUser(otherOfficer), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: otherOfficer}), "rule entitled")
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.EndRequested = true
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) string {
			return responseCondition(getResponse(g, resp), v1alpha1.ResponseEndedCondition).Reason
		}).Should(Equal(v1alpha1.ResponseAwaitingEndApprovalReason))

		Expect(annotate(asUser(approverIII), resp, map[string]any{v1alpha1.AnnotationEndApprovedBy: approverIII})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseEnded))
			g.Expect(got.Status.EndedTime).NotTo(BeNil())
			g.Expect(got.Status.EndApproval.ApprovedBy).To(Equal(approverIII))
			g.Expect(got.Status.Deadlines).To(HaveLen(2))
			g.Expect(responseCondition(got, v1alpha1.ResponseCalendarCoveredCondition).Reason).To(Equal(v1alpha1.ResponseCalendarNotFoundReason))
		}).Should(Succeed())
	})

	It("keeps an ended response's record", func() {
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.WorkGroups = append(cur.Spec.WorkGroups, v1alpha1.WorkGroupAttackTracing)
			err := asUser(dutyOfficer).Update(ctx, cur)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			refusedWith(err, "rule frozen")
		}).Should(Succeed())
		Eventually(func(g Gomega) {
			wg := &v1alpha1.WorkGroup{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "zunyi-recovery"}, wg)).To(Succeed())
			g.Expect(wg.Labels).To(HaveKeyWithValue(v1alpha1.LabelResponseEnded, "true"))
			wg.Spec.Lead = "late edit"
			err := asUser(dutyOfficer).Update(ctx, wg)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse())
			refusedWith(err, "rule frozen")
		}).Should(Succeed())
	})

	It("counts the summary reports in working days, met and missed on the operator's clock", func() {
		By("the 2025 calendar as the default, which does not cover this year")
		cal := &v1alpha1.HolidayCalendar{}
		Expect(loadYAML(filepath.Join("..", "config", "samples", "emergency_v1alpha1_holidaycalendar_2025.yaml"), cal)).To(Succeed())
		Expect(k8s.Create(ctx, cal)).To(Succeed())
		Eventually(func(g Gomega) []int32 {
			got := &v1alpha1.HolidayCalendar{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "default"}, got)).To(Succeed())
			return got.Status.Years
		}).Should(Equal([]int32{2025}))

		var ended time.Time
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			ended = got.Status.EndedTime.Time
			c := responseCondition(got, v1alpha1.ResponseCalendarCoveredCondition)
			g.Expect(c.Reason).To(Equal(v1alpha1.ResponseCalendarYearMissingReason))
			g.Expect(c.Message).To(ContainSubstring(ended.In(shanghai).Format("2006")))
		}).Should(Succeed())

		unitDue := weekdaysAfter(ended, 10)
		officeDue := weekdaysAfter(ended, 20)
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(deadline2(got, v1alpha1.DeadlineUnitSummaryReport).DueTime.Time).To(BeTemporally("==", unitDue))
			g.Expect(deadline2(got, v1alpha1.DeadlineOfficeSummaryReport).DueTime.Time).To(BeTemporally("==", officeDue))
			g.Expect(got.Status.NextDeadline.Time).To(BeTemporally("==", unitDue))
		}).Should(Succeed())

		By("the unit's report comes in on the ninth working day")
		fakeClock.SetTime(unitDue.Add(-36 * time.Hour))
		Eventually(func(g Gomega) {
			cur := getResponse(g, resp)
			cur.Spec.SummaryReports.Unit = &v1alpha1.SubmittedReport{SubmittedAt: metav1.NewTime(fakeClock.Now()), Document: "GZ-TEL-2026-118"}
			g.Expect(asUser(dutyOfficer).Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Eventually(func(g Gomega) v1alpha1.DeadlineState {
			return deadline2(getResponse(g, resp), v1alpha1.DeadlineUnitSummaryReport).State
		}).Should(Equal(v1alpha1.DeadlineMet))

		By("the office's report does not, and its deadline passes at its time")
		fakeClock.SetTime(officeDue.Add(-time.Second))
		Consistently(func(g Gomega) v1alpha1.DeadlineState {
			return deadline2(getResponse(g, resp), v1alpha1.DeadlineOfficeSummaryReport).State
		}, 2*time.Second).Should(Equal(v1alpha1.DeadlinePending))
		fakeClock.SetTime(officeDue)
		Eventually(func(g Gomega) {
			got := getResponse(g, resp)
			g.Expect(deadline2(got, v1alpha1.DeadlineOfficeSummaryReport).State).To(Equal(v1alpha1.DeadlineMissed))
			g.Expect(responseCondition(got, v1alpha1.ResponseDeadlinesMetCondition).Reason).To(Equal(v1alpha1.ResponseReportMissedReason))
		}).Should(Succeed())
		Eventually(func(g Gomega) []string { return eventReasons(g, resp) }).Should(ContainElement("Warning/ReportDeadlineMissed"))
	})
})

// weekdaysAfter is the end of the n-th weekday after t's day in Shanghai:
// the deadline for a year with no official schedule. Counted here by hand,
// independently of internal/plan/workday.
func weekdaysAfter(t time.Time, n int) time.Time {
	y, m, d := t.In(shanghai).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, shanghai)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day.AddDate(0, 0, 1)
}

func deadline2(resp *v1alpha1.EmergencyResponse, name string) v1alpha1.Deadline {
	return deadline.Find(resp.Status.Deadlines, name)
}
