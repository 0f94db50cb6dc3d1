// Package links_test runs a reporting unit's cluster linked to the
// province's: two control planes in one process, each with its operator,
// the unit's Uplink reaching the province's API server through a loopback
// cable that a test can cut.
package links_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/testenv"
)

const (
	// unitNS is the unit's namespace in its own cluster and on the
	// province's (the Uplink maps one to the other).
	unitNS = "unit-acme"
	// unitCluster is the unit's cluster's name, as the province knows it.
	unitCluster = "acme"
	// linkUser is the identity the province issued to the unit's link.
	linkUser = "link-acme"
	// dutyOfficer is the province's emergency office.
	dutyOfficer = "duty-officer"
	// leadingGroup is the provincial leading group.
	leadingGroup = "leading-group"
)

type pair struct {
	province, unit         *site
	cable                  *cable
	stopUnit, stopProvince func()
}

// linked starts the province's and the unit's clusters with their
// operators, registers the unit on both, grants its link on the province,
// and links the unit's cluster up through a cable.
func linked(t *testing.T) *pair {
	t.Helper()
	testenv.Assets(t, "starts two control planes")
	g := NewWithT(t)
	ctx := context.Background()
	p := &pair{province: startSite(t, "province"), unit: startSite(t, "unit")}
	for _, s := range []*site{p.province, p.unit} {
		g.Expect(s.admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: unitNS}})).To(Succeed())
		g.Expect(builder.Register(ctx, s.admin, unitNS, 30*time.Second)).To(Succeed())
	}
	pr := p.province
	grantLink(t, pr, linkUser, unitNS, "emergency-uplink-unit", unitCluster, v1alpha1.VerbCopy)
	// It reads what the office publishes, as the unit's people do.
	pr.bind(t, linkUser, "ClusterRole", "emergency-unit-reader", office)
	pr.bind(t, dutyOfficer, "ClusterRole", "emergency-office", "")
	pr.bind(t, leadingGroup, "ClusterRole", "emergency-leading-group", "")

	p.stopProvince = pr.startOperator(t)
	p.stopUnit = p.unit.startOperator(t)
	p.cable = linkUp(t, p.unit, pr, "province", v1alpha1.UplinkUnit, unitCluster, unitNS, []string{unitNS}, linkUser)
	return p
}

// grantLink is what an upper cluster grants a member's link, user: role
// in the member's namespace ns there, and verb (copy or relay) on
// origins/<cluster> there.
func grantLink(t *testing.T, upper *site, user, ns, role, cluster, verb string) {
	t.Helper()
	upper.bind(t, user, "ClusterRole", role, ns)
	NewWithT(t).Expect(upper.admin.Create(context.Background(), &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "uplink-origin", Namespace: ns},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"emergency.netsec.io"}, Resources: []string{"origins"},
			ResourceNames: []string{cluster}, Verbs: []string{verb}}},
	})).To(Succeed())
	upper.bind(t, user, "Role", "uplink-origin", ns)
}

// linkUp makes an Uplink called name on lower, to upper's namespace
// upperNS as user, through a cable it returns, and waits until it is
// connected.
func linkUp(t *testing.T, lower, upper *site, name string, member v1alpha1.UplinkMember, cluster, upperNS string, namespaces []string, user string) *cable {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	c := newCable(t, upper.apiAddress(t))
	g.Expect(lower.admin.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "uplink-" + name, Namespace: operatorNamespace},
		Data:       map[string][]byte{"kubeconfig": upper.kubeconfigThrough(t, user, c.addr)},
	})).To(Succeed())
	g.Expect(lower.admin.Create(ctx, &v1alpha1.Uplink{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.UplinkSpec{
			Cluster: cluster, Member: member, Namespaces: namespaces,
			Upper: v1alpha1.UpperCluster{Name: upper.name, Namespace: upperNS, OfficeNamespace: office,
				Kubeconfig: v1alpha1.SecretKeyRef{Namespace: operatorNamespace, Name: "uplink-" + name}},
		},
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(condition(g, lower, name, v1alpha1.UplinkConnectedCondition).Status).To(Equal(metav1.ConditionTrue))
	}, 30*time.Second).Should(Succeed())
	return c
}

func uplink(g Gomega, s *site, name string) *v1alpha1.Uplink {
	l := &v1alpha1.Uplink{}
	g.Expect(s.admin.Get(context.Background(), client.ObjectKey{Name: name}, l)).To(Succeed())
	return l
}

func condition(g Gomega, s *site, name, typ string) metav1.Condition {
	c := meta.FindStatusCondition(uplink(g, s, name).Status.Conditions, typ)
	g.Expect(c).NotTo(BeNil(), "the link has no condition %s yet", typ)
	return *c
}

// linkOf is the unit's link to the province.
func linkOf(g Gomega, s *site) *v1alpha1.Uplink { return uplink(g, s, "province") }

func linkCondition(g Gomega, s *site, typ string) metav1.Condition {
	return condition(g, s, "province", typ)
}

// copies lists the incidents on the province's cluster in the unit's
// namespace, by the origin uid they carry.
func copies(g Gomega, p *pair) map[string]v1alpha1.SecurityIncident {
	list := &v1alpha1.SecurityIncidentList{}
	g.Expect(p.province.admin.List(context.Background(), list, client.InNamespace(unitNS))).To(Succeed())
	out := map[string]v1alpha1.SecurityIncident{}
	for _, in := range list.Items {
		uid := in.Labels[v1alpha1.LabelOriginUID]
		if uid == "" {
			continue // an original of the province's
		}
		g.Expect(out).NotTo(HaveKey(uid), "two copies of one incident: %s and %s", out[uid].Name, in.Name)
		out[uid] = in
	}
	return out
}

// mark gives in the marks of a copy of the unit's cluster, with uid as
// its origin's.
func mark(in *v1alpha1.SecurityIncident, uid string) {
	if in.Labels == nil {
		in.Labels = map[string]string{}
	}
	if in.Annotations == nil {
		in.Annotations = map[string]string{}
	}
	in.Labels[v1alpha1.LabelCopy] = v1alpha1.CopyReported
	in.Labels[v1alpha1.LabelOriginCluster] = unitCluster
	in.Labels[v1alpha1.LabelOriginUID] = uid
	in.Annotations[v1alpha1.AnnotationOrigin] = unitNS + "/" + in.Name
}

// refused says err is the API server's refusal, in words.
func refused(g Gomega, err error, words ...string) {
	g.Expect(err).To(HaveOccurred())
	g.Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "want a refusal, got %v", err)
	for _, w := range words {
		g.Expect(err.Error()).To(ContainSubstring(w))
	}
}

// refusedFresh reads in afresh, changes it with edit and updates it as c,
// and says the API server refused it in words; a conflict (the operator
// wrote the object meanwhile) tries again.
func refusedFresh(g Gomega, c client.Client, in *v1alpha1.SecurityIncident, edit func(*v1alpha1.SecurityIncident), words ...string) {
	g.Eventually(func(g Gomega) {
		fresh := &v1alpha1.SecurityIncident{}
		g.Expect(c.Get(context.Background(), client.ObjectKeyFromObject(in), fresh)).To(Succeed())
		edit(fresh)
		err := c.Update(context.Background(), fresh)
		g.Expect(apierrors.IsConflict(err)).To(BeFalse())
		refused(g, err, words...)
	}, 10*time.Second).Should(Succeed())
}

func TestUnitLink(t *testing.T) {
	p := linked(t)
	ctx := context.Background()
	unitPeople := p.unit.admin

	t.Run("an incident goes up, the province decides, the decision comes back", func(t *testing.T) {
		g := NewWithT(t)
		in := builder.Incident("ddos-1", unitNS).Records(2_000_000).Obj()
		g.Expect(unitPeople.Create(ctx, in)).To(Succeed())

		held := &v1alpha1.SecurityIncident{}
		g.Eventually(func(g Gomega) {
			g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "ddos-1"}, held)).To(Succeed())
			g.Expect(held.Status.Level).NotTo(BeEmpty(), "the province classifies the copy")
		}, 30*time.Second).Should(Succeed())
		g.Expect(held.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyReported))
		g.Expect(held.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, unitCluster))
		g.Expect(held.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginUID, string(in.UID)))
		g.Expect(held.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationOrigin, unitNS+"/ddos-1"))
		g.Expect(held.Spec).To(Equal(in.Spec))

		g.Eventually(func(g Gomega) {
			got := &v1alpha1.SecurityIncident{}
			g.Expect(unitPeople.Get(ctx, client.ObjectKeyFromObject(in), got)).To(Succeed())
			g.Expect(got.Status.Upstream).NotTo(BeNil())
			g.Expect(got.Status.Upstream.Cluster).To(Equal("province"))
			g.Expect(got.Status.Upstream.Name).To(Equal("ddos-1"))
			g.Expect(got.Status.Upstream.Level).To(Equal(held.Status.Level))
		}, 30*time.Second).Should(Succeed())

		// In the unit's cluster, the report to the office went through the
		// link: delivered once the copy was at the province.
		g.Eventually(func(g Gomega) {
			got := &v1alpha1.SecurityIncident{}
			g.Expect(unitPeople.Get(ctx, client.ObjectKeyFromObject(in), got)).To(Succeed())
			c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReportedUpward)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue), c.Message)
			ntfs := &v1alpha1.NotificationList{}
			g.Expect(unitPeople.List(ctx, ntfs, client.InNamespace(unitNS))).To(Succeed())
			var through []v1alpha1.NotificationDelivery
			for _, n := range ntfs.Items {
				if n.Spec.Source.Name != in.Name {
					continue
				}
				for _, d := range n.Status.Deliveries {
					if d.Channel == "uplink.province" {
						through = append(through, d)
					}
				}
			}
			g.Expect(through).NotTo(BeEmpty())
			for _, d := range through {
				g.Expect(d.State).To(Equal(v1alpha1.DeliveryDelivered))
				g.Expect(d.Attempts).To(BeEquivalentTo(1), "nothing is attempted before the copy is across")
			}
		}, 30*time.Second).Should(Succeed())

		// A correction here follows the copy there.
		g.Expect(unitPeople.Get(ctx, client.ObjectKeyFromObject(in), in)).To(Succeed())
		in.Spec.Description = "Corrected: a DDoS wave on the Guiyang IDC."
		g.Expect(unitPeople.Update(ctx, in)).To(Succeed())
		g.Eventually(func(g Gomega) {
			g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "ddos-1"}, held)).To(Succeed())
			g.Expect(held.Spec.Description).To(Equal(in.Spec.Description))
		}, 30*time.Second).Should(Succeed())

		g.Eventually(func(g Gomega) {
			l := linkOf(g, p.unit)
			g.Expect(l.Status.Backlog).To(BeZero())
			g.Expect(meta.IsStatusConditionTrue(l.Status.Conditions, v1alpha1.UplinkInSyncCondition)).To(BeTrue())
			g.Expect(meta.IsStatusConditionTrue(l.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue())
			g.Expect(l.Status.LastContactTime).NotTo(BeNil())
		}, 30*time.Second).Should(Succeed())
	})

	t.Run("a unit's report goes up", func(t *testing.T) {
		g := NewWithT(t)
		hz := &v1alpha1.UnitReport{
			ObjectMeta: metav1.ObjectMeta{Name: "hazard-1", Namespace: unitNS},
			Spec: v1alpha1.UnitReportSpec{Type: v1alpha1.UnitReportHazard, Hazard: &v1alpha1.HazardDetails{
				Description: "Scanning of our DNS resolvers from one AS since 02:00."}},
		}
		g.Expect(unitPeople.Create(ctx, hz)).To(Succeed())
		g.Eventually(func(g Gomega) {
			held := &v1alpha1.UnitReport{}
			g.Expect(p.province.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "hazard-1"}, held)).To(Succeed())
			g.Expect(held.Spec).To(Equal(hz.Spec))
			g.Expect(held.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyReported))
		}, 30*time.Second).Should(Succeed())
		g.Eventually(func(g Gomega) {
			got := &v1alpha1.UnitReport{}
			g.Expect(unitPeople.Get(ctx, client.ObjectKeyFromObject(hz), got)).To(Succeed())
			g.Expect(got.Status.Upstream).NotTo(BeNil())
			g.Expect(got.Status.Upstream.Name).To(Equal(hz.Name))
		}, 30*time.Second).Should(Succeed())
	})

	t.Run("the province's warning and its response come down as mirrors, read-only", func(t *testing.T) {
		g := NewWithT(t)
		pr := p.province
		w := &v1alpha1.Warning{
			ObjectMeta: metav1.ObjectMeta{Name: "mail-phishing", Namespace: office},
			Spec: v1alpha1.WarningSpec{
				Level: v1alpha1.WarningBlue, Source: v1alpha1.SourceProvincial, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
				Scope: "Mail servers of the province", Harm: "Credential theft", Precautions: []string{"Reset administrator passwords"},
				TimeLimits: "Within 24 hours", Issuer: "Provincial office", Hotline: "12321",
			},
		}
		g.Expect(pr.as(t, dutyOfficer).Create(ctx, w)).To(Succeed())
		// Not yet published: it stays at the province.
		g.Consistently(func() error {
			return unitPeople.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: w.Name}, &v1alpha1.Warning{})
		}, 2*time.Second).ShouldNot(Succeed())
		g.Eventually(func(g Gomega) {
			cur := &v1alpha1.Warning{}
			g.Expect(pr.admin.Get(ctx, client.ObjectKeyFromObject(w), cur)).To(Succeed())
			approved := cur.DeepCopy()
			approved.Annotations[v1alpha1.AnnotationApprovedBy] = leadingGroup
			approved.Annotations[v1alpha1.AnnotationApprovedLevel] = "Blue"
			g.Expect(pr.as(t, leadingGroup).Patch(ctx, approved, client.MergeFrom(cur))).To(Succeed())
		}, 10*time.Second).Should(Succeed())
		mirror := &v1alpha1.Warning{}
		g.Eventually(func(g Gomega) {
			g.Expect(unitPeople.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: w.Name}, mirror)).To(Succeed())
			g.Expect(mirror.Status.Phase).To(Equal(v1alpha1.WarningPublished))
		}, 30*time.Second).Should(Succeed())
		g.Expect(mirror.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyMirror))
		g.Expect(mirror.Labels).To(HaveKeyWithValue(v1alpha1.LabelOriginCluster, "province"))
		g.Expect(mirror.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationOrigin, office+"/"+w.Name))
		g.Expect(mirror.Spec).To(Equal(w.Spec))

		// A response at the province over the unit's incident comes down,
		// covering the unit's own original.
		held := &v1alpha1.SecurityIncident{}
		g.Expect(pr.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "ddos-1"}, held)).To(Succeed())
		resp := builder.Response("ddos-response", office, held).Obj()
		g.Expect(pr.as(t, dutyOfficer).Create(ctx, resp)).To(Succeed())
		down := &v1alpha1.EmergencyResponse{}
		g.Eventually(func(g Gomega) {
			g.Expect(unitPeople.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: resp.Name}, down)).To(Succeed())
			g.Expect(down.Status.Level).NotTo(BeEmpty())
		}, 30*time.Second).Should(Succeed())
		g.Expect(down.Spec.IncidentRefs).To(Equal([]v1alpha1.IncidentRef{{Namespace: unitNS, Name: "ddos-1"}}))
		g.Expect(down.Labels).To(HaveKeyWithValue(v1alpha1.LabelCopy, v1alpha1.CopyMirror))
		// Nobody in the unit's cluster edits a mirror: the unit's people, or
		// its administrator.
		p.unit.bind(t, "acme-reporter", "ClusterRole", "emergency-reporting-unit", unitNS)
		for _, c := range []client.Client{p.unit.as(t, "acme-reporter"), p.unit.admin} {
			edited := mirror.DeepCopy()
			edited.Spec.Scope = "Nothing to worry about"
			g.Expect(c.Patch(ctx, edited, client.MergeFrom(mirror))).NotTo(Succeed())
		}
		refused(g, p.unit.admin.Delete(ctx, mirror.DeepCopy()), "rule") // explicit-grant, or record (a published warning stays)
		g.Eventually(func(g Gomega) {
			l := linkOf(g, p.unit)
			g.Expect(l.Status.Counts).To(ContainElement(v1alpha1.UplinkCount{Kind: "Warning", Direction: "Down", Copies: 1}))
			g.Expect(l.Status.Counts).To(ContainElement(v1alpha1.UplinkCount{Kind: "EmergencyResponse", Direction: "Down", Copies: 1}))
		}, 30*time.Second).Should(Succeed())
	})

	t.Run("only the link writes copies, and only its own, as its unit", func(t *testing.T) {
		g := NewWithT(t)
		pr := p.province
		link := pr.as(t, linkUser)
		held := &v1alpha1.SecurityIncident{}
		g.Expect(pr.admin.Get(ctx, client.ObjectKey{Namespace: unitNS, Name: "ddos-1"}, held)).To(Succeed())

		// A forged origin: the link claims another cluster's record.
		forged := builder.Incident("forged", unitNS).Obj()
		forged.Labels = map[string]string{v1alpha1.LabelCopy: v1alpha1.CopyReported,
			v1alpha1.LabelOriginCluster: "other-unit", v1alpha1.LabelOriginUID: "0f0e0d0c-0000-4000-8000-000000000001"}
		forged.Annotations = map[string]string{v1alpha1.AnnotationOrigin: "unit-other/forged"}
		refused(g, link.Create(ctx, forged), "rule origin", "origins/other-unit")
		// The province's people cannot dress one up either.
		pr.bind(t, "acme-person", "ClusterRole", "emergency-reporting-unit", unitNS)
		forged.Labels[v1alpha1.LabelOriginCluster] = unitCluster
		refused(g, pr.as(t, "acme-person").Create(ctx, forged.DeepCopy()), "rule origin", "origins/acme")
		// Another unit's namespace is not the link's.
		other := builder.Incident("elsewhere", office).Obj()
		link0 := other.DeepCopy()
		g.Expect(link.Create(ctx, link0)).To(MatchError(ContainSubstring("forbidden")))
		// As another unit: the tenancy rule holds for the link as for the
		// unit's own people.
		asOther := builder.Incident("as-other", unitNS).Obj()
		asOther.Spec.Reporter.UnitName = "Another Telecom"
		mark(asOther, "0f0e0d0c-0000-4000-8000-000000000002")
		refused(g, link.Create(ctx, asOther), "rule tenancy")
		// A copy's marks never change, not even by its link.
		refusedFresh(g, link, held, func(o *v1alpha1.SecurityIncident) { delete(o.Labels, v1alpha1.LabelCopy) }, "rule marks")
		// The link deletes nothing.
		g.Expect(link.Delete(ctx, held.DeepCopy())).To(MatchError(ContainSubstring("forbidden")))

		// Edited at the hub: the office, a unit's person there, the cluster's
		// administrator.
		for _, by := range []struct {
			who  string
			c    client.Client
			rule string
		}{
			{"office", pr.as(t, dutyOfficer), "rule"}, // its own lanes refuse it first
			{"unit person", pr.as(t, "acme-person"), "rule origin"},
			{"administrator", pr.admin, "rule explicit-grant"},
		} {
			edited := held.DeepCopy()
			edited.Spec.Description = "Rewritten at the province by the " + by.who + "."
			refused(g, by.c.Patch(ctx, edited, client.MergeFrom(held)), by.rule)
		}
		// An original made a copy, even by the link: refused.
		orig := builder.Incident("original", unitNS).Obj()
		g.Expect(pr.admin.Create(ctx, orig)).To(Succeed())
		refusedFresh(g, link, orig, func(o *v1alpha1.SecurityIncident) { mark(o, string(o.UID)) }, "rule marks")
		before := orig.DeepCopy()
		mark(orig, string(orig.UID))
		refused(g, pr.as(t, dutyOfficer).Patch(ctx, orig, client.MergeFrom(before)), "rule")

		// The office's decision on a copy is still the office's to write.
		decided := held.DeepCopy()
		decided.Annotations["emergency.netsec.io/note"] = "seen by the duty officer"
		err := pr.as(t, dutyOfficer).Patch(ctx, decided, client.MergeFrom(held))
		if err != nil {
			g.Expect(err.Error()).NotTo(ContainSubstring("rule origin"), "a decision on a copy is refused as an edit")
		}
	})

	t.Run("a partition: cut off, records pile up, all cross once when mended", func(t *testing.T) {
		g := NewWithT(t)
		p.cable.cut()
		g.Eventually(func(g Gomega) {
			c := linkCondition(g, p.unit, v1alpha1.UplinkConnectedCondition)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.UplinkUnreachableReason))
		}, 90*time.Second).Should(Succeed())
		const n = 20
		for i := range n {
			g.Expect(unitPeople.Create(ctx, builder.Incident(fmt.Sprintf("cut-%02d", i), unitNS).Obj())).To(Succeed())
		}
		p.cable.mend(t)
		g.Eventually(func(g Gomega) {
			local := &v1alpha1.SecurityIncidentList{}
			g.Expect(unitPeople.List(ctx, local, client.InNamespace(unitNS))).To(Succeed())
			held := copies(g, p)
			g.Expect(held).To(HaveLen(len(local.Items)))
			for _, in := range local.Items {
				g.Expect(held).To(HaveKey(string(in.UID)), "incident %s did not cross", in.Name)
			}
		}, 60*time.Second).Should(Succeed())
		g.Eventually(func(g Gomega) {
			g.Expect(linkCondition(g, p.unit, v1alpha1.UplinkConnectedCondition).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(linkOf(g, p.unit).Status.Backlog).To(BeZero())
		}, 30*time.Second).Should(Succeed())
	})

	t.Run("the unit's operator killed mid-copy: the next one finishes, nothing doubled", func(t *testing.T) {
		g := NewWithT(t)
		const n = 60
		for i := range n {
			g.Expect(unitPeople.Create(ctx, builder.Incident(fmt.Sprintf("kill-%02d", i), unitNS).Obj())).To(Succeed())
		}
		// Stop the operator as soon as the first copies are there.
		g.Eventually(func(g Gomega) int {
			n := 0
			for _, in := range copies(g, p) {
				if len(in.Name) > 5 && in.Name[:5] == "kill-" {
					n++
				}
			}
			return n
		}, 30*time.Second, 20*time.Millisecond).Should(BeNumerically(">", 0))
		p.stopUnit()
		p.stopUnit = p.unit.startOperator(t)
		g.Eventually(func(g Gomega) {
			local := &v1alpha1.SecurityIncidentList{}
			g.Expect(unitPeople.List(ctx, local, client.InNamespace(unitNS))).To(Succeed())
			g.Expect(copies(g, p)).To(HaveLen(len(local.Items)))
		}, 60*time.Second).Should(Succeed())
	})
}
