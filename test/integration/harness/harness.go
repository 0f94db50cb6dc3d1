// Package harness starts what every envtest suite of test/integration runs
// against: a real API server and etcd (envtest) with the operator's CRDs,
// kube-controller-manager's garbage collector and namespace controller,
// the admission policies of config/admission, and the operator's
// controllers (controllers.Setup) in a manager of their own, on a fake
// clock and with a client that can be made to fail a delivery's status
// write. It also holds the helpers the specs share: namespaces, events,
// conditions, the plan's people as API users, loopback receivers and
// channels.
//
// A suite calls Start in its BeforeSuite and Stop in its AfterSuite; one
// suite runs one cluster, so the helpers act on the one Start started.
// It is for tests only: nothing under cmd/ or manager/ imports it
// (TestNotImportedByTheOperator).
package harness

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
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

// Options are what a suite asks of Start.
type Options struct {
	// Offline are namespaces the suite's operator does not see: its cache
	// of every namespaced kind of the operator leaves them out, so that a
	// spec there can run an operator of its own (StartOperator) and stop
	// it, as a crash would, while the cluster goes on.
	Offline []string
}

// Cluster is the control plane and the operator Start started.
type Cluster struct {
	// Ctx lasts until Stop.
	Ctx context.Context
	// Env is the envtest control plane (its AddUser makes API users).
	Env *envtest.Environment
	// Config reaches the API server as its administrator.
	Config *rest.Config
	// Client is the administrator's client, with the operator's scheme.
	Client client.Client
	// Clock is the operator's clock: deadlines pass when a spec steps it.
	Clock *clocktesting.FakeClock
	// Shanghai is the plan's time zone, Asia/Shanghai.
	Shanghai *time.Location

	cancel  context.CancelFunc
	kcm     *localcluster.ControllerManager
	dir     string
	mgrDone chan struct{}
	users   map[string]client.Client
	configs map[string]*rest.Config
	granted map[string]bool
}

// running is the Cluster of this suite, once Start has started it.
var running *Cluster

// current returns the running Cluster, failing the spec without one.
func current() *Cluster {
	GinkgoHelper()
	Expect(running).NotTo(BeNil(), "the suite's BeforeSuite must call harness.Start")
	return running
}

// Root is the repository's root directory: the first directory above this
// file that holds go.mod, wherever the test runs from.
func Root() string {
	rootOnce.Do(func() {
		_, file, _, ok := runtime.Caller(0)
		if !ok {
			panic("harness: cannot tell where its source is")
		}
		for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = dir
				return
			}
			if filepath.Dir(dir) == dir {
				panic("harness: no go.mod above " + file)
			}
		}
	})
	return root
}

var (
	rootOnce sync.Once
	root     string
)

// Path is a path inside the repository: Path("config", "samples").
func Path(elem ...string) string {
	return filepath.Join(append([]string{Root()}, elem...)...)
}

// Start starts the control plane, kube-controller-manager and the
// operator, and waits until the API server admits every kind of the
// operator and the manager's caches are synced. Its files (the API
// server's certificates, etcd's data, kube-controller-manager's kubeconfig
// and log) are kept in one temporary directory of its own, which Stop
// removes. Call it in BeforeSuite, with $KUBEBUILDER_ASSETS set.
func Start(opts Options) *Cluster {
	GinkgoHelper()
	Expect(running).To(BeNil(), "harness.Start is called once per suite")
	logf.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, OperatorLog)), zap.UseDevMode(true)))
	SetDefaultEventuallyTimeout(15 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	Expect(os.Getenv("KUBEBUILDER_ASSETS")).NotTo(BeEmpty(), "run the tests with `make test`, which builds the control plane and sets KUBEBUILDER_ASSETS")

	c := &Cluster{users: map[string]client.Client{}, configs: map[string]*rest.Config{}, granted: map[string]bool{}}
	c.Ctx, c.cancel = context.WithCancel(context.Background())
	running = c

	var err error
	c.Shanghai, err = time.LoadLocation("Asia/Shanghai")
	Expect(err).NotTo(HaveOccurred())
	c.dir, err = os.MkdirTemp("", "integration-")
	Expect(err).NotTo(HaveOccurred())
	for _, d := range []string{"apiserver", "etcd", "kube-controller-manager"} {
		Expect(os.Mkdir(filepath.Join(c.dir, d), 0o700)).To(Succeed())
	}

	c.Env = &envtest.Environment{
		CRDDirectoryPaths:     []string{Path("config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		ControlPlane: envtest.ControlPlane{
			APIServer: &envtest.APIServer{CertDir: filepath.Join(c.dir, "apiserver")},
			Etcd:      &envtest.Etcd{DataDir: filepath.Join(c.dir, "etcd")},
		},
	}
	c.Config, err = c.Env.Start()
	Expect(err).NotTo(HaveOccurred())
	// Deletion as in a cluster: the garbage collector and the namespace
	// controller of kube-controller-manager, started now that the CRDs are in.
	c.kcm, err = localcluster.StartControllerManager(c.Env, filepath.Join(c.dir, "kube-controller-manager"))
	Expect(err).NotTo(HaveOccurred())

	scheme := k8sruntime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())
	c.Client, err = client.New(c.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	// The manager's caches, as the operator's (CacheOptions: what they
	// drop), but for the offline namespaces: those are not this one's.
	cacheOpts := controllers.CacheOptions()
	if len(opts.Offline) > 0 {
		cacheOpts.ByObject = offlineNamespaces(opts.Offline)
	}
	mgr, err := ctrl.NewManager(c.Config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheOpts,
	})
	Expect(err).NotTo(HaveOccurred())

	// The operator's clock is fake: deadlines pass when a spec steps it.
	c.Clock = clocktesting.NewFakeClock(time.Now().Truncate(time.Second))
	Expect(localcluster.ApplyManifests(c.Ctx, c.Client, Path("config", "admission"))).To(Succeed())
	Expect(localcluster.WaitForSchemas(c.Ctx, c.Config, c.Client, time.Minute)).To(Succeed())
	Expect(c.Client.Create(c.Ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: OfficeNamespace}})).To(Succeed())
	Expect(controllers.Setup(c.Ctx, mgr, c.operatorConfig(mgr, nil, OfficeNamespace))).To(Succeed())

	c.mgrDone = make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(c.mgrDone)
		Expect(mgr.Start(c.Ctx)).To(Succeed())
	}()
	Expect(mgr.GetCache().WaitForCacheSync(c.Ctx)).To(BeTrue())
	return c
}

// OfficeNamespace is the emergency office's namespace in these suites,
// created by Start and passed to the operator: its channels serve the
// reports of every namespace. A spec that puts a channel there removes it
// when done (NewChannel does), so that the other specs of the suite find
// it as they expect: empty.
const OfficeNamespace = "emergency-office"

// operatorConfig is the operator's configuration in these suites: the fake
// clock, the plan in Asia/Shanghai with an hour's grace for a report, the
// holiday calendar "default", the office's namespace office, the work
// queues on the fake clock (test/fakeclock) and status writes that fail
// when a fault is armed.
func (c *Cluster) operatorConfig(mgr ctrl.Manager, skipNameValidation *bool, office string) controllers.Config {
	return controllers.Config{
		OfficeNamespace: office,
		Clock:           c.Clock,
		Plan:            controllers.PlanConfig{TimeZone: c.Shanghai, ReportGrace: time.Hour},
		HolidayCalendar: "default",
		Controller:      controller.Options{NewQueue: fakeclock.NewQueue(c.Clock), SkipNameValidation: skipNameValidation},
		Client:          faultyStatusWrites(mgr.GetClient()),
	}
}

// Stop stops what Start started, and only that: the operator (waiting for
// its manager to return), kube-controller-manager, then the API server and
// etcd; and removes Start's temporary directory. Call it in AfterSuite.
func Stop() {
	GinkgoHelper()
	c := running
	if c == nil {
		return
	}
	c.cancel()
	if c.mgrDone != nil {
		Eventually(c.mgrDone, time.Minute).Should(BeClosed(), "the operator's manager did not stop")
	}
	var errs []error
	errs = append(errs, c.kcm.Stop())
	if c.Env != nil {
		errs = append(errs, c.Env.Stop())
	}
	errs = append(errs, os.RemoveAll(c.dir))
	running = nil
	Expect(errors.Join(errs...)).NotTo(HaveOccurred())
}

// offlineNamespaces keeps a manager's cache of every namespaced kind of the
// operator out of the namespaces ns.
func offlineNamespaces(ns []string) map[client.Object]cache.ByObject {
	var sel []fields.Selector
	for _, n := range ns {
		sel = append(sel, fields.OneTermNotEqualSelector("metadata.namespace", n))
	}
	out := map[client.Object]cache.ByObject{}
	for _, o := range []client.Object{&v1alpha1.SecurityIncident{}, &v1alpha1.EmergencyResponse{}, &v1alpha1.WorkGroup{},
		&v1alpha1.Warning{}, &v1alpha1.Notification{}, &v1alpha1.NotificationChannel{}, &v1alpha1.ReportingUnit{}, &v1alpha1.UnitReport{}} {
		out[o] = cache.ByObject{Field: fields.AndSelectors(sel...)}
	}
	return out
}

// StartOperator starts an operator of its own on the suite's API server,
// for namespace ns only (one of Options.Offline), with the suite's fake
// clock and fault injection. The function it returns kills it: every
// reconcile under way is cancelled where it stands, and nothing it had not
// yet written is written. The spec's cleanup kills it too.
func StartOperator(ns string) (kill func()) {
	GinkgoHelper()
	return StartOperatorGrouping(ns, controllers.ReportGrouping{})
}

// StartOperatorGrouping is StartOperator with the reports of a storm
// grouped as g says (the suites' own operator sends every report alone).
func StartOperatorGrouping(ns string, g controllers.ReportGrouping) (kill func()) {
	GinkgoHelper()
	return StartOperatorWith(ns, func(cfg *controllers.Config) { cfg.ReportGrouping = g })
}

// StartOperatorWith is StartOperator with its configuration changed by set
// (the suites' own operator groups no report and holds none in a storm).
func StartOperatorWith(ns string, set func(*controllers.Config)) (kill func()) {
	GinkgoHelper()
	c := current()
	mgr, err := ctrl.NewManager(c.Config, ctrl.Options{
		Scheme:                 c.Client.Scheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
	})
	Expect(err).NotTo(HaveOccurred())
	mctx, cancel := context.WithCancel(c.Ctx)
	skip := true
	// Its cache holds ns only: the office's channels are not its to see.
	cfg := c.operatorConfig(mgr, &skip, "")
	set(&cfg)
	Expect(controllers.Setup(mctx, mgr, cfg)).To(Succeed())
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(mgr.Start(mctx)).To(Succeed())
	}()
	stopped := false
	kill = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	DeferCleanup(kill)
	return kill
}

// OperatorLog keeps everything the operators log, to look for leaked
// secrets.
var OperatorLog = &testenv.LockedBuffer{}

// RunSuite runs a package's Ginkgo specs against the cluster its
// BeforeSuite starts, or skips them under -short: they need an API server.
func RunSuite(t *testing.T, name string) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs an API server: run make test")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, name)
}
