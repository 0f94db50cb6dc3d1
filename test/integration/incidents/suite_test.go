package incidents

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestIncidents runs, against a real API server (test/integration/harness),
// the SecurityIncident controller: classification, level history, deadlines
// on the operator's clock, events, and the operator's metrics of incidents.
func TestIncidents(t *testing.T) {
	harness.RunSuite(t, "Incidents Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx       context.Context
	k8s       client.Client
	fakeClock *clocktesting.FakeClock
	shanghai  *time.Location
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s, fakeClock, shanghai = c.Ctx, c.Client, c.Clock, c.Shanghai
})

var _ = AfterSuite(harness.Stop)
