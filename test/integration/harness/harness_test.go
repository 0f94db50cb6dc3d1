package harness

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNotImportedByTheOperator: the harness, and every other package under
// test/, is for tests only; the operator's binaries must not link it.
func TestNotImportedByTheOperator(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/...", "./manager/...")
	cmd.Dir = Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/... ./manager/...: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/netsec-io/incident-operator/test/") {
			t.Errorf("%s is linked into the operator's binaries", pkg)
		}
	}
}
