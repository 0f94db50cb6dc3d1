package controllers

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/cluster"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// upper is one link's connection to its upper cluster: a client, and a
// cache of the link's namespace there that wakes the link when a copy
// changes (the upper cluster's decisions on it).
type upper struct {
	// key is what the connection was made from (the kubeconfig, the
	// namespaces); a link whose key changed connects again.
	key     string
	cluster cluster.Cluster
	// written remembers the copies this link created and updated there,
	// until the cache there has them: a pass that comes before would
	// write them again (and the upper cluster would run its admission
	// policies on each, to refuse it).
	written *reconcile.Written
	stop    context.CancelFunc
	done    chan struct{}

	// ctx lives as long as the connection: the copies handed to its
	// writers stop with it.
	ctx context.Context
	// wake runs the link's pass again.
	wake func()
	// slots bound the writers of the copies handed to the connection
	// (hand), linkWriters at once.
	slots chan struct{}
	mu    sync.Mutex
	// creating are the copies handed to the writers and not yet written,
	// by namespace/name; failures counts those that failed since a pass
	// last took the count.
	creating map[string]bool
	failures int
}

// hand gives the creation of a new copy to the connection's writers,
// unless they have it already, and does not wait for it: in a storm the
// copies cross as soon as a writer is free, not in rounds of one pass
// each, and a pass that comes meanwhile leaves them to the writer that
// has them. The pass after the last of them (their writers wake the link
// then) counts them across; one that failed is counted by the next pass,
// and tried again after uplinkBacklogRetry.
func (c *upper) hand(key string, create func(context.Context) error) {
	c.mu.Lock()
	if c.creating[key] {
		c.mu.Unlock()
		return
	}
	c.creating[key] = true
	c.mu.Unlock()
	go func() {
		err := func() error {
			select {
			case c.slots <- struct{}{}:
			case <-c.ctx.Done():
				return c.ctx.Err()
			}
			defer func() { <-c.slots }()
			return create(c.ctx)
		}()
		c.mu.Lock()
		delete(c.creating, key)
		if err != nil {
			c.failures++
		}
		idle := len(c.creating) == 0
		c.mu.Unlock()
		switch {
		case err != nil && c.ctx.Err() == nil:
			ctrl.Log.WithName("uplink").V(1).Info("a copy did not cross; the link tries again", "copy", key, "error", err.Error())
			time.AfterFunc(uplinkBacklogRetry, c.wake)
		case err == nil && idle:
			c.wake()
		}
	}()
}

// changed wakes the link for a change up there (a copy written, a
// decision on one), unless its writers have copies still to write: the
// decisions wait for them, and the last of them wakes the link. In a
// catch-up the upper cluster's every write on the new copies would
// otherwise run the link's whole comparison again, beside the writers.
func (c *upper) changed(any) {
	c.mu.Lock()
	busy := len(c.creating) > 0
	c.mu.Unlock()
	if !busy {
		c.wake()
	}
}

// handed says how many copies the writers have now, and how many failed
// since the last pass asked.
func (c *upper) handed() (creating, failed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	creating, failed = len(c.creating), c.failures
	c.failures = 0
	return creating, failed
}

// uppers holds every link's connection, made by the link's pass and
// closed when the link is gone, its Secret changes, or the manager stops.
type uppers struct {
	mu     sync.Mutex
	m      map[string]*upper
	scheme *runtime.Scheme
	// wake re-runs the pass of the link named by the object it carries.
	wake chan event.GenericEvent
	// connected carries each link that connects, for the reports waiting
	// to go through it (the notification controller's).
	connected chan event.GenericEvent
}

func newUppers(scheme *runtime.Scheme) *uppers {
	return &uppers{m: map[string]*upper{}, scheme: scheme,
		wake: make(chan event.GenericEvent, 1024), connected: make(chan event.GenericEvent, 64)}
}

// lookup is the link's connection as its last pass made it, or nil when it
// has none: the reports through a link never connect it themselves.
func (u *uppers) lookup(name string) *upper {
	if u == nil {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.m[name]
}

// Start waits for the manager to stop, then closes every connection.
func (u *uppers) Start(ctx context.Context) error {
	<-ctx.Done()
	u.mu.Lock()
	defer u.mu.Unlock()
	for name, c := range u.m {
		c.close()
		delete(u.m, name)
	}
	return nil
}

func (c *upper) close() {
	c.stop()
	<-c.done
}

// errNoCredentials says the link's kubeconfig cannot be had or read.
var errNoCredentials = errors.New("no credentials")

// kubeconfigOf reads the link's kubeconfig from its Secret.
func kubeconfigOf(ctx context.Context, r client.Reader, l *v1alpha1.Uplink) ([]byte, error) {
	ref := l.Spec.Upper.Kubeconfig
	key := ref.Key
	if key == "" {
		key = "kubeconfig"
	}
	s := &corev1.Secret{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, s); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("%w: Secret %s/%s is not there", errNoCredentials, ref.Namespace, ref.Name)
		}
		return nil, err
	}
	b := s.Data[key]
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: Secret %s/%s has no key %q", errNoCredentials, ref.Namespace, ref.Name, key)
	}
	return b, nil
}

// officeOf is the upper office's namespace.
func officeOf(l *v1alpha1.Uplink) string {
	if l.Spec.Upper.OfficeNamespace != "" {
		return l.Spec.Upper.OfficeNamespace
	}
	return "emergency-office"
}

// get returns the link's connection, connecting when there is none or its
// kubeconfig or namespaces changed. The cache there starts at once and
// fills in the background.
func (u *uppers) get(l *v1alpha1.Uplink, kubeconfig []byte) (*upper, error) {
	sum := sha256.Sum256(append(append([]byte(l.Spec.Upper.Namespace+"\x00"+officeOf(l)+"\x00"), kubeconfig...), 0))
	key := string(sum[:])
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.m[l.Name]; ok {
		if c.key == key {
			return c, nil
		}
		c.close()
		delete(u.m, l.Name)
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("%w: the kubeconfig cannot be read: %w", errNoCredentials, err)
	}
	cfg.Timeout = 10 * time.Second
	// A storm's copies go out in parallel, linkWriters at a time
	// (carryUp), which bounds them; a client-side rate limit would only
	// hold them back.
	cfg.QPS = -1
	wakeLink := &v1alpha1.Uplink{}
	wakeLink.Name = l.Name
	wake := func(any) {
		select {
		case u.wake <- event.GenericEvent{Object: wakeLink}:
		default:
			// Full: passes are already waiting, and every one reads all.
		}
	}
	cl, err := cluster.New(cfg, func(o *cluster.Options) {
		o.Scheme = u.scheme
		o.Cache = cache.Options{
			DefaultNamespaces: map[string]cache.Config{l.Spec.Upper.Namespace: {}},
			ByObject:          readDown(l),
			DefaultTransform:  cache.TransformStripManagedFields(),
			// A watch that breaks (the upper cluster gone, the link's
			// credentials revoked) wakes the link, which asks the upper
			// cluster and says so, instead of waiting for its heartbeat.
			DefaultWatchErrorHandler: func(ctx context.Context, r *toolscache.Reflector, err error) {
				toolscache.DefaultWatchErrorHandler(ctx, r, err)
				wake(nil)
			},
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoCredentials, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	c := &upper{key: key, cluster: cl, stop: stop, done: make(chan struct{}), written: reconcile.NewWritten(nil),
		ctx: ctx, wake: func() { wake(nil) }, slots: make(chan struct{}, linkWriters), creating: map[string]bool{}}
	go func() {
		defer close(c.done)
		if err := cl.Start(ctx); err != nil {
			ctrl.Log.WithName("uplink").Error(err, "the upper cluster's cache stopped", "uplink", l.Name)
		}
	}()
	for _, o := range watched(l.Spec.Member) {
		inf, err := cl.GetCache().GetInformer(ctx, o, cache.BlockUntilSynced(false))
		if err != nil {
			c.close()
			return nil, err
		}
		if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    c.changed,
			UpdateFunc: func(_, n any) { c.changed(n) },
			DeleteFunc: c.changed,
		}); err != nil {
			c.close()
			return nil, err
		}
	}
	u.m[l.Name] = c
	select {
	case u.connected <- event.GenericEvent{Object: wakeLink}:
	default:
	}
	return c, nil
}

// watched are the kinds a link watches on the upper cluster: those of the
// copies it writes there (for the decisions on them) and those it mirrors
// down.
func watched(member v1alpha1.UplinkMember) []client.Object {
	if member == v1alpha1.UplinkProvince {
		return []client.Object{&v1alpha1.SecurityIncident{}, &v1alpha1.EmergencyResponse{}, &v1alpha1.Warning{}}
	}
	return []client.Object{&v1alpha1.SecurityIncident{}, &v1alpha1.UnitReport{}, &v1alpha1.EmergencyResponse{}, &v1alpha1.Warning{}}
}

// readDown are the kinds a link reads in the upper office's namespace, to
// mirror them down: its warnings, and for a unit the responses covering
// its incidents. The unit's response copies are the province's own; the
// province's relayed responses are in its namespace there.
func readDown(l *v1alpha1.Uplink) map[client.Object]cache.ByObject {
	office := map[string]cache.Config{officeOf(l): {}}
	by := map[client.Object]cache.ByObject{&v1alpha1.Warning{}: {Namespaces: office}}
	if l.Spec.Member == v1alpha1.UplinkUnit {
		by[&v1alpha1.EmergencyResponse{}] = cache.ByObject{Namespaces: office}
	}
	return by
}

// drop closes the connection of a link that is gone.
func (u *uppers) drop(name string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.m[name]; ok {
		c.close()
		delete(u.m, name)
	}
}
