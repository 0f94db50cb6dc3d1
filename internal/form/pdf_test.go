package form

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The HTML form prints on one A4 page: each sample is printed to PDF by
// headless Chromium and its pages counted. A form whose free text does not
// fit its boxes prints the form on one page and the full text on a
// continuation sheet after it.
//
// It needs chromium and a CJK font (hack/test-deps.sh installs chromium,
// fonts-noto-cjk and poppler-utils on Debian), and skips without them.
func TestPrintsOnOneA4Page(t *testing.T) {
	if testing.Short() {
		t.Skip("prints with headless Chromium (seconds a page): not in -short")
	}
	browser := findBrowser()
	if browser == "" {
		t.Skip("no chromium on the PATH: the one-page check needs it (bash hack/test-deps.sh installs chromium, fonts-noto-cjk and poppler-utils)")
	}
	if out, err := exec.Command("fc-list", ":lang=zh").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skip("no Chinese font installed (fc-list :lang=zh is empty): the form would print boxes; apt-get install fonts-noto-cjk")
	}
	cases := map[string]struct {
		inc   *v1alpha1.SecurityIncident
		pages int
	}{}
	for eventType, sample := range samples {
		cases[eventType] = struct {
			inc   *v1alpha1.SecurityIncident
			pages int
		}{loadSample(t, sample), 1}
	}
	long := loadSample(t, samples["DataLeak"])
	long.Spec.Description = strings.Repeat("备份存储桶配置错误导致会员数据库对外暴露。", 200)
	long.Spec.MeasuresTaken = strings.Repeat("Bucket made private; access logs preserved. ", 180)
	long.Spec.ProposedMeasures = strings.Repeat("告知受影响用户修改密码。", 300)
	long.Spec.NetworkUnit.Address = strings.Repeat("贵阳市南明区", 80)
	long.Spec.Reporter.UnitName = strings.Repeat("Guizhou Example Telecom ", 10)
	long.Spec.NetworkUnit.Name = strings.Repeat("会员服务系统", 40)
	long.Spec.UnitResponse.PlanName = strings.Repeat("网络安全事件应急预案", 20)
	long.Spec.EventTypes = append(long.Spec.EventTypes, v1alpha1.EventOther)
	long.Spec.Impact.Other = &v1alpha1.OtherImpact{Description: strings.Repeat("勒索软件", 100)}
	cases["free text longer than its boxes"] = struct {
		inc   *v1alpha1.SecurityIncident
		pages int
	}{long, 0}

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			page, err := HTML(tc.inc)
			if err != nil {
				t.Fatal(err)
			}
			pages, pdf := printPDF(t, browser, page)
			keepPDF(t, pdf)
			want := tc.pages
			if want == 0 {
				want = 1
				if n := strings.Count(page, `<section class="continued">`); n == 1 {
					want = pages // the continuation sheet takes what it takes
					if pages < 2 {
						t.Errorf("the long form printed on %d page: where is its continuation sheet?", pages)
					}
					firstPageHoldsTheForm(t, pdf)
				}
			}
			if pages != want {
				t.Errorf("printed on %d A4 pages, want %d (%s)", pages, want, pdf)
			}
		})
	}
}

// keepPDF copies a printed form to $FORM_PDF_DIR, when set, to look at.
func keepPDF(t *testing.T, pdf string) {
	dir := os.Getenv("FORM_PDF_DIR")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(pdf)
	if err == nil {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
		err = os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	if err != nil {
		t.Log(err)
	}
}

func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// printPDF prints an HTML page as Chromium does and counts the PDF's pages.
func printPDF(t *testing.T, browser, page string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	html, pdf := filepath.Join(dir, "form.html"), filepath.Join(dir, "form.pdf")
	if err := os.WriteFile(html, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+html)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, out)
	}
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		out, err := exec.Command("pdfinfo", pdf).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		if !bytes.Contains(out, []byte("(A4)")) {
			t.Errorf("the page is not A4:\n%s", out)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("pdfinfo gave no page count:\n%s", out)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n, pdf
	}
	// Without poppler: count the page objects.
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(data, -1)), pdf
}

// firstPageHoldsTheForm checks, when pdftotext is there, that the whole
// table is on page 1: its last row's heading is.
func firstPageHoldsTheForm(t *testing.T, pdf string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return
	}
	out, err := exec.Command("pdftotext", "-f", "1", "-l", "1", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"是否需要技术支持", "全文见续页", "报送方式"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("page 1 lacks %q: the form did not fit its page", want)
		}
	}
}
