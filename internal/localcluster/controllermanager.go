package localcluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// ControllerManagerControllers are the controllers of kube-controller-manager
// a local control plane runs: the garbage collector, which deletes what a
// deleted object owned (a response's work groups, a source's notifications)
// and completes foreground deletion, and the namespace controller, which
// empties and removes a deleted namespace. Neither needs another controller.
var ControllerManagerControllers = []string{"garbage-collector-controller", "namespace-controller"}

// controllerManagerReady is what kube-controller-manager v1.37 logs once the
// garbage collector has synced its monitors and starts collecting.
const controllerManagerReady = "Proceeding to collect garbage"

// ControllerManager is a kube-controller-manager running as a child process
// against an envtest control plane, so that garbage collection and namespace
// deletion happen as they do in a cluster.
type ControllerManager struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // how the process ended, once done is closed
	// LogPath is where its output goes.
	LogPath string
}

// StartControllerManager starts kube-controller-manager from the binary
// directory of env (or $KUBEBUILDER_ASSETS) against env's API server, with
// ControllerManagerControllers only, no leader election and no serving port.
// Its kubeconfig and log are written to dir. It returns once the garbage
// collector is collecting; start it after the CRDs are installed, so that it
// watches the operator's kinds from the start rather than from its next
// discovery, up to 30 s later.
func StartControllerManager(env *envtest.Environment, dir string) (*ControllerManager, error) {
	assets := env.BinaryAssetsDirectory
	if assets == "" {
		assets = os.Getenv("KUBEBUILDER_ASSETS")
	}
	bin := filepath.Join(assets, "kube-controller-manager")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("kube-controller-manager is not in %s (KUBEBUILDER_ASSETS): run `make envtest`, which builds it with the API server: %w", assets, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// A cluster administrator: the garbage collector and the namespace
	// controller list, watch and delete every kind, the operator's included.
	user, err := env.AddUser(envtest.User{Name: "system:kube-controller-manager", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("creating the controller manager's user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("writing the controller manager's kubeconfig: %w", err)
	}
	kubeconfigPath := filepath.Join(dir, "kube-controller-manager.kubeconfig")
	if err := os.WriteFile(kubeconfigPath, kubeconfig, 0o600); err != nil {
		return nil, err
	}
	m := &ControllerManager{LogPath: filepath.Join(dir, "kube-controller-manager.log"), done: make(chan struct{})}
	logFile, err := os.Create(m.LogPath)
	if err != nil {
		return nil, err
	}
	m.cmd = exec.Command(bin,
		"--kubeconfig="+kubeconfigPath,
		"--controllers="+strings.Join(ControllerManagerControllers, ","),
		"--leader-elect=false",
		"--secure-port=0",
		// Fewer workers than a cluster's (20 and 10): a throwaway cluster
		// shares a laptop's cores with the operator and its tests.
		"--concurrent-gc-syncs=5",
		"--concurrent-namespace-syncs=2",
	)
	ready := &marker{text: []byte(controllerManagerReady), seen: make(chan struct{})}
	out := io.MultiWriter(logFile, ready)
	m.cmd.Stdout, m.cmd.Stderr = out, out
	if err := m.cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting kube-controller-manager: %w", err)
	}
	go func() {
		m.err = m.cmd.Wait() // returns once its output is copied
		_ = logFile.Close()
		close(m.done)
	}()
	if err := m.waitReady(ready.seen, time.Minute); err != nil {
		return nil, errors.Join(err, m.Stop())
	}
	return m, nil
}

// waitReady waits until the output says the garbage collector is collecting
// (ready is closed), the process exits or timeout passes.
func (m *ControllerManager) waitReady(ready <-chan struct{}, timeout time.Duration) error {
	select {
	case <-ready:
		return nil
	case <-m.done:
		why := m.err
		if why == nil {
			why = errors.New("exit status 0")
		}
		return fmt.Errorf("kube-controller-manager exited before it started collecting garbage (%w):\n%s", why, m.logTail())
	case <-time.After(timeout):
		return fmt.Errorf("kube-controller-manager did not start collecting garbage within %s:\n%s", timeout, m.logTail())
	}
}

// marker is a writer that closes seen once text has gone through it, across
// writes, keeping no more than len(text)-1 bytes of what came before; once
// it has, it only counts what it is given.
type marker struct {
	text []byte
	seen chan struct{}
	once sync.Once
	tail []byte
}

func (w *marker) Write(p []byte) (int, error) {
	select {
	case <-w.seen:
		return len(p), nil
	default:
	}
	buf := bytes.Join([][]byte{w.tail, p}, nil)
	if bytes.Contains(buf, w.text) {
		w.once.Do(func() { close(w.seen) })
		w.tail = nil
		return len(p), nil
	}
	if keep := len(w.text) - 1; len(buf) > keep {
		buf = buf[len(buf)-keep:]
	}
	w.tail = buf
	return len(p), nil
}

func (m *ControllerManager) logTail() string {
	data, _ := os.ReadFile(m.LogPath)
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return string(data)
}

// Stop stops kube-controller-manager (SIGTERM, then SIGKILL after 10 s) and
// waits for it to exit. Stop it before the API server, which it would
// otherwise keep calling.
func (m *ControllerManager) Stop() error {
	if m == nil || m.cmd == nil || m.cmd.Process == nil {
		return nil
	}
	select {
	case <-m.done:
		return nil
	default:
	}
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping kube-controller-manager: %w", err)
	}
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
	return nil
}
