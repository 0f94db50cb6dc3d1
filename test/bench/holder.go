package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The floor of memory: what a bare process pays to hold the same objects in
// informer caches, in the same cluster, measured right after the operator.
// The bench runs itself again as that process (holdCacheArg), once with
// whole objects (managed fields dropped, as any controller-runtime cache
// may), once with their metadata only (metav1.PartialObjectMetadata, the
// least a watch-driven controller keeps of an object), and once with the
// incidents and their reports as metadata only and the rest whole: what an
// operator that read each incident and report from the API server when a
// pass needs it would still cache. Anonymous memory is what compares: the
// binaries differ in size.

const holdCacheArg = "hold-cache"

// cacheFloor is one bare cache: its name on the command line, and what it
// holds, for the bench's output.
type cacheFloor struct{ name, what string }

// cacheFloors are the bare caches, in the order they are measured.
var cacheFloors = []cacheFloor{
	{"full", "whole (managed fields dropped)"},
	{"metadata", "metadata only"},
	{"split", "incidents and reports as metadata only, the rest whole"},
}

// heldKinds are the kinds whose objects grow with the cluster, each as
// whole objects or as their metadata, as the bare cache named what holds
// them.
func heldKinds(what string) []client.Object {
	var out []client.Object
	for _, o := range []client.Object{&v1alpha1.SecurityIncident{}, &v1alpha1.EmergencyResponse{}, &v1alpha1.WorkGroup{}, &v1alpha1.Notification{}} {
		metadata := what == "metadata"
		if what == "split" {
			switch o.(type) {
			case *v1alpha1.SecurityIncident, *v1alpha1.Notification:
				metadata = true
			}
		}
		if metadata {
			m := &metav1.PartialObjectMetadata{}
			m.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(reflect.TypeOf(o).Elem().Name()))
			o = m
		}
		out = append(out, o)
	}
	return out
}

// holdCache is the bare process: it fills a cache of what (the name of one
// of cacheFloors) from the cluster of kubeconfig, says "synced" on stdout,
// and waits to be stopped.
func holdCache(what, kubeconfig string) int {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hold-cache:", err)
		return 2
	}
	scheme, err := benchScheme()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hold-cache:", err)
		return 2
	}
	c, err := cache.New(cfg, cache.Options{Scheme: scheme, DefaultTransform: cache.TransformStripManagedFields()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hold-cache:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, o := range heldKinds(what) {
		if _, err := c.GetInformer(ctx, o); err != nil {
			fmt.Fprintln(os.Stderr, "hold-cache:", err)
			return 2
		}
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		fmt.Fprintln(os.Stderr, "hold-cache: caches did not sync")
		return 2
	}
	// At rest, as the operator is once its passes stop: what its first
	// lists decoded collected and returned to the system. Its heap in use
	// then is what the cache itself holds.
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	stats := reflect.ValueOf(ms)
	var line strings.Builder
	line.WriteString("synced")
	for _, name := range runtimeStats {
		fmt.Fprintf(&line, " %s=%d", name, stats.FieldByName(name).Uint())
	}
	fmt.Println(line.String())
	<-ctx.Done()
	return 0
}

// measureCacheFloor runs the bare process for what against kubeconfig and
// returns its memory once its cache is synced and has settled for a moment.
func measureCacheFloor(ctx context.Context, what, kubeconfig string) (mem, error) {
	self, err := os.Executable()
	if err != nil {
		return mem{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, holdCacheArg, what, kubeconfig)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return mem{}, err
	}
	if err := cmd.Start(); err != nil {
		return mem{}, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	fields := strings.Fields(line)
	if len(fields) == 0 || fields[0] != "synced" {
		return mem{}, errors.Join(fmt.Errorf("the %s cache holder stopped before its caches synced", what), err)
	}
	// Let it settle, as the manager did.
	select {
	case <-ctx.Done():
		return mem{}, ctx.Err()
	case <-time.After(3 * time.Second):
	}
	m, err := memory(cmd.Process.Pid)
	m.rt = map[string]int64{}
	for _, f := range fields[1:] {
		if name, v, ok := strings.Cut(f, "="); ok {
			m.rt[name], _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return m, err
}
