package responses

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestResponses runs, against a real API server (test/integration/harness),
// the EmergencyResponse and WorkGroup controllers: approval, work groups,
// the end and the summary reports.
func TestResponses(t *testing.T) {
	harness.RunSuite(t, "Responses Suite")
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
