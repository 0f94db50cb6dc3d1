package controllers_test

import (
	"context"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

var _ = Describe("Reading a namespace's incidents from the cache", func() {
	It("gives the cache's own objects of that namespace, the same as a list, without copying them", func() {
		ns, other := harness.NewNamespace(), harness.NewNamespace()
		for _, name := range []string{"a", "b", "c"} {
			Expect(k8s.Create(ctx, builder.Incident(name, ns).Obj())).To(Succeed())
		}
		Expect(k8s.Create(ctx, builder.Incident("elsewhere", other).Obj())).To(Succeed())

		opts := controllers.CacheOptions()
		opts.Scheme = k8s.Scheme()
		c, err := cache.New(cfg, opts)
		Expect(err).NotTo(HaveOccurred())
		cctx, stop := context.WithCancel(ctx)
		DeferCleanup(stop)
		go func() { _ = c.Start(cctx) }()

		names := func(incs []*v1alpha1.SecurityIncident) []string {
			var out []string
			for _, inc := range incs {
				out = append(out, inc.Namespace+"/"+inc.Name)
			}
			slices.Sort(out)
			return out
		}
		var first []*v1alpha1.SecurityIncident
		Eventually(func(g Gomega) []string {
			first, err = controllers.CachedIncidents(ctx, c, c, ns)
			g.Expect(err).NotTo(HaveOccurred())
			return names(first)
		}).Should(Equal([]string{ns + "/a", ns + "/b", ns + "/c"}))

		By("a second read gives the very same objects: nothing was copied")
		again, err := controllers.CachedIncidents(ctx, c, c, ns)
		Expect(err).NotTo(HaveOccurred())
		for _, inc := range again {
			Expect(slices.Contains(first, inc)).To(BeTrue(), "%s/%s is a copy", inc.Namespace, inc.Name)
		}

		By("every namespace, and the list it falls back to without a cache, say the same")
		all, err := controllers.CachedIncidents(ctx, c, c, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(names(all)).To(ContainElements(ns+"/a", ns+"/b", ns+"/c", other+"/elsewhere"))
		listed, err := controllers.CachedIncidents(ctx, nil, c, ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(names(listed)).To(Equal(names(first)))
	})
})
