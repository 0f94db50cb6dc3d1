package reports

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestReports runs, against a real API server (test/integration/harness),
// reports and their delivery: notifications and their confirmation, the
// reports of incidents and responses, their texts, the record written before
// the report, and deliveries across a stop of the operator.
func TestReports(t *testing.T) {
	harness.RunSuite(t, "Reports Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx       context.Context
	k8s       client.Client
	cfg       *rest.Config
	fakeClock *clocktesting.FakeClock
	shanghai  *time.Location
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{Offline: offline})
	ctx, k8s, cfg, fakeClock, shanghai = c.Ctx, c.Client, c.Config, c.Clock, c.Shanghai
})

var _ = AfterSuite(harness.Stop)
