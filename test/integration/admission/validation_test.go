package admission

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// badInput is a change that the API server must refuse, and the words its
// refusal must contain: the field and the reason.
type badInput struct {
	edit  func(*v1alpha1.SecurityIncident)
	field string
	why   string
}

var badInputs = map[string]badInput{
	"an unknown unit type": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Reporter.UnitType = "ISP" },
		"spec.reporter.unitType", `Unsupported value: "ISP"`},
	"no description": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Description = "" },
		"spec.description", "should be at least 1 chars long"},
	"a phone number that is not one": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Reporter.Contact.Phone = "call the duty desk" },
		"spec.reporter.contact.phone", "must be a telephone number"},
	"an e-mail address that is not one": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Reporter.Contact.Email = "duty-at-example.cn" },
		"spec.reporter.contact.email", "must be an e-mail address"},
	"discovery before occurrence": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.DiscoveredAt = metav1.NewTime(i.Spec.OccurredAt.Add(-time.Minute))
		},
		"spec.discoveredAt", "discoveredAt must not be before occurredAt"},
	"an event type without its impact section": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = append(i.Spec.EventTypes, v1alpha1.EventVirusOutbreak)
		},
		"spec.impact", "eventTypes includes VirusOutbreak, so impact.virus is required"},
	"an impact section without its event type": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.Impact.Website = &v1alpha1.WebsiteImpact{Influence: v1alpha1.InfluenceNational}
		},
		"spec.eventTypes", "impact.website is given, so eventTypes must include WebsiteAnomaly"},
	"other harm without the Other event type": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDataLeak}
			i.Spec.Impact = v1alpha1.Impact{DataLeak: &v1alpha1.DataLeakImpact{Records: 10},
				Other: &v1alpha1.OtherImpact{Description: "x"}}
		},
		"spec.eventTypes", "impact.other is given, so eventTypes must include Other"},
	"a negative number of records": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDataLeak}
			i.Spec.Impact = v1alpha1.Impact{DataLeak: &v1alpha1.DataLeakImpact{Records: -1}}
		},
		"spec.impact.dataLeak.records", "should be greater than or equal to 0"},
	"no event type": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.EventTypes = nil; i.Spec.Impact = v1alpha1.Impact{} },
		"spec.eventTypes", "Required value"},
	"an unknown scope": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventInternetOutage}
			i.Spec.Impact = v1alpha1.Impact{InternetOutage: &v1alpha1.AreaImpact{Scope: "Planet"}}
		},
		"spec.impact.internetOutage.scope", `Unsupported value: "Planet"`},
	"a level that the plan does not have": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.SuggestedLevel = "V" },
		"spec.suggestedLevel", `Unsupported value: "V"`},
	"support needed without a kind": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Support = &v1alpha1.Support{Needed: true} },
		"spec.support.kinds", "at least one kind is required when needed is true"},
	"an unknown report channel": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.ReportChannel = "Fax" },
		"spec.reportChannel", `Unsupported value: "Fax"`},
	"a DNS latency below zero": {
		func(i *v1alpha1.SecurityIncident) {
			i.Spec.EventTypes = []v1alpha1.EventType{v1alpha1.EventDNSAnomaly}
			i.Spec.Impact = v1alpha1.Impact{DNS: &v1alpha1.DNSImpact{System: v1alpha1.DNSLarge, State: v1alpha1.DNSDegraded, LatencyMilliseconds: ptr.To[int64](-3)}}
		},
		"spec.impact.dns.latencyMilliseconds", "should be greater than or equal to 0"},
}

// updateOnly are refused on an existing incident: what was recorded stays.
var updateOnly = map[string]badInput{
	"a drill turned real": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.Drill = false },
		"spec.drill", "drill cannot be changed"},
	"the first report channel rewritten": {
		func(i *v1alpha1.SecurityIncident) { i.Spec.ReportChannel = v1alpha1.ReportQuickNotice },
		"spec.reportChannel", "reportChannel records how the incident was first reported and cannot be changed"},
}

var _ = Describe("SecurityIncident validation in the API server", func() {
	var ns string
	BeforeEach(func() { ns = harness.NewNamespace() })

	expectRefused := func(err error, in badInput) {
		GinkgoHelper()
		Expect(err).To(HaveOccurred())
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want 422 Invalid, got %v", err)
		Expect(err.Error()).To(ContainSubstring(in.field))
		Expect(err.Error()).To(ContainSubstring(in.why))
	}

	It("accepts the builder's incident, which every bad input starts from", func() {
		Expect(k8s.Create(ctx, builder.Incident("good", ns).Obj())).To(Succeed())
	})

	for name, in := range badInputs {
		It("refuses to create an incident with "+name+", naming the field and the reason", func() {
			inc := builder.Incident("bad", ns).Edit(in.edit).Obj()
			expectRefused(k8s.Create(ctx, inc), in)
		})
	}

	all := map[string]badInput{}
	for k, v := range badInputs {
		all[k] = v
	}
	for k, v := range updateOnly {
		all[k] = v
	}
	for name, in := range all {
		It("refuses to change an incident to "+name+", and the incident stays as recorded", func() {
			inc := builder.Incident("recorded", ns).Drill().Records(1_000_000).Obj()
			Expect(k8s.Create(ctx, inc)).To(Succeed())
			Eventually(func(g Gomega) v1alpha1.IncidentLevel { return harness.Get(g, inc).Status.Level }).Should(Equal(v1alpha1.IncidentLevel("III")))
			before := harness.Get(Default, inc)

			changed := before.DeepCopy()
			in.edit(changed)
			expectRefused(k8s.Update(ctx, changed), in)

			after := harness.Get(Default, inc)
			Expect(after.ResourceVersion).To(Equal(before.ResourceVersion))
			Expect(after.Spec).To(Equal(before.Spec))
			Expect(after.Status.Level).To(Equal(v1alpha1.IncidentLevel("III")))
		})
	}
})
