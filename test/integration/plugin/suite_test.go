package plugin

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestPlugin runs, against a real API server (test/integration/harness), the
// kubectl incident plugin's commands, run as the people who use them.
func TestPlugin(t *testing.T) {
	harness.RunSuite(t, "Plugin Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx     context.Context
	k8s     client.Client
	cfg     *rest.Config
	testEnv *envtest.Environment
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s, cfg, testEnv = c.Ctx, c.Client, c.Config, c.Env
})

var _ = AfterSuite(harness.Stop)
