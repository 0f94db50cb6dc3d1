package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
)

// The storm's measures: what reaches the office's duty group while
// thousands of incidents are reported, the API server's floor for a plain
// custom resource, and latency at a sustained rate.

// officeChannel is the channel the bench gives the office: a CloudEvents
// webhook on the bench's own loopback receiver.
const officeChannel = "office-desk"

// inbox is the bench's loopback receiver: it accepts every message at once
// and keeps, per path (one per audience), when each arrived and how many
// reports it carried.
type inbox struct {
	srv *http.Server
	url string
	mu  sync.Mutex
	got map[string][]arrival
}

type arrival struct {
	at      time.Time
	reports int
}

func startInbox() (*inbox, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	in := &inbox{url: "http://" + l.Addr().String(), got: map[string][]arrival{}}
	in.srv = &http.Server{Handler: http.HandlerFunc(in.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = in.srv.Serve(l) }()
	return in, nil
}

func (in *inbox) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	reports := 1
	var ev struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &ev) == nil && strings.HasSuffix(ev.Type, notify.GroupTypeSuffix) {
		if ids, err := notify.Members(ev.Data); err == nil {
			reports = len(ids)
		}
	}
	in.mu.Lock()
	in.got[r.URL.Path] = append(in.got[r.URL.Path], arrival{at: time.Now(), reports: reports})
	in.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// between is, per path, the messages that arrived in [from, to) and the
// reports they carried.
func (in *inbox) between(from, to time.Time) map[string][2]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string][2]int{}
	for path, as := range in.got {
		for _, a := range as {
			if !a.at.Before(from) && a.at.Before(to) {
				v := out[path]
				v[0]++
				v[1] += a.reports
				out[path] = v
			}
		}
	}
	return out
}

func (in *inbox) stop() { _ = in.srv.Close() }

// describeInbox is messages and reports per audience.
func describeInbox(m map[string][2]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, path := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d messages (%d reports)", strings.TrimPrefix(path, "/"), m[path][0], m[path][1]))
	}
	return strings.Join(parts, ", ")
}

// mostMessages is the most messages any audience got.
func mostMessages(m map[string][2]int) int {
	most := 0
	for _, v := range m {
		most = max(most, v[0])
	}
	return most
}

// setUpOfficeChannel gives the office a channel in ns to the inbox, which
// the approver (the office) consents to.
func setUpOfficeChannel(ctx context.Context, c *cluster, ns, url string) error {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: officeChannel, Namespace: ns},
		StringData: map[string]string{"address": url + "/office"},
	}
	if err := c.admin.Create(ctx, secret); err != nil {
		return fmt.Errorf("the office channel's secret: %w", err)
	}
	ch := &v1alpha1.NotificationChannel{
		ObjectMeta: metav1.ObjectMeta{Name: officeChannel, Namespace: ns},
		Spec: v1alpha1.NotificationChannelSpec{
			Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceOffice,
			SecretRef: v1alpha1.SecretReference{Name: officeChannel}, TimeoutSeconds: 5,
		},
	}
	if err := c.admin.Create(ctx, ch); err != nil {
		return fmt.Errorf("the office channel: %w", err)
	}
	patch := client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"metadata":{"annotations":{%q:%q}}}`, v1alpha1.AnnotationConsentedBy, approverUser))
	// RBAC reaches the authorizer a moment after the binding.
	var err error
	if werr := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 5*time.Second, true, func(ctx context.Context) (bool, error) {
		err = c.approver.Patch(ctx, ch, patch)
		return err == nil, nil
	}); werr != nil {
		return fmt.Errorf("the office's consent to its channel: %w", err)
	}
	return nil
}

// The bare custom resource: no schema beyond "anything", no validation
// rules, no admission policy. Its floor is the API server's own cost of a
// create and a status write of an object of the incident's size.
const (
	bareGroup  = "bench.netsec.io"
	bareKind   = "Bare"
	barePlural = "bares"
)

func bareCRD() *apiextensionsv1.CustomResourceDefinition {
	yes := true
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: barePlural + "." + bareGroup},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: bareGroup,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: bareKind, ListKind: bareKind + "List", Plural: barePlural, Singular: strings.ToLower(bareKind)},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: &yes,
				}},
			}},
		},
	}
}

// installBare installs the bare kind and waits until it is served.
func installBare(c *cluster) error {
	if _, err := envtest.InstallCRDs(c.adminCfg, envtest.CRDInstallOptions{CRDs: []*apiextensionsv1.CustomResourceDefinition{bareCRD()}}); err != nil {
		return fmt.Errorf("the bare custom resource: %w", err)
	}
	return nil
}

// floorBare: a bare client creates n bare objects, each holding an
// incident's spec, and writes each one's status once (the incident's
// floor status), with writers in parallel.
func floorBare(ctx context.Context, c client.Client, ns string, n, writers int, probe *v1alpha1.SecurityIncidentStatus) (time.Duration, error) {
	return parallel(ctx, n, writers, func(ctx context.Context, i int) error {
		inc := benchIncident(ns, i)
		spec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&inc.Spec)
		if err != nil {
			return err
		}
		u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
		u.SetAPIVersion(bareGroup + "/v1")
		u.SetKind(bareKind)
		u.SetNamespace(ns)
		u.SetName(inc.Name)
		if err := c.Create(ctx, u); err != nil {
			return fmt.Errorf("bare floor: creating %s: %w", inc.Name, err)
		}
		inc.Generation = u.GetGeneration()
		return writeFloorStatus(ctx, c, u, inc, probe)
	})
}

// deleteBare removes the bare objects of ns.
func deleteBare(ctx context.Context, c client.Client, ns string) error {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(bareGroup + "/v1")
	u.SetKind(bareKind)
	return c.DeleteAllOf(ctx, u, client.InNamespace(ns))
}

// sustainedResult is latency at a steady rate, the API server not
// saturated.
type sustainedResult struct {
	rate     int
	span     time.Duration
	n        int
	levelled int
	// lat is the operator's create → level, as its watch saw it.
	lat   steadyLatency
	load  string
	inbox map[string][2]int
	done  bool
	// createP50 and createP99 time the bench's own create call: the API
	// server's answer to the incident's create, before any level can be
	// written.
	createP50, createP99 time.Duration
	// floor is the same rate's floor, measured before the operator runs: a
	// bare client creates each incident and, once the create returns,
	// writes its status; create → level seen by the bench's watch, as for
	// the operator. What the API server gives at this rate, with nobody
	// else writing.
	floor     steadyLatency
	floorLoad string
	floorCPU  map[string]float64
	// watched is the same floor with the status written by a bare watcher
	// as soon as it sees the create (floorSustained): an operator's floor.
	watched     steadyLatency
	watchedLoad string
	watchedCPU  map[string]float64
	// cpu is what the manager and the control plane spent in the phase,
	// from the first create until every incident had its level.
	cpu map[string]float64
}

// steadyLatency is create → level over a minute at a steady rate, from the
// bench's watch: the whole, and its two legs. seen is from the create's
// start until the watch sees the incident (what any watcher, the manager
// too, waits for the API server to deliver the create); after is from
// then until the watch sees the level.
type steadyLatency struct {
	p50, p99, pmax time.Duration
	seen, after    window
	// windows is create→level p50/p99 for the incidents created in each
	// tenth of the span: whether the latency grows as the minute goes on
	// (a queue that never drains) or comes in spikes.
	windows []window
}

// steadyLatencyOf sums up the incidents levelled among states, created
// over span from start; it returns how many were.
func steadyLatencyOf(states []objState, start time.Time, span time.Duration) (steadyLatency, int) {
	const tenths = 10
	var l steadyLatency
	var lat, seen, after []time.Duration
	byWindow := make([][]time.Duration, tenths)
	for _, s := range states {
		if s.levelAt.IsZero() {
			continue
		}
		d := s.levelAt.Sub(s.start)
		lat = append(lat, d)
		if !s.addedAt.IsZero() {
			seen = append(seen, s.addedAt.Sub(s.start))
			after = append(after, s.levelAt.Sub(s.addedAt))
		}
		w := min(max(0, int(s.start.Sub(start)*tenths/span)), tenths-1)
		byWindow[w] = append(byWindow[w], d)
	}
	for _, w := range byWindow {
		l.windows = append(l.windows, windowOf(w))
	}
	all := windowOf(lat)
	l.p50, l.p99 = all.p50, all.p99
	if len(lat) > 0 {
		l.pmax = lat[len(lat)-1]
	}
	l.seen, l.after = windowOf(seen), windowOf(after)
	return l, len(lat)
}

// windowOf sorts d and returns its p50 and p99.
func windowOf(d []time.Duration) window {
	sortDurations(d)
	return window{percentile(d, 0.5), percentile(d, 0.99)}
}

type window struct{ p50, p99 time.Duration }

// atRate calls f(i) for i in [0, n), rate times a second, each in its own
// goroutine, and returns the first error once all have returned.
func atRate(ctx context.Context, n, rate int, f func(i int) error) error {
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		select {
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		case <-time.After(time.Until(at)):
		}
		wg.Go(func() {
			if err := f(i); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// floorSustained is the sustained phase's floor: a bare client creates
// rate incidents a second for span in ns (drills, so that they can be
// deleted) and writes each one's status as soon as its create returns.
// With a watcher, the status is written instead as soon as the watcher's
// own watch of ns sees the create: what any operator, which learns of an
// incident from a watch, can do at best. Latency is taken as the
// operator's is: from the create's start until the bench's watch (tr) sees
// the level.
func floorSustained(ctx context.Context, c client.Client, watcher client.WithWatch, tr *tracker, ns string, rate int, span, timeout time.Duration, probe *v1alpha1.SecurityIncidentStatus) (steadyLatency, error) {
	n := int(span.Seconds()) * rate
	keys := make([]string, n)
	errs := make(chan error, 1)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	if watcher != nil {
		w, err := watcher.Watch(ctx, &v1alpha1.SecurityIncidentList{}, client.InNamespace(ns))
		if err != nil {
			return steadyLatency{}, fmt.Errorf("floor: watching the incidents of %s: %w", ns, err)
		}
		var writes sync.WaitGroup
		watching := make(chan struct{})
		defer func() {
			w.Stop()
			<-watching
			writes.Wait()
		}()
		go func() {
			defer close(watching)
			for ev := range w.ResultChan() {
				if inc, ok := ev.Object.(*v1alpha1.SecurityIncident); ok && ev.Type == watch.Added && inc.Status.Level == "" {
					writes.Go(func() {
						if err := writeFloorStatus(ctx, c, inc, inc, probe); err != nil {
							report(err)
						}
					})
				}
			}
		}()
	}
	start := time.Now()
	if err := atRate(ctx, n, rate, func(i int) error {
		inc := benchIncident(ns, i)
		inc.Spec.Drill = true
		keys[i] = objKey(kindIncident, ns, inc.Name)
		tr.starting(keys[i], time.Now())
		if err := c.Create(ctx, inc); err != nil {
			return fmt.Errorf("floor: creating %s: %w", inc.Name, err)
		}
		if watcher != nil {
			return nil
		}
		return writeFloorStatus(ctx, c, inc, inc, probe)
	}); err != nil {
		return steadyLatency{}, err
	}
	if _, err := tr.waitFor(ctx, keys, timeout, func(s *objState) bool { return !s.levelAt.IsZero() }); err != nil {
		select {
		case werr := <-errs:
			err = werr
		default:
		}
		return steadyLatency{}, fmt.Errorf("floor at %d a second: %w", rate, err)
	}
	l, _ := steadyLatencyOf(tr.snapshot(keys), start, span)
	return l, nil
}

// sustained creates rate incidents a second for span, from index from, one
// create at a time per tick, and measures create → level.
func (b *bench) sustained(ctx context.Context, c *cluster, tr *tracker, m *manager, in *inbox, r *sustainedResult, from int) error {
	r.load = loadAverage()
	r.n = int(r.span.Seconds()) * r.rate
	fmt.Fprintf(os.Stderr, "bench: operator: %d incidents a second for %s\n", r.rate, r.span)
	wait := b.cpuProfiles(ctx, c, m, "sustained")
	defer wait()
	cpu0 := cpuNow(m)
	start := time.Now()
	took := make([]time.Duration, r.n)
	if err := atRate(ctx, r.n, r.rate, func(i int) error {
		inc := benchIncident(benchNS, from+i)
		t0 := time.Now()
		tr.starting(objKey(kindIncident, benchNS, inc.Name), t0)
		if err := c.writer.Create(ctx, inc); err != nil {
			return fmt.Errorf("creating %s: %w", inc.Name, err)
		}
		took[i] = time.Since(t0)
		return nil
	}); err != nil {
		return err
	}
	keys := make([]string, r.n)
	for i := range keys {
		keys[i] = objKey(kindIncident, benchNS, incidentName(from+i))
	}
	_, werr := tr.waitFor(ctx, keys, b.o.phaseTimeout, func(s *objState) bool { return !s.levelAt.IsZero() })
	r.cpu = cpuSince(m, cpu0)
	r.lat, r.levelled = steadyLatencyOf(tr.snapshot(keys), start, r.span)
	sortDurations(took)
	r.createP50, r.createP99 = percentile(took, 0.5), percentile(took, 0.99)
	if werr != nil {
		return fmt.Errorf("classification at %d a second: %w", r.rate, werr)
	}
	if _, err := tr.waitFor(ctx, keys, b.o.phaseTimeout, func(s *objState) bool { return !s.reportedAt.IsZero() }); err != nil {
		return fmt.Errorf("reports at %d a second: %w", r.rate, err)
	}
	r.inbox = in.between(start, time.Now())
	r.done = true
	_, _, err := b.idle(ctx, tr)
	return err
}
