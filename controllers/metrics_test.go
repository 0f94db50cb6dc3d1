package controllers

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/netsec-io/incident-operator/test/builder"
)

// gathered finds one metric in the operator's registry by name and labels.
func gathered(name string, labels map[string]string) *dto.Metric {
	GinkgoHelper()
	families, err := metrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			return m
		}
	}
	return nil
}

var _ = Describe("Metrics", func() {
	It("count incidents by level and drill, time their classification, and count missed deadlines", func() {
		ns := newNamespace()
		drillII := func() float64 {
			return gathered("incident_operator_incidents", map[string]string{"level": "II", "drill": "true"}).GetGauge().GetValue()
		}
		classified := func() uint64 {
			return gathered("incident_operator_report_to_classification_seconds", nil).GetHistogram().GetSampleCount()
		}
		missed := func() float64 {
			return testutil.ToFloat64(deadlineOutcomes.WithLabelValues("InitialReport", "Missed"))
		}
		gauge, samples, misses := drillII(), classified(), missed()

		Expect(k8s.Create(ctx, builder.Incident("metric", ns).Drill().Records(20_000_000).Obj())).To(Succeed())
		Expect(k8s.Create(ctx, builder.Incident("late", ns).Discovered(time.Now().Add(-3*time.Hour)).Obj())).To(Succeed())
		Eventually(drillII).Should(Equal(gauge + 1))
		Eventually(classified).Should(BeNumerically(">=", samples+2))
		Eventually(missed).Should(Equal(misses + 1))
	})
})
