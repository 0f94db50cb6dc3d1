package incidents

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("Metrics", func() {
	It("count incidents by level and drill, time their classification, and count missed deadlines", func() {
		ns := harness.NewNamespace()
		drillII := func() float64 {
			return harness.Gathered("incident_operator_incidents", map[string]string{"level": "II", "drill": "true"}).GetGauge().GetValue()
		}
		classified := func() uint64 {
			return harness.Gathered("incident_operator_report_to_classification_seconds", nil).GetHistogram().GetSampleCount()
		}
		missed := func() float64 {
			return harness.Gathered("incident_operator_deadlines_total", map[string]string{"deadline": "InitialReport", "outcome": "Missed"}).GetCounter().GetValue()
		}
		gauge, samples, misses := drillII(), classified(), missed()

		Expect(k8s.Create(ctx, builder.Incident("metric", ns).Drill().Records(20_000_000).Obj())).To(Succeed())
		Expect(k8s.Create(ctx, builder.Incident("late", ns).Discovered(time.Now().Add(-3*time.Hour)).Obj())).To(Succeed())
		Eventually(drillII).Should(Equal(gauge + 1))
		Eventually(classified).Should(BeNumerically(">=", samples+2))
		Eventually(missed).Should(Equal(misses + 1))
	})
})
