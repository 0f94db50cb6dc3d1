// Package testenv holds what every test that starts a control plane checks
// first, so that each says the same thing when it cannot run.
package testenv

import (
	"os"
	"testing"
)

// Assets returns $KUBEBUILDER_ASSETS, the directory of the control plane's
// binaries (hack/envtest-binaries.sh). Under -short the test is skipped,
// saying why it needs them; without them it fails, saying how to get them.
func Assets(t testing.TB, why string) string {
	t.Helper()
	if testing.Short() {
		t.Skip(why + ": not with -short; run make test")
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test`, or set it to bin/k8s/<version>-linux-amd64")
	}
	return assets
}
