package plugin

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// The kubectl incident plugin's commands, as the people who run them. Run
// them alone with
//
//	KUBEBUILDER_ASSETS=$PWD/bin/k8s/1.37.2-linux-amd64 go test ./test/integration/plugin -count=1
var _ = Describe("kubectl incident", func() {
	var unit, office string
	BeforeEach(func() {
		harness.GrantRoles()
		unit, office = harness.NewNamespace(), harness.NewNamespace()
	})
	decisionOf := func(user string) plugin.Decision {
		GinkgoHelper()
		harness.AsUser(user)
		who, err := plugin.WhoAmI(ctx, harness.UserConfig(user))
		Expect(err).NotTo(HaveOccurred())
		Expect(who).To(Equal(user))
		return plugin.Decision{User: who}
	}
	// refused expects the plugin's own refusal, naming why, and nothing
	// written: the object's annotations and spec are as they were.
	refused := func(obj client.Object, err error, words ...string) {
		GinkgoHelper()
		var r *plugin.Refusal
		Expect(errors.As(err, &r)).To(BeTrue(), "want the plugin's refusal, got %v", err)
		Expect(r.Error()).To(ContainSubstring("nothing written"))
		for _, w := range words {
			Expect(r.Why).To(ContainSubstring(w))
		}
		now := obj.DeepCopyObject().(client.Object)
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), now)).To(Succeed())
		Expect(now.GetAnnotations()).To(Equal(obj.GetAnnotations()), "the refusal wrote annotations")
		Expect(now.GetGeneration()).To(Equal(obj.GetGeneration()), "the refusal wrote the spec")
	}
	whats := func(kind plugin.Kind, ns, name string) []string {
		GinkgoHelper()
		entries, err := plugin.Timeline(ctx, k8s, kind, ns, name, nil)
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
	settled := func(resp *v1alpha1.EmergencyResponse, level v1alpha1.Level) *v1alpha1.EmergencyResponse {
		GinkgoHelper()
		var got *v1alpha1.EmergencyResponse
		Eventually(func(g Gomega) {
			got = harness.GetResponse(g, resp)
			g.Expect(got.Status.Level).To(Equal(level))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		}).Should(Succeed())
		return got
	}

	It("approves and ends a response as an entitled user, and shows the API server's refusal to anyone else", func() {
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("resp", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		settled(resp, v1alpha1.LevelIV)

		_, err := plugin.ApproveResponse(ctx, harness.AsUser(harness.OtherOfficer), office, "resp", decisionOf(harness.OtherOfficer))
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("rule entitled: " + harness.OtherOfficer))
		_, err = plugin.ApproveResponse(ctx, harness.AsUser(harness.DutyOfficer), office, "resp", decisionOf(harness.DutyOfficer))
		Expect(err).To(MatchError(ContainSubstring("rule four-eyes")))

		out, err := plugin.ApproveResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", decisionOf(harness.ApproverIII))
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("level IV, approved by " + harness.ApproverIII))
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseActive))

		By("a second approval of a started response is refused")
		started := harness.GetResponse(Default, resp)
		_, err = plugin.ApproveResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", decisionOf(harness.ApproverIII))
		refused(started, err, "already started", "for level IV on approval of "+harness.ApproverIII)

		_, err = plugin.EndResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", decisionOf(harness.ApproverIII))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseEnded))
		ended := harness.GetResponse(Default, resp)
		_, err = plugin.EndResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", decisionOf(harness.ApproverIII))
		refused(ended, err, "already ended")

		By("the timelines of the response and of its incident, in time order")
		Eventually(func() []string { return whats(plugin.KindAny, office, "resp") }).Should(ContainElements(
			"response requested by "+harness.DutyOfficer, "approved for level IV by "+harness.ApproverIII, "started",
			ContainSubstring("work group resp-recovery (Recovery) set up"), "end approved by "+harness.ApproverIII, "ended",
			"deadline UnitSummaryReport/"+unit+" due", ContainSubstring("event Normal Started")))
		Eventually(func() []string { return whats(plugin.KindIncident, unit, "outage") }).Should(ContainElements(
			ContainSubstring("reported by"), ContainSubstring("level — → IV"), "response "+office+"/resp approved and started (level IV)",
			"response "+office+"/resp ended"))
		By("a report that cannot go out shows in its source's timeline, with why")
		Eventually(func() []string { return whats(plugin.KindIncident, unit, "outage") }).Should(ContainElements(
			And(ContainSubstring("IncidentReported NOT DELIVERED (NoChannel)"), ContainSubstring("no Ready channel for Office")),
			ContainSubstring("event Warning ReportUndeliverable")))
		_, err = plugin.Timeline(ctx, k8s, plugin.KindWarning, office, "resp", nil)
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "a response is not a warning: %v", err)
	})

	It("refuses, before writing anything, what the operator would not act on, and says why", func() {
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("resp", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		at := settled(resp, v1alpha1.LevelIV)
		leader := decisionOf(harness.ApproverIII)

		By("an approval for another level than the response asks for (status.level)")
		wrong := leader
		wrong.Level = "III"
		_, err := plugin.ApproveResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", wrong)
		refused(at, err, `covers level "III"`, "at level IV")

		By("a directive for a level the leading group approves")
		directed := leader
		directed.Directive = "MIIT-2026-017"
		_, err = plugin.ApproveResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", directed)
		refused(at, err, "level IV response starts on the provincial leading group's approval, not a directive")

		By("an end without a start")
		_, err = plugin.EndResponse(ctx, harness.AsUser(harness.ApproverIII), office, "resp", leader)
		refused(at, err, "has not started", "nothing to end")

		By("a drill response over a real incident, whoever approves it")
		mixed := builder.Response("mixed", office, inc).Drill().Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, mixed)).To(Succeed())
		mixedAt := settled(mixed, v1alpha1.LevelIV)
		_, err = plugin.ApproveResponse(ctx, harness.AsUser(harness.DrillPipeline), office, "mixed", decisionOf(harness.DrillPipeline))
		refused(mixedAt, err, "drill response covers the real incident "+unit+"/outage")

		By("a response whose level the operator has not settled")
		below := builder.Incident("scan", unit).Obj() // Other, not assessed: below threshold
		Expect(k8s.Create(ctx, below)).To(Succeed())
		pending := builder.Response("pending", office, below).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, pending)).To(Succeed())
		Eventually(func(g Gomega) int64 { return harness.GetResponse(g, pending).Status.ObservedGeneration }).Should(BeNumerically(">", 0))
		_, err = plugin.ApproveResponse(ctx, harness.AsUser(harness.ApproverIII), office, "pending", leader)
		refused(harness.GetResponse(Default, pending), err, "no level yet")

		By("a red warning: relayed from above, never approved in the province")
		red := newWarning(office, "red", v1alpha1.WarningRed, v1alpha1.SourceNational)
		_, err = plugin.ApproveWarning(ctx, harness.AsUser(harness.ApproverIII), office, "red", leader)
		refused(red, err, "a red warning is not approved in the province")

		By("a yellow warning approved as another colour, and lifted before it was published")
		yellow := newWarning(office, "yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial)
		blue := leader
		blue.Level = "Blue"
		_, err = plugin.ApproveWarning(ctx, harness.AsUser(harness.ApproverIII), office, "yellow", blue)
		refused(yellow, err, "it is a yellow warning, not Blue")
		_, err = plugin.LiftWarning(ctx, harness.AsUser(harness.ApproverIII), office, "yellow", leader)
		refused(yellow, err, "has not been published", "nothing to lift")

		By("and none of it started anything")
		Expect(harness.GetResponse(Default, resp).Status.StartedTime).To(BeNil())
		Expect(harness.GetResponse(Default, mixed).Status.StartedTime).To(BeNil())
	})

	It("approves and lifts a yellow warning, and shows its timeline", func() {
		w := newWarning(office, "w", v1alpha1.WarningYellow, v1alpha1.SourceProvincial)
		_, err := plugin.ApproveWarning(ctx, harness.AsUser(harness.OtherOfficer), office, "w", decisionOf(harness.OtherOfficer))
		Expect(err).To(MatchError(ContainSubstring("rule entitled")))
		_, err = plugin.ApproveWarning(ctx, harness.AsUser(harness.DutyOfficer), office, "w", decisionOf(harness.DutyOfficer))
		Expect(err).To(MatchError(ContainSubstring("rule four-eyes")))
		_, err = plugin.ApproveWarning(ctx, harness.AsUser(harness.ApproverIII), office, "w", decisionOf(harness.ApproverIII))
		Expect(err).NotTo(HaveOccurred())
		phase := func(g Gomega) v1alpha1.WarningPhase {
			got := &v1alpha1.Warning{}
			g.Expect(k8s.Get(ctx, harness.KeyOf(w), got)).To(Succeed())
			return got.Status.Phase
		}
		Eventually(phase).Should(Equal(v1alpha1.WarningPublished))
		published := &v1alpha1.Warning{}
		Expect(k8s.Get(ctx, harness.KeyOf(w), published)).To(Succeed())
		_, err = plugin.ApproveWarning(ctx, harness.AsUser(harness.ApproverIII), office, "w", decisionOf(harness.ApproverIII))
		refused(published, err, "already published as a yellow warning")

		_, err = plugin.LiftWarning(ctx, harness.AsUser(harness.ApproverIII), office, "w", decisionOf(harness.ApproverIII))
		Expect(err).NotTo(HaveOccurred())
		Eventually(phase).Should(Equal(v1alpha1.WarningLifted))
		lifted := &v1alpha1.Warning{}
		Expect(k8s.Get(ctx, harness.KeyOf(w), lifted)).To(Succeed())
		_, err = plugin.LiftWarning(ctx, harness.AsUser(harness.ApproverIII), office, "w", decisionOf(harness.ApproverIII))
		refused(lifted, err, "already lifted")

		Eventually(func() []string { return whats(plugin.KindWarning, office, "w") }).Should(ContainElements(
			"yellow warning issued by the office (source Provincial), written by "+harness.DutyOfficer,
			"published as yellow warning, approved by "+harness.ApproverIII,
			"lifted, approved by "+harness.ApproverIII+"; its measures end",
			ContainSubstring("event Normal Published")))
		Expect(whats(plugin.KindAny, office, "w")).To(ContainElement(ContainSubstring("published as yellow warning")))
	})

	It("runs as kubectl does: a user's kubeconfig, -n, --as, --time-zone, and help for every command", func() {
		run := func(args ...string) (string, error) {
			GinkgoHelper()
			var out, errOut bytes.Buffer
			cmd := plugin.NewCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			cmd.SetArgs(args)
			err := cmd.ExecuteContext(ctx)
			return out.String() + errOut.String(), err
		}
		kubeconfig := func(name string, groups ...string) string {
			GinkgoHelper()
			u, err := testEnv.AddUser(envtest.User{Name: name, Groups: append(groups, "system:authenticated")}, cfg)
			Expect(err).NotTo(HaveOccurred())
			data, err := u.KubeConfig()
			Expect(err).NotTo(HaveOccurred())
			path := filepath.Join(GinkgoT().TempDir(), name+".kubeconfig")
			Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
			return path
		}

		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("resp", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		settled(resp, v1alpha1.LevelIV)

		By("--dry-run: the API server checks the decision and keeps nothing")
		approver := kubeconfig(harness.ApproverIII)
		out, err := run("--kubeconfig", approver, "-n", office, "approve", "response/resp", "--dry-run")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("emergencyresponse " + office + "/resp: level IV, approved by " + harness.ApproverIII +
			" (dry run: the API server accepted it; nothing was written)\n" +
			"as " + harness.ApproverIII + ": approving response " + office + "/resp (dry run: nothing will be written)\n"))
		Consistently(func(g Gomega) map[string]string { return harness.GetResponse(g, resp).Annotations }, time.Second).
			ShouldNot(HaveKey(v1alpha1.AnnotationApprovedBy))
		out, err = run("--kubeconfig", admin0(kubeconfig), "-n", office, "approve", "response/resp", "--dry-run")
		Expect(err).To(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("rule explicit-grant"))

		By("the decision, said before it is written")
		out, err = run("--kubeconfig", approver, "-n", office, "approve", "response/resp")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("emergencyresponse " + office + "/resp: level IV, approved by " + harness.ApproverIII + "\n" +
			"as " + harness.ApproverIII + ": approving response " + office + "/resp\n"))

		By("--as: an administrator acting as the leading group")
		newWarning(office, "w", v1alpha1.WarningYellow, v1alpha1.SourceProvincial)
		admin := kubeconfig("plugin-admin", "system:masters")
		out, err = run("--kubeconfig", admin, "--namespace", office, "--as", harness.ApproverIII, "approve", "warning", "w")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("publication as Yellow approved by " + harness.ApproverIII))

		By("a timeline names its zone, and every time carries the offset")
		Eventually(func(g Gomega) {
			out, err := run("--kubeconfig", admin, "-n", office, "timeline", "warn/w", "--time-zone", "UTC")
			g.Expect(err).NotTo(HaveOccurred(), out)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			g.Expect(lines[0]).To(Equal("# times in UTC (UTC+00:00)"))
			g.Expect(lines[1:]).To(HaveEach(MatchRegexp(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00  `)))
			g.Expect(out).To(ContainSubstring("published as yellow warning"))
		}).Should(Succeed())
		out, err = run("--kubeconfig", admin, "-n", office, "timeline", "response", "resp")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(HavePrefix("# times in Asia/Shanghai (UTC+08:00)\n"))
		Expect(out).To(MatchRegexp(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00  started$`))

		By("the root help lists every command, with examples, and kubectl's flags")
		out, err = run("--help")
		Expect(err).NotTo(HaveOccurred())
		for _, c := range []string{"approve", "end", "lift", "form", "timeline"} {
			Expect(out).To(MatchRegexp(`(?m)^  %s\s+\S`, c), "the help lists %s", c)
			Expect(out).To(ContainSubstring("kubectl incident "+c+" "), "the examples show %s", c)
		}
		for _, f := range []string{"--kubeconfig", "--context", "--namespace", "--as ", "--as-group", "--server", "--token", "--time-zone"} {
			Expect(out).To(ContainSubstring(f))
		}
	})
})

// newWarning creates a warning as the duty officer.
func newWarning(ns, name string, level v1alpha1.WarningLevel, source v1alpha1.WarningSource) *v1alpha1.Warning {
	GinkgoHelper()
	w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.WarningSpec{
		Level: level, Source: source, StartTime: metav1.Now(), Scope: "s", Harm: "h",
		Precautions: []string{"p"}, TimeLimits: "48 hours", Issuer: "the office", Hotline: "12321"}}
	Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
	return w
}

// admin0 is the kubeconfig of a cluster administrator (system:masters) who
// created nothing: the wildcard alone stands between them and a decision.
func admin0(kubeconfig func(string, ...string) string) string {
	return kubeconfig("plugin-admin-0", "system:masters")
}
