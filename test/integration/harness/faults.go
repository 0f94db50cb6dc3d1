package harness

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// FailDeliveryRecords makes the next n status writes that record a delivery
// fail, as if the operator stopped between sending and recording;
// FailDeliveryClaims the next n that write an attempt down before it is
// made, as if it stopped before sending. Each is armed for one spec's
// namespace: a notification of an earlier spec, still retrying a dead
// channel in the background, cannot take a spec's fault.
var FailDeliveryRecords, FailDeliveryClaims = &Fault{}, &Fault{}

// Fault is a number of injected failures, armed for one namespace.
type Fault struct {
	mu sync.Mutex
	ns string
	n  int
}

// Arm fails the next n matching writes in namespace ns.
func (f *Fault) Arm(ns string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ns, f.n = ns, n
}

// take says whether a matching write in ns fails, and counts it.
func (f *Fault) take(ns string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 || ns != f.ns {
		return false
	}
	f.n--
	return true
}

// Left is how many failures are still armed.
func (f *Fault) Left() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// faultyStatusWrites wraps the operator's client so that its status writes
// of notifications fail when FailDeliveryRecords or FailDeliveryClaims is
// armed.
func faultyStatusWrites(c client.Client) client.Client { return faultyClient{c} }

type faultyClient struct{ client.Client }

func (f faultyClient) Status() client.SubResourceWriter { return faultyWriter{f.Client.Status()} }

type faultyWriter struct{ client.SubResourceWriter }

func (w faultyWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if _, ok := obj.(*v1alpha1.Notification); ok {
		data, _ := patch.Data(obj)
		if bytes.Contains(data, []byte("deliveredTime")) && FailDeliveryRecords.take(obj.GetNamespace()) {
			return errors.New("injected: the operator stopped before recording the delivery")
		}
		if bytes.Contains(data, []byte("lastAttemptTime")) && !bytes.Contains(data, []byte(`"op"`)) && FailDeliveryClaims.take(obj.GetNamespace()) {
			return errors.New("injected: the operator stopped before writing the attempt down")
		}
	}
	return w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
}
