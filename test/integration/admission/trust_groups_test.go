package admission

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// An installation names its decision-makers by the groups its identity
// provider keeps (docs/trust.md): the leading group's role bound to the
// group, not to each person. A member decides; a member who also holds a
// wildcard through another group does not; nobody outside the group does.

const (
	leadingGroupIdP = "idp:netsec-leading-group" // the identity provider's group of the leading group
	platformIdP     = "idp:platform-admins"      // a group bound to cluster-admin
)

var _ = Describe("Trust: decision-makers named by their identity provider's groups", func() {
	const class = "explicit grant (groups)"
	var office, unit string
	BeforeEach(func() {
		harness.GrantRoles()
		office, unit = harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
	})

	It("a member of the leading group's group approves; a member who also holds a wildcard, or an outsider, does not", func() {
		for name, role := range map[string]string{"idp-leading-group": "emergency-leading-group", "idp-platform-admins": "cluster-admin"} {
			group := leadingGroupIdP
			if role == "cluster-admin" {
				group = platformIdP
			}
			Expect(k8s.Create(ctx, &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
				Subjects:   []rbacv1.Subject{{Kind: rbacv1.GroupKind, Name: group}},
			})).To(Or(Succeed(), MatchError(ContainSubstring("already exists"))))
		}
		member := harness.AsMember("li.wei", leadingGroupIdP)
		both := harness.AsMember("wang.fang", leadingGroupIdP, platformIdP)
		outsider := harness.AsMember("zhao.lei", "idp:press-office")

		inc := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, inc)).To(Succeed())
		resp := builder.Response("r", office, inc).Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())

		refused(class, "zhao.lei (idp:press-office)", "approve a level III response",
			harness.Approve(outsider, resp, "zhao.lei", v1alpha1.LevelIII), "cannot patch")
		refused(class, "wang.fang (idp:netsec-leading-group, idp:platform-admins)", "approve a level III response as a member of the leading group who is also a platform administrator",
			harness.Approve(both, resp, "wang.fang", v1alpha1.LevelIII), "rule explicit-grant")
		allowed(class, "li.wei (idp:netsec-leading-group)", "approve a level III response, the leading group's role bound to the group",
			harness.Approve(member, resp, "li.wei", v1alpha1.LevelIII))
		Eventually(func(g Gomega) string {
			a := harness.GetResponse(g, resp).Status.Approval
			g.Expect(a).NotTo(BeNil())
			return a.ApprovedBy
		}).Should(Equal("li.wei"))
	})
})
