// Package board drives the duty board of `kubectl incident board` in a real
// browser (headless Chromium, through the DevTools protocol with chromedp)
// against a real API server with the operator running
// (test/integration/harness). Each person runs a board of their own, with a
// kubeconfig of their own, as they would on their own machine.
//
// It needs chromium (bash hack/test-deps.sh installs it, a CJK font, poppler
// and axe-core). Without chromium it skips, saying so, unless CI is set: in
// CI it fails. Run it alone with
//
//	KUBEBUILDER_ASSETS=$PWD/bin/k8s/1.37.2-linux-amd64 go test ./test/board -count=1 -v
//
// BOARD_SCREENSHOTS=docs/ keeps screenshots of the board and of an object's
// page there (docs/board.md shows them).
package board

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestBoard runs the browser specs.
func TestBoard(t *testing.T) {
	if findBrowser() == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set and there is no chromium on the PATH: the board's browser tests must run in CI (bash hack/test-deps.sh installs it)")
		}
		t.Skip("no chromium on the PATH: the board's browser tests need it (bash hack/test-deps.sh installs chromium, fonts-noto-cjk, poppler-utils and axe-core)")
	}
	harness.RunSuite(t, "Board Suite")
}

// The suite's cluster, as harness.Start started it, and the browser.
var (
	ctx     context.Context
	k8s     client.Client
	cfg     *rest.Config
	testEnv *envtest.Environment
	browser context.Context
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s, cfg, testEnv = c.Ctx, c.Client, c.Config, c.Env
	harness.GrantNotificationRoles()

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findBrowser()), chromedp.NoSandbox, chromedp.WindowSize(1440, 1000),
		chromedp.UserDataDir(filepath.Join(GinkgoT().TempDir(), "profile")),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "en-US"))...)
	DeferCleanup(cancelAlloc)
	var cancel context.CancelFunc
	browser, cancel = chromedp.NewContext(alloc)
	DeferCleanup(cancel)
	// The first run starts the browser; every spec opens a tab of its own.
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		Fail("starting chromium: " + err.Error())
	}
})

var _ = AfterSuite(harness.Stop)

func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
