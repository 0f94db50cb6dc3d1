package units

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestUnits runs, against a real API server (test/integration/harness),
// the reporting units' side of the operator: the UnitReport and
// ReportingUnit controllers, a warning's acknowledgements, a response's
// summary reports per unit, and the units' records as metrics.
func TestUnits(t *testing.T) {
	harness.RunSuite(t, "Units Suite")
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
