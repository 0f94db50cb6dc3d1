package admission

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Each role reads what its job needs (the roles of
// config/rbac/approval_roles.yaml): the office every report and event, a
// unit the reports of its own incidents and the events in its namespace,
// and nothing of another unit's.
var _ = Describe("Trust: what each role may read", func() {
	It("lets the office read every report and event, a unit its own, and nobody another unit's", func() {
		const class = "reads"
		harness.GrantNotificationRoles()
		unit, other := harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
		bindUnit(unitB, other)
		inc := builder.Incident("outage", unit).Outage(v1alpha1.ScopeCity).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) []v1alpha1.Notification {
			list := &v1alpha1.NotificationList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(unit))).To(Succeed())
			return list.Items
		}).ShouldNot(BeEmpty(), "the incident's report to the office")

		reads := func(who string, list client.ObjectList, ns string) error {
			opts := []client.ListOption{}
			if ns != "" {
				opts = append(opts, client.InNamespace(ns))
			}
			return harness.AsUser(who).List(ctx, list, opts...)
		}
		notifications := func() client.ObjectList { return &v1alpha1.NotificationList{} }
		coreEvents := func() client.ObjectList { return &corev1.EventList{} }
		events := func() client.ObjectList { return &eventsv1.EventList{} }

		allowed(class, harness.DutyOfficer, "list the reports of every namespace", reads(harness.DutyOfficer, notifications(), ""))
		allowed(class, harness.DutyOfficer, "list the events of a unit's namespace (kubectl describe)", reads(harness.DutyOfficer, coreEvents(), unit))
		allowed(class, harness.DutyOfficer, "list the events of every namespace (events.k8s.io)", reads(harness.DutyOfficer, events(), ""))
		allowed(class, unitA, "list the reports of its own incidents, in its namespace", reads(unitA, notifications(), unit))
		allowed(class, unitA, "list the events in its namespace", reads(unitA, coreEvents(), unit))
		refused(class, unitA, "list another unit's reports", reads(unitA, notifications(), other), "forbidden")
		refused(class, unitA, "list another unit's events", reads(unitA, events(), other), "forbidden")
		refused(class, unitA, "list the reports of every namespace", reads(unitA, notifications(), ""), "forbidden")
		allowed(class, harness.ApproverIII, "list the reports it receives", reads(harness.ApproverIII, notifications(), ""))
		allowed(class, harness.MinistryUser, "list the reports it receives", reads(harness.MinistryUser, notifications(), ""))
		allowed(class, harness.MinistryDuty, "list the reports it confirms", reads(harness.MinistryDuty, notifications(), ""))
		refused(class, harness.DrillPipeline, "list the reports (it writes drills, it reads no real reports)", reads(harness.DrillPipeline, notifications(), ""), "forbidden")
		refused(class, stranger, "list the reports with no role", reads(stranger, notifications(), unit), "forbidden")
	})
})
