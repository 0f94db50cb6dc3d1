package health

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/test/fakeclock"
	"github.com/netsec-io/incident-operator/test/testenv"
)

// root is the repository, seen from this package.
var root = filepath.Join("..", "..")

// The people of the plan, each an API user bound to the shipped approval
// roles (config/rbac/approval_roles.yaml).
const (
	dutyOfficer    = "duty-officer"                                // creates responses and warnings
	leadingGroup   = "leading-group"                               // approves III and IV
	ministry       = "ministry"                                    // the ministry office: starts II, ends I and II
	ministryLeader = "ministry-leader"                             // the ministry leading group: starts I
	drillPipeline  = "system:serviceaccount:gitops:drill-pipeline" // approves drills only
	pressOfficer   = "press-officer"                               // consents for the public
	emManagement   = "emergency-management"                        // consents for emergency management
)

// emManagementRole is the copy of a role for the emergency management
// department that config/rbac/approval_roles.yaml says to bind.
const emManagementRole = "emergency-management-consent"

var roles = map[string][]string{
	dutyOfficer:    {"emergency-office"},
	leadingGroup:   {"emergency-office", "emergency-leading-group"},
	ministry:       {"emergency-office", "emergency-ministry-office"},
	ministryLeader: {"emergency-ministry-leading-group"},
	drillPipeline:  {"emergency-drill-approver"},
	pressOfficer:   {"emergency-release-approver"},
	emManagement:   {emManagementRole},
}

// cluster is the API server, the operator running against it on a fake
// clock, an administrator's client and one client per person.
type cluster struct {
	ctx   context.Context
	admin client.Client
	as    map[string]client.Client
	clock *clocktesting.FakeClock
	hold  *holds
}

// startCluster starts envtest with the CRDs and the admission policies, the
// operator through controllers.Setup, and the plan's people.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	testenv.Assets(t, "needs an API server")
	logs := &testenv.LockedBuffer{}
	logf.SetLogger(zap.New(zap.WriteTo(logs), zap.UseDevMode(true)))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("operator log:\n%s", logs.String())
		}
	})

	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	scheme := runtime.NewScheme()
	must(t, clientgoscheme.AddToScheme(scheme))
	must(t, v1alpha1.AddToScheme(scheme))
	admin, err := client.New(cfg, client.Options{Scheme: scheme})
	must(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	must(t, localcluster.ApplyManifests(ctx, admin, filepath.Join(root, "config", "admission")))
	must(t, localcluster.WaitForSchemas(ctx, cfg, admin, time.Minute))
	must(t, localcluster.ApplyFile(ctx, admin, filepath.Join(root, "config", "rbac", "approval_roles.yaml")))
	must(t, admin.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: emManagementRole}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"notificationchannels"}, Verbs: []string{"get", "patch"}},
		{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"audiences"}, ResourceNames: []string{"emergencymanagement"}, Verbs: []string{"consent"}},
		{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"records"}, ResourceNames: []string{"real"}, Verbs: []string{"write"}},
	}}))

	c := &cluster{ctx: ctx, admin: admin, as: map[string]client.Client{}, hold: &holds{}}
	for user, rs := range roles {
		c.as[user] = addUser(t, env, cfg, scheme, user)
		for _, role := range rs {
			must(t, admin.Create(ctx, &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{GenerateName: role + "-"},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
				Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
			}))
		}
	}

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	must(t, err)
	// The operator's clock is fake: a deadline passes when the test steps it.
	c.clock = clocktesting.NewFakeClock(time.Now().Truncate(time.Second))
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	must(t, err)
	must(t, controllers.Setup(ctx, mgr, controllers.Config{
		Clock:           c.clock,
		Plan:            controllers.PlanConfig{TimeZone: shanghai, ReportGrace: time.Hour},
		HolidayCalendar: "default",
		Controller:      controller.Options{NewQueue: fakeclock.NewQueue(c.clock)},
		Client:          heldStatusWrites{Client: mgr.GetClient(), holds: c.hold},
	}))
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Logf("the manager stopped: %v", err)
			}
		case <-time.After(10 * time.Second):
		}
	})
	return c
}

// addUser makes a client that authenticates as user.
func addUser(t *testing.T, env *envtest.Environment, cfg *rest.Config, scheme *runtime.Scheme, user string) client.Client {
	t.Helper()
	u, err := env.AddUser(envtest.User{Name: user, Groups: []string{"system:authenticated"}}, cfg)
	must(t, err)
	c, err := client.New(u.Config(), client.Options{Scheme: scheme})
	must(t, err)
	return c
}

// holds are the objects whose status the operator cannot write for now,
// as if the API server refused it: the object stays as the operator last
// wrote it (its observedGeneration behind a newer spec, a response's work
// groups not yet Ready).
type holds struct {
	mu   sync.Mutex
	what map[string]func(client.Object) bool
}

var errHeld = errors.New("injected by test/health: this status write is held")

// add holds the status writes of the objects that match, under a name.
func (h *holds) add(name string, match func(client.Object) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.what == nil {
		h.what = map[string]func(client.Object) bool{}
	}
	h.what[name] = match
}

// release lets the named hold go.
func (h *holds) release(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.what, name)
}

func (h *holds) held(o client.Object) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, match := range h.what {
		if match(o) {
			return true
		}
	}
	return false
}

// heldStatusWrites is the operator's client, refusing the held status writes.
type heldStatusWrites struct {
	client.Client
	holds *holds
}

func (c heldStatusWrites) Status() client.SubResourceWriter {
	return heldWriter{SubResourceWriter: c.Client.Status(), holds: c.holds}
}

type heldWriter struct {
	client.SubResourceWriter
	holds *holds
}

func (w heldWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if w.holds.held(obj) {
		return errHeld
	}
	return w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
}

func (w heldWriter) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	if w.holds.held(obj) {
		return errHeld
	}
	return w.SubResourceWriter.Update(ctx, obj, opts...)
}

// read returns the object as the API server holds it, unstructured: what
// kstatus, Flux and Argo CD read.
func (c *cluster) read(t *testing.T, o client.Object) *unstructured.Unstructured {
	t.Helper()
	gvks, _, err := c.admin.Scheme().ObjectKinds(o)
	must(t, err)
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvks[0])
	must(t, c.admin.Get(c.ctx, client.ObjectKeyFromObject(o), u))
	return u
}

// eventually polls check until it returns nil, and fails the test with its
// last error after the timeout.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// retry runs a write until it does not conflict with the operator's.
func retry(t *testing.T, what string, write func() error) {
	t.Helper()
	eventually(t, what, write)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// condition finds a condition of an unstructured object.
func condition(u *unstructured.Unstructured, typ string) (status, reason, message string, found bool) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != typ {
			continue
		}
		s, _ := m["status"].(string)
		r, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return s, r, msg, true
	}
	return "", "", "", false
}

// hasCondition says whether the object shows the condition with that status
// and reason, and if not, what it shows.
func hasCondition(u *unstructured.Unstructured, typ, status, reason string) error {
	s, r, m, found := condition(u, typ)
	if !found {
		return fmt.Errorf("%s %s/%s has no %s condition yet", u.GetKind(), u.GetNamespace(), u.GetName(), typ)
	}
	if s != status || (reason != "" && r != reason) {
		return fmt.Errorf("%s %s/%s: %s=%s (%s: %s), want %s (%s)", u.GetKind(), u.GetNamespace(), u.GetName(), typ, s, r, m, status, reason)
	}
	return nil
}
