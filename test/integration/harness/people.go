package harness

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/internal/localcluster"
)

// The people of the plan, as API users of the test control plane.
const (
	DutyOfficer    = "duty-officer"    // emergency office: creates responses
	OtherOfficer   = "other-officer"   // emergency office, not entitled to approve
	ApproverIII    = "leading-group"   // approves III and IV
	MinistryUser   = "ministry"        // the ministry office: starts II, ends I and II, directs red and orange warnings
	MinistryLeader = "ministry-leader" // the ministry leading group: starts I
	DrillPipeline  = "system:serviceaccount:gitops:drill-pipeline"
)

// The people who receive reports and release information.
const (
	MinistryDuty = "ministry-duty" // speaks for the offices that receive reports: confirms receipt
	PressOfficer = "press-officer" // the emergency office's consent to release to the public
)

// AsUser returns a client that acts as one of the plan's people, through
// credentials of their own (in group system:authenticated).
func AsUser(name string) client.Client {
	GinkgoHelper()
	return AsMember(name)
}

// AsMember returns a client that acts as name, a member of groups as an
// identity provider would say (and of system:authenticated): the way an
// installation names its decision-makers, by the groups it already keeps.
func AsMember(name string, groups ...string) client.Client {
	GinkgoHelper()
	c := current()
	if u, ok := c.users[name]; ok {
		return u
	}
	u, err := c.Env.AddUser(envtest.User{Name: name, Groups: append([]string{"system:authenticated"}, groups...)}, c.Config)
	Expect(err).NotTo(HaveOccurred())
	uc, err := client.New(u.Config(), client.Options{Scheme: c.Client.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	c.users[name], c.configs[name] = uc, u.Config()
	return uc
}

// UserConfig is the rest.Config of a user AsUser made.
func UserConfig(name string) *rest.Config {
	GinkgoHelper()
	AsUser(name)
	return current().configs[name]
}

// ApplyRBAC applies one file of config/rbac.
func ApplyRBAC(name string) error {
	c := current()
	return localcluster.ApplyFile(c.Ctx, c.Client, Path("config", "rbac", name))
}

// bindOnce binds role to users with a ClusterRoleBinding named name, once
// per suite.
func bindOnce(name, role string, subjects ...string) {
	GinkgoHelper()
	c := current()
	if c.granted[name] {
		return
	}
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
	}
	for _, s := range subjects {
		crb.Subjects = append(crb.Subjects, rbacv1.Subject{Kind: "User", Name: s})
	}
	Expect(c.Client.Create(c.Ctx, crb)).To(Succeed())
	for _, s := range subjects {
		WaitBound(s, "", role)
	}
	c.granted[name] = true
}

// GrantRoles installs the shipped approval roles
// (config/rbac/approval_roles.yaml) and binds the test users, once per
// suite.
func GrantRoles() {
	GinkgoHelper()
	c := current()
	if c.granted["approval_roles.yaml"] {
		return
	}
	Expect(ApplyRBAC("approval_roles.yaml")).To(Succeed())
	c.granted["approval_roles.yaml"] = true
	bindOnce("emergency-office-test", "emergency-office", DutyOfficer, OtherOfficer, ApproverIII, MinistryUser)
	bindOnce("emergency-leading-group-test", "emergency-leading-group", ApproverIII)
	bindOnce("emergency-ministry-test", "emergency-ministry-office", MinistryUser)
	bindOnce("emergency-ministry-leading-group-test", "emergency-ministry-leading-group", MinistryLeader)
	bindOnce("emergency-drill-approver-test", "emergency-drill-approver", DrillPipeline)
}

// GrantNotificationRoles is GrantRoles, and binds the shipped report roles
// to the test users; the duty officer may consent too, so that four eyes
// are what stops them.
func GrantNotificationRoles() {
	GinkgoHelper()
	GrantRoles()
	bindOnce("emergency-report-recipient-ntf-test", "emergency-report-recipient", MinistryDuty)
	bindOnce("emergency-release-approver-ntf-test", "emergency-release-approver", PressOfficer, DutyOfficer)
}

// WaitBound waits until the API server's authorizer has seen a binding of
// the ClusterRole role to user, in namespace ns ("" for a ClusterRoleBinding):
// RBAC takes a moment to see a new binding, and a spec acting at once would
// be refused by RBAC rather than by the rule it tries.
func WaitBound(user, ns, role string) {
	GinkgoHelper()
	c := current()
	cr := &rbacv1.ClusterRole{}
	Expect(c.Client.Get(c.Ctx, client.ObjectKey{Name: role}, cr)).To(Succeed())
	for _, r := range cr.Rules {
		if len(r.APIGroups) == 0 || len(r.Resources) == 0 || len(r.Verbs) == 0 {
			continue
		}
		attrs := &authorizationv1.ResourceAttributes{Namespace: ns, Group: r.APIGroups[0], Resource: r.Resources[0], Verb: r.Verbs[0]}
		if len(r.ResourceNames) > 0 {
			attrs.Name = r.ResourceNames[0]
		}
		Eventually(func(g Gomega) bool {
			review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: user, Groups: []string{"system:authenticated"}, ResourceAttributes: attrs}}
			g.Expect(c.Client.Create(c.Ctx, review)).To(Succeed())
			return review.Status.Allowed
		}).Should(BeTrue(), "%s bound to %s", user, role)
		return
	}
}
