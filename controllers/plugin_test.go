package controllers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The kubectl incident plugin's commands, as the people who run them.
var _ = Describe("kubectl incident", func() {
	var unit, office string
	BeforeEach(func() {
		grantRoles()
		unit, office = newNamespace(), newNamespace()
	})
	decisionOf := func(user string) plugin.Decision {
		GinkgoHelper()
		asUser(user)
		who, err := plugin.WhoAmI(ctx, userConfigs[user])
		Expect(err).NotTo(HaveOccurred())
		Expect(who).To(Equal(user))
		return plugin.Decision{User: who}
	}

	It("approves and ends a response as an entitled user, and shows the API server's refusal to anyone else", func() {
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("resp", office, inc).Obj()
		Expect(asUser(dutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.Level { return getResponse(g, resp).Status.Level }).Should(Equal(v1alpha1.LevelIV))

		_, err := plugin.ApproveResponse(ctx, asUser(otherOfficer), office, "resp", decisionOf(otherOfficer))
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("rule entitled: " + otherOfficer))
		_, err = plugin.ApproveResponse(ctx, asUser(dutyOfficer), office, "resp", decisionOf(dutyOfficer))
		Expect(err).To(MatchError(ContainSubstring("rule four-eyes")))

		out, err := plugin.ApproveResponse(ctx, asUser(approverIII), office, "resp", decisionOf(approverIII))
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("level IV, approved by " + approverIII))
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))

		_, err = plugin.EndResponse(ctx, asUser(approverIII), office, "resp", decisionOf(approverIII))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return getResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseEnded))

		By("the timelines of the response and of its incident, in time order")
		whats := func(ns, name string) []string {
			entries, err := plugin.Timeline(ctx, k8s, ns, name)
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for i, e := range entries {
				if i > 0 {
					Expect(e.Time).NotTo(BeTemporally("<", entries[i-1].Time))
				}
				out = append(out, e.What)
			}
			return out
		}
		Eventually(func() []string { return whats(office, "resp") }).Should(ContainElements(
			"response requested by "+dutyOfficer, "approved for level IV by "+approverIII, "started",
			ContainSubstring("work group resp-recovery (Recovery) set up"), "end approved by "+approverIII, "ended",
			"deadline UnitSummaryReport due", ContainSubstring("event Normal Started")))
		Eventually(func() []string { return whats(unit, "outage") }).Should(ContainElements(
			ContainSubstring("reported by"), ContainSubstring("level — → IV"), "response "+office+"/resp started (level IV)",
			"response "+office+"/resp ended"))
	})

	It("approves and lifts a yellow warning", func() {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: office}, Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningYellow, Source: v1alpha1.SourceProvincial, StartTime: metav1.Now(), Scope: "s", Harm: "h",
			Precautions: []string{"p"}, Issuer: "i", Hotline: "12321"}}
		Expect(asUser(dutyOfficer).Create(ctx, w)).To(Succeed())
		_, err := plugin.ApproveWarning(ctx, asUser(otherOfficer), office, "w", decisionOf(otherOfficer))
		Expect(err).To(MatchError(ContainSubstring("rule entitled")))
		_, err = plugin.ApproveWarning(ctx, asUser(approverIII), office, "w", decisionOf(approverIII))
		Expect(err).NotTo(HaveOccurred())
		phase := func(g Gomega) v1alpha1.WarningPhase {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, keyOf(w), got)).To(Succeed())
			return got.Status.Phase
		}
		Eventually(phase).Should(Equal(v1alpha1.WarningPublished))
		_, err = plugin.LiftWarning(ctx, asUser(approverIII), office, "w", decisionOf(approverIII))
		Expect(err).NotTo(HaveOccurred())
		Eventually(phase).Should(Equal(v1alpha1.WarningLifted))
	})
})
