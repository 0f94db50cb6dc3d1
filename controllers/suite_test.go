package controllers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
	"github.com/netsec-io/incident-operator/test/fakeclock"
)

var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *envtest.Environment
	kcm       *localcluster.ControllerManager
	cfg       *rest.Config
	k8s       client.Client
	fakeClock *clocktesting.FakeClock
	shanghai  *time.Location
)

func TestControllers(t *testing.T) {
	if testing.Short() {
		t.Skip("needs an API server: run make test")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers Suite")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, operatorLog)), zap.UseDevMode(true)))
	SetDefaultEventuallyTimeout(15 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	ctx, cancel = context.WithCancel(context.Background())
	Expect(os.Getenv("KUBEBUILDER_ASSETS")).NotTo(BeEmpty(), "run the tests with `make test`, which builds the control plane and sets KUBEBUILDER_ASSETS")

	var err error
	shanghai, err = time.LoadLocation("Asia/Shanghai")
	Expect(err).NotTo(HaveOccurred())

	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	// Deletion as in a cluster: the garbage collector and the namespace
	// controller of kube-controller-manager, started now that the CRDs are in.
	kcmDir, err := os.MkdirTemp("", "controllers-kcm-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, kcmDir)
	kcm, err = localcluster.StartControllerManager(testEnv, kcmDir)
	Expect(err).NotTo(HaveOccurred())

	scheme := runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	// The manager's caches, as the operator's (CacheOptions: what they
	// drop), but for the namespaces where a spec stops and starts an
	// operator of its own: those are not this one's
	// (notification_restart_test.go).
	cacheOpts := CacheOptions()
	cacheOpts.ByObject = offlineNamespaces()
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheOpts,
	})
	Expect(err).NotTo(HaveOccurred())

	// The operator's clock is fake: deadlines pass when a spec steps it.
	fakeClock = clocktesting.NewFakeClock(time.Now().Truncate(time.Second))
	Expect(localcluster.ApplyManifests(ctx, k8s, filepath.Join("..", "config", "admission"))).To(Succeed())
	Expect(localcluster.WaitForSchemas(ctx, cfg, k8s, time.Minute)).To(Succeed())
	Expect(Setup(ctx, mgr, Config{
		Clock:           fakeClock,
		Plan:            PlanConfig{TimeZone: shanghai, ReportGrace: time.Hour},
		HolidayCalendar: "default",
		Controller:      controller.Options{NewQueue: queueOn(fakeClock)},
		Client:          faultyStatusWrites(mgr.GetClient()),
	})).To(Succeed())

	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	Expect(mgr.GetCache().WaitForCacheSync(ctx)).To(BeTrue())
})

var _ = AfterSuite(func() {
	cancel()
	Expect(kcm.Stop()).To(Succeed())
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// queueOn makes the controllers' work queues wait on clk (test/fakeclock).
var queueOn = fakeclock.NewQueue

// operatorLog keeps everything the operator logs, to look for leaked secrets.
var operatorLog = &lockedBuffer{}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// failDeliveryRecords makes the next n status writes that record a delivery
// fail, as if the operator stopped between sending and recording;
// failDeliveryClaims the next n that write an attempt down before it is
// made, as if it stopped before sending. Each is armed for one spec's
// namespace: a notification of an earlier spec, still retrying a dead
// channel in the background, cannot take a spec's fault.
var failDeliveryRecords, failDeliveryClaims fault

type fault struct {
	mu sync.Mutex
	ns string
	n  int
}

// arm fails the next n matching writes in namespace ns.
func (f *fault) arm(ns string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ns, f.n = ns, n
}

// take says whether a matching write in ns fails, and counts it.
func (f *fault) take(ns string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 || ns != f.ns {
		return false
	}
	f.n--
	return true
}

// left is how many failures are still armed.
func (f *fault) left() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func faultyStatusWrites(c client.Client) client.Client { return faultyClient{c} }

type faultyClient struct{ client.Client }

func (f faultyClient) Status() client.SubResourceWriter { return faultyWriter{f.Client.Status()} }

type faultyWriter struct{ client.SubResourceWriter }

func (w faultyWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if _, ok := obj.(*v1alpha1.Notification); ok {
		data, _ := patch.Data(obj)
		if bytes.Contains(data, []byte("deliveredTime")) && failDeliveryRecords.take(obj.GetNamespace()) {
			return errors.New("injected: the operator stopped before recording the delivery")
		}
		if bytes.Contains(data, []byte("lastAttemptTime")) && !bytes.Contains(data, []byte(`"op"`)) && failDeliveryClaims.take(obj.GetNamespace()) {
			return errors.New("injected: the operator stopped before writing the attempt down")
		}
	}
	return w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
}

// newNamespace gives each spec a namespace of its own.
func newNamespace() string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "unit-"}}
	Expect(k8s.Create(ctx, ns)).To(Succeed())
	return ns.Name
}

// eventsFor lists the events about one object.
func eventsFor(g Gomega, obj client.Object) []eventsv1.Event {
	list := &eventsv1.EventList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.UID == obj.GetUID() {
			out = append(out, e)
		}
	}
	return out
}

// eventReasons lists "Type/Reason" of the events about obj.
func eventReasons(g Gomega, obj client.Object) []string {
	var out []string
	for _, e := range eventsFor(g, obj) {
		out = append(out, e.Type+"/"+e.Reason)
	}
	return out
}

// condition returns a condition of an incident, or an empty one.
func condition(inc *v1alpha1.SecurityIncident, typ string) metav1.Condition {
	return conditionOf(inc.Status.Conditions, typ)
}

// conditionOf returns a condition from a list, or an empty one.
func conditionOf(conds []metav1.Condition, typ string) metav1.Condition {
	if c := meta.FindStatusCondition(conds, typ); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// deadlineOf returns a deadline of an incident, or an empty one.
func deadlineOf(inc *v1alpha1.SecurityIncident, name string) v1alpha1.Deadline {
	return deadline.Find(inc.Status.Deadlines, name)
}

// get reads an incident afresh.
func get(g Gomega, inc *v1alpha1.SecurityIncident) *v1alpha1.SecurityIncident {
	out := &v1alpha1.SecurityIncident{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(inc), out)).To(Succeed())
	return out
}

func keyOf(o client.Object) client.ObjectKey { return client.ObjectKeyFromObject(o) }
