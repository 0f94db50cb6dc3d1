// Package leader runs two replicas of the manager binary with
// --leader-elect against a real API server and checks how the lease passes
// between them: a replica stopped gracefully releases it, so the standby
// takes over within its retry period instead of waiting out the lease; one
// that is killed holds it until the lease expires. The takeover times are
// logged (go test -v), for docs/platform.md; they are not asserted.
package leader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/manager"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/testenv"
)

const leaseNamespace = "default"

type replica struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func TestLeaderHandsOverTheLease(t *testing.T) {
	testenv.Assets(t, "needs an API server")
	root := filepath.Join("..", "..")
	dir := t.TempDir()

	bin := filepath.Join(dir, "manager")
	build := exec.Command("go", "build", "-o", bin, "./cmd")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the manager: %v\n%s", err, out)
	}

	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join(root, "config", "crd", "bases")}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	admin, err := env.AddUser(envtest.User{Name: "leader-test-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfigPath := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfigPath, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}

	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)

	start := func(name string) *replica {
		t.Helper()
		logPath := filepath.Join(dir, name+".log")
		logFile, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--kubeconfig", kubeconfigPath, "--leader-elect",
			"--leader-election-namespace", leaseNamespace,
			"--metrics-bind-address", "0", "--health-probe-bind-address", "0")
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := &replica{cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); _ = logFile.Close(); close(r.done) }()
		// Stop exactly this process when the test ends, whatever happened,
		// and show its log if the test failed.
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-r.done
			if t.Failed() {
				if b, err := os.ReadFile(logPath); err == nil {
					t.Logf("%s replica's log:\n%s", name, b)
				}
			}
		})
		return r
	}
	holder := func() (string, *coordinationv1.Lease) {
		var lease coordinationv1.Lease
		if err := c.Get(ctx, types.NamespacedName{Namespace: leaseNamespace, Name: manager.LeaderElectionID}, &lease); err != nil {
			return "", nil
		}
		if lease.Spec.HolderIdentity == nil {
			return "", &lease
		}
		return *lease.Spec.HolderIdentity, &lease
	}
	// waitHolder polls the Lease (every 20 ms: it measures the handover,
	// it is not how the operator learns anything) until ok holds.
	waitHolder := func(what string, ok func(string) bool) (string, time.Duration) {
		t.Helper()
		began := time.Now()
		for {
			if h, _ := holder(); ok(h) {
				return h, time.Since(began)
			}
			if time.Since(began) > time.Minute {
				t.Fatalf("%s: the lease did not change hands within a minute", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	classified := func(name string) {
		t.Helper()
		for {
			var sinc v1alpha1.SecurityIncident
			if err := c.Get(ctx, types.NamespacedName{Namespace: "default", Name: name}, &sinc); err == nil && sinc.Status.Level != "" {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("incident %s was never classified", name)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	stop := func(r *replica, sig syscall.Signal) {
		t.Helper()
		if err := r.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}

	// The first replica alone takes the lease.
	first := start("first")
	firstID, took := waitHolder("first replica", func(h string) bool { return h != "" })
	t.Logf("first replica leads after %v (identity %s)", took.Round(time.Millisecond), firstID)
	second := start("second")
	time.Sleep(3 * time.Second) // the standby has tried, and failed, to take the lease

	// Graceful stop (SIGTERM, as on a rolling update): the lease is
	// released as the leader exits, so the standby takes it within its
	// retry period.
	stopped := time.Now()
	stop(first, syscall.SIGTERM)
	incident := builder.Incident("during-handover", "default").Obj()
	if err := c.Create(ctx, incident); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the first replica did not exit within 30 s of SIGTERM")
	}
	exited := time.Since(stopped)
	if h, lease := holder(); h == firstID {
		t.Fatalf("the stopped leader still holds the lease after exiting: %+v", lease.Spec)
	}
	secondID, _ := waitHolder("graceful stop", func(h string) bool { return h != "" && h != firstID })
	tookOver := time.Since(stopped)
	classified(incident.Name)
	reconciling := time.Since(stopped)
	t.Logf("graceful stop: leader exited %v after SIGTERM; standby held the lease %v after SIGTERM, classified an incident filed meanwhile %v after",
		exited.Round(time.Millisecond), tookOver.Round(time.Millisecond), reconciling.Round(time.Millisecond))

	// A crash (SIGKILL): nothing releases the lease; the standby waits
	// out its duration.
	third := start("third")
	time.Sleep(3 * time.Second)
	killed := time.Now()
	stop(second, syscall.SIGKILL)
	<-second.done
	_, _ = waitHolder("crash", func(h string) bool { return h != "" && h != secondID })
	crashTakeover := time.Since(killed)
	_, lease := holder()
	duration := time.Duration(0)
	if lease != nil && lease.Spec.LeaseDurationSeconds != nil {
		duration = time.Duration(*lease.Spec.LeaseDurationSeconds) * time.Second
	}
	t.Logf("crash: standby held the lease %v after SIGKILL (lease duration %v)", crashTakeover.Round(time.Millisecond), duration)
	if crashTakeover < duration/2 {
		t.Errorf("after a crash the lease changed hands in %v, before the lease of %v could expire: was it released by someone else?", crashTakeover, duration)
	}
	stop(third, syscall.SIGTERM)
	<-third.done
}
