// Package leader runs two replicas of the manager binary with
// --leader-elect against a real API server and checks how the lease passes
// between them: a replica stopped gracefully releases it, so the standby
// takes over within its retry period instead of waiting out the lease; one
// that is killed holds it until the lease expires. The replicas run with the
// operator's shipped roles. The takeover times of each graceful round are
// printed as a table (go test -v; LEADER_TABLE names a file for it), for
// docs/platform.md; they are not asserted.
package leader

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/manager"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/testenv"
)

const leaseNamespace = "default"

// unitNamespace is where the incidents are filed, by the unit registered
// there (test/builder.RegisteredUnit).
const unitNamespace = "unit-telecom"

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
	// The replicas run with the operator's own permissions: the shipped
	// ClusterRole and leader election Role, bound to a user of their own.
	operator, err := env.AddUser(envtest.User{Name: "leader-test-operator"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	grantShippedRoles(t, cfg, "leader-test-operator", filepath.Join(root, "config", "rbac"))
	kubeconfig, err := operator.KubeConfig()
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute+time.Duration(roundsToRun(t))*15*time.Second)
	t.Cleanup(cancel)
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: unitNamespace}}); err != nil {
		t.Fatal(err)
	}
	if err := builder.Register(ctx, c, unitNamespace, 10*time.Second); err != nil {
		t.Fatal(err)
	}

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
			if err := c.Get(ctx, types.NamespacedName{Namespace: unitNamespace, Name: name}, &sinc); err == nil && sinc.Status.Level != "" {
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
	// Graceful stops (SIGTERM, as on a rolling update), round after round:
	// the lease is released as the leader exits, so the standby takes it at
	// its next try, and an incident filed right after the signal is
	// classified by the new leader.
	rounds := roundsToRun(t)
	table := []string{
		"| round | leader exited | standby holds the lease | incident filed after SIGTERM has its level |",
		"| --- | --- | --- | --- |",
	}
	leader, leaderID := first, firstID
	var second *replica
	var secondID string
	for i := 1; i <= rounds; i++ {
		standby := start(fmt.Sprintf("replica-%d", i+1))
		time.Sleep(2 * time.Second) // the standby has started, synced its caches and tried the lease
		stopped := time.Now()
		stop(leader, syscall.SIGTERM)
		incident := builder.Incident(fmt.Sprintf("during-handover-%d", i), unitNamespace).Obj()
		if err := c.Create(ctx, incident); err != nil {
			t.Fatal(err)
		}
		select {
		case <-leader.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: the leader did not exit within 30 s of SIGTERM", i)
		}
		exited := time.Since(stopped)
		if h, lease := holder(); h == leaderID {
			t.Fatalf("round %d: the stopped leader still holds the lease after exiting: %+v", i, lease.Spec)
		}
		newID, _ := waitHolder(fmt.Sprintf("round %d", i), func(h string) bool { return h != "" && h != leaderID })
		tookOver := time.Since(stopped)
		classified(incident.Name)
		leveled := time.Since(stopped)
		table = append(table, fmt.Sprintf("| %d | %v | %v | %v |", i, ms(exited), ms(tookOver), ms(leveled)))
		leader, leaderID = standby, newID
	}
	second, secondID = leader, leaderID
	report := strings.Join(table, "\n") + "\n"
	t.Logf("graceful stops, times after SIGTERM:\n%s", report)
	if path := os.Getenv("LEADER_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Each new leader records "became leader" on the Lease, with the
	// operator's own permissions (a core/v1 Event in the lease's namespace).
	becameLeader := func() bool {
		var events corev1.EventList
		if err := c.List(ctx, &events, client.InNamespace(leaseNamespace)); err != nil {
			return false
		}
		for _, e := range events.Items {
			if e.InvolvedObject.Kind == "Lease" && e.InvolvedObject.Name == manager.LeaderElectionID &&
				strings.Contains(e.Message, secondID) && strings.Contains(e.Message, "became leader") {
				return true
			}
		}
		return false
	}
	eventDeadline := time.Now().Add(30 * time.Second)
	for !becameLeader() {
		if time.Now().After(eventDeadline) {
			t.Fatalf("no %q event on the Lease for the leader %s within 30 s (may the operator create core/v1 Events in the lease's namespace?)", "became leader", secondID)
		}
		time.Sleep(100 * time.Millisecond)
	}

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

// defaultRounds is how many graceful handovers run (about 4 s each), as
// many as the table in docs/platform.md; LEADER_ROUNDS changes it.
const defaultRounds = 20

// roundsToRun reads LEADER_ROUNDS.
func roundsToRun(t *testing.T) int {
	v := os.Getenv("LEADER_ROUNDS")
	if v == "" {
		return defaultRounds
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("LEADER_ROUNDS=%q: want a positive number of rounds", v)
	}
	return n
}

// ms rounds a duration to the millisecond for the table.
func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// grantShippedRoles binds the operator's ClusterRole (role.yaml) across the
// cluster and its leader election Role (leader_election_role.yaml) in the
// lease's namespace to user.
func grantShippedRoles(t *testing.T, cfg *rest.Config, user string, dir string) {
	t.Helper()
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	subject := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}}
	for _, file := range []string{"role.yaml", "leader_election_role.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var meta metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			switch meta.Kind {
			case "ClusterRole":
				var role rbacv1.ClusterRole
				if err := yaml.Unmarshal([]byte(doc), &role); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				role.ResourceVersion = ""
				binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: role.Name}, Subjects: subject,
					RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name}}
				for _, o := range []client.Object{&role, binding} {
					if err := c.Create(ctx, o); err != nil {
						t.Fatal(err)
					}
				}
			case "Role":
				var role rbacv1.Role
				if err := yaml.Unmarshal([]byte(doc), &role); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				role.Namespace = leaseNamespace
				binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: role.Name, Namespace: leaseNamespace}, Subjects: subject,
					RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name}}
				for _, o := range []client.Object{&role, binding} {
					if err := c.Create(ctx, o); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}
