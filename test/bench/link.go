package main

// The link phase (-link): a reporting unit's cluster linked to the
// province's by an Uplink, against a bare client copying the same objects
// between the same two API servers.
//
// It starts two control planes of its own (startCluster, as the bench's
// main one: CRDs, admission policies, roles; on the province also
// config/rbac/uplink_roles.yaml), registers the unit in its namespace
// pairs on both (the same namespace on either side: floorNS for each
// round's burst floor, catchFloorNS for each round's catch-up floor, linkNS
// for the operator; real incidents cannot be deleted, so each floor has
// its own),
// and grants, on the province, a link user (envtest) the ClusterRole
// emergency-uplink-unit and verb copy on origins/<linkCluster> in each, and
// emergency-unit-reader in the office's namespace (the warnings and
// responses the link mirrors down). The
// link user reaches the province's API server through a loopback relay
// (relay.go), the link's partition; the bench's own admin clients go
// straight. A manager (the binary the bench built, its own process, as
// -identity) runs on each cluster, as in production: the unit's classifies
// the originals and, once the Uplink exists, copies them; the province's
// classifies the copies. Both run through the floors too, so that a floor
// and the operator share the same background work and differ only in who
// copies.
//
//  1. burst, floor: a bare copier watches the round's floor namespace on
//     the unit's cluster and, as each incident appears, creates its copy
//     (link.Incident: the
//     spec and the four marks, the object the operator writes) on the
//     province as the link user, through the relay, with linkWriters
//     writers; the bench files -link incidents with -writers writers; timed
//     from the first create to the last copy seen at the province (a watch
//     of the bench's there);
//  2. burst, operator: the Secret with the link user's kubeconfig (through
//     the relay) and the Uplink (member Unit, namespaces [linkNS]) on the
//     unit's cluster; once it is Connected, -link incidents filed at once,
//     timed as the floor; the copies counted at the province by their
//     origin uid, none doubled; then the time until every original holds
//     the province's level (status.upstream, info);
//  3. catch-up, floor: -link incidents filed in the round's floor
//     namespace (catchFloorNS) and settled; the bare copier lists them and
//     creates their copies with linkWriters writers, timed from the list
//     to the last copy seen;
//  4. catch-up, operator: the relay cut, -link more incidents filed in
//     linkNS, the Uplink Connected=False (Unreachable), the originals
//     settled; the relay mended, timed from the mend until every copy is
//     there (2×-link after the first round, one -link more each round).
//
// Steps 1 and 2, then 3 and 4, run -link-rounds times, each round's floor
// in a namespace of its own: a measure takes ten to thirty seconds, and on
// a shared 2-core machine one round's floor or operator can meet a slower
// machine (every process's CPU seconds up by a third or more for the same
// writes). Each goal is judged on the median of its rounds' ratios; every
// round is printed.
//
// Between measures, the work each set off (the classifications on both
// sides, the decisions fed back) settles first.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/internal/localcluster"
)

const (
	// goalLinkRatio: the copies of a burst, and the catch-up after a
	// partition, within 1.2x a bare client copying the same objects.
	goalLinkRatio = 1.2
	// linkNS is the operator's namespace pair, linkFloorNS and
	// linkCatchFloorNS the floors': the unit's namespace in its cluster
	// and on the province's, registered on both.
	linkNS           = "unit-bench"
	linkFloorNS      = "unit-floor"
	linkCatchFloorNS = "unit-floor-catchup"
	// linkCluster is the unit's cluster's name, as the province knows it
	// (spec.cluster, the copies' origin-cluster).
	linkCluster = "bench-unit"
	// linkUser is the identity the province issues the unit's link.
	linkUser = "link-bench-unit"
	// linkName is the Uplink's name and its upper cluster's.
	linkName        = "province"
	linkSecret      = "uplink-province"
	linkOperatorNS  = "incident-operator-system"
	linkOfficeNS    = "emergency-office"
	linkUplinkRoles = "config/rbac/uplink_roles.yaml"
	// linkWriters is how many copies the bare copier writes at once: as
	// many as the operator's link (controllers/uplink_carry.go).
	linkWriters = 16
)

// linkResult is what the link phase measured.
type linkResult struct {
	n int

	connected time.Duration // Uplink created → Connected=True

	// The burst, in rounds (-link-rounds), as the catch-up.
	bursts []*burstRound

	// The catch-up, in rounds (-link-rounds): its goal is judged on the
	// median of the rounds' ratios, each round's floor measured just
	// before its operator.
	rounds []*catchRound
}

// burstRound is one round of the burst: the floor (the bare copier, as
// the incidents are filed), then the operator, each from the first create
// to the last copy seen at the province; first: to the first copy seen.
type burstRound struct {
	floor, floorFirst time.Duration
	floorLoad         string
	floorCPU          map[string]float64
	floorAPI          siteCounters
	floorCopies       copyTally
	floorDone         bool
	createWall        time.Duration
	burst, burstFirst time.Duration
	burstLoad         string
	burstCPU          map[string]float64
	burstAPI          siteCounters
	burstCopies       copyTally     // every original in linkNS so far
	seen              int           // copies seen when the wait ended
	decisions         time.Duration // first create → every original holds the province's level
	burstDone         bool
}

func (c *burstRound) ratio() float64 { return ratio(c.burst, c.floor) }

// roundNS is the namespace of round i's floor, of base for the first:
// real incidents cannot be deleted, so each round's floor files its own.
func roundNS(base string, i int) string {
	if i == 0 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, i+1)
}

// floorNS is the namespace of round i's burst floor.
func floorNS(i int) string { return roundNS(linkFloorNS, i) }

// catchRound is one round of the catch-up: the floor (the bare copier
// lists n existing incidents and copies them), from the list; then the
// operator, from the mend.
type catchRound struct {
	catchFloor, catchFloorFirst time.Duration
	catchFloorLoad              string
	catchFloorCPU               map[string]float64
	catchFloorAPI               siteCounters
	catchFloorCopies            copyTally
	catchFloorDone              bool
	noticed                     time.Duration // relay cut → Uplink Connected=False
	cutFiled                    time.Duration // writers done filing n during the cut
	firstConn                   time.Duration // mend → the first connection through the relay
	catchUp, catchUpFirst       time.Duration
	catchLoad                   string
	catchCPU                    map[string]float64
	catchAPI                    siteCounters
	reconnected                 time.Duration // mend → Connected=True with no backlog
	total                       int           // originals in linkNS after the round
	afterCopies                 copyTally     // of those
	catchSeen                   int
	catchDone                   bool
}

// ratio is the round's catch-up to its floor.
func (c *catchRound) ratio() float64 { return ratio(c.catchUp, c.catchFloor) }

// catchFloorNS is the namespace of round i's catch-up floor.
func catchFloorNS(i int) string { return roundNS(linkCatchFloorNS, i) }

// median is the median of ratios (of an even count, the higher middle
// one: a goal is not met on the better half of the rounds).
func median(ratios []float64) float64 {
	if len(ratios) == 0 {
		return 0
	}
	ratios = slices.Clone(ratios)
	slices.Sort(ratios)
	return ratios[len(ratios)/2]
}

// round is one round of a measure: its floor and the operator's.
type round interface {
	finished() bool // both measured
	ratio() float64
}

func (c *burstRound) finished() bool { return c.floorDone && c.burstDone }
func (c *catchRound) finished() bool { return c.catchFloorDone && c.catchDone }

// medianRatio is the median of the finished rounds' ratios, and how many
// rounds finished.
func medianRatio[R round](rounds []R) (float64, int) {
	var rs []float64
	for _, c := range rounds {
		if c.finished() {
			rs = append(rs, c.ratio())
		}
	}
	return median(rs), len(rs)
}

// linkSite is one of the phase's control planes, with its manager.
type linkSite struct {
	name  string
	dir   string
	c     *cluster
	m     *manager
	procs map[string]int // its etcd and kube-apiserver, by command name
}

func startLinkSite(ctx context.Context, o options, dir, name string) (*linkSite, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	before := childProcs()
	c, err := startCluster(ctx, clusterOptions{dir: dir, assets: o.assets, crdDir: "config/crd/bases", admissionDir: "config/admission",
		approvalRoles: "config/rbac/approval_roles.yaml", managerRole: "config/rbac/role.yaml", identity: o.identity, writerIdentity: o.writerIdentity})
	if err != nil {
		return nil, fmt.Errorf("the %s's control plane: %w", name, err)
	}
	s := &linkSite{name: name, dir: dir, c: c, procs: map[string]int{}}
	for pid, cmd := range childProcs() {
		if _, ok := before[pid]; !ok && (cmd == "etcd" || cmd == "kube-apiserver") {
			s.procs[cmd] = pid
		}
	}
	return s, nil
}

// linkCPU is the CPU time used so far by the phase's processes and the
// bench itself (the bare copier, the writers, the watches and the relay).
func linkCPU(sites ...*linkSite) map[string]float64 {
	out := map[string]float64{"bench": cpuSeconds(os.Getpid())}
	for _, s := range sites {
		for cmd, pid := range s.procs {
			out[s.name+" "+cmd] = cpuSeconds(pid)
		}
		if s.m != nil {
			out[s.name+" manager"] = cpuSeconds(s.m.pid())
		}
	}
	return out
}

func linkCPUSince(before map[string]float64, sites ...*linkSite) map[string]float64 {
	out := map[string]float64{}
	for k, v := range linkCPU(sites...) {
		out[k] = v - before[k]
	}
	return out
}

func describeLinkCPU(m map[string]float64) string {
	if len(m) == 0 {
		return "-"
	}
	var parts []string
	for _, site := range []string{"unit", "province"} {
		var p []string
		for _, cmd := range []string{"kube-apiserver", "etcd", "manager"} {
			if v, ok := m[site+" "+cmd]; ok {
				p = append(p, fmt.Sprintf("%s %.1f", cmd, v))
			}
		}
		parts = append(parts, site+": "+strings.Join(p, ", "))
	}
	parts = append(parts, fmt.Sprintf("bench %.1f", m["bench"]))
	return strings.Join(parts, "; ")
}

// siteCounters are what the unit's and the province's API servers counted
// (writes by resource and verb), in a measure; nil when a scrape failed.
type siteCounters []apiCounters

// scrapeSites scrapes the API server of each site.
func scrapeSites(ctx context.Context, sites ...*linkSite) siteCounters {
	out := make(siteCounters, 0, len(sites))
	for _, s := range sites {
		a, err := scrapeAPIServer(ctx, s.c.adminCfg)
		if err != nil {
			return nil
		}
		out = append(out, a)
	}
	return out
}

// since is what each site counted since before.
func (a siteCounters) since(ctx context.Context, sites ...*linkSite) siteCounters {
	now := scrapeSites(ctx, sites...)
	if a == nil || now == nil {
		return nil
	}
	out := make(siteCounters, len(now))
	for i := range now {
		out[i] = now[i].since(a[i])
	}
	return out
}

func (a siteCounters) describe(per int) string {
	if len(a) != 2 {
		return "-"
	}
	return "unit " + a[0].describeWrites(per) + "; province " + a[1].describeWrites(per)
}

// hostOf is the host:port of a rest config's server.
func hostOf(server string) string {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return server
	}
	return u.Host
}

// kubeconfigThrough is u's kubeconfig, reaching its API server through
// the address via.
func kubeconfigThrough(u *envtest.AuthenticatedUser, via string) ([]byte, error) {
	b, err := u.KubeConfig()
	if err != nil {
		return nil, err
	}
	cfg, err := clientcmd.Load(b)
	if err != nil {
		return nil, err
	}
	for _, c := range cfg.Clusters {
		s, err := url.Parse(c.Server)
		if err != nil {
			return nil, err
		}
		s.Host = via
		c.Server = s.String()
	}
	return clientcmd.Write(*cfg)
}

// grantLink is what the province grants the unit's link in ns: the
// ClusterRole emergency-uplink-unit, and verb copy on origins/<linkCluster>.
func grantLink(ctx context.Context, admin client.Client, ns string) error {
	subj := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: linkUser}}
	objs := []client.Object{
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "emergency-uplink-unit." + linkUser, Namespace: ns}, Subjects: subj,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "emergency-uplink-unit"}},
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "uplink-origin", Namespace: ns},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"origins"},
				ResourceNames: []string{linkCluster}, Verbs: []string{v1alpha1.VerbCopy}}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "uplink-origin." + linkUser, Namespace: ns}, Subjects: subj,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "uplink-origin"}},
	}
	for _, o := range objs {
		if err := admin.Create(ctx, o); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("granting the link in %s: %w", ns, err)
		}
	}
	return nil
}

// waitCopyAdmitted waits until the province admits a copy written by the
// link in ns (a dry run): the grant is in force.
func waitCopyAdmitted(ctx context.Context, to client.Client, ns string) error {
	orig := benchIncident(ns, 0)
	orig.Name, orig.UID = "grant-probe", types.UID("00000000-0000-4000-8000-000000000000")
	probe := link.Incident(orig, v1alpha1.UplinkUnit, linkCluster, ns)
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := to.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the province does not admit the link's copy in %s: %w", ns, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// copyWatch follows the copies (objects carrying an origin uid) in one
// namespace of the province's cluster, through a metadata watch of the
// bench's admin, and notes when each origin's first copy was seen.
type copyWatch struct {
	mu    sync.Mutex
	first map[string]time.Time
}

func watchCopies(ctx context.Context, c client.WithWatch, ns string) (*copyWatch, error) {
	w := &copyWatch{first: map[string]time.Time{}}
	ready := make(chan struct{})
	go w.follow(ctx, c, ns, ready)
	select {
	case <-ready:
		return w, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func incidentMetaList() *metav1.PartialObjectMetadataList {
	l := &metav1.PartialObjectMetadataList{}
	l.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("SecurityIncidentList"))
	return l
}

func (w *copyWatch) see(o metav1.Object, at time.Time) {
	uid := o.GetLabels()[v1alpha1.LabelOriginUID]
	if uid == "" {
		return
	}
	w.mu.Lock()
	if _, ok := w.first[uid]; !ok {
		w.first[uid] = at
	}
	w.mu.Unlock()
}

func (w *copyWatch) follow(ctx context.Context, c client.WithWatch, ns string, ready chan<- struct{}) {
	rv, opened := "", false
	for ctx.Err() == nil {
		if rv == "" {
			list := incidentMetaList()
			if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
				if ctx.Err() == nil {
					fmt.Fprintf(os.Stderr, "bench: link: listing the copies in %s: %v\n", ns, err)
					time.Sleep(time.Second)
				}
				continue
			}
			now := time.Now()
			for i := range list.Items {
				w.see(&list.Items[i], now)
			}
			rv = list.GetResourceVersion()
		}
		wi, err := c.Watch(ctx, incidentMetaList(), &client.ListOptions{Namespace: ns,
			Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
		if err != nil {
			if ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "bench: link: watching the copies in %s: %v\n", ns, err)
				time.Sleep(time.Second)
			}
			continue
		}
		if !opened {
			opened = true
			close(ready)
		}
		for ev := range wi.ResultChan() {
			now := time.Now()
			if ev.Type == watch.Error {
				rv = "" // relist: it sees what the gap hid
				continue
			}
			o, ok := ev.Object.(metav1.Object)
			if !ok {
				continue
			}
			if ev.Type == watch.Added || ev.Type == watch.Modified {
				w.see(o, now)
			}
			if o.GetResourceVersion() != "" {
				rv = o.GetResourceVersion()
			}
		}
		wi.Stop()
	}
}

// count is how many origins have a copy.
func (w *copyWatch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.first)
}

// span is when the first and the last copy of a measure were seen.
type span struct{ first, last time.Time }

// waitFor waits until n origins have a copy, or timeout; it returns when
// the first and the last of those seen since since were seen, and how
// many origins have a copy.
func (w *copyWatch) waitFor(ctx context.Context, n int, since time.Time, timeout time.Duration) (span, int, error) {
	deadline := time.Now().Add(timeout)
	for {
		w.mu.Lock()
		got := len(w.first)
		var sp span
		if got >= n {
			for _, t := range w.first {
				if t.Before(since) {
					continue
				}
				if sp.first.IsZero() || t.Before(sp.first) {
					sp.first = t
				}
				if t.After(sp.last) {
					sp.last = t
				}
			}
		}
		w.mu.Unlock()
		if got >= n {
			return sp, got, nil
		}
		if time.Now().After(deadline) {
			return span{}, got, fmt.Errorf("only %d of %d copies at the province after %s", got, n, timeout)
		}
		select {
		case <-ctx.Done():
			return span{}, got, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// copyTally counts one namespace's originals on the unit's cluster and
// their copies on the province's.
type copyTally struct {
	originals, copies, distinct, doubled, missing int
}

func (t copyTally) ok(n int) bool {
	return t.originals == n && t.distinct == n && t.doubled == 0 && t.missing == 0
}

func (t copyTally) describe() string {
	return fmt.Sprintf("%d originals → %d copies (%d origins); %d doubled, %d missing", t.originals, t.copies, t.distinct, t.doubled, t.missing)
}

func tallyCopies(ctx context.Context, unit, province client.Client, ns string) (copyTally, error) {
	var t copyTally
	local, held := incidentMetaList(), incidentMetaList()
	if err := unit.List(ctx, local, client.InNamespace(ns)); err != nil {
		return t, err
	}
	if err := province.List(ctx, held, client.InNamespace(ns)); err != nil {
		return t, err
	}
	byUID := map[string]int{}
	for _, h := range held.Items {
		if uid := h.Labels[v1alpha1.LabelOriginUID]; uid != "" {
			t.copies++
			byUID[uid]++
		}
	}
	t.distinct = len(byUID)
	t.doubled = t.copies - t.distinct
	for _, in := range local.Items {
		if in.Labels[v1alpha1.LabelCopy] != "" {
			continue
		}
		t.originals++
		if byUID[string(in.UID)] == 0 {
			t.missing++
		}
	}
	return t, nil
}

// bareCopier is the floor: a bare client doing the link's work between the
// same two API servers. It reads the unit's cluster as its admin and
// writes the copies (link.Incident) on the province's as the link user,
// through the relay, linkWriters at once.
type bareCopier struct {
	from client.WithWatch
	to   client.Client
	ns   string
}

func (cp *bareCopier) copyOne(ctx context.Context, in *v1alpha1.SecurityIncident) error {
	want := link.Incident(in, v1alpha1.UplinkUnit, linkCluster, cp.ns)
	var err error
	for range 5 {
		err = cp.to.Create(ctx, want.DeepCopy())
		if err == nil || apierrors.IsAlreadyExists(err) {
			return nil
		}
		if apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("floor: copying %s: %w", in.Name, err)
}

// follow watches the namespace on the unit's cluster and copies each
// incident as it appears, until n are copied; ready is closed once the
// watch is open.
func (cp *bareCopier) follow(ctx context.Context, n int, ready chan<- struct{}) error {
	queue := make(chan *v1alpha1.SecurityIncident, n)
	g, gctx := errgroup.WithContext(ctx)
	for range linkWriters {
		g.Go(func() error {
			for in := range queue {
				if err := cp.copyOne(gctx, in); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(queue)
		seen := map[types.UID]bool{}
		enqueue := func(in *v1alpha1.SecurityIncident) {
			if !seen[in.UID] && len(seen) < n {
				seen[in.UID] = true
				queue <- in
			}
		}
		rv, opened := "", false
		for len(seen) < n {
			if err := gctx.Err(); err != nil {
				return err
			}
			if rv == "" {
				list := &v1alpha1.SecurityIncidentList{}
				if err := cp.from.List(gctx, list, client.InNamespace(cp.ns)); err != nil {
					return err
				}
				for i := range list.Items {
					enqueue(&list.Items[i])
				}
				rv = list.ResourceVersion
			}
			w, err := cp.from.Watch(gctx, &v1alpha1.SecurityIncidentList{}, &client.ListOptions{Namespace: cp.ns,
				Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
			if err != nil {
				return err
			}
			if !opened {
				opened = true
				close(ready)
			}
			for ev := range w.ResultChan() {
				if ev.Type == watch.Error {
					rv = ""
					break
				}
				in, ok := ev.Object.(*v1alpha1.SecurityIncident)
				if !ok {
					continue
				}
				rv = in.ResourceVersion
				if ev.Type == watch.Added || ev.Type == watch.Modified {
					enqueue(in)
				}
				if len(seen) >= n {
					break
				}
			}
			w.Stop()
		}
		return nil
	})
	return g.Wait()
}

// copyExisting lists the namespace on the unit's cluster and copies every
// incident there, linkWriters at once: the catch-up's floor.
func (cp *bareCopier) copyExisting(ctx context.Context) error {
	list := &v1alpha1.SecurityIncidentList{}
	if err := cp.from.List(ctx, list, client.InNamespace(cp.ns)); err != nil {
		return err
	}
	_, err := parallel(ctx, len(list.Items), linkWriters, func(ctx context.Context, i int) error {
		return cp.copyOne(ctx, &list.Items[i])
	})
	return err
}

// fileIncidents creates incidents from..to-1 in ns on c with writers in
// parallel, and returns the writers' wall time.
func fileIncidents(ctx context.Context, c client.Client, ns string, from, to, writers int) (time.Duration, error) {
	return parallel(ctx, to-from, writers, func(ctx context.Context, i int) error {
		inc := benchIncident(ns, from+i)
		if err := c.Create(ctx, inc); err != nil {
			return fmt.Errorf("creating %s/%s: %w", ns, inc.Name, err)
		}
		return nil
	})
}

// settleIncidents waits until every incident of ns on each of cs is
// classified and neither they nor the reports (Notifications) there
// changed for two seconds, or nothing changed for five (at most timeout):
// the work a measure set off (the classifications and reports on both
// sides, the decisions fed back) ends before the next measure begins.
func settleIncidents(ctx context.Context, ns string, timeout time.Duration, cs ...client.Client) error {
	deadline := time.Now().Add(timeout)
	last, quiet := "", 0
	for {
		var fp strings.Builder
		all := true
		for _, c := range cs {
			list := &v1alpha1.SecurityIncidentList{}
			if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
				return err
			}
			top := int64(0)
			for _, in := range list.Items {
				if in.Status.Level == "" {
					all = false
				}
				if v, _ := strconv.ParseInt(in.ResourceVersion, 10, 64); v > top {
					top = v
				}
			}
			reports := &metav1.PartialObjectMetadataList{}
			reports.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("NotificationList"))
			if err := c.List(ctx, reports, client.InNamespace(ns)); err != nil {
				return err
			}
			for _, n := range reports.Items {
				if v, _ := strconv.ParseInt(n.ResourceVersion, 10, 64); v > top {
					top = v
				}
			}
			fmt.Fprintf(&fp, "%d/%d/%d;", len(list.Items), len(reports.Items), top)
		}
		if fp.String() == last {
			quiet++
		} else {
			last, quiet = fp.String(), 0
		}
		if (all && quiet >= 2) || quiet >= 5 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the incidents of %s did not settle within %s", ns, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// waitDecisions waits until every original in ns holds the province's
// level (status.upstream.level).
func waitDecisions(ctx context.Context, c client.Client, ns string, n int, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		list := &v1alpha1.SecurityIncidentList{}
		if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
			return time.Time{}, err
		}
		got := 0
		for _, in := range list.Items {
			if in.Status.Upstream != nil && in.Status.Upstream.Level != "" {
				got++
			}
		}
		if got >= n {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("only %d of %d originals hold the province's level after %s", got, n, timeout)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// waitLink polls the Uplink until ok holds of it, or timeout.
func waitLink(ctx context.Context, c client.Client, timeout time.Duration, ok func(*v1alpha1.Uplink) bool) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	l := &v1alpha1.Uplink{}
	for {
		if err := c.Get(ctx, client.ObjectKey{Name: linkName}, l); err == nil && ok(l) {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			c := meta.FindStatusCondition(l.Status.Conditions, v1alpha1.UplinkConnectedCondition)
			if c == nil {
				return time.Time{}, fmt.Errorf("the Uplink has no condition Connected after %s", timeout)
			}
			return time.Time{}, fmt.Errorf("the Uplink is Connected=%s (%s: %s), backlog %d, after %s", c.Status, c.Reason, c.Message, l.Status.Backlog, timeout)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func connected(want metav1.ConditionStatus) func(*v1alpha1.Uplink) bool {
	return func(l *v1alpha1.Uplink) bool {
		c := meta.FindStatusCondition(l.Status.Conditions, v1alpha1.UplinkConnectedCondition)
		return c != nil && c.Status == want
	}
}

// linkPhase runs the link phase (see the top of this file) on two control
// planes of its own, stopped when it returns.
func (b *bench) linkPhase(ctx context.Context, bin string) (err error) {
	o := b.o
	n := o.link
	r := &linkResult{n: n}
	b.link = r
	dir := filepath.Join(b.dir, "link")
	ctx, cancel := context.WithCancel(ctx)
	var unit, province *linkSite
	var rl *relay
	defer func() {
		cancel() // the watches, before their API servers go
		for _, s := range []*linkSite{unit, province} {
			if s != nil {
				s.m.stop()
			}
		}
		if rl != nil {
			rl.cut()
		}
		for _, s := range []*linkSite{province, unit} {
			if s != nil {
				if serr := s.c.stop(); serr != nil {
					fmt.Fprintf(os.Stderr, "bench: link: stopping the %s's control plane: %v\n", s.name, serr)
				}
			}
		}
	}()

	fmt.Fprintln(os.Stderr, "bench: link: starting the unit's and the province's control planes in", dir)
	if unit, err = startLinkSite(ctx, o, filepath.Join(dir, "unit"), "unit"); err != nil {
		return err
	}
	if province, err = startLinkSite(ctx, o, filepath.Join(dir, "province"), "province"); err != nil {
		return err
	}
	pa := province.c.admin
	if err := localcluster.ApplyFile(ctx, pa, linkUplinkRoles); err != nil {
		return err
	}
	lu, err := province.c.env.AddUser(envtest.User{Name: linkUser, Groups: []string{"system:authenticated"}}, nil)
	if err != nil {
		return err
	}
	if rl, err = startRelay(hostOf(province.c.adminCfg.Host)); err != nil {
		return err
	}
	linkCfg := unthrottled(lu.Config())
	linkCfg.Host = "https://" + rl.addr
	to, err := client.New(linkCfg, client.Options{Scheme: province.c.scheme})
	if err != nil {
		return err
	}
	kubeconfig, err := kubeconfigThrough(lu, rl.addr)
	if err != nil {
		return err
	}
	namespaces := []string{linkNS}
	for i := range o.linkRounds {
		namespaces = append(namespaces, floorNS(i), catchFloorNS(i))
	}
	for _, s := range []*linkSite{unit, province} {
		for _, ns := range []string{linkOperatorNS, linkOfficeNS} {
			if err := ensureNamespace(ctx, s.c.admin, ns); err != nil {
				return err
			}
		}
		for _, ns := range namespaces {
			if err := ensureUnitNamespace(ctx, s.c.admin, ns); err != nil {
				return err
			}
		}
	}
	// The link reads the office's warnings and responses there, to mirror
	// them down, as the unit's people read them (docs/links.md).
	if err := pa.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "emergency-unit-reader." + linkUser, Namespace: linkOfficeNS},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: linkUser}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "emergency-unit-reader"},
	}); err != nil {
		return err
	}
	for _, ns := range namespaces {
		if err := grantLink(ctx, pa, ns); err != nil {
			return err
		}
		if err := waitCopyAdmitted(ctx, to, ns); err != nil {
			return err
		}
	}

	fmt.Fprintln(os.Stderr, "bench: link: starting a manager on each")
	extra := strings.Fields(o.managerArgs)
	unit.m, err = startManager(ctx, bin, unit.c.managerKubeconfig, unit.dir, extra, []string{"securityincident", "uplink"})
	if err != nil {
		return fmt.Errorf("the unit's manager: %w", err)
	}
	province.m, err = startManager(ctx, bin, province.c.managerKubeconfig, province.dir, extra, []string{"securityincident"})
	if err != nil {
		return fmt.Errorf("the province's manager: %w", err)
	}
	if o.keep {
		b.note("link: manager logs: %s, %s", unit.m.logPath, province.m.logPath)
	}
	ua := unit.c.admin
	sites := []*linkSite{unit, province}
	// settle lets the work a measure set off (the classifications on both
	// sides, the decisions fed back) end before the next one begins.
	settle := func(ns string, cs ...client.Client) error {
		if err := settleIncidents(ctx, ns, 5*time.Minute, cs...); err != nil && ctx.Err() == nil {
			b.note("link: %v", err)
		}
		return ctx.Err()
	}

	// 1. The burst, in rounds: the floor, then the operator. The Uplink is
	// made before the first.
	filed := 0 // originals in linkNS
	for i := range o.linkRounds {
		c := &burstRound{}
		r.bursts = append(r.bursts, c)
		ns := floorNS(i)
		fmt.Fprintf(os.Stderr, "bench: link: burst, round %d of %d: floor: a bare copier copies %d incidents as they are filed by %d writers\n", i+1, o.linkRounds, n, o.writers)
		if err := b.linkFloor(ctx, c, ns, n, sites, to); err != nil {
			return err
		}
		if err := settle(ns, ua, pa); err != nil {
			return err
		}
		if i == 0 {
			fmt.Fprintln(os.Stderr, "bench: link: the unit's Uplink")
			if err := ua.Create(ctx, &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: linkSecret, Namespace: linkOperatorNS},
				Data:       map[string][]byte{"kubeconfig": kubeconfig},
			}); err != nil {
				return err
			}
			start := time.Now()
			if err := ua.Create(ctx, &v1alpha1.Uplink{
				ObjectMeta: metav1.ObjectMeta{Name: linkName},
				Spec: v1alpha1.UplinkSpec{
					Cluster: linkCluster, Member: v1alpha1.UplinkUnit, Namespaces: []string{linkNS},
					Upper: v1alpha1.UpperCluster{Name: linkName, Namespace: linkNS, OfficeNamespace: linkOfficeNS,
						Kubeconfig: v1alpha1.SecretKeyRef{Namespace: linkOperatorNS, Name: linkSecret}},
				},
			}); err != nil {
				return err
			}
			at, err := waitLink(ctx, ua, 2*time.Minute, connected(metav1.ConditionTrue))
			if err != nil {
				return err
			}
			r.connected = at.Sub(start)
		}
		fmt.Fprintf(os.Stderr, "bench: link: burst, round %d: operator: %d incidents by %d writers\n", i+1, n, o.writers)
		if err := b.linkBurst(ctx, c, filed, n, sites); err != nil {
			return err
		}
		filed += n
		if err := settle(linkNS, ua, pa); err != nil {
			return err
		}
	}

	// 2. The catch-up after a partition, in rounds: the floor, then the
	// operator.
	for i := range o.linkRounds {
		c := &catchRound{}
		r.rounds = append(r.rounds, c)
		ns := catchFloorNS(i)
		fmt.Fprintf(os.Stderr, "bench: link: catch-up, round %d of %d: floor: %d incidents filed, then a bare copier lists and copies them\n", i+1, o.linkRounds, n)
		if _, err := fileIncidents(ctx, unit.c.writer, ns, 0, n, o.writers); err != nil {
			return err
		}
		if err := settle(ns, ua); err != nil {
			return err
		}
		if err := b.linkCatchFloor(ctx, r, c, ns, sites, to); err != nil {
			return err
		}
		if err := settle(ns, ua, pa); err != nil {
			return err
		}
		if err := b.linkCatchUp(ctx, r, c, filed, sites, rl); err != nil {
			return err
		}
		filed += n
		if err := settle(linkNS, ua, pa); err != nil {
			return err
		}
	}
	return nil
}

// linkFloor: the bare copier follows ns (a round's floor namespace) while
// the bench files n incidents there.
func (b *bench) linkFloor(ctx context.Context, r *burstRound, ns string, n int, sites []*linkSite, to client.Client) error {
	unit, province := sites[0], sites[1]
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cw, err := watchCopies(ctx, province.c.admin, ns)
	if err != nil {
		return err
	}
	cp := &bareCopier{from: unit.c.admin, to: to, ns: ns}
	ready := make(chan struct{})
	copied := make(chan error, 1)
	go func() { copied <- cp.follow(ctx, n, ready) }()
	select {
	case <-ready:
	case err := <-copied:
		return fmt.Errorf("floor: the bare copier: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	api0, cpu0, load0 := scrapeSites(ctx, sites...), linkCPU(sites...), loadAverage()
	start := time.Now()
	if _, err := fileIncidents(ctx, unit.c.writer, ns, 0, n, b.o.writers); err != nil {
		return err
	}
	sp, _, err := cw.waitFor(ctx, n, start, b.o.phaseTimeout)
	if err != nil {
		cancel()
		if cerr := <-copied; cerr != nil && !errors.Is(cerr, context.Canceled) {
			return fmt.Errorf("floor: %w (the bare copier: %w)", err, cerr)
		}
		return fmt.Errorf("floor: %w", err)
	}
	r.floor, r.floorFirst = sp.last.Sub(start), sp.first.Sub(start)
	r.floorLoad, r.floorCPU, r.floorAPI = load0, linkCPUSince(cpu0, sites...), api0.since(ctx, sites...)
	if err := <-copied; err != nil {
		return fmt.Errorf("floor: the bare copier: %w", err)
	}
	if r.floorCopies, err = tallyCopies(ctx, unit.c.admin, province.c.admin, ns); err != nil {
		return err
	}
	r.floorDone = true
	return nil
}

// linkBurst: n incidents filed at once in linkNS, which holds filed
// originals already, the Uplink connected.
func (b *bench) linkBurst(ctx context.Context, r *burstRound, filed, n int, sites []*linkSite) error {
	unit, province := sites[0], sites[1]
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cw, err := watchCopies(ctx, province.c.admin, linkNS)
	if err != nil {
		return err
	}
	api0, cpu0, load0 := scrapeSites(ctx, sites...), linkCPU(sites...), loadAverage()
	start := time.Now()
	if r.createWall, err = fileIncidents(ctx, unit.c.writer, linkNS, filed, filed+n, b.o.writers); err != nil {
		return err
	}
	sp, seen, werr := cw.waitFor(ctx, filed+n, start, b.o.phaseTimeout)
	r.seen = seen
	r.burstLoad, r.burstCPU, r.burstAPI = load0, linkCPUSince(cpu0, sites...), api0.since(ctx, sites...)
	if r.burstCopies, err = tallyCopies(ctx, unit.c.admin, province.c.admin, linkNS); err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("operator: %w", werr)
	}
	r.burst, r.burstFirst = sp.last.Sub(start), sp.first.Sub(start)
	r.burstDone = true
	at, err := waitDecisions(ctx, unit.c.admin, linkNS, filed+n, b.o.phaseTimeout)
	if err != nil {
		b.note("link: %v", err)
		return nil
	}
	r.decisions = at.Sub(start)
	return nil
}

// linkCatchFloor: the bare copier lists the n incidents of ns (a round's
// floor namespace) and copies them.
func (b *bench) linkCatchFloor(ctx context.Context, r *linkResult, c *catchRound, ns string, sites []*linkSite, to client.Client) error {
	unit, province := sites[0], sites[1]
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cw, err := watchCopies(ctx, province.c.admin, ns)
	if err != nil {
		return err
	}
	cp := &bareCopier{from: unit.c.admin, to: to, ns: ns}
	api0, cpu0, load0 := scrapeSites(ctx, sites...), linkCPU(sites...), loadAverage()
	start := time.Now()
	if err := cp.copyExisting(ctx); err != nil {
		return err
	}
	sp, _, err := cw.waitFor(ctx, r.n, start, b.o.phaseTimeout)
	if err != nil {
		return fmt.Errorf("catch-up floor: %w", err)
	}
	c.catchFloor, c.catchFloorFirst = sp.last.Sub(start), sp.first.Sub(start)
	c.catchFloorLoad, c.catchFloorCPU, c.catchFloorAPI = load0, linkCPUSince(cpu0, sites...), api0.since(ctx, sites...)
	if c.catchFloorCopies, err = tallyCopies(ctx, unit.c.admin, province.c.admin, ns); err != nil {
		return err
	}
	c.catchFloorDone = true
	return nil
}

// linkCatchUp cuts the relay, files n more incidents in linkNS (which
// holds filed already), waits until the Uplink says it is cut off and the
// originals are classified, mends the relay and times the catch-up.
func (b *bench) linkCatchUp(ctx context.Context, r *linkResult, c *catchRound, filed int, sites []*linkSite, rl *relay) error {
	unit, province := sites[0], sites[1]
	ua, n := unit.c.admin, r.n
	c.total = filed + n
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cw, err := watchCopies(ctx, province.c.admin, linkNS)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: link: catch-up: the relay cut, %d incidents filed\n", n)
	type noticed struct {
		at  time.Time
		err error
	}
	noticedAt := make(chan noticed, 1)
	cut := time.Now()
	rl.cut()
	go func() {
		at, err := waitLink(ctx, ua, 2*time.Minute+b.o.phaseTimeout, func(l *v1alpha1.Uplink) bool {
			c := meta.FindStatusCondition(l.Status.Conditions, v1alpha1.UplinkConnectedCondition)
			return c != nil && c.Status == metav1.ConditionFalse && c.Reason == v1alpha1.UplinkUnreachableReason
		})
		noticedAt <- noticed{at, err}
	}()
	if c.cutFiled, err = fileIncidents(ctx, unit.c.writer, linkNS, filed, filed+n, b.o.writers); err != nil {
		return err
	}
	nt := <-noticedAt
	if nt.err != nil {
		return fmt.Errorf("partition: %w", nt.err)
	}
	c.noticed = nt.at.Sub(cut)
	if err := settleIncidents(ctx, linkNS, 5*time.Minute, ua); err != nil && ctx.Err() == nil {
		b.note("link: %v", err)
	}
	if got := cw.count(); got > filed {
		return fmt.Errorf("partition: %d copies crossed while the relay was cut", got-filed)
	}

	fmt.Fprintln(os.Stderr, "bench: link: catch-up: the relay mended")
	api0, cpu0, load0 := scrapeSites(ctx, sites...), linkCPU(sites...), loadAverage()
	mended, err := rl.mend(ctx)
	if err != nil {
		return err
	}
	sp, seen, werr := cw.waitFor(ctx, filed+n, mended, b.o.phaseTimeout)
	c.catchSeen = seen
	c.catchLoad, c.catchCPU, c.catchAPI = load0, linkCPUSince(cpu0, sites...), api0.since(ctx, sites...)
	if fc := rl.firstConnection(); !fc.IsZero() {
		c.firstConn = fc.Sub(mended)
	}
	if c.afterCopies, err = tallyCopies(ctx, ua, province.c.admin, linkNS); err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("catch-up: %w", werr)
	}
	c.catchUp, c.catchUpFirst = sp.last.Sub(mended), sp.first.Sub(mended)
	c.catchDone = true
	at, err := waitLink(ctx, ua, 2*time.Minute, func(l *v1alpha1.Uplink) bool {
		return connected(metav1.ConditionTrue)(l) && l.Status.Backlog == 0
	})
	if err != nil {
		b.note("link: after the catch-up: %v", err)
		return nil
	}
	c.reconnected = at.Sub(mended)
	return nil
}

// linkRows are the link phase's rows of the results.
func (b *bench) linkRows() []row {
	r := b.link
	if r == nil {
		return nil
	}
	var rows []row
	add := func(what, measured, goal string, ok *bool) { rows = append(rows, resultRow(what, measured, goal, ok)) }
	goal := fmt.Sprintf("≤ %.1fx", goalLinkRatio)
	timing := func(last, first time.Duration, load string) string {
		return fmt.Sprintf("%s (first copy %s; load at start %s)", secs(last), secs(first), load)
	}
	rows = append(rows, row{what: fmt.Sprintf("link: %d incidents filed at once in a unit's cluster, copied to the province's (two control planes, a manager on each, the link through a loopback relay)", r.n)})
	if r.connected > 0 {
		add("  operator: Uplink created → Connected", secs(r.connected), "(info)", nil)
	}
	for i, c := range r.bursts {
		rows = append(rows, row{what: fmt.Sprintf("link: burst, round %d of %d", i+1, len(r.bursts))})
		if c.floorDone {
			add(fmt.Sprintf("  floor: bare copier (a watch, %d writers, as the link user), first create → last copy", linkWriters), timing(c.floor, c.floorFirst, c.floorLoad), "", nil)
			add("  floor: copies at the province", c.floorCopies.describe(), "", nil)
			add("  CPU seconds in the floor", describeLinkCPU(c.floorCPU), "", nil)
			add("  API server writes per incident in the floor (all clients)", c.floorAPI.describe(r.n), "", nil)
		} else {
			add("  floor: bare copier", "not measured", "", yes(false))
		}
		switch {
		case c.burstDone:
			add("  operator: writers done creating", secs(c.createWall), "", nil)
			add("  operator: first create → last copy at the province", timing(c.burst, c.burstFirst, c.burstLoad), "", nil)
			add("  ratio to the floor", fmt.Sprintf("%.2fx", c.ratio()), "(median below)", nil)
			add(fmt.Sprintf("  copies at the province, by origin uid (all %d)", c.burstCopies.originals), c.burstCopies.describe(), "0 doubled", yes(c.burstCopies.ok(c.burstCopies.originals) && c.burstCopies.originals == (i+1)*r.n))
			if c.decisions > 0 {
				add("  first create → every original holds the province's level", secs(c.decisions), "(info)", nil)
			}
			add("  CPU seconds in the phase", describeLinkCPU(c.burstCPU), "", nil)
			add("  API server writes per incident in the phase (all clients)", c.burstAPI.describe(r.n), "", nil)
		case r.connected > 0:
			add("  operator: copies at the province", fmt.Sprintf("%d of %d seen; %s", c.seen, (i+1)*r.n, c.burstCopies.describe()), "", yes(false))
		}
	}
	if m, done := medianRatio(r.bursts); done > 0 {
		add(fmt.Sprintf("link: burst, median ratio to the floor over %d rounds", done), fmt.Sprintf("%.2fx", m), goal, yes(done == len(r.bursts) && m <= goalLinkRatio))
	}
	for i, c := range r.rounds {
		if !c.catchFloorDone && c.noticed == 0 {
			continue
		}
		rows = append(rows, row{what: fmt.Sprintf("link: catch-up after a partition of %d records, round %d of %d", r.n, i+1, len(r.rounds))})
		if c.catchFloorDone {
			add(fmt.Sprintf("  floor: bare copier, list the %d and create their copies (%d writers), list → last copy", r.n, linkWriters), timing(c.catchFloor, c.catchFloorFirst, c.catchFloorLoad), "", nil)
			add("  floor: copies at the province", c.catchFloorCopies.describe(), "", nil)
			add("  CPU seconds in the floor", describeLinkCPU(c.catchFloorCPU), "", nil)
			add("  API server writes per incident in the floor (all clients)", c.catchFloorAPI.describe(r.n), "", nil)
		}
		if c.noticed > 0 {
			add(fmt.Sprintf("  writers done filing %d, the relay cut", r.n), secs(c.cutFiled), "", nil)
			add("  relay cut → Uplink Connected=False (Unreachable)", secs(c.noticed), "(info)", nil)
		}
		total := c.total
		switch {
		case c.catchDone:
			add("  relay mended → first connection through it", secs(c.firstConn), "(info)", nil)
			add("  operator: relay mended → last copy at the province", timing(c.catchUp, c.catchUpFirst, c.catchLoad), "", nil)
			add("  ratio to the floor", fmt.Sprintf("%.2fx", c.ratio()), "(median below)", nil)
			add("  ratio of first copy → last copy to the floor's", fmt.Sprintf("%.2fx", ratio(c.catchUp-c.catchUpFirst, c.catchFloor-c.catchFloorFirst)), "(info)", nil)
			add(fmt.Sprintf("  copies at the province, by origin uid (all %d)", total), c.afterCopies.describe(), "0 doubled", yes(c.afterCopies.ok(total)))
			if c.reconnected > 0 {
				add("  relay mended → Uplink Connected=True, backlog 0", secs(c.reconnected), "(info)", nil)
			}
			add("  CPU seconds in the catch-up", describeLinkCPU(c.catchCPU), "", nil)
			add("  API server writes per incident in the catch-up (all clients)", c.catchAPI.describe(r.n), "", nil)
		case c.noticed > 0:
			add("  operator: catch-up", fmt.Sprintf("%d of %d seen; %s", max(c.catchSeen-(total-r.n), 0), r.n, c.afterCopies.describe()), "", yes(false))
		}
	}
	if m, done := medianRatio(r.rounds); done > 0 {
		add(fmt.Sprintf("link: catch-up, median ratio to the floor over %d rounds", done), fmt.Sprintf("%.2fx", m), goal, yes(done == len(r.rounds) && m <= goalLinkRatio))
	}
	return rows
}

// linkPassed says whether the link phase ran whole.
func (b *bench) linkPassed() bool {
	r := b.link
	if r == nil || len(r.bursts) != b.o.linkRounds || len(r.rounds) != b.o.linkRounds {
		return false
	}
	_, bursts := medianRatio(r.bursts)
	_, rounds := medianRatio(r.rounds)
	return bursts == len(r.bursts) && rounds == len(r.rounds)
}
