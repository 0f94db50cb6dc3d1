package admission

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// A time a reporter types by hand is refused, when it is not RFC 3339 with
// an offset, with words that show how to write one (hack/typedtimes), and
// only what the operator can read is admitted.
var _ = Describe("Times a reporter types", func() {
	It("are refused with an example when not RFC 3339 with an offset, and admitted when they are", func() {
		ns := harness.NewNamespace()
		incident := func(name, occurred, discovered string) *unstructured.Unstructured {
			GinkgoHelper()
			obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(builder.Incident(name, ns).Obj())
			Expect(err).NotTo(HaveOccurred())
			u := &unstructured.Unstructured{Object: obj}
			u.SetAPIVersion("emergency.netsec.io/v1alpha1")
			u.SetKind("SecurityIncident")
			Expect(unstructured.SetNestedField(u.Object, occurred, "spec", "occurredAt")).To(Succeed())
			Expect(unstructured.SetNestedField(u.Object, discovered, "spec", "discoveredAt")).To(Succeed())
			return u
		}
		for i, bad := range []string{"2026-12-04 14:15", "2026-12-04T14:15:00", "2026-12-04T14:15", "2026-12-04", "14:15", "2026-13-04T14:15:00+08:00", "2026-12-04T14:15:00+0800", "2026-12-04T24:15:00+08:00", "2026-12-04T14:15:00+08:00 "} {
			err := k8s.Create(ctx, incident("bad-"+string(rune('a'+i)), bad, "2026-12-04T14:20:00+08:00"))
			harness.RefusedWith(err, "spec.occurredAt", "RFC 3339 with its offset, e.g. 2026-12-04T14:15:00+08:00")
		}
		// A day the month does not have matches the pattern and is refused
		// all the same, in the words of the first check to read it.
		harness.RefusedWith(k8s.Create(ctx, incident("bad-day", "2026-02-30T14:15:00+08:00", "2026-12-04T14:20:00+08:00")))
		harness.RefusedWith(k8s.Create(ctx, incident("bad-discovered", "2026-12-04T14:15:00+08:00", "2026-12-04 14:20")),
			"spec.discoveredAt", "RFC 3339 with its offset")
		harness.RefusedWith(k8s.Create(ctx, incident("backwards", "2026-12-04T14:15:00+08:00", "2026-12-04T06:10:00Z")),
			"discoveredAt must not be before occurredAt")
		for i, good := range []string{"2026-12-04T14:15:00+08:00", "2026-12-04T06:15:00Z", "2026-12-04T14:15:00.250+08:00"} {
			Expect(k8s.Create(ctx, incident("good-"+string(rune('a'+i)), good, "2026-12-04T14:30:00+08:00"))).To(Succeed(), good)
		}
	})
})
