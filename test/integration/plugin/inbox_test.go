package plugin

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// kubectl incident inbox, confirm and a timeline's hidden parts, as the
// people who run them, each with a kubeconfig of their own.
var _ = Describe("kubectl incident inbox", func() {
	// The inbox speaks the locale's language; these specs read its English.
	BeforeEach(func() { GinkgoT().Setenv("LC_ALL", "C.UTF-8") })
	run := func(args ...string) (string, error) {
		GinkgoHelper()
		var out, errOut bytes.Buffer
		cmd := plugin.NewCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(ctx)
		return out.String() + errOut.String(), err
	}
	// kubeconfig is a kubeconfig for name, who holds the roles the harness
	// bound to that name.
	kubeconfig := func(name string) string {
		GinkgoHelper()
		u, err := testEnv.AddUser(envtest.User{Name: name, Groups: []string{"system:authenticated"}}, cfg)
		Expect(err).NotTo(HaveOccurred())
		data, err := u.KubeConfig()
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(GinkgoT().TempDir(), name+".kubeconfig")
		Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
		return path
	}

	It("lists a missed deadline, a pending approval and an undelivered report from three namespaces, most urgent first", func() {
		harness.GrantNotificationRoles() // the duty officer also reads reports (emergency-release-approver)
		unitA, unitB, office := harness.NewNamespace(), harness.NewNamespace(), harness.NewNamespace()

		// A quick notice two days old: its full form was due at the end of
		// the day it was discovered, and is still owed.
		late := builder.Incident("late", unitA).QuickNotice().Discovered(time.Now().Add(-48 * time.Hour)).Obj()
		Expect(k8s.Create(ctx, late)).To(Succeed())
		outage := builder.Incident("outage", unitB).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, outage)).To(Succeed())
		resp := builder.Response("resp", office, outage).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())

		officer := kubeconfig(harness.DutyOfficer)
		var out string
		Eventually(func(g Gomega) {
			var err error
			out, err = run("--kubeconfig", officer, "inbox", "-A")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(MatchRegexp(`(?m)^OVERDUE +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00 \(\S+ ago\) +securityincident +%s/late +\S+ +reporting unit +FullForm`, unitA))
			g.Expect(out).To(MatchRegexp(`(?m)^DECISION +.* emergencyresponse +%s/resp +IV +leading group +approval`, office))
			g.Expect(out).To(MatchRegexp(`(?m)^UNDELIVERED +.* notification +%s/outage-\S+ .*IncidentReported of securityincident outage to Office`, unitB))
		}).Should(Succeed())
		GinkgoWriter.Println(out)
		Expect(out).To(HavePrefix("# times in Asia/Shanghai (UTC+08:00)\n"))
		Expect(out).NotTo(ContainSubstring("# not shown"), "the duty officer may list everything the inbox reads")
		at := func(re string) int {
			GinkgoHelper()
			loc := regexp.MustCompile(re).FindStringIndex(out)
			Expect(loc).NotTo(BeNil(), re)
			return loc[0]
		}
		overdue, decision, undelivered := at(`(?m)^OVERDUE .* `+unitA+`/late `), at(`(?m)^DECISION .* `+office+`/resp `), at(`(?m)^UNDELIVERED .* `+unitB+`/`)
		Expect(overdue).To(BeNumerically("<", decision), "overdue before decisions")
		Expect(decision).To(BeNumerically("<", undelivered), "decisions before undelivered reports")

		By("the operator's metric counts the same, by namespace, state and whose it is")
		Eventually(func(g Gomega) {
			for _, want := range []map[string]string{
				{"namespace": unitA, "state": "overdue", "whose": "reporting unit"},
				{"namespace": office, "state": "decision", "whose": "leading group"},
				{"namespace": unitB, "state": "undelivered", "whose": "office"},
			} {
				m := harness.Gathered("incident_operator_needs_someone", want)
				g.Expect(m).NotTo(BeNil(), "%v", want)
				g.Expect(m.GetGauge().GetValue()).To(BeNumerically(">=", 1), "%v", want)
			}
		}).Should(Succeed())

		By("the drill pipeline's inbox says plainly that its role hides the reports")
		pipeline := kubeconfig(harness.DrillPipeline)
		out, err := run("--kubeconfig", pipeline, "inbox", "-A", "--time-zone", "UTC")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("# not shown: notifications in every namespace: hidden, your role may not list them\n"))
		Expect(out).To(MatchRegexp(`(?m)^DECISION +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00 +emergencyresponse +%s/resp`, office))

		By("in one namespace, the inbox shows that namespace alone")
		out, err = run("--kubeconfig", officer, "inbox", "-n", office)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring(office + "/resp"))
		Expect(out).NotTo(ContainSubstring(unitA + "/late"))

		By("a timeline says what the caller's role hid from it")
		out, err = run("--kubeconfig", pipeline, "-n", office, "timeline", "response/resp")
		Expect(err).NotTo(HaveOccurred(), out)
		GinkgoWriter.Println(out)
		Expect(out).To(ContainSubstring("# not shown: events in namespace " + office))
		Expect(out).To(ContainSubstring("# not shown: notifications in namespace " + office))
		Expect(out).To(ContainSubstring("response requested by " + harness.DutyOfficer))

		By("the same timeline in Chinese")
		out, err = run("--kubeconfig", pipeline, "-n", office, "timeline", "response/resp", "--lang", "zh")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(HavePrefix("# 时间均为 Asia/Shanghai"))
		Expect(out).To(ContainSubstring("由 " + harness.DutyOfficer + " 提请启动响应"))
		Expect(out).To(ContainSubstring("# 未显示：events in namespace " + office))
	})

	It("confirms receipt of a report as its recipient, once, and shows anyone else the API server's refusal", func() {
		harness.GrantNotificationRoles()
		unit := harness.NewNamespace()
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		var name string
		Eventually(func(g Gomega) {
			list := &v1alpha1.NotificationList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(unit))).To(Succeed())
			g.Expect(list.Items).NotTo(BeEmpty())
			name = list.Items[0].Name
		}).Should(Succeed())

		recipient := kubeconfig(harness.MinistryDuty)
		out, err := run("--kubeconfig", recipient, "-n", unit, "confirm", "notification/"+name, "--dry-run")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("as " + harness.MinistryDuty + ": confirming receipt of notification " + unit + "/" + name + " (dry run"))
		Expect(out).To(ContainSubstring("receipt confirmed by " + harness.MinistryDuty + " (dry run: the API server accepted it; nothing was written)"))

		officer := kubeconfig(harness.DutyOfficer) // may read reports, speaks for no audience
		out, err = run("--kubeconfig", officer, "-n", unit, "confirm", name)
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("rule confirm: " + harness.DutyOfficer + " does not speak for Office"))

		out, err = run("--kubeconfig", recipient, "-n", unit, "confirm", name)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("notification " + unit + "/" + name + ": IncidentReported to Office, receipt confirmed by " + harness.MinistryDuty))
		Eventually(func(g Gomega) string {
			n := &v1alpha1.Notification{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: unit, Name: name}, n)).To(Succeed())
			return n.Status.ConfirmedBy
		}).Should(Equal(harness.MinistryDuty))

		out, err = run("--kubeconfig", recipient, "-n", unit, "confirm", name)
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("already confirmed by " + harness.MinistryDuty))
	})
})
