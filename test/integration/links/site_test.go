package links_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/test/integration/harness"
	"github.com/netsec-io/incident-operator/test/testenv"
)

// operatorLog keeps what the operators log; a failed test prints it.
var (
	operatorLog = &testenv.LockedBuffer{}
	logOnce     sync.Once
)

// office is the office's namespace on every cluster of these tests.
const office = "emergency-office"

// operatorNamespace holds the links' Secrets.
const operatorNamespace = "incident-operator-system"

// site is one organisation's control plane, with the operator's CRDs,
// admission policies and roles, and its own operator.
type site struct {
	name   string
	env    *envtest.Environment
	cfg    *rest.Config
	admin  client.Client
	dir    string
	scheme *k8sruntime.Scheme
	users  map[string]*envtest.AuthenticatedUser
	mu     sync.Mutex
}

// startSite starts a control plane called name (API server and etcd, no
// controller manager: nothing here is deleted), in a temporary directory
// of its own that stop removes.
func startSite(t *testing.T, name string) *site {
	t.Helper()
	logOnce.Do(func() {
		ctrl.SetLogger(zap.New(zap.WriteTo(operatorLog), zap.UseDevMode(true)))
	})
	g := NewWithT(t)
	dir, err := os.MkdirTemp("", "links-"+name+"-")
	g.Expect(err).NotTo(HaveOccurred())
	for _, d := range []string{"apiserver", "etcd"} {
		g.Expect(os.Mkdir(filepath.Join(dir, d), 0o700)).To(Succeed())
	}
	s := &site{name: name, dir: dir, users: map[string]*envtest.AuthenticatedUser{}}
	s.env = &envtest.Environment{
		CRDDirectoryPaths:     []string{harness.Path("config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		ControlPlane: envtest.ControlPlane{
			APIServer: &envtest.APIServer{CertDir: filepath.Join(dir, "apiserver")},
			Etcd:      &envtest.Etcd{DataDir: filepath.Join(dir, "etcd")},
		},
	}
	s.cfg, err = s.env.Start()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("LINKS_LOG") != "" {
			t.Log(operatorLog.String())
		}
		_ = s.env.Stop()
		_ = os.RemoveAll(dir)
	})
	s.scheme = k8sruntime.NewScheme()
	g.Expect(clientgoscheme.AddToScheme(s.scheme)).To(Succeed())
	g.Expect(v1alpha1.AddToScheme(s.scheme)).To(Succeed())
	s.admin, err = client.New(s.cfg, client.Options{Scheme: s.scheme})
	g.Expect(err).NotTo(HaveOccurred())
	ctx := context.Background()
	g.Expect(localcluster.ApplyManifests(ctx, s.admin, harness.Path("config", "admission"))).To(Succeed())
	g.Expect(localcluster.WaitForSchemas(ctx, s.cfg, s.admin, time.Minute)).To(Succeed())
	for _, f := range []string{"role.yaml", "approval_roles.yaml", "uplink_roles.yaml"} {
		g.Expect(localcluster.ApplyFile(ctx, s.admin, harness.Path("config", "rbac", f))).To(Succeed())
	}
	for _, ns := range []string{office, operatorNamespace} {
		g.Expect(s.admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	}
	// The operator runs as its service account, with its own role, as
	// deployed: a wildcard would pass no decision's rule.
	s.bind(t, operatorUser, "ClusterRole", "manager-role", "")
	return s
}

// operatorUser is the operator's identity on every site.
const operatorUser = "system:serviceaccount:incident-operator-system:controller-manager"

// startOperator starts the operator on the site, on the real clock, as
// its administrator; the function it returns stops it, as a kill would:
// what it had not yet written is not written.
func (s *site) startOperator(t *testing.T) (stop func()) {
	t.Helper()
	g := NewWithT(t)
	mgr, err := ctrl.NewManager(s.user(t, operatorUser).Config(), ctrl.Options{
		Scheme:                 s.scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  controllers.CacheOptions(),
	})
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(controllers.Setup(ctx, mgr, controllers.Config{
		OfficeNamespace: office,
		Clock:           clock.RealClock{},
		Plan:            controllers.PlanConfig{TimeZone: shanghai, ReportGrace: time.Hour},
		HolidayCalendar: "default",
		Controller:      controller.Options{SkipNameValidation: ptr.To(true)},
	})).To(Succeed())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			t.Errorf("the operator of %s stopped: %v", s.name, err)
		}
	}()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

// user makes an API user of the site, with credentials of its own.
func (s *site) user(t *testing.T, name string) *envtest.AuthenticatedUser {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[name]; ok {
		return u
	}
	u, err := s.env.AddUser(envtest.User{Name: name, Groups: []string{"system:authenticated"}}, s.cfg)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	s.users[name] = u
	return u
}

// as is a client acting as user name.
func (s *site) as(t *testing.T, name string) client.Client {
	t.Helper()
	c, err := client.New(s.user(t, name).Config(), client.Options{Scheme: s.scheme})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return c
}

// bind binds the ClusterRole (or Role, when kind says so) role to user in
// namespace ns ("" for the whole cluster).
func (s *site) bind(t *testing.T, user, kind, role, ns string) {
	t.Helper()
	subj := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}}
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role}
	name := fmt.Sprintf("%s.%s", role, user)
	var obj client.Object
	if ns == "" {
		obj = &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subj, RoleRef: ref}
	} else {
		obj = &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Subjects: subj, RoleRef: ref}
	}
	NewWithT(t).Expect(s.admin.Create(context.Background(), obj)).To(Succeed())
}

// kubeconfigThrough is the kubeconfig of user name, reaching the site's
// API server through the address via instead of its own.
func (s *site) kubeconfigThrough(t *testing.T, name, via string) []byte {
	t.Helper()
	g := NewWithT(t)
	b, err := s.user(t, name).KubeConfig()
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.Load(b)
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range cfg.Clusters {
		u, err := url.Parse(c.Server)
		g.Expect(err).NotTo(HaveOccurred())
		u.Host = via
		c.Server = u.String()
	}
	out, err := clientcmd.Write(*cfg)
	g.Expect(err).NotTo(HaveOccurred())
	return out
}

// apiAddress is the site's API server's host:port.
func (s *site) apiAddress(t *testing.T) string {
	u, err := url.Parse(s.cfg.Host)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	if u.Host == "" {
		return s.cfg.Host
	}
	return u.Host
}

// cable is a loopback TCP relay in front of an API server: cutting it
// drops every connection through it and refuses new ones, as a partition
// would; mending it lets them through again, on the same address.
type cable struct {
	to   string
	addr string
	mu   sync.Mutex
	ln   net.Listener
	open map[net.Conn]struct{}
}

func newCable(t *testing.T, to string) *cable {
	t.Helper()
	c := &cable{to: to, open: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.cut)
	return c
}

func (c *cable) serve(ln net.Listener) {
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.to)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.open[in], c.open[out] = struct{}{}, struct{}{}
			c.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
}

// cut drops every connection and stops listening.
func (c *cable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for conn := range c.open {
		conn.Close()
		delete(c.open, conn)
	}
}

// mend listens again on the same address.
func (c *cable) mend(t *testing.T) {
	t.Helper()
	var ln net.Listener
	NewWithT(t).Eventually(func() error {
		var err error
		ln, err = net.Listen("tcp", c.addr)
		return err
	}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
	c.serve(ln)
}
