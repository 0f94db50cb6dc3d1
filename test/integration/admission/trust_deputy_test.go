package admission

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// No confused deputy, no oracle: the operator reads a channel's Secret and
// a response's incidents with its own grants, so whoever names them must be
// allowed to read them (config/admission/deputy.yaml), and nothing the
// operator says of them tells apart what exists from what does not.

const (
	editorOnly   = "responses-editor" // a role an installation made: edit responses, read no incidents
	localOfficer = "local-officer"    // the office's role, bound in the office's namespace only
	secretKeeper = "secret-keeper"    // the office's role, and get on one Secret of the office
)

func channel(ns, name, secret string) *v1alpha1.NotificationChannel {
	return &v1alpha1.NotificationChannel{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceOffice,
			SecretRef: v1alpha1.SecretReference{Name: secret}},
	}
}

func secretOf(ns, name string, data map[string]string) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, StringData: data})).To(Succeed())
}

// bindIn binds a ClusterRole to user in one namespace only.
func bindIn(ns, user, role string) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user + "-" + role, Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: user}},
	})).To(Succeed())
	harness.WaitBound(user, ns, role)
}

// letRead grants user, in ns, get (and any further verbs) on the one Secret
// named, as an office does for whoever keeps a channel's endpoint, and waits
// until the API server's authorizer lets user read it.
func letRead(ns, user, secret string, verbs ...string) {
	GinkgoHelper()
	name := user + "-reads-" + secret
	Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"},
			ResourceNames: []string{secret}, Verbs: append([]string{"get"}, verbs...)}},
	}))).To(Succeed())
	Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: user}},
	}))).To(Succeed())
	Eventually(func() error {
		err := harness.AsUser(user).Get(ctx, client.ObjectKey{Namespace: ns, Name: secret}, &corev1.Secret{})
		return client.IgnoreNotFound(err)
	}).Should(Succeed())
}

// maskNames replaces the names a refusal quotes, so that two refusals
// can be compared for what they say beyond them.
func maskNames(msg string, names ...string) string {
	for _, n := range names {
		msg = strings.ReplaceAll(msg, n, "…")
	}
	return msg
}

var _ = Describe("Trust: no confused deputy, no oracle", func() {
	const class = "no deputy, no oracle"
	var office, otherOffice, unit string
	BeforeEach(func() {
		harness.GrantNotificationRoles()
		office, otherOffice, unit = harness.NewNamespace(), harness.NewNamespace(), harness.NewNamespace()
		bindUnit(unitA, unit)
	})

	It("a channel names only a Secret its writer may read, and says the same of any Secret it cannot use", func() {
		secretOf(office, "ministry-hook", map[string]string{"address": "https://ministry.example.cn/hook?token=T"})
		secretOf(office, "office-hook", map[string]string{"address": "https://office.example.cn/hook"})
		letRead(office, secretKeeper, "office-hook")
		bindRole(secretKeeper, "emergency-office")
		officer, keeper := harness.AsUser(harness.DutyOfficer), harness.AsUser(secretKeeper)

		existing := officer.Create(ctx, channel(office, "to-ministry", "ministry-hook"))
		refused(class, harness.DutyOfficer, "create a channel naming a Secret of the office it may not read", existing, "rule secret")
		absent := officer.Create(ctx, channel(office, "to-nowhere", "no-such-hook"))
		refused(class, harness.DutyOfficer, "create a channel naming a Secret that does not exist", absent, "rule secret")
		Expect(maskNames(absent.Error(), "to-nowhere", "no-such-hook")).To(Equal(maskNames(existing.Error(), "to-ministry", "ministry-hook")),
			"the refusal tells an existing Secret from an absent one")

		allowed(class, secretKeeper, "create a channel naming the one Secret it may read",
			keeper.Create(ctx, channel(office, "office", "office-hook")))
		ch := &v1alpha1.NotificationChannel{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: office, Name: "office"}, ch)).To(Succeed())
		refused(class, secretKeeper, "point its channel at a Secret it may not read",
			mergePatch(keeper, ch, map[string]any{"spec": map[string]any{"secretRef": map[string]any{"name": "ministry-hook"}}}), "rule secret")
		refused(class, secretKeeper, "create a channel in another office's namespace, naming a Secret there",
			keeper.Create(ctx, channel(otherOffice, "office", "office-hook")), "rule secret")
		refused(class, unitA, "create a channel in its own namespace",
			harness.AsUser(unitA).Create(ctx, channel(unit, "office", "office-hook")), "cannot create")

		By("what a reader of channels learns of Secrets it cannot see")
		secretOf(office, "empty-hook", map[string]string{"signingSecret": "SEC-1"})
		Expect(k8s.Create(ctx, channel(office, "empty", "empty-hook"))).To(Succeed())
		Expect(k8s.Create(ctx, channel(office, "missing", "missing-hook"))).To(Succeed())
		Expect(harness.Consent(office, "empty")).To(Succeed())
		Expect(harness.Consent(office, "missing")).To(Succeed())
		recipient := harness.AsUser(harness.MinistryDuty)
		said := func(name, secret string) func(Gomega) string {
			return func(g Gomega) string {
				ch := &v1alpha1.NotificationChannel{}
				g.Expect(recipient.Get(ctx, client.ObjectKey{Namespace: office, Name: name}, ch)).To(Succeed())
				c := harness.ConditionOf(ch.Status.Conditions, v1alpha1.ConditionReady)
				g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
				return c.Reason + ": " + maskNames(c.Message, secret)
			}
		}
		Eventually(said("empty", "empty-hook")).Should(HavePrefix(v1alpha1.ChannelSecretUnusableReason))
		Eventually(said("missing", "missing-hook")).Should(HavePrefix(v1alpha1.ChannelSecretUnusableReason))
		Expect(said("missing", "missing-hook")(Default)).To(Equal(said("empty", "empty-hook")(Default)))
		record(class, harness.MinistryDuty, "tell from a channel's Ready whether a Secret it cannot read exists",
			"nothing to tell: the same reason and message (SecretUnusable) for an absent Secret and one without an address")
	})

	It("a response names only incidents its writer may read", func() {
		Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: editorOnly},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"emergencyresponses"},
				Verbs: []string{"get", "list", "watch", "update", "patch"}}},
		}))).To(Succeed())
		bindRole(editorOnly, editorOnly)
		bindIn(office, localOfficer, "emergency-office")
		real := builder.Incident("leak", unit).Records(1_500_000).Obj()
		Expect(harness.AsUser(unitA).Create(ctx, real)).To(Succeed())
		home := builder.Incident("at-home", office).Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, home)).To(Succeed())
		drill := builder.Incident("exercise", office).Drill().Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, drill)).To(Succeed())
		drillResp := builder.Response("exercise", office, drill).Drill().Obj()
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, drillResp)).To(Succeed())

		refs := func(incs ...*v1alpha1.SecurityIncident) map[string]any {
			var out []any
			for _, i := range incs {
				out = append(out, map[string]any{"namespace": i.Namespace, "name": i.Name})
			}
			return map[string]any{"spec": map[string]any{"incidentRefs": out}}
		}
		editor := harness.AsUser(editorOnly)
		named := mergePatch(editor, drillResp, refs(drill, real))
		refused(class, editorOnly, "add a unit's incident it may not read to a response, to read its level from the status", named, "rule incidents")
		ghost := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "no-such-incident", Namespace: unit}}
		unnamed := mergePatch(editor, drillResp, refs(drill, ghost))
		refused(class, editorOnly, "add an incident that does not exist, to compare the answers", unnamed, "rule incidents")
		Expect(unnamed.Error()).To(Equal(named.Error()), "the refusal tells an existing incident from an absent one")
		Eventually(func(g Gomega) []v1alpha1.IncidentRef {
			return harness.GetResponse(g, drillResp).Spec.IncidentRefs
		}).Should(HaveLen(1))

		local := harness.AsUser(localOfficer)
		refused(class, localOfficer, "open a response in its office over a unit's incident it may not read",
			local.Create(ctx, builder.Response("over-unit", office, real).Obj()), "rule incidents", "in every namespace")
		allowed(class, localOfficer, "open a response in its office over an incident of its office",
			local.Create(ctx, builder.Response("at-home", office, home).Obj()))
		allowed(class, harness.DutyOfficer, "open a response over a unit's incident (the office reads every namespace)",
			harness.AsUser(harness.DutyOfficer).Create(ctx, builder.Response("over-unit", office, real).Obj()))
	})
})
