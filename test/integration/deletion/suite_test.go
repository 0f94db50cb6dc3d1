package deletion

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestDeletion runs, against a real API server (test/integration/harness),
// deletion as a cluster does it (the garbage collector and the namespace
// controller of kube-controller-manager), and objects being deleted left
// alone.
func TestDeletion(t *testing.T) {
	harness.RunSuite(t, "Deletion Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx context.Context
	k8s client.Client
	cfg *rest.Config
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s, cfg = c.Ctx, c.Client, c.Config
})

var _ = AfterSuite(harness.Stop)
