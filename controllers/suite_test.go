package controllers_test

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestControllers runs, against a real API server
// (test/integration/harness), the specs that drive the package's internals
// (export_test.go): a public notice written with ensureNotifications, and a
// channel's recheck interval. Every other envtest suite is under
// test/integration.
func TestControllers(t *testing.T) {
	harness.RunSuite(t, "Controllers Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx       context.Context
	cfg       *rest.Config
	k8s       client.Client
	fakeClock *clocktesting.FakeClock
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, cfg, k8s, fakeClock = c.Ctx, c.Config, c.Client, c.Clock
})

var _ = AfterSuite(harness.Stop)
