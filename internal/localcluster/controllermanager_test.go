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

func TestMarkerSeesTextSplitAcrossWrites(t *testing.T) {
	for _, writes := range [][]string{
		{"I1126 Proceeding to collect garbage\n"},
		{"I1126 Proceeding to co", "llect garbage\n"},
		{"Pro", "ceed", "ing to collect ", "garbage"},
	} {
		m := &marker{text: []byte(controllerManagerReady), seen: make(chan struct{})}
		for _, w := range writes {
			_, _ = m.Write([]byte(w))
		}
		select {
		case <-m.seen:
		default:
			t.Errorf("writes %q: the marker did not see %q", writes, controllerManagerReady)
		}
	}
	m := &marker{text: []byte(controllerManagerReady), seen: make(chan struct{})}
	_, _ = m.Write([]byte("Proceeding to collect"))
	_, _ = m.Write([]byte(" nothing; garbage"))
	select {
	case <-m.seen:
		t.Error("the marker saw the text in writes that do not hold it")
	default:
	}
}
