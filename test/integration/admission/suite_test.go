package admission

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestAdmission runs, against a real API server (test/integration/harness),
// the admission policies of config/admission and the shipped RBAC, tried as
// every role through its own credentials (trust), and the CRDs' validation
// of an incident.
func TestAdmission(t *testing.T) {
	harness.RunSuite(t, "Admission Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx context.Context
	k8s client.Client
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s = c.Ctx, c.Client
})

var _ = AfterSuite(harness.Stop)
