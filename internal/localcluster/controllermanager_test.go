package localcluster

import (
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Without kube-controller-manager among the binaries, starting it says how
// to get it, before touching the cluster.
func TestStartControllerManagerWithoutTheBinary(t *testing.T) {
	env := &envtest.Environment{BinaryAssetsDirectory: t.TempDir()}
	_, err := StartControllerManager(env, t.TempDir())
	if err == nil {
		t.Fatal("started without a kube-controller-manager binary")
	}
	for _, want := range []string{"kube-controller-manager is not in", "make envtest"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Stopping a controller manager that never started is nothing to do.
func TestStopNilControllerManager(t *testing.T) {
	var m *ControllerManager
	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
}
