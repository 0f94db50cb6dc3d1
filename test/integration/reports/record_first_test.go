package reports

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// revision reads a resourceVersion as the etcd revision it is. Kubernetes
// calls them opaque; this suite runs one etcd, whose revisions order every
// write of every kind, which is what the spec below checks.
func revision(g Gomega, o client.Object) int64 {
	n, err := strconv.ParseInt(o.GetResourceVersion(), 10, 64)
	g.Expect(err).NotTo(HaveOccurred())
	return n
}

var _ = Describe("The record before the report", func() {
	It("writes an incident's level, naming its report as owed, before it writes the report", func() {
		ns := harness.NewNamespace()
		watcher, err := client.NewWithWatch(cfg, client.Options{Scheme: k8s.Scheme()})
		Expect(err).NotTo(HaveOccurred())
		incidents, err := watcher.Watch(ctx, &v1alpha1.SecurityIncidentList{}, client.InNamespace(ns))
		Expect(err).NotTo(HaveOccurred())
		defer incidents.Stop()
		reports, err := watcher.Watch(ctx, &v1alpha1.NotificationList{}, client.InNamespace(ns))
		Expect(err).NotTo(HaveOccurred())
		defer reports.Stop()

		inc := builder.Incident("outage", ns).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())

		By("the first status write holds the level and names the report, not yet written")
		var levelled *v1alpha1.SecurityIncident
		Eventually(incidents.ResultChan(), 15*time.Second).Should(Receive(Satisfy(func(e watch.Event) bool {
			o, ok := e.Object.(*v1alpha1.SecurityIncident)
			if ok && e.Type == watch.Modified && o.Status.Level != "" {
				levelled = o
			}
			return levelled != nil
		})))
		up := harness.ConditionOf(levelled.Status.Conditions, v1alpha1.ConditionReportedUpward)
		Expect(up.Status).To(Equal(metav1.ConditionFalse))
		Expect(up.Reason).To(Equal(v1alpha1.NotificationNoChannelReason), "no channel reaches the office in this namespace")
		Expect(up.Message).To(ContainSubstring(routing.NotificationName(inc.Name, "reported", string(inc.UID))))

		By("the report is written after it, once")
		var report *v1alpha1.Notification
		Eventually(reports.ResultChan(), 15*time.Second).Should(Receive(Satisfy(func(e watch.Event) bool {
			if o, ok := e.Object.(*v1alpha1.Notification); ok && e.Type == watch.Added {
				report = o
			}
			return report != nil
		})))
		Expect(report.Spec.Event).To(Equal(v1alpha1.EventIncidentReported))
		Expect(revision(Default, report)).To(BeNumerically(">", revision(Default, levelled)), "the report was written before the level it tells")
		zh, _ := notify.LevelName(string(levelled.Status.Level))
		Expect(report.Spec.Message.ZH).To(ContainSubstring("事件级别：" + zh))

		By("the report's own state changes nothing on the incident: one status write in all")
		Eventually(func(g Gomega) string {
			n := &v1alpha1.Notification{}
			g.Expect(k8s.Get(ctx, harness.KeyOf(report), n)).To(Succeed())
			return harness.ConditionOf(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition).Reason
		}).Should(Equal(v1alpha1.NotificationNoChannelReason))
		Consistently(func(g Gomega) string { return harness.Get(g, inc).ResourceVersion }, 2*time.Second).Should(Equal(levelled.ResourceVersion))
		list := &v1alpha1.NotificationList{}
		Expect(k8s.List(ctx, list, client.InNamespace(ns))).To(Succeed())
		Expect(list.Items).To(HaveLen(1))
	})
})
