package reports

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// arrived is what a receiver got, by message: the id of each, and the ids
// of the reports each carried (its own for a report sent alone).
func arrived(r *harness.Receiver) (ids []string, carried map[string][]string) {
	GinkgoHelper()
	carried = map[string][]string{}
	for _, b := range r.Bodies() {
		id, _ := b["id"].(string)
		typ, _ := b["type"].(string)
		ids = append(ids, id)
		if !strings.HasSuffix(typ, notify.GroupTypeSuffix) {
			carried[id] = []string{id}
			continue
		}
		data, err := json.Marshal(b["data"])
		Expect(err).NotTo(HaveOccurred())
		members, err := notify.Members(data)
		Expect(err).NotTo(HaveOccurred())
		if was, seen := carried[id]; seen {
			Expect(members).To(Equal(was), "a resend of message %s carries what its first send did", id)
		}
		carried[id] = members
	}
	return ids, carried
}

var _ = Describe("A storm of reports", func() {
	BeforeEach(harness.GrantRoles)

	file := func(ns, name string) *v1alpha1.SecurityIncident {
		GinkgoHelper()
		inc := builder.Incident(name, ns).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		return inc
	}
	reportID := func(inc *v1alpha1.SecurityIncident) string { return string(inc.UID) + "-reported" }

	It("goes to the office as few messages listing each incident, each on record with the message that carried it; a quiet day's report goes at once", func() {
		ns := useOffline(offline[3])
		harness.RegisterUnit(ns, harness.DefaultUnitName, harness.DefaultUnitType)
		office := harness.NewReceiver(0)
		harness.NewChannel(ns, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, office.URL, 5)
		harness.StartOperatorGrouping(ns, controllers.ReportGrouping{Interval: time.Minute, Max: 5, Alone: 1})

		By("a single incident on a quiet day: its report goes at once, alone, with the clock standing still")
		quiet := file(ns, "quiet")
		Eventually(func(g Gomega) {
			d := harness.DeliveryOf(harness.ReportOf(g, quiet, "reported"), "office-desk")
			g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
			g.Expect(d.MessageID).To(BeEmpty(), "it went alone")
		}).Should(Succeed())
		Expect(office.IDs()).To(Equal([]string{reportID(quiet)}))

		By("twelve more within the minute: full messages of five go at once, the last two wait for the minute's end")
		var storm []*v1alpha1.SecurityIncident
		for i := range 12 {
			storm = append(storm, file(ns, fmt.Sprintf("storm-%02d", i)))
		}
		Eventually(func() []string { return office.IDs() }, 30*time.Second).Should(HaveLen(3))
		Consistently(func() []string { return office.IDs() }, 2*time.Second).Should(HaveLen(3), "the rest wait for the interval")
		waiting := 0
		for _, inc := range storm {
			n := harness.ReportOf(Default, inc, "reported")
			if harness.Delivered(n).Status != metav1.ConditionTrue {
				waiting++
				Expect(n.Status.Deliveries).To(BeEmpty(), "a report first written in a storm writes no status until its message's claim")
				up := harness.ConditionOf(harness.Get(Default, inc).Status.Conditions, v1alpha1.ConditionReportedUpward)
				Expect(up.Status).To(Equal(metav1.ConditionFalse))
				Expect(up.Message).To(ContainSubstring("not yet delivered"), "its incident says it is on its way")
			}
		}
		Expect(waiting).To(Equal(2))
		fakeClock.Step(time.Minute)
		Eventually(func() []string { return office.IDs() }, 30*time.Second).Should(HaveLen(4))

		By("every incident's report arrived exactly once, and its record names the message that carried it")
		ids, carried := arrived(office)
		seen := map[string]string{}
		for _, id := range ids {
			for _, m := range carried[id] {
				Expect(seen).NotTo(HaveKey(m), "report %s arrived twice", m)
				seen[m] = id
			}
		}
		Expect(seen).To(HaveLen(13))
		for _, inc := range storm {
			Eventually(func(g Gomega) {
				n := harness.ReportOf(g, inc, "reported")
				d := harness.DeliveryOf(n, "office-desk")
				g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
				g.Expect(d.EventID).To(Equal(reportID(inc)), "the report keeps its own id")
				g.Expect(d.MessageID).To(Equal(seen[reportID(inc)]), "the record names the message that carried it")
				g.Expect(d.GroupSize).To(Equal(int32(len(carried[d.MessageID]))))
				g.Expect(d.Attempts).To(Equal(int32(1)))
				g.Expect(harness.Delivered(n).Status).To(Equal(metav1.ConditionTrue), "its conditions follow the message")
				got := harness.Get(g, inc)
				g.Expect(harness.ConditionOf(got.Status.Conditions, v1alpha1.ConditionReportedUpward).Status).To(Equal(metav1.ConditionTrue))
			}).Should(Succeed())
		}
		sizes := map[int]int{}
		for _, id := range ids {
			sizes[len(carried[id])]++
		}
		Expect(sizes).To(Equal(map[int]int{1: 1, 5: 2, 2: 1}))

		By("the incident's timeline says which message carried its report")
		last := storm[11]
		d := harness.DeliveryOf(harness.ReportOf(Default, last, "reported"), "office-desk")
		entries, err := plugin.Timeline(ctx, k8s, plugin.KindIncident, ns, last.Name, shanghai)
		Expect(err).NotTo(HaveOccurred())
		var out strings.Builder
		plugin.PrintTimeline(&out, entries, shanghai)
		Expect(out.String()).To(ContainSubstring(fmt.Sprintf("in grouped message %s of %d reports", d.MessageID, d.GroupSize)))

		By("nothing is sent again")
		Consistently(func() []string { return office.IDs() }, 2*time.Second).Should(HaveLen(4))
	})

	It("resends a grouped message whole, under its id, when the operator stopped before recording it", func() {
		ns := useOffline(offline[4])
		harness.RegisterUnit(ns, harness.DefaultUnitName, harness.DefaultUnitType)
		office := harness.NewReceiver(0)
		harness.NewChannel(ns, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, office.URL, 5)
		grouping := controllers.ReportGrouping{Interval: time.Minute, Max: 3, Alone: 1}
		kill := harness.StartOperatorGrouping(ns, grouping)

		quiet := file(ns, "first")
		Eventually(func(g Gomega) {
			g.Expect(harness.DeliveryOf(harness.ReportOf(g, quiet, "reported"), "office-desk").State).To(Equal(v1alpha1.DeliveryDelivered))
		}).Should(Succeed())

		By("the receiver takes a grouped message of three and keeps it; the operator is killed before it hears back")
		hold := make(chan struct{})
		office.Hold(hold)
		var storm []*v1alpha1.SecurityIncident
		for i := range 3 {
			storm = append(storm, file(ns, fmt.Sprintf("held-%d", i)))
		}
		Eventually(func() []string { return office.IDs() }, 30*time.Second).Should(HaveLen(2))
		kill()
		close(hold)
		group := office.IDs()[1]
		for _, inc := range storm {
			d := harness.DeliveryOf(harness.ReportOf(Default, inc, "reported"), "office-desk")
			Expect(d.MessageID).To(Equal(group), "the claim named the message before it was sent")
			Expect(d.State).To(Equal(v1alpha1.DeliveryPending), "its outcome was not recorded")
		}

		By("a new operator, which groups no more, resends that message whole, with the same id, once it cannot still be under way")
		harness.StartOperatorGrouping(ns, controllers.ReportGrouping{})
		Eventually(func(g Gomega) {
			fakeClock.Step(time.Second)
			for _, inc := range storm {
				d := harness.DeliveryOf(harness.ReportOf(g, inc, "reported"), "office-desk")
				g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
				g.Expect(d.MessageID).To(Equal(group))
				g.Expect(d.GroupSize).To(Equal(int32(3)))
				g.Expect(d.Attempts).To(Equal(int32(2)))
			}
		}, 30*time.Second).Should(Succeed())
		ids, carried := arrived(office) // checks the resend carries the same reports
		Expect(ids).To(Equal([]string{reportID(quiet), group, group}), "a receiver that keeps ids drops the second")
		Expect(carried[group]).To(ConsistOf(reportID(storm[0]), reportID(storm[1]), reportID(storm[2])))

		By("what was recorded is not sent again by the next operator")
		kill2 := harness.StartOperatorGrouping(ns, grouping)
		Consistently(func() []string { return office.IDs() }, 2*time.Second).Should(HaveLen(3))
		kill2()
	})

	It("writes every level first while incidents arrive as a storm; each report follows once it calms, or after a restart, exactly once", func() {
		ns := useOffline(offline[5])
		harness.RegisterUnit(ns, harness.DefaultUnitName, harness.DefaultUnitType)
		office := harness.NewReceiver(0)
		harness.NewChannel(ns, "office-desk", v1alpha1.ChannelCloudEvents, v1alpha1.AudienceOffice, office.URL, 5)
		// Two incidents within two seconds of the storm's clock make a
		// storm; every report goes alone (grouping is another spec's).
		stormClock := testingclock.NewFakeClock(time.Now())
		start := func() func() {
			return harness.StartOperatorWith(ns, func(cfg *controllers.Config) {
				cfg.Storm = controllers.StormConfig{Rate: 1, Hold: time.Hour}
				cfg.StormClock = stormClock
			})
		}
		kill := start()
		delivered := func(g Gomega, inc *v1alpha1.SecurityIncident) {
			d := harness.DeliveryOf(harness.ReportOf(g, inc, "reported"), "office-desk")
			g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered), "the report of %s", inc.Name)
		}
		written := func(g Gomega, inc *v1alpha1.SecurityIncident) bool {
			key := client.ObjectKey{Namespace: ns, Name: routing.NotificationName(inc.Name, routing.KeyReported, string(inc.UID))}
			err := k8s.Get(ctx, key, &v1alpha1.Notification{})
			if apierrors.IsNotFound(err) {
				return false
			}
			g.Expect(err).NotTo(HaveOccurred())
			return true
		}
		wave := func(prefix string) []*v1alpha1.SecurityIncident {
			GinkgoHelper()
			var out []*v1alpha1.SecurityIncident
			for i := range 8 {
				out = append(out, file(ns, fmt.Sprintf("%s-%d", prefix, i)))
			}
			By("each of the wave has its level and deadlines; from the wave's second on, their reports stay owed while it lasts")
			Eventually(func(g Gomega) {
				for _, inc := range out {
					got := harness.Get(g, inc)
					g.Expect(got.Status.Level).NotTo(BeEmpty(), inc.Name)
					g.Expect(got.Status.Deadlines).NotTo(BeEmpty(), inc.Name)
				}
			}).Should(Succeed())
			Consistently(func(g Gomega) {
				n := 0
				for _, inc := range out {
					if written(g, inc) {
						n++
						continue
					}
					up := harness.ConditionOf(harness.Get(g, inc).Status.Conditions, v1alpha1.ConditionReportedUpward)
					g.Expect(up.Status).To(Equal(metav1.ConditionFalse), "%s says its report is on its way", inc.Name)
				}
				g.Expect(n).To(BeNumerically("<=", 1), "only the wave's first may be reported before the storm is seen")
			}, 2*time.Second).Should(Succeed())
			return out
		}

		By("a single incident on a quiet day is reported at once")
		quiet := file(ns, "quiet")
		Eventually(func(g Gomega) { delivered(g, quiet) }).Should(Succeed())
		stormClock.Step(3 * time.Second)

		first := wave("wave")
		By("the storm calms: every report is written and delivered")
		stormClock.Step(3 * time.Second)
		Eventually(func(g Gomega) {
			for _, inc := range first {
				delivered(g, inc)
			}
		}, 30*time.Second).Should(Succeed())

		stormClock.Step(3 * time.Second)
		second := wave("again")
		By("the operator is killed while the reports wait, and started again: what it held is written at once")
		kill()
		start()
		Eventually(func(g Gomega) {
			for _, inc := range second {
				delivered(g, inc)
			}
		}, 30*time.Second).Should(Succeed())

		By("every report arrived once")
		ids := office.IDs()
		Expect(ids).To(HaveLen(17))
		for _, inc := range append(append([]*v1alpha1.SecurityIncident{quiet}, first...), second...) {
			Expect(ids).To(ContainElement(reportID(inc)))
		}
		Consistently(func() []string { return office.IDs() }, 2*time.Second).Should(HaveLen(17))
	})
})
