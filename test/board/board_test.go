package board

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// A unit's reporter, bound in one unit's namespace only.
const reporter = "unit-reporter"

// board is one person's running board.
type board struct {
	base, token string
	tab         context.Context
}

// startBoard runs `kubectl incident board` as user, with a kubeconfig of
// their own, until the spec ends, and opens it in a tab of its own, with
// the token, as the user would.
func startBoard(user string, args ...string) *board {
	GinkgoHelper()
	u, err := testEnv.AddUser(envtest.User{Name: user, Groups: []string{"system:authenticated"}}, cfg)
	Expect(err).NotTo(HaveOccurred())
	data, err := u.KubeConfig()
	Expect(err).NotTo(HaveOccurred())
	kubeconfig := filepath.Join(GinkgoT().TempDir(), user+".kubeconfig")
	Expect(os.WriteFile(kubeconfig, data, 0o600)).To(Succeed())

	out, w := io.Pipe()
	cmd := plugin.NewCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: w, ErrOut: GinkgoWriter})
	cmd.SetArgs(append([]string{"--kubeconfig", kubeconfig, "board", "--lang", "en"}, args...))
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- cmd.ExecuteContext(run)
		_ = w.Close()
	}()
	DeferCleanup(func() {
		stop()
		Eventually(done).Should(Receive(BeNil()))
	})
	lines := bufio.NewScanner(out)
	Expect(lines.Scan()).To(BeTrue(), "the board printed nothing")
	first := lines.Text()
	go func() { _, _ = io.Copy(io.Discard, out) }()
	m := regexp.MustCompile(`^Duty board for (\S+) at (http://127\.0\.0\.1:\d+)/\?token=([0-9a-f]{48})$`).FindStringSubmatch(first)
	Expect(m).NotTo(BeNil(), "the board's first line: %q", first)
	Expect(m[1]).To(Equal(user))

	tab, closeTab := chromedp.NewContext(browser)
	DeferCleanup(closeTab)
	// The first run on a context opens its tab, which lives as long as
	// that run's context: this one, not one with a timeout.
	Expect(chromedp.Do(tab, chromedp.Navigate("about:blank"))).To(Succeed())
	b := &board{base: m[2], token: m[3], tab: tab}
	b.do(chromedp.Navigate(b.base + "/?token=" + b.token))
	Expect(b.location()).To(Equal(b.base+"/"), "the token is dropped from the address once used")
	return b
}

func (b *board) do(steps ...chromedp.Action[chromedp.Void]) {
	GinkgoHelper()
	c, cancel := context.WithTimeout(b.tab, 30*time.Second)
	defer cancel()
	Expect(chromedp.Do(c, steps...)).To(Succeed())
}

func (b *board) location() string {
	GinkgoHelper()
	l, err := chromedp.Run(b.tab, chromedp.Location())
	Expect(err).NotTo(HaveOccurred())
	return l
}

// eval runs a script in the page and returns its result as JSON decoded
// into T; during a navigation it may fail, which an Eventually retries.
func eval[T any](b *board, script string) (T, error) {
	c, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	return chromedp.Run(c, chromedp.Evaluate[T](script))
}

// text is the text of the first element sel matches, "" if none.
func (b *board) text(sel string) func() (string, error) {
	return func() (string, error) {
		return eval[string](b, fmt.Sprintf(`((document.querySelector(%s) || {}).textContent || "").trim()`, js(sel)))
	}
}

func (b *board) count(sel string) func() (int, error) {
	return func() (int, error) {
		return eval[int](b, fmt.Sprintf(`document.querySelectorAll(%s).length`, js(sel)))
	}
}

func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

func (b *board) open(path string) {
	GinkgoHelper()
	b.do(chromedp.Navigate(b.base + path))
}

// click clicks sel and waits for the page the click leads to. The click is
// the page's own (element.click()), in one step: the live part of a page may
// be replaced between finding a node and clicking it with the mouse.
func (b *board) click(sel string) {
	GinkgoHelper()
	Eventually(func() (bool, error) {
		return eval[bool](b, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) { return false; } window.clicked = true; e.click(); return true })()`, js(sel)))
	}).Should(BeTrue(), "nothing to click at %s", sel)
	Eventually(func() (bool, error) {
		return eval[bool](b, `window.clicked === undefined && document.readyState === "complete"`)
	}, 30*time.Second).Should(BeTrue(), "the click on %s led to no new page", sel)
}

func (b *board) screenshot(name string) {
	GinkgoHelper()
	dir := os.Getenv("BOARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.tab, chromedp.FullScreenshot(100))
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, name), png, 0o644)).To(Succeed())
}

// byID is a CSS selector for an id with dots in it (the notice's fields
// are named by their paths).
func byID(id string) string { return `[id="` + id + `"]` }

var _ = Describe("the duty board", func() {
	var unit, office string
	BeforeEach(func() {
		// harness.NewNamespace registers the unit the builder's incidents
		// name: the specs file its reports there.
		unit, office = harness.NewNamespace(), harness.NewNamespace()
	})

	It("shows a new incident within a second or two, live, drills marked, markup as text; and refuses a request without its token", func() {
		b := startBoard(harness.DutyOfficer, "-A")
		b.do(chromedp.WaitVisible(chromedp.CSS("#p-incidents")))

		markup := `<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"><b>bold</b>`
		inc := builder.Incident("markup", unit).Outage(v1alpha1.ScopeCity).Edit(func(i *v1alpha1.SecurityIncident) {
			i.Spec.Description = "Outage in Zunyi. " + markup
		}).Obj()
		drill := builder.Incident("exercise", unit).Drill().QuickNotice().Obj()
		start := time.Now()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		row := `[data-object="` + unit + `/markup"]`
		Eventually(b.count(row), 10*time.Second, 20*time.Millisecond).Should(Equal(1))
		shown := time.Since(start)
		AddReportEntry("the board shows a new incident after", shown.Round(time.Millisecond).String())
		fmt.Fprintf(GinkgoWriter, "the board showed a new incident %s after it was created\n", shown.Round(time.Millisecond))
		Expect(shown).To(BeNumerically("<", 10*time.Second))

		Expect(k8s.Create(ctx, drill)).To(Succeed())
		Eventually(b.text(`[data-object="`+unit+`/exercise"] .badge.drill`), 10*time.Second).Should(Equal("DRILL"))
		Eventually(b.text(row + ` a`)).Should(Equal(unit + "/markup"))
		Eventually(b.count(`.countdown[data-due]`)).Should(BeNumerically(">", 0))

		By("a response waiting for its decision, and a warning in force with its measures, show up too")
		resp := builder.Response("zunyi-outage-response", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		w := harness.NewWarning(office, "provincial-yellow-cms", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		harness.ApproveYellow(w)
		Eventually(b.text(`#panel-decisions [data-object="`+office+`/zunyi-outage-response"] .whose`), 10*time.Second).Should(Equal("leading group"))
		Eventually(b.text(`#panel-warnings [data-object="`+office+`/provincial-yellow-cms"] .badge`), 10*time.Second).Should(Equal("yellow"))
		Expect(b.count(`#panel-warnings [data-object="` + office + `/provincial-yellow-cms"] .measures li`)()).To(BeNumerically(">", 0))

		By("the incident's page shows its text as text, and runs none of it")
		b.click(row + " a")
		Expect(b.location()).To(Equal(b.base + "/object/securityincident/" + unit + "/markup"))
		Eventually(b.text(".description")).Should(Equal("Outage in Zunyi. " + markup))
		Expect(b.count(".description script, .description img, .description b")()).To(Equal(0))
		pwned, err := eval[bool](b, `typeof window.pwned !== "undefined"`)
		Expect(err).NotTo(HaveOccurred())
		Expect(pwned).To(BeFalse(), "markup from the cluster ran in the page")
		Eventually(b.text(".level-value"), 10*time.Second).Should(Equal("Level IV"))
		Expect(b.text(".timeline ol")()).To(ContainSubstring("reported by Guizhou Example Telecom"))
		b.screenshot("board-object.png")
		b.open("/")
		Eventually(b.count(row)).Should(Equal(1))
		b.screenshot("board.png")

		By("a request without the token or its cookie is refused, and the token works once")
		for path, want := range map[string]int{"/": 401, "/object/securityincident/" + unit + "/markup": 401, "/events": 401,
			"/?token=" + strings.Repeat("0", 48): 403, "/?token=" + b.token: 403} {
			resp, err := http.Get(b.base + path)
			Expect(err).NotTo(HaveOccurred())
			_ = resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(want), path)
		}

		By("the page switches to Chinese")
		b.click("#lang-switch")
		Eventually(b.text("h1")).Should(Equal("网络安全应急值班看板"))
		Expect(b.text(`[data-object="` + unit + `/exercise"] .badge.drill`)()).To(Equal("演练"))
	})

	It("shows a unit that owes the acknowledgement of its duty, and drops it once acknowledged", func() {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "red-dns", Namespace: office}, Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningRed, Source: v1alpha1.SourceNational, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
			Scope: "Provincial DNS resolvers", Harm: "Cache poisoning", Precautions: []string{"Patch resolvers"},
			TimeLimits: "Within 24 hours", Issuer: "National office", Hotline: "12321", Units: []string{unit}}}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
		b := startBoard(harness.DutyOfficer, "-A")
		row := `#panel-units [data-object="` + unit + `/` + office + `/red-dns"]`
		Eventually(b.text(row+" .state"), 15*time.Second).Should(Equal("due"))
		Expect(b.text(row + " a")()).To(Equal(office + "/red-dns"))

		ack := builder.Acknowledgement("ack-red", unit, v1alpha1.ObjectRef{Namespace: office, Name: w.Name}, true)
		Expect(k8s.Create(ctx, ack)).To(Succeed())
		Eventually(b.count(row), 15*time.Second).Should(BeZero())
	})

	It("lets the approver start a response with a click, and shows anyone else the API server's refusal", func() {
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("resp", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).
			Should(Equal(v1alpha1.ResponseAwaitingApproval))
		page := "/object/emergencyresponse/" + office + "/resp"

		By("another officer: the API server refuses, and nothing changes")
		other := startBoard(harness.OtherOfficer, "-A")
		Eventually(other.text(`#panel-decisions [data-object="` + office + `/resp"] .whose`)).Should(Equal("leading group"))
		other.open(page)
		before := harness.GetResponse(Default, resp)
		other.click("#do-approve-response")
		Eventually(other.text("#result")).Should(And(HavePrefix("Refused:"), ContainSubstring("rule entitled: "+harness.OtherOfficer)))
		Consistently(func(g Gomega) {
			now := harness.GetResponse(g, resp)
			g.Expect(now.Annotations).To(Equal(before.Annotations))
			g.Expect(now.Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval))
		}, 2*time.Second).Should(Succeed())

		By("the leading group: approved, and its work groups appear on the page")
		leader := startBoard(harness.ApproverIII, "-A")
		leader.open(page)
		Expect(leader.text(".workgroups")()).To(Equal("—"))
		leader.click("#do-approve-response")
		Eventually(leader.text("#result")).Should(Equal("Written: emergencyresponse " + office + "/resp: level IV, approved by " + harness.ApproverIII))
		Eventually(leader.text(".workgroups"), 15*time.Second).Should(ContainSubstring("resp-recovery"))
		Eventually(leader.text(".phase")).Should(Equal("Active"))
		wgs := &v1alpha1.WorkGroupList{}
		Expect(k8s.List(ctx, wgs, client.InNamespace(office))).To(Succeed())
		Expect(wgs.Items).NotTo(BeEmpty())
	})

	It("files a quick notice as a unit's reporter, with each of the API server's messages beside its field", func() {
		Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "reporters", Namespace: unit},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "emergency-reporting-unit"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: reporter}},
		})).To(Succeed())
		b := startBoard(reporter, "-n", unit)
		// The unit's role reads what the board shows of its namespace, its
		// own incidents' reports included: nothing is hidden from it there.
		Eventually(b.text("h1")).ShouldNot(BeEmpty())
		Expect(b.count(".hidden-note")()).To(BeZero())
		b.open("/notice")
		Expect(b.text(`[id="metadata.namespace"]`)()).To(Equal(""))
		ns, err := eval[string](b, `document.getElementById("metadata.namespace").value`)
		Expect(err).NotTo(HaveOccurred())
		Expect(ns).To(Equal(unit))

		fill := func(id, value string) { b.do(chromedp.SetValue(chromedp.CSS(byID(id)), value)) }
		fill("metadata.name", "zunyi-outage")
		fill("spec.reporter.unitName", "Guizhou Example Telecom")
		fill("spec.reporter.unitType", "BasicTelecom")
		fill("spec.reporter.contact.name", "Wang Fang")
		fill("spec.reporter.contact.phone", "call me")
		fill("spec.description", "Broadband down in Zunyi.")
		b.do(chromedp.Click(chromedp.CSS(byID("et-InternetOutage"))))
		fill("spec.impact.internetOutage.scope", "City")
		b.click("#file-notice")

		By("the measures taken and the suggestions a quick notice must state (§4.1), each refused beside its field")
		Eventually(b.text(byID("err-spec.measuresTaken"))).Should(ContainSubstring("Required value"))
		Expect(b.text(byID("err-spec.proposedMeasures"))()).To(ContainSubstring("Required value"))
		Expect(b.count(".field-error")()).To(Equal(2), "one message beside each field it names")
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: unit, Name: "zunyi-outage"}, &v1alpha1.SecurityIncident{})).NotTo(Succeed())

		By("then the phone number the API server refused, beside its field")
		fill("spec.measuresTaken", "Rerouted traffic through Guiyang.")
		fill("spec.proposedMeasures", "Replace the failed line card.")
		b.click("#file-notice")
		Eventually(b.text(byID("err-spec.reporter.contact.phone"))).Should(ContainSubstring("must be a telephone number"))
		invalid, err := eval[string](b, `document.getElementById("spec.reporter.contact.phone").getAttribute("aria-invalid")`)
		Expect(err).NotTo(HaveOccurred())
		Expect(invalid).To(Equal("true"))
		Expect(b.count(".field-error")()).To(Equal(1), "one message, beside the one field it names")
		b.screenshot("board-notice.png")
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: unit, Name: "zunyi-outage"}, &v1alpha1.SecurityIncident{})).NotTo(Succeed())

		By("corrected, it becomes a SecurityIncident at the level its impact gives")
		fill("spec.reporter.contact.phone", "+86 851 8888 0000")
		b.click("#file-notice")
		Expect(b.location()).To(Equal(b.base + "/object/securityincident/" + unit + "/zunyi-outage"))
		Eventually(b.text(".level-value"), 15*time.Second).Should(Equal("Level IV"))
		got := &v1alpha1.SecurityIncident{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: unit, Name: "zunyi-outage"}, got)).To(Succeed())
		Expect(got.Spec.ReportChannel).To(Equal(v1alpha1.ReportQuickNotice))
		Expect(got.Spec.Impact.InternetOutage.Scope).To(Equal(v1alpha1.ScopeCity))
		Expect(got.Spec.MeasuresTaken).To(Equal("Rerouted traffic through Guiyang."))
		Expect(got.Status.Level).To(Equal(v1alpha1.IncidentLevel(v1alpha1.LevelIV)))
	})

	It("prints the incident's annex form on one A4 page", func() {
		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		b := startBoard(harness.DutyOfficer, "-A")
		b.open("/object/securityincident/" + unit + "/leak")
		href, err := eval[string](b, `document.getElementById("print-form").getAttribute("href")`)
		Expect(err).NotTo(HaveOccurred())
		Expect(href).To(Equal("/form/" + unit + "/leak"))
		b.open(href)
		Eventually(b.text("h1")).Should(ContainSubstring("报送表"))
		c, cancel := context.WithTimeout(b.tab, time.Minute)
		defer cancel()
		pdf, err := chromedp.Run(c, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
		Expect(err).NotTo(HaveOccurred())
		pages, a4 := pdfPages(pdf)
		Expect(a4).To(BeTrue(), "the page is not A4")
		Expect(pages).To(Equal(1))
	})

	It("has no serious or critical accessibility violation (axe-core)", func() {
		axe := axeSource()
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		w := harness.NewWarning(office, "yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, false)
		harness.ApproveYellow(w)
		b := startBoard(harness.DutyOfficer, "-A")
		for _, path := range []string{"/", "/object/securityincident/" + unit + "/outage", "/object/warning/" + office + "/yellow", "/notice"} {
			b.open(path)
			_, err := eval[bool](b, axe+"; true")
			Expect(err).NotTo(HaveOccurred())
			c, cancel := context.WithTimeout(b.tab, time.Minute)
			found, err := chromedp.Run(c, chromedp.Evaluate[[]violation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
				r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
			cancel()
			Expect(err).NotTo(HaveOccurred())
			var serious []violation
			for _, v := range found {
				if v.Impact == "serious" || v.Impact == "critical" {
					serious = append(serious, v)
				}
			}
			Expect(serious).To(BeEmpty(), "%s: %+v", path, serious)
		}
	})
})

type violation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeSource is axe-core, as hack/test-deps.sh installs it (pinned). Without
// it the spec skips, unless CI is set.
func axeSource() string {
	GinkgoHelper()
	dir := os.Getenv("TEST_DEPS_DIR")
	if dir == "" {
		dir = harness.Path("bin", "test-deps")
	}
	src, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			Fail("CI is set and axe-core is not installed: bash hack/test-deps.sh installs it (" + err.Error() + ")")
		}
		Skip("axe-core is not installed (bash hack/test-deps.sh installs it): " + err.Error())
	}
	return string(src)
}

// pdfPages counts a PDF's pages and says whether they are A4, with
// poppler's pdfinfo when it is there, else by its page objects.
func pdfPages(pdf []byte) (int, bool) {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "form.pdf")
	Expect(os.WriteFile(path, pdf, 0o644)).To(Succeed())
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		out, err := exec.Command("pdfinfo", path).Output()
		Expect(err).NotTo(HaveOccurred())
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
		Expect(m).NotTo(BeNil(), string(out))
		n, _ := strconv.Atoi(string(m[1]))
		return n, bytes.Contains(out, []byte("(A4)"))
	}
	return len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)), bytes.Contains(pdf, []byte("595"))
}
