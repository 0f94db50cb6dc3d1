package links_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/test/builder"
)

const (
	// provinceNS is the province's namespace on the ministry's cluster.
	provinceNS = "province-gz"
	// provinceLink is the identity the ministry issued to the province's
	// link.
	provinceLink = "link-province"
)

// timeline notes when each step of the chain was seen, on which cluster,
// and prints them in order at the end.
type timeline struct {
	start time.Time
	steps []string
}

func (tl *timeline) saw(where, what string) {
	tl.steps = append(tl.steps, fmt.Sprintf("| %6.2f s | %s | %s |", time.Since(tl.start).Seconds(), where, what))
}

func (tl *timeline) print(t *testing.T) {
	t.Log("the chain's timeline:\n| after | cluster | seen |\n| --- | --- | --- |\n" + strings.Join(tl.steps, "\n"))
}

// inbox is the ministry office's duty desk: a CloudEvents receiver on
// loopback, registered at the ministry as its office's channel.
type inbox struct {
	mu  sync.Mutex
	ids []string
}

func (b *inbox) got() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.ids)
}

// ministryDesk registers the inbox as the channel of the ministry's office
// (audience Office in its office's namespace), consented by desk, whom
// the ministry's office role lets speak for it.
func ministryDesk(t *testing.T, ministry *site, desk string) *inbox {
	b := &inbox{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			ID string `json:"id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		b.mu.Lock()
		b.ids = append(b.ids, ev.ID)
		b.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	g := NewWithT(t)
	g.Expect(ministry.admin.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "desk-endpoint", Namespace: office},
		StringData: map[string]string{"address": srv.URL + "/desk"}})).To(Succeed())
	g.Expect(ministry.admin.Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "desk-endpoint", Namespace: office},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"desk-endpoint"}, Verbs: []string{"get"}}}})).To(Succeed())
	ministry.bind(t, desk, "Role", "desk-endpoint", office)
	g.Expect(ministry.as(t, desk).Create(ctx, &v1alpha1.NotificationChannel{
		ObjectMeta: metav1.ObjectMeta{Name: "desk", Namespace: office, Annotations: map[string]string{v1alpha1.AnnotationConsentedBy: desk}},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceOffice,
			SecretRef: v1alpha1.SecretReference{Name: "desk-endpoint"}},
	})).To(Succeed())
	return b
}

// reportsToMinistry are the province's reports to the ministry's office
// about anything but an incident: those that cross as themselves.
func reportsToMinistry(g Gomega, province *site) []v1alpha1.Notification {
	list := &v1alpha1.NotificationList{}
	g.Expect(province.admin.List(context.Background(), list)).To(Succeed())
	var out []v1alpha1.Notification
	for _, n := range list.Items {
		if slices.Contains(n.Spec.Audiences, v1alpha1.AudienceMinistryOffice) && n.Spec.Source.Kind != "SecurityIncident" {
			out = append(out, n)
		}
	}
	return out
}

// throughLink is the delivery of n through the link's channel; it fails
// g when there is none.
func throughLink(g Gomega, n v1alpha1.Notification, linkName string) v1alpha1.NotificationDelivery {
	for _, d := range n.Status.Deliveries {
		if d.Channel == "uplink."+linkName {
			return d
		}
	}
	g.Expect(n.Status.Deliveries).To(ContainElement(HaveField("Channel", "uplink."+linkName)), "report %s/%s", n.Namespace, n.Name)
	return v1alpha1.NotificationDelivery{}
}

// relayedReports are the ministry's relayed copies of the province's
// reports, by origin uid (the others in the province's namespace there are
// the ministry's operator's own, of the relayed incidents); it fails g on
// a report relayed twice.
func relayedReports(g Gomega, ministry *site) map[string]v1alpha1.Notification {
	list := &v1alpha1.NotificationList{}
	g.Expect(ministry.admin.List(context.Background(), list, client.InNamespace(provinceNS))).To(Succeed())
	out := map[string]v1alpha1.Notification{}
	for _, n := range list.Items {
		uid := n.Labels[v1alpha1.LabelOriginUID]
		if uid == "" {
			continue
		}
		g.Expect(n.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyRelayed))
		g.Expect(out).NotTo(HaveKey(uid), "relayed twice: %s", n.Name)
		out[uid] = n
	}
	return out
}

// TestChain links three clusters, a unit's to the province's to the
// ministry's, each with its operator, and plays a drill: a level II
// incident from the unit's first report to the ministry, the province's
// response relayed for the ministry's directive and the directive back
// down; a level III one stays with the province. Then the province is cut
// off from both for a minute, and its operator killed while it catches
// up: every record crosses once.
func TestChain(t *testing.T) {
	p := linked(t)
	ctx := context.Background()
	g := NewWithT(t)
	tl := &timeline{}
	defer tl.print(t)
	ministry := startSite(t, "ministry")
	g.Expect(ministry.admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: provinceNS}})).To(Succeed())
	grantLink(t, ministry, provinceLink, provinceNS, "emergency-uplink-province", "province", v1alpha1.VerbRelay)
	ministry.bind(t, provinceLink, "ClusterRole", "emergency-unit-reader", office)
	ministry.bind(t, "ministry-desk", "ClusterRole", "emergency-office", "")
	desk := ministryDesk(t, ministry, "ministry-desk")
	ministry.startOperator(t)
	toMinistry := linkUp(t, p.province, ministry, "ministry", v1alpha1.UplinkProvince, "province", provinceNS, nil, provinceLink)

	tl.start = time.Now()
	ii := builder.Incident("leak-ii", unitNS).Records(20_000_000).Drill().Obj()
	iii := builder.Incident("leak-iii", unitNS).Records(2_000_000).Drill().Obj()
	for _, in := range []*v1alpha1.SecurityIncident{ii, iii} {
		g.Expect(p.unit.admin.Create(ctx, in)).To(Succeed())
	}
	tl.saw("unit", "a level II and a level III drill incident filed")

	// The province classifies its copy of each; the ministry gets the
	// level II one, relayed, carrying the province's copy as its origin.
	atProvince := &v1alpha1.SecurityIncident{}
	g.Eventually(func(g Gomega) {
		g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "leak-ii"}, atProvince)).To(Succeed())
		g.Expect(atProvince.Status.Level).To(BeEquivalentTo(v1alpha1.LevelII))
	}, 30*time.Second).Should(Succeed())
	tl.saw("province", "the copy of leak-ii classified II")
	atMinistry := &v1alpha1.SecurityIncident{}
	g.Eventually(func(g Gomega) {
		g.Expect(ministry.admin.Get(ctx, client.ObjectKey{Namespace: provinceNS, Name: unitNS + "-leak-ii"}, atMinistry)).To(Succeed())
		g.Expect(atMinistry.Status.Level).To(BeEquivalentTo(v1alpha1.LevelII))
	}, 30*time.Second).Should(Succeed())
	tl.saw("ministry", "leak-ii relayed as "+atMinistry.Name+", classified II")
	g.Expect(atMinistry.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyRelayed))
	g.Expect(atMinistry.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, "province"))
	g.Expect(atMinistry.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginUID, string(atProvince.UID)))
	g.Expect(atMinistry.Spec).To(Equal(ii.Spec))

	// The decisions come back down the chain: the ministry's into the
	// province's copy, the province's into the unit's original.
	g.Eventually(func(g Gomega) {
		got := &v1alpha1.SecurityIncident{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKeyFromObject(atProvince), got)).To(Succeed())
		g.Expect(got.Status.Upstream).NotTo(BeNil())
		g.Expect(got.Status.Upstream.Cluster).To(Equal("ministry"))
		g.Expect(got.Status.Upstream.Level).To(BeEquivalentTo(v1alpha1.LevelII))
		g.Expect(p.unit.admin.Get(ctx, client.ObjectKeyFromObject(ii), got)).To(Succeed())
		g.Expect(got.Status.Upstream).NotTo(BeNil())
		g.Expect(got.Status.Upstream.Cluster).To(Equal("province"))
		g.Expect(got.Status.Upstream.Level).To(BeEquivalentTo(v1alpha1.LevelII))
	}, 30*time.Second).Should(Succeed())
	tl.saw("unit", "the province's decision in leak-ii's status.upstream (the province's, the ministry's in turn)")

	// The level III incident is the province's to decide: it never goes up.
	g.Eventually(func(g Gomega) {
		got := &v1alpha1.SecurityIncident{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKeyFromObject(iii), got)).To(Succeed())
		g.Expect(got.Status.Level).To(BeEquivalentTo(v1alpha1.LevelIII))
	}, 30*time.Second).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(condition(g, p.province, "ministry", v1alpha1.UplinkInSyncCondition).Status).To(Equal(metav1.ConditionTrue))
	}, 30*time.Second).Should(Succeed())
	list := &v1alpha1.SecurityIncidentList{}
	g.Expect(ministry.admin.List(ctx, list, client.InNamespace(provinceNS))).To(Succeed())
	g.Expect(list.Items).To(HaveLen(1), "only the level II incident is the ministry's")

	// A level II response at the province goes up for the ministry's
	// directive, with its status; the directive comes back down onto it.
	p.province.bind(t, operatorUser, "ClusterRole", "emergency-uplink-directives", "")
	ministry.bind(t, "ministry-officer", "ClusterRole", "emergency-ministry-office", "")
	ministry.bind(t, "ministry-drills", "ClusterRole", "emergency-drill-approver", "")
	p.province.bind(t, "other-officer", "ClusterRole", "emergency-office", "")
	officer := p.province.as(t, dutyOfficer)
	resp := builder.Response("leak-response", office, atProvince).Drill().Obj()
	g.Expect(officer.Create(ctx, resp)).To(Succeed())
	tl.saw("province", "the office opens a level II drill response")
	relayedResp := &v1alpha1.EmergencyResponse{}
	g.Eventually(func(g Gomega) {
		g.Expect(ministry.admin.Get(ctx, client.ObjectKey{Namespace: provinceNS, Name: office + "-leak-response"}, relayedResp)).To(Succeed())
		g.Expect(relayedResp.Status.Level).To(Equal(v1alpha1.LevelII))
	}, 30*time.Second).Should(Succeed())
	g.Expect(relayedResp.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyRelayed))
	g.Expect(relayedResp.Spec.IncidentRefs).To(Equal([]v1alpha1.IncidentRef{{Namespace: provinceNS, Name: unitNS + "-leak-ii"}}))
	g.Expect(relayedResp.Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval), "the status is the province's")
	tl.saw("ministry", "the response relayed, awaiting the ministry's directive")

	// The province's report that the response awaits the ministry's
	// decision crosses as itself, and reaches the ministry's duty desk
	// through the ministry's own channel; the report of the incident was
	// the incident's relayed copy, which the ministry's operator reported.
	g.Eventually(func(g Gomega) {
		var awaiting *v1alpha1.Notification
		for _, n := range reportsToMinistry(g, p.province) {
			if n.Spec.Event == v1alpha1.EventResponseAwaitingDecision && n.Spec.Source.Name == resp.Name {
				awaiting = &n
			}
		}
		g.Expect(awaiting).NotTo(BeNil())
		d := throughLink(g, *awaiting, "ministry")
		g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
		g.Expect(d.Endpoint).To(Equal("uplink ministry: " + provinceNS + "/" + office + "-" + awaiting.Name))
		there := relayedReports(g, ministry)[string(awaiting.UID)]
		g.Expect(there.Name).To(Equal(office + "-" + awaiting.Name))
		g.Expect(there.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, "province"))
		g.Expect(there.Spec.Audiences).To(Equal([]v1alpha1.Audience{v1alpha1.AudienceOffice}))
		g.Expect(there.Spec.Source.Name).To(Equal(relayedResp.Name))
		g.Expect(there.Spec.EventID).To(Equal(awaiting.Spec.EventID))
		g.Expect(there.Status.Conditions).To(ContainElement(And(HaveField("Type", v1alpha1.NotificationDeliveredCondition), HaveField("Status", metav1.ConditionTrue))))
		g.Expect(desk.got()).To(ContainElement(awaiting.Spec.EventID))
	}, 30*time.Second).Should(Succeed())
	tl.saw("ministry", "the province's report that the response awaits the ministry's decision, relayed and at the ministry's duty desk")
	g.Eventually(func(g Gomega) {
		list := &v1alpha1.NotificationList{}
		g.Expect(p.province.admin.List(ctx, list, client.InNamespace(unitNS))).To(Succeed())
		found := false
		for _, n := range list.Items {
			if n.Spec.Source.Name == "leak-ii" && n.Spec.Event == v1alpha1.EventIncidentReportedUpward {
				found = true
				g.Expect(throughLink(g, n, "ministry").State).To(Equal(v1alpha1.DeliveryDelivered))
				g.Expect(relayedReports(g, ministry)).NotTo(HaveKey(string(n.UID)), "an incident's report is its relayed copy")
			}
		}
		g.Expect(found).To(BeTrue())
	}, 30*time.Second).Should(Succeed())
	g.Eventually(func(g Gomega) {
		fresh := &v1alpha1.EmergencyResponse{}
		g.Expect(ministry.admin.Get(ctx, client.ObjectKeyFromObject(relayedResp), fresh)).To(Succeed())
		directed := fresh.DeepCopy()
		directed.Annotations[v1alpha1.AnnotationDirective] = "MIIT-2026-017"
		directed.Annotations[v1alpha1.AnnotationApprovedLevel] = "II"
		// A drill's directive is the drill pipeline's (approve on drills/ii).
		g.Expect(ministry.as(t, "ministry-drills").Patch(ctx, directed, client.MergeFrom(fresh))).To(Succeed())
	}, 10*time.Second).Should(Succeed())
	tl.saw("ministry", "the directive written on the relayed response")
	g.Eventually(func(g Gomega) {
		got := &v1alpha1.EmergencyResponse{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKeyFromObject(resp), got)).To(Succeed())
		g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationDirective, "MIIT-2026-017"))
		g.Expect(got.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationDirectedFrom, "ministry"))
		g.Expect(got.Status.Phase).To(Equal(v1alpha1.ResponseActive))
	}, 30*time.Second).Should(Succeed())
	tl.saw("province", "the directive on the province's response; it is Active")
	// ... and the started response's status goes up again.
	g.Eventually(func(g Gomega) {
		g.Expect(ministry.admin.Get(ctx, client.ObjectKeyFromObject(relayedResp), relayedResp)).To(Succeed())
		g.Expect(relayedResp.Status.Phase).To(Equal(v1alpha1.ResponseActive))
	}, 30*time.Second).Should(Succeed())
	tl.saw("ministry", "the relayed response Active")

	// A directive "from the ministry" written by anyone but its link is
	// refused, and so is one from the office at the ministry without the
	// ministry's grant.
	other := builder.Response("other-response", office, atProvince).Drill().Obj()
	g.Expect(officer.Create(ctx, other)).To(Succeed())
	g.Eventually(func(g Gomega) {
		fresh := &v1alpha1.EmergencyResponse{}
		g.Expect(officer.Get(ctx, client.ObjectKeyFromObject(other), fresh)).To(Succeed())
		g.Expect(fresh.Status.Level).To(Equal(v1alpha1.LevelII))
		forged := fresh.DeepCopy()
		forged.Annotations[v1alpha1.AnnotationDirective] = "forged"
		forged.Annotations[v1alpha1.AnnotationApprovedLevel] = "II"
		forged.Annotations[v1alpha1.AnnotationDirectedFrom] = "ministry"
		err := p.province.as(t, "acme-person").Patch(ctx, forged, client.MergeFrom(fresh))
		g.Expect(err).To(HaveOccurred())
		refused(g, p.province.as(t, "other-officer").Patch(ctx, forged, client.MergeFrom(fresh)), "rule relayed")
	}, 30*time.Second).Should(Succeed())
	// Nor may the ministry's people rewrite the relayed response itself.
	g.Expect(ministry.admin.Get(ctx, client.ObjectKeyFromObject(relayedResp), relayedResp)).To(Succeed())
	rewritten := relayedResp.DeepCopy()
	rewritten.Spec.Commander = "the ministry"
	refused(g, ministry.as(t, "ministry-officer").Patch(ctx, rewritten, client.MergeFrom(relayedResp)), "rule")

	// The ministry's orange warning comes down to the province's office,
	// as a mirror.
	orange := &v1alpha1.Warning{
		ObjectMeta: metav1.ObjectMeta{Name: "worm-orange", Namespace: office},
		Spec: v1alpha1.WarningSpec{
			Level: v1alpha1.WarningOrange, Source: v1alpha1.SourceMinistry, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
			Scope: "Industrial internet platforms", Harm: "A worm spreading through unpatched gateways", Precautions: []string{"Patch the gateways"},
			TimeLimits: "Within 12 hours", Issuer: "Ministry emergency office", Hotline: "12321",
		},
	}
	g.Expect(ministry.as(t, "ministry-desk").Create(ctx, orange)).To(Succeed())
	tl.saw("ministry", "an orange warning published")
	g.Eventually(func(g Gomega) {
		m := &v1alpha1.Warning{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: office, Name: orange.Name}, m)).To(Succeed())
		g.Expect(m.Status.Phase).To(Equal(v1alpha1.WarningPublished))
		g.Expect(m.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyMirror))
		g.Expect(m.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, "ministry"))
	}, 30*time.Second).Should(Succeed())
	tl.saw("province", "its mirror in the office")
	// The province relays it at once: to its units and its public, and
	// its leading group is told; the mirror's status stays the ministry's.
	g.Eventually(func(g Gomega) {
		list := &v1alpha1.NotificationList{}
		g.Expect(p.province.admin.List(ctx, list, client.InNamespace(office))).To(Succeed())
		events := map[v1alpha1.NotificationEvent][]v1alpha1.Audience{}
		for _, n := range list.Items {
			if n.Spec.Source.Kind == "Warning" && n.Spec.Source.Name == orange.Name {
				events[n.Spec.Event] = n.Spec.Audiences
			}
		}
		g.Expect(events).To(Equal(map[v1alpha1.NotificationEvent][]v1alpha1.Audience{
			v1alpha1.EventWarningPublished: {v1alpha1.AudienceUnits, v1alpha1.AudiencePublic},
			v1alpha1.EventWarningRelayed:   {v1alpha1.AudienceLeadingGroup},
		}))
		m, there := &v1alpha1.Warning{}, &v1alpha1.Warning{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: office, Name: orange.Name}, m)).To(Succeed())
		g.Expect(ministry.admin.Get(ctx, client.ObjectKeyFromObject(orange), there)).To(Succeed())
		g.Expect(m.Status).To(Equal(there.Status))
	}, 30*time.Second).Should(Succeed())
	tl.saw("province", "relayed to its units, its public and its leading group")
	// ... and on to the unit, whose duty it is to answer it, as the
	// province's: the unit's acknowledgement names the province's mirror.
	g.Eventually(func(g Gomega) {
		m := &v1alpha1.Warning{}
		g.Expect(p.unit.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: orange.Name}, m)).To(Succeed())
		g.Expect(m.Status.Phase).To(Equal(v1alpha1.WarningPublished))
		g.Expect(m.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, "province"))
	}, 30*time.Second).Should(Succeed())
	tl.saw("unit", "its mirror in the unit's namespace")
	ack := builder.Acknowledgement("ack-worm", unitNS, v1alpha1.ObjectRef{Namespace: unitNS, Name: orange.Name}, true)
	g.Expect(p.unit.admin.Create(ctx, ack)).To(Succeed())
	g.Eventually(func(g Gomega) {
		up := &v1alpha1.UnitReport{}
		g.Expect(p.province.admin.Get(ctx, client.ObjectKeyFromObject(ack), up)).To(Succeed())
		g.Expect(up.Spec.WarningRef).To(Equal(&v1alpha1.ObjectRef{Namespace: office, Name: orange.Name}))
	}, 30*time.Second).Should(Succeed())
	tl.saw("province", "the unit's acknowledgement, naming the province's mirror")

	// A unit's link relays nothing: relaying takes relay on the origin.
	relayed := builder.Incident("relayed-by-unit", unitNS).Obj()
	mark(relayed, "0f0e0d0c-0000-4000-8000-000000000003")
	relayed.Labels[v1alpha1.LabelCopy] = v1alpha1.CopyRelayed
	refused(g, p.province.as(t, linkUser).Create(ctx, relayed), "rule origin", "relay on origins/acme")
	// The province's link writes only relayed copies of its own origin,
	// only in its namespace.
	asUnit := builder.Incident("reported-by-province", provinceNS).Obj()
	mark(asUnit, "0f0e0d0c-0000-4000-8000-000000000004")
	asUnit.Labels[v1alpha1.LabelOriginCluster] = "province"
	// (a reported copy names a unit registered in its namespace, and none
	// is in the province's: tenancy refuses it before the copies' rule)
	refused(g, ministry.as(t, provinceLink).Create(ctx, asUnit))
	elsewhere := builder.Incident("elsewhere", office).Obj()
	g.Expect(ministry.as(t, provinceLink).Create(ctx, elsewhere)).To(MatchError(ContainSubstring("forbidden")))
	// A report at the ministry "from the province" is the province's
	// link's alone: another origin, the ministry's administrator, or the
	// link without the marks (then it is sent to nobody).
	sample := reportsToMinistry(g, p.province)[0]
	forged := link.Report(&sample, "province", provinceNS)
	forged.Name = "forged-report"
	forged.Labels[v1alpha1.LabelOriginCluster] = "acme"
	refused(g, ministry.as(t, provinceLink).Create(ctx, forged.DeepCopy()), "rule origin", "relay on origins/acme")
	forged.Labels[v1alpha1.LabelOriginCluster] = "province"
	refused(g, ministry.admin.Create(ctx, forged.DeepCopy()), "rule explicit-grant")
	unmarked := forged.DeepCopy()
	for _, k := range []string{v1alpha1.LabelCopy, v1alpha1.LabelOriginCluster, v1alpha1.LabelOriginUID} {
		delete(unmarked.Labels, k)
	}
	delete(unmarked.Annotations, v1alpha1.AnnotationOrigin)
	g.Expect(ministry.as(t, provinceLink).Create(ctx, unmarked)).To(Succeed())
	g.Eventually(func(g Gomega) {
		got := &v1alpha1.Notification{}
		g.Expect(ministry.admin.Get(ctx, client.ObjectKeyFromObject(unmarked), got)).To(Succeed())
		g.Expect(got.Status.Conditions).To(ContainElement(HaveField("Reason", v1alpha1.NotificationNotFromOperatorReason)))
		g.Expect(got.Status.Deliveries).To(BeEmpty())
	}, 30*time.Second).Should(Succeed())
	// Nor does a unit's link write reports at the province.
	g.Expect(p.province.as(t, linkUser).Create(ctx, link.Report(&sample, unitCluster, unitNS))).To(MatchError(ContainSubstring("forbidden")))

	// The province cut off from both sides for a minute: the unit files
	// meanwhile, and nothing crosses; mended, all crosses once, the level
	// II ones on to the ministry, even with the province's operator
	// killed in the middle of it.
	p.cable.cut()
	toMinistry.cut()
	tl.saw("province", "cut off from the unit and the ministry")
	const n = 10
	for i := range n {
		in := builder.Incident(fmt.Sprintf("cut-%02d", i), unitNS).Drill()
		if i%2 == 0 {
			in = in.Records(20_000_000)
		}
		g.Expect(p.unit.admin.Create(ctx, in.Obj())).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		g.Expect(condition(g, p.unit, "province", v1alpha1.UplinkConnectedCondition).Status).To(Equal(metav1.ConditionFalse))
		g.Expect(condition(g, p.province, "ministry", v1alpha1.UplinkConnectedCondition).Status).To(Equal(metav1.ConditionFalse))
	}, 90*time.Second).Should(Succeed())
	// The province's office opens a response meanwhile: its report that
	// the response awaits the ministry's decision waits for the link.
	cutResp := builder.Response("cut-response", office, atProvince).Drill().Obj()
	g.Expect(officer.Create(ctx, cutResp)).To(Succeed())
	time.Sleep(time.Minute)
	waiting := 0
	for _, n := range reportsToMinistry(g, p.province) {
		if n.Spec.Source.Name == cutResp.Name {
			waiting++
			g.Expect(throughLink(g, n, "ministry").State).NotTo(Equal(v1alpha1.DeliveryDelivered), "delivered while cut off")
		}
	}
	g.Expect(waiting).To(Equal(1), "the report of the response opened while cut off")
	cut := &v1alpha1.SecurityIncidentList{}
	g.Expect(p.province.admin.List(ctx, cut, client.InNamespace(unitNS))).To(Succeed())
	for _, in := range cut.Items {
		g.Expect(in.Name).NotTo(HavePrefix("cut-"), "crossed while cut off")
	}
	p.cable.mend(t)
	toMinistry.mend(t)
	tl.saw("province", "mended, after a minute")
	g.Eventually(func(g Gomega) int {
		list := &v1alpha1.SecurityIncidentList{}
		g.Expect(p.province.admin.List(ctx, list, client.InNamespace(unitNS))).To(Succeed())
		got := 0
		for _, in := range list.Items {
			if strings.HasPrefix(in.Name, "cut-") {
				got++
			}
		}
		return got
	}, 60*time.Second, 20*time.Millisecond).Should(BeNumerically(">", 0))
	p.stopProvince()
	p.stopProvince = p.province.startOperator(t)
	tl.saw("province", "its operator killed mid-catch-up, and started again")
	g.Eventually(func(g Gomega) {
		local := &v1alpha1.SecurityIncidentList{}
		g.Expect(p.unit.admin.List(ctx, local, client.InNamespace(unitNS))).To(Succeed())
		g.Expect(copies(g, p)).To(HaveLen(len(local.Items)))
		relayed := map[string]bool{}
		atProvince := &v1alpha1.SecurityIncidentList{}
		g.Expect(p.province.admin.List(ctx, atProvince, client.InNamespace(unitNS))).To(Succeed())
		want := 0
		for _, in := range atProvince.Items {
			if in.Status.Level == v1alpha1.IncidentLevel(v1alpha1.LevelII) {
				want++
			}
		}
		list := &v1alpha1.SecurityIncidentList{}
		g.Expect(ministry.admin.List(ctx, list, client.InNamespace(provinceNS))).To(Succeed())
		for _, in := range list.Items {
			uid := in.Labels[v1alpha1.LabelOriginUID]
			g.Expect(relayed).NotTo(HaveKey(uid), "relayed twice: %s", in.Name)
			relayed[uid] = true
		}
		g.Expect(relayed).To(HaveLen(want))
		g.Expect(want).To(Equal(1 + n/2))
		// Every report the province owes the ministry is there once, and
		// reached its desk.
		there := relayedReports(g, ministry)
		for _, n := range reportsToMinistry(g, p.province) {
			g.Expect(throughLink(g, n, "ministry").State).To(Equal(v1alpha1.DeliveryDelivered))
			g.Expect(there).To(HaveKey(string(n.UID)))
			g.Expect(desk.got()).To(ContainElement(n.Spec.EventID))
		}
		g.Expect(there).To(HaveLen(len(reportsToMinistry(g, p.province))))
		l := uplink(g, p.province, "ministry")
		g.Expect(l.Status.Counts).To(ContainElement(v1alpha1.UplinkCount{Kind: "Notification", Direction: "Up", Copies: int32(len(there))}))
		g.Expect(l.Status.Backlog).To(BeZero())
	}, 90*time.Second).Should(Succeed())
	tl.saw("all", fmt.Sprintf("caught up: %d incidents filed while cut off, each once at the province, the %d of level II once at the ministry; "+
		"the report of the response opened meanwhile relayed once, at the ministry's desk", n, n/2))
}
