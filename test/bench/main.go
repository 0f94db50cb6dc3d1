// Command bench measures the operator in a storm and at size, against bare
// clients doing the same writes on the same control plane, and exits
// non-zero when a goal is missed.
//
// One run starts its own etcd and kube-apiserver (envtest, with the CRDs and
// admission policies) and a loopback receiver for the office's channel
// (storm.go), and, before the operator runs:
//
//  1. floors: for each burst, a bare client creates as many objects of a
//     bare custom resource (no schema, no validation rules, no policies)
//     and writes each status once; then the same incidents, with their
//     status written once (a merge patch); the same incidents at the
//     sustained phase's rate, each status written as its create returns;
//     and it creates the work groups of -approve responses with a status
//     write each. Each floor's objects are deleted before the operator
//     starts.
//
// Then it builds and starts the manager as its own process (KUBECONFIG of
// the bench cluster, as the deployed service account), gives the office a
// channel (-office-channel) and:
//
//  2. burst: creates -incidents incidents with -writers writers; a watch
//     records when each one's status.level first appears, the writes
//     (resourceVersions) it saw, and when its report to the office is
//     delivered; the receiver counts the messages per audience and the
//     reports they carry; then -idle of quiet; RSS of the manager;
//  3. sustained: -rate incidents a second for -sustain, create → level,
//     against its floor (a bare client at the same rate, create → status
//     written, measured with the other floors);
//  4. creates incidents up to -total, the same way as the burst;
//  5. creates -responses EmergencyResponses over level IV incidents, waits
//     until they await approval, has another, entitled user approve -approve
//     of them at once and times their work groups to Ready; then approves
//     the rest, so that the cluster holds -responses responses and five work
//     groups for each; RSS again;
//  6. floor of memory: runs itself as a bare process that caches the same
//     objects, whole and then as metadata only, and reads its RSS
//     (holder.go);
//  7. link (-link, link.go): with the bench's control plane stopped, two
//     more, a unit's and the province's, linked by an Uplink through a
//     loopback relay, a manager on each: -link incidents filed at once in
//     the unit's cluster until all are copied to the province's, and the
//     catch-up after a partition of -link records, each against a bare
//     client copying the same objects between the same two API servers,
//     each in -link-rounds rounds judged on their median. -link-only runs
//     this phase alone.
//
// With pprof on the manager (--pprof-bind-address), the CPU profile of the
// first burst and heap profiles go to -profiles. The results printed at the
// end is also written to -output (bin/bench/output.txt).
//
//	go run ./test/bench -incidents 2000 -total 10000
//	go run ./test/bench -link-only -link 200
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	opmanager "github.com/netsec-io/incident-operator/manager"
)

// The goals: the burst's ratio to the same incidents' floor and to a bare
// custom resource's, latency at a sustained rate, the messages one
// audience gets in a burst of 2,000, and memory against a bare process
// caching the metadata of the same objects.
const (
	goalRatio        = 1.2
	goalBareRatio    = 1.5
	goalSustainedP99 = time.Second
	goalMessages     = 20
	goalMessagesAt   = 2000
	goalRSSRatio     = 1.3
	benchNS          = "bench"
	floorBareNS      = "bench-floor-bare"
	floorIncNS1      = "bench-floor-1"
	floorIncNS2      = "bench-floor-2"
	floorGroupsNS    = "bench-floor-wg"
	floorSameNS      = "bench-floor-same"
	floorSteadyNS    = "bench-floor-steady"
	floorWatchedNS   = "bench-floor-watched"
)

// atRest is how long the bench leaves the manager without work before it
// reads its memory at rest: --return-memory-after's default, and time for
// the return itself.
const atRest = opmanager.DefaultReturnMemoryAfter + 5*time.Second

// managerControllers are the controllers whose workers the bench waits
// for when it starts the manager.
var managerControllers = []string{"securityincident", "emergencyresponse", "workgroup"}

type options struct {
	incidents, total, responses, approve, writers    int
	rate                                             int
	sustain                                          time.Duration
	officeChannel, watchedFloor                      bool
	idle, phaseTimeout, timeout, cpuProfile          time.Duration
	assets, managerSrc, managerBin, profiles, output string
	identity, managerArgs, writerIdentity            string
	keep                                             bool
	link                                             int
	linkRounds                                       int
	linkOnly                                         bool
	floorParts                                       int
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == holdCacheArg {
		os.Exit(holdCache(os.Args[2], os.Args[3]))
	}
	os.Exit(run())
}

func run() int {
	var o options
	flag.IntVar(&o.incidents, "incidents", 2000, "Incidents in the first burst (and its floor).")
	flag.IntVar(&o.total, "total", 10000, "Incidents in the cluster after the second burst; 0 or ≤ -incidents skips it.")
	flag.IntVar(&o.responses, "responses", 1000, "EmergencyResponses in the cluster at the end (five work groups each); 0 skips responses.")
	flag.IntVar(&o.approve, "approve", 200, "Responses approved at once and timed.")
	flag.IntVar(&o.writers, "writers", 16, "Parallel writers of the bench (and of the floor).")
	flag.IntVar(&o.rate, "rate", 50, "Incidents a second in the sustained phase, between the two bursts; 0 skips it.")
	flag.DurationVar(&o.sustain, "sustain", time.Minute, "How long the sustained phase creates incidents.")
	flag.BoolVar(&o.watchedFloor, "watched-floor", false, "Also measure the sustained phase's floor with each status written by a bare watcher once it sees the create (an operator's least). It adds a minute of creates and deletes to the cluster's history before the operator runs.")
	flag.BoolVar(&o.officeChannel, "office-channel", true, "Give the office a channel (a CloudEvents webhook on the bench's loopback receiver), so that reports are delivered and counted.")
	flag.DurationVar(&o.idle, "idle", 5*time.Second, "Quiet time after each phase, in which no write should happen.")
	flag.DurationVar(&o.phaseTimeout, "phase-timeout", 15*time.Minute, "Longest wait for one phase to settle.")
	flag.DurationVar(&o.timeout, "timeout", 90*time.Minute, "Longest whole run.")
	flag.DurationVar(&o.cpuProfile, "cpu-profile", 40*time.Second, "Length of the manager's CPU profile, from the first burst's start.")
	flag.StringVar(&o.assets, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory of etcd and kube-apiserver.")
	flag.StringVar(&o.managerSrc, "manager-src", ".", "Module root to build ./cmd from (e.g. a worktree of another commit).")
	flag.StringVar(&o.managerBin, "manager-bin", "", "A manager binary to use instead of building one.")
	flag.StringVar(&o.profiles, "profiles", "bin/bench", "Directory for the manager's pprof profiles; empty: none.")
	flag.StringVar(&o.output, "output", "bin/bench/output.txt", "File the results printed at the end are also written to; empty: none.")
	flag.StringVar(&o.managerArgs, "manager-args", "", "More flags for the manager, space-separated, e.g. \"--workers=16\".")
	flag.StringVar(&o.writerIdentity, "writers-as", "admin",
		"Whom the bench's writers (floor and load) act as: admin (system:masters, exempt from priority and fairness) or reporter (an ordinary user allowed to create and write status).")
	flag.StringVar(&o.identity, "identity", "serviceaccount", "Whom the manager runs as: serviceaccount (manager-role, as deployed) or admin (system:masters).")
	flag.BoolVar(&o.keep, "keep", false, "Keep the run's directory (logs, etcd data).")
	flag.IntVar(&o.link, "link", 1000, "Incidents in the link phase's burst and in its partition (two more control planes, linked by an Uplink); 0 skips the phase.")
	flag.IntVar(&o.linkRounds, "link-rounds", 3, "Rounds of each of the link phase's measures (the burst, the catch-up), each its floor then the operator; each goal is judged on the median of its rounds' ratios.")
	flag.IntVar(&o.floorParts, "floor-parts", 0, "Only measure the incidents' floor in parts (schema, validation rules, admission policies) against a bare custom resource's, this many rounds; no operator runs.")
	flag.BoolVar(&o.linkOnly, "link-only", false, "Run the link phase only (no other phase, no main control plane).")
	flag.Parse()
	quietLogs()
	if o.assets == "" {
		fmt.Fprintln(os.Stderr, "bench: set KUBEBUILDER_ASSETS or -assets (run `make bench`)")
		return 2
	}
	if o.writerIdentity != "admin" && o.writerIdentity != "reporter" {
		fmt.Fprintln(os.Stderr, "bench: -writers-as is admin or reporter")
		return 2
	}
	if o.identity != "serviceaccount" && o.identity != "admin" {
		fmt.Fprintln(os.Stderr, "bench: -identity is serviceaccount or admin")
		return 2
	}
	if o.link > 0 && o.linkRounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -link-rounds must be at least 1")
		return 2
	}
	if o.linkOnly && o.link <= 0 {
		fmt.Fprintln(os.Stderr, "bench: -link-only needs -link > 0")
		return 2
	}
	o.approve = min(o.approve, o.responses)
	o.responses = min(o.responses, max(o.total, o.incidents))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	b := &bench{o: o, began: time.Now()}
	err := b.run(ctx)
	var results strings.Builder
	b.print(&results)
	fmt.Print(results.String())
	if o.output != "" {
		if werr := writeOutput(o.output, results.String()); werr != nil {
			fmt.Fprintln(os.Stderr, "bench:", werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if !b.passed() {
		return 1
	}
	return 0
}

// quietLogs sends controller-runtime's and envtest's logs to stderr, errors
// only.
func quietLogs() {
	opts := zap.Options{}
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	opts.BindFlags(fs)
	_ = fs.Parse([]string{"--zap-log-level=error"})
	ctrllog.SetLogger(zap.New(zap.UseFlagOptions(&opts), zap.WriteTo(os.Stderr)))
}

type burstResult struct {
	n, existing      int
	floor            time.Duration
	bareFloor        time.Duration // a bare custom resource's floor
	bareLoad         string
	inbox            map[string][2]int // messages and reports per audience in the burst
	createWall       time.Duration
	allLevel         time.Duration
	allReported      time.Duration // first create → last report to the office with its delivery state
	levelled, ready  int
	firstWrite       int // levelled in their first status write
	p50, p99, pmax   time.Duration
	writesMin        int
	writesMax        int
	writesMean       float64
	notOne           int
	idleWrites       map[string]int
	mem              mem
	started          bool
	load, floorLoad  string
	burstWrites      map[string]int
	burstEvents      int
	burstAPI         apiCounters
	floorCPU         map[string]float64
	cpu              map[string]float64
	statusBytes      int
	floorStatusBytes int
	// reportsBeforeLevels: reports written (ADDED) before the last level.
	reportsBeforeLevels int
	settle              time.Duration
	errors              int
	done                bool
}

type responseResult struct {
	n, approved int
	floor       time.Duration
	// floorAfter is the same floor again at the end, the manager stopped,
	// with the cluster as full as the operator had it: the goal's ratio.
	floorAfter     time.Duration
	floorAfterLoad string
	floorAfterCPU  map[string]float64
	// same is a bare client making the operator's own writes for each
	// approved response (same.go), sameWrites of them a response.
	same                           time.Duration
	sameWrites                     int
	sameLoad                       string
	sameCPU                        map[string]float64
	createWall, toAwaiting         time.Duration
	approveWall                    time.Duration
	allGroupsReady, allRespReady   time.Duration
	stages                         []stage
	sizes                          string
	writesBy                       map[string]string
	groupsReady, respReady         int
	restApproved                   time.Duration
	idleWrites                     map[string]int
	mem                            mem   // after the run
	rest                           mem   // at rest: --return-memory-after and more after the run settled
	floorMem                       []mem // bare caches of the same objects, as cacheFloors
	load, floorLoad                string
	cpu                            map[string]float64
	events, errors                 int
	approvalWrites                 map[string]int
	approvalEvents                 int
	approvalAPI                    apiCounters
	floorCPU                       map[string]float64
	settle                         time.Duration
	done, approvedDone, restIsDone bool
}

type bench struct {
	o      options
	inbox  *inbox
	steady *sustainedResult
	// probe is the operator's first status of one of the bench's
	// incidents, which the floors write (probeStatus).
	probe    *v1alpha1.SecurityIncidentStatus
	began    time.Time
	dir      string
	source   string
	pprof    bool
	baseRSS  mem
	bursts   []*burstResult
	resp     *responseResult
	notes    []string
	profiles []string
	link     *linkResult
	parts    []*floorPart
}

func (b *bench) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

func (b *bench) run(ctx context.Context) (err error) {
	o := b.o
	if b.dir, err = os.MkdirTemp("", "incident-bench-"); err != nil {
		return err
	}
	if o.keep {
		b.note("run directory kept: %s", b.dir)
	} else {
		defer os.RemoveAll(b.dir)
	}
	if o.profiles != "" {
		if err := os.MkdirAll(o.profiles, 0o755); err != nil {
			return err
		}
	}

	bin := o.managerBin
	b.source = bin
	if bin == "" {
		src, _ := filepath.Abs(o.managerSrc)
		b.source = src + "/cmd" + gitDescribe(src)
		fmt.Fprintf(os.Stderr, "bench: building the manager from %s\n", b.source)
		if bin, err = buildManager(ctx, o.managerSrc, b.dir); err != nil {
			return err
		}
	}
	if o.floorParts > 0 {
		return b.floorParts(ctx, bin, o.floorParts)
	}
	if !o.linkOnly {
		if err := b.phases(ctx, bin); err != nil {
			return err
		}
	}
	if o.link > 0 {
		return b.linkPhase(ctx, bin)
	}
	return nil
}

// phases runs every phase but the link's, on the bench's own control
// plane, which it stops when it returns.
func (b *bench) phases(ctx context.Context, bin string) (err error) {
	o := b.o
	fmt.Fprintln(os.Stderr, "bench: starting the control plane in", b.dir)
	crd, adm, roles, mrole := "config/crd/bases", "config/admission", "config/rbac/approval_roles.yaml", "config/rbac/role.yaml"
	c, err := startCluster(ctx, clusterOptions{dir: b.dir, assets: o.assets, crdDir: crd, admissionDir: adm,
		approvalRoles: roles, managerRole: mrole, identity: o.identity, writerIdentity: o.writerIdentity})
	if err != nil {
		return err
	}
	defer func() {
		if serr := c.stop(); serr != nil {
			fmt.Fprintln(os.Stderr, "bench: stopping the control plane:", serr)
		}
	}()

	if b.inbox, err = startInbox(); err != nil {
		return err
	}
	defer b.inbox.stop()
	if err := installBare(c); err != nil {
		return err
	}

	tr := newTracker()
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	for kind, list := range map[string]func() client.ObjectList{
		kindIncident:     func() client.ObjectList { return &v1alpha1.SecurityIncidentList{} },
		kindResponse:     func() client.ObjectList { return &v1alpha1.EmergencyResponseList{} },
		kindWorkGroup:    func() client.ObjectList { return &v1alpha1.WorkGroupList{} },
		kindNotification: func() client.ObjectList { return &v1alpha1.NotificationList{} },
	} {
		ready := make(chan struct{})
		go tr.follow(wctx, c.admin, kind, list, ready)
		select {
		case <-ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	// What the floors write as each incident's status: the operator's own.
	if b.probe, err = b.probeStatus(ctx, c, tr, bin, managerControllers); err != nil {
		return err
	}

	// The floors, before the operator runs. The first burst's comes last,
	// so that it meets the history the operator's first burst meets right
	// after it: the API server works harder for minutes after thousands of
	// creates and deletes (the other floors'). Measured first, on a fresh
	// cluster, it took 15.4 s and 24.2 kube-apiserver CPU-seconds; measured
	// after the 8,000-incident floor, 22.1 s and 34.6, and the same
	// manager's burst was 1.96x the one and 1.16x the other.
	steady := 0
	if o.rate > 0 && o.sustain > 0 {
		b.steady = &sustainedResult{rate: o.rate, span: o.sustain}
		steady = int(o.sustain.Seconds()) * o.rate
	}
	second := max(0, o.total-o.incidents-steady)
	b.bursts = append(b.bursts, &burstResult{n: o.incidents})
	if second > 0 {
		b.bursts = append(b.bursts, &burstResult{n: second, existing: o.incidents + steady})
	}
	if o.responses > 0 && o.approve > 0 {
		b.resp = &responseResult{n: o.responses, approved: o.approve}
		fmt.Fprintf(os.Stderr, "bench: floor: a bare client creates the %d work groups of %d responses\n", o.approve*len(v1alpha1.AllWorkGroupTypes), o.approve)
		if err := ensureNamespace(ctx, c.admin, floorGroupsNS); err != nil {
			return err
		}
		if b.resp.floor, b.resp.floorLoad, b.resp.floorCPU, err = timed(func() (time.Duration, error) {
			return floorWorkGroups(ctx, c.writer, floorGroupsNS, o.approve, o.writers)
		}); err != nil {
			return err
		}
		if err := deleteAll(ctx, c.admin, &v1alpha1.WorkGroupList{}, floorGroupsNS, o.writers); err != nil {
			return err
		}
	}
	if r := b.steady; r != nil {
		fmt.Fprintf(os.Stderr, "bench: floor: a bare client creates %d incidents a second for %s, each one's status written once its create returns\n", r.rate, r.span)
		if err := ensureUnitNamespace(ctx, c.admin, floorSteadyNS); err != nil {
			return err
		}
		load, cpu0 := loadAverage(), controlPlaneCPU()
		if r.floor, err = floorSustained(ctx, c.writer, nil, tr, floorSteadyNS, r.rate, r.span, o.phaseTimeout, b.probe); err != nil {
			return err
		}
		r.floorLoad, r.floorCPU = load, cpuDelta(cpu0)
		if err := deleteAll(ctx, c.admin, &v1alpha1.SecurityIncidentList{}, floorSteadyNS, o.writers); err != nil {
			return err
		}
		if o.watchedFloor {
			fmt.Fprintf(os.Stderr, "bench: floor: a bare client creates %d incidents a second for %s, each one's status written by a bare watcher once it sees the create\n", r.rate, r.span)
			if err := ensureUnitNamespace(ctx, c.admin, floorWatchedNS); err != nil {
				return err
			}
			load, cpu0 = loadAverage(), controlPlaneCPU()
			if r.watched, err = floorSustained(ctx, c.writer, c.admin, tr, floorWatchedNS, r.rate, r.span, o.phaseTimeout, b.probe); err != nil {
				return err
			}
			r.watchedLoad, r.watchedCPU = load, cpuDelta(cpu0)
			if err := deleteAll(ctx, c.admin, &v1alpha1.SecurityIncidentList{}, floorWatchedNS, o.writers); err != nil {
				return err
			}
		}
	}

	floorNS := []string{floorIncNS1, floorIncNS2}
	if err := ensureNamespace(ctx, c.admin, floorBareNS); err != nil {
		return err
	}
	for i := len(b.bursts) - 1; i >= 0; i-- {
		r, ns := b.bursts[i], floorNS[i]
		fmt.Fprintf(os.Stderr, "bench: floor: a bare client creates %d objects of a bare custom resource with %d writers\n", r.n, o.writers)
		if r.bareFloor, r.bareLoad, _, err = timed(func() (time.Duration, error) {
			return floorBare(ctx, c.admin, floorBareNS, r.n, o.writers, b.probe)
		}); err != nil {
			return err
		}
		if err := deleteBare(ctx, c.admin, floorBareNS); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: floor: a bare client creates %d incidents with %d writers\n", r.n, o.writers)
		if err := ensureUnitNamespace(ctx, c.admin, ns); err != nil {
			return err
		}
		if r.floor, r.floorLoad, r.floorCPU, err = timed(func() (time.Duration, error) {
			return floorIncidents(ctx, c.writer, ns, r.n, o.writers, b.probe)
		}); err != nil {
			return err
		}
		if err := deleteAll(ctx, c.admin, &v1alpha1.SecurityIncidentList{}, ns, o.writers); err != nil {
			return err
		}
	}

	// The operator.
	fmt.Fprintln(os.Stderr, "bench: starting the manager")
	m, err := startManager(ctx, bin, c.managerKubeconfig, b.dir, strings.Fields(o.managerArgs), managerControllers)
	defer m.stop()
	if err != nil {
		return err
	}
	b.pprof = m.pprofAddr != ""
	if !b.pprof {
		b.note("the manager has no --pprof-bind-address: no profiles")
	}
	b.baseRSS, _ = memory(m.pid())
	if err := ensureUnitNamespace(ctx, c.admin, benchNS); err != nil {
		return err
	}
	if o.officeChannel {
		if err := setUpOfficeChannel(ctx, c, benchNS, b.inbox.url); err != nil {
			return err
		}
	}

	from := 0
	steadyRun := false
	runSteady := func() error {
		if b.steady == nil || steadyRun {
			return nil
		}
		steadyRun = true
		if err := b.sustained(ctx, c, tr, m, b.inbox, b.steady, from); err != nil {
			return err
		}
		from += b.steady.n
		return nil
	}
	for i, r := range b.bursts {
		if i == 1 {
			if err := runSteady(); err != nil {
				return err
			}
		}
		wait := func() {}
		if i == 0 {
			wait = b.cpuProfiles(ctx, c, m, fmt.Sprintf("burst-%d", r.n))
		}
		fmt.Fprintf(os.Stderr, "bench: operator: %d incidents by %d writers (%d already in the cluster)\n", r.n, o.writers, r.existing)
		err := b.burst(ctx, c, tr, m, r, from)
		wait()
		if err != nil {
			return err
		}
		b.heap(ctx, m, fmt.Sprintf("heap-%d-incidents.pprof", from+r.n))
		from += r.n
	}
	if err := runSteady(); err != nil {
		return err
	}

	if r := b.resp; r != nil {
		if err := b.responses(ctx, c, tr, m, r); err != nil {
			return err
		}
		b.heap(ctx, m, "heap-final.pprof")
		// The work groups' floor measured first ran on an empty cluster;
		// the approvals, on one holding every incident, report and
		// response. The same floor again, the manager stopped so that it
		// leaves the floor's objects alone.
		m.stop()
		fmt.Fprintf(os.Stderr, "bench: floor again, the manager stopped: a bare client creates the %d work groups of %d responses\n", r.approved*len(v1alpha1.AllWorkGroupTypes), r.approved)
		if r.floorAfter, r.floorAfterLoad, r.floorAfterCPU, err = timed(func() (time.Duration, error) {
			return floorWorkGroups(ctx, c.writer, floorGroupsNS, r.approved, o.writers)
		}); err != nil {
			return err
		}

		same, err := takeSameWrites(ctx, c.admin, benchNS)
		if err != nil {
			return fmt.Errorf("the operator's writes for one approved response: %w", err)
		}
		r.sameWrites = same.writes()
		if err := ensureUnitNamespace(ctx, c.admin, floorSameNS); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: floor again, the manager stopped: a bare client makes the operator's %d writes for each of %d responses\n", r.sameWrites, r.approved)
		if r.same, r.sameLoad, r.sameCPU, err = timed(func() (time.Duration, error) {
			return same.replay(ctx, c.writer, c.approver, floorSameNS, r.approved, o.writers)
		}); err != nil {
			return err
		}
	}
	if o.keep {
		b.note("manager log: %s", m.logPath)
	}
	return nil
}

func gitDescribe(dir string) string {
	out, err := execOutput(dir, "git", "rev-parse", "--short", "HEAD")
	if err != nil {
		return ""
	}
	s := " @ " + strings.TrimSpace(out)
	if st, err := execOutput(dir, "git", "status", "--porcelain", "--", "cmd", "controllers", "api", "internal"); err == nil && strings.TrimSpace(st) != "" {
		s += " (with uncommitted changes)"
	}
	return s
}

func (b *bench) heap(ctx context.Context, m *manager, name string) {
	if !b.pprof || b.o.profiles == "" {
		return
	}
	path := filepath.Join(b.o.profiles, name)
	if err := fetch(ctx, "http://"+m.pprofAddr+"/debug/pprof/heap", path); err != nil {
		b.note("heap profile: %v", err)
		return
	}
	b.profiles = append(b.profiles, path)
}

// cpuNow is the CPU time used so far by the manager and the control plane
// the bench started.
func cpuNow(m *manager) map[string]float64 {
	out := controlPlaneCPU()
	out["manager"] = cpuSeconds(m.pid())
	return out
}

// controlPlaneCPU is the CPU time used so far by the control plane the
// bench started, and by the bench itself (its writers, its watches, a
// floor's watcher): all of them share the machine with the manager.
func controlPlaneCPU() map[string]float64 {
	out := map[string]float64{"bench": cpuSeconds(os.Getpid())}
	for name, pid := range children() {
		if name == "etcd" || name == "kube-apiserver" {
			out[name] = cpuSeconds(pid)
		}
	}
	return out
}

// cpuDelta is the CPU time used since before, by process.
func cpuDelta(before map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for name, v := range controlPlaneCPU() {
		out[name] = v - before[name]
	}
	return out
}

func cpuSince(m *manager, before map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for name, v := range cpuNow(m) {
		out[name] = v - before[name]
	}
	return out
}

// loadAverage is the machine's one-minute load average: other work on the
// machine slows the floor and the operator alike, but not evenly.
// timed runs a floor and returns its wall time, the machine's load at its
// start and the control plane's CPU seconds over it.
func timed(floor func() (time.Duration, error)) (time.Duration, string, map[string]float64, error) {
	load, cpu0 := loadAverage(), controlPlaneCPU()
	took, err := floor()
	return took, load, cpuDelta(cpu0), err
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(data))[0]
}

// settle waits until no object of the operator's kinds has changed for a
// second (at most a minute): work that a phase set off, such as incidents
// noting their response's progress, ends before the idle window opens. It
// returns how long that took.
func (b *bench) settle(ctx context.Context, tr *tracker) (time.Duration, error) {
	start := time.Now()
	last, quietSince := sum(tr.totalChanges()), time.Now()
	for time.Since(quietSince) < time.Second && time.Since(start) < time.Minute {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if n := sum(tr.totalChanges()); n != last {
			last, quietSince = n, time.Now()
		}
	}
	return time.Since(start) - time.Second, nil
}

// idle settles, then waits o.idle and returns the changes seen meanwhile,
// by kind.
func (b *bench) idle(ctx context.Context, tr *tracker) (map[string]int, time.Duration, error) {
	settled, err := b.settle(ctx, tr)
	if err != nil {
		return nil, 0, err
	}
	before := tr.totalChanges()
	select {
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	case <-time.After(b.o.idle):
	}
	out := map[string]int{}
	for k, v := range tr.totalChanges() {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out, max(settled, 0), nil
}

// reconcileErrors counts the manager's "Reconciler error" lines so far
// (write conflicts on a stale cache, mostly).
func reconcileErrors(m *manager) int {
	data, _ := os.ReadFile(m.logPath)
	return strings.Count(string(data), "Reconciler error")
}

func (b *bench) burst(ctx context.Context, c *cluster, tr *tracker, m *manager, r *burstResult, from int) error {
	cpu0, errs0, load0 := cpuNow(m), reconcileErrors(m), loadAverage()
	r.started = true
	changes0, events0 := tr.totalChanges(), countEvents(ctx, c.admin)
	api0, apiErr := scrapeAPIServer(ctx, c.adminCfg)
	start := time.Now()
	var err error
	if r.createWall, err = createIncidents(ctx, c.writer, tr, benchNS, from, from+r.n, b.o.writers); err != nil {
		return err
	}
	keys := make([]string, r.n)
	for i := range keys {
		keys[i] = objKey(kindIncident, benchNS, incidentName(from+i))
	}
	_, werr := tr.waitFor(ctx, keys, b.o.phaseTimeout, func(s *objState) bool { return !s.levelAt.IsZero() })
	// Ready comes with the level; wait a moment for stragglers only.
	_, _ = tr.waitFor(ctx, keys, time.Second, func(s *objState) bool { return !s.readyAt.IsZero() })

	states := tr.snapshot(keys)
	var lat []time.Duration
	var last time.Time
	total := 0
	r.writesMin = -1
	for _, s := range states {
		if s.levelAt.IsZero() {
			continue
		}
		r.levelled++
		if s.writesAtLevel == 1 {
			r.firstWrite++
		}
		lat = append(lat, s.levelAt.Sub(s.start))
		if s.levelAt.After(last) {
			last = s.levelAt
		}
		if s.readyAt.IsZero() {
			r.notOne++
			continue
		}
		r.ready++
		w := s.writesAtReady
		total += w
		if r.writesMin < 0 || w < r.writesMin {
			r.writesMin = w
		}
		r.writesMax = max(r.writesMax, w)
		if w != 1 {
			r.notOne++
		}
	}
	if r.ready > 0 {
		r.writesMean = float64(total) / float64(r.ready)
	}
	sortDurations(lat)
	r.p50, r.p99, r.pmax = percentile(lat, 0.50), percentile(lat, 0.99), percentile(lat, 1)
	if !last.IsZero() {
		r.allLevel = last.Sub(start)
	}
	if werr != nil {
		return fmt.Errorf("classification of %d incidents: %w", r.n, werr)
	}
	// The reports to the office come after the levels (the operator writes
	// the record first): the phase ends when every one is written and has
	// its delivery state.
	if _, err := tr.waitFor(ctx, keys, b.o.phaseTimeout, func(s *objState) bool { return !s.reportedAt.IsZero() }); err != nil {
		return fmt.Errorf("reports of %d incidents: %w", r.n, err)
	}
	r.inbox = b.inbox.between(start, time.Now())
	for _, s := range tr.snapshot(keys) {
		r.allReported = max(r.allReported, s.reportedAt.Sub(start))
		if !s.reportAddedAt.IsZero() && s.reportAddedAt.Before(last) {
			r.reportsBeforeLevels++
		}
	}
	r.done = true
	if r.idleWrites, r.settle, err = b.idle(ctx, tr); err != nil {
		return err
	}
	r.cpu = cpuSince(m, cpu0)
	r.load = load0 + " → " + loadAverage()
	r.errors = reconcileErrors(m) - errs0
	r.burstWrites = diff(tr.totalChanges(), changes0)
	for k, v := range r.idleWrites {
		r.burstWrites[k] -= v
	}
	r.burstEvents = countEvents(ctx, c.admin) - events0
	if api1, err := scrapeAPIServer(ctx, c.adminCfg); err == nil && apiErr == nil {
		r.burstAPI = api1.since(api0)
	}
	r.mem, _ = memory(m.pid())
	r.mem.rt, _ = liveHeap(ctx, m)
	r.statusBytes, r.floorStatusBytes = statusSizes(ctx, c.admin, keys[0], b.probe)
	return nil
}

// statusSizes compares the JSON size of the operator's status of one
// incident with the floor's.
func statusSizes(ctx context.Context, c client.Client, key string, probe *v1alpha1.SecurityIncidentStatus) (int, int) {
	parts := strings.Split(key, "/")
	inc := &v1alpha1.SecurityIncident{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: parts[1], Name: parts[2]}, inc); err != nil {
		return 0, 0
	}
	op, _ := json.Marshal(inc.Status)
	fl, _ := json.Marshal(floorIncidentStatus(inc, probe))
	return len(op), len(fl)
}

// storedSizes is the mean JSON size of up to 50 objects of each kind the
// approvals write, and of their managed fields: what the API server decodes,
// validates and encodes on every write of one.
func storedSizes(ctx context.Context, c client.Client, ns string) string {
	var parts []string
	for _, kind := range []string{kindIncident, kindResponse, kindWorkGroup, kindNotification} {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind + "List"))
		if err := c.List(ctx, list, client.InNamespace(ns), client.Limit(50)); err != nil || len(list.Items) == 0 {
			continue
		}
		var all, managed int
		for _, it := range list.Items {
			b, _ := json.Marshal(it.Object)
			m, _ := json.Marshal(it.GetManagedFields())
			all, managed = all+len(b), managed+len(m)
		}
		n := len(list.Items)
		parts = append(parts, fmt.Sprintf("%s %d B (%d B)", kind, all/n, managed/n))
	}
	return strings.Join(parts, ", ")
}

func (b *bench) responses(ctx context.Context, c *cluster, tr *tracker, m *manager, r *responseResult) error {
	o := b.o
	cpu0, errs0, load0 := cpuNow(m), reconcileErrors(m), loadAverage()
	fmt.Fprintf(os.Stderr, "bench: operator: %d responses, awaiting approval\n", r.n)
	start := time.Now()
	var err error
	if r.createWall, err = createResponses(ctx, c.writer, tr, benchNS, 0, r.n, o.writers); err != nil {
		return err
	}
	keys := make([]string, r.n)
	for i := range keys {
		keys[i] = objKey(kindResponse, benchNS, responseName(i))
	}
	if _, err := tr.waitFor(ctx, keys, o.phaseTimeout, func(s *objState) bool { return !s.awaitingAt.IsZero() }); err != nil {
		return fmt.Errorf("responses awaiting approval: %w", err)
	}
	r.toAwaiting = time.Since(start)
	// The incidents record their responses as awaiting approval after the
	// responses say so: that work is the creation's, not the approval's.
	if _, err := b.settle(ctx, tr); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "bench: operator: %d responses approved at once\n", r.approved)
	var groups []string
	for i := range r.approved {
		for _, n := range workGroupNames(responseName(i)) {
			groups = append(groups, objKey(kindWorkGroup, benchNS, n))
		}
	}
	changes0, events0 := tr.totalChanges(), countEvents(ctx, c.admin)
	api0, apiErr := scrapeAPIServer(ctx, c.adminCfg)
	tr.tallyWrites(true)
	start = time.Now()
	if r.approveWall, err = approve(ctx, c.approver, tr, benchNS, 0, r.approved, o.writers); err != nil {
		return err
	}
	n, gerr := tr.waitFor(ctx, groups, o.phaseTimeout, func(s *objState) bool { return !s.readyAt.IsZero() })
	r.groupsReady = n
	rn, rerr := tr.waitFor(ctx, keys[:r.approved], o.phaseTimeout, func(s *objState) bool { return !s.groupsReadyAt.IsZero() })
	r.respReady = rn
	for _, s := range tr.snapshot(groups) {
		if d := s.readyAt.Sub(start); !s.readyAt.IsZero() && d > r.allGroupsReady {
			r.allGroupsReady = d
		}
	}
	for _, s := range tr.snapshot(keys[:r.approved]) {
		if d := s.groupsReadyAt.Sub(start); !s.groupsReadyAt.IsZero() && d > r.allRespReady {
			r.allRespReady = d
		}
	}
	r.stages = approvalStages(tr, keys[:r.approved])
	r.sizes = storedSizes(ctx, c.admin, benchNS)
	if gerr != nil {
		return fmt.Errorf("work groups of the approved responses ready: %w", gerr)
	}
	if rerr != nil {
		return fmt.Errorf("approved responses WorkGroupsReady: %w", rerr)
	}
	r.approvedDone = true
	// What the approvals cost in writes, once the work they set off is done.
	if _, err := b.settle(ctx, tr); err != nil {
		return err
	}
	r.approvalWrites = diff(tr.totalChanges(), changes0)
	r.writesBy = tr.tallyWrites(false)
	r.approvalEvents = countEvents(ctx, c.admin) - events0
	if api1, err := scrapeAPIServer(ctx, c.adminCfg); err == nil && apiErr == nil {
		r.approvalAPI = api1.since(api0)
	}

	if r.n > r.approved {
		fmt.Fprintf(os.Stderr, "bench: operator: the other %d responses approved\n", r.n-r.approved)
		wait := b.cpuProfiles(ctx, c, m, "approvals")
		defer wait()
		start = time.Now()
		if _, err := approve(ctx, c.approver, tr, benchNS, r.approved, r.n, o.writers); err != nil {
			return err
		}
		if _, err := tr.waitFor(ctx, keys[r.approved:], o.phaseTimeout, func(s *objState) bool { return !s.groupsReadyAt.IsZero() }); err != nil {
			return fmt.Errorf("the other responses WorkGroupsReady: %w", err)
		}
		r.restApproved = time.Since(start)
	}
	r.restIsDone = true
	if r.idleWrites, r.settle, err = b.idle(ctx, tr); err != nil {
		return err
	}
	r.cpu = cpuSince(m, cpu0)
	r.load = load0 + " → " + loadAverage()
	r.errors = reconcileErrors(m) - errs0
	r.mem, _ = memory(m.pid())
	// At rest: once its passes have stopped for --return-memory-after, the
	// operator returns the heap the run left free, as the bare caches below
	// return what their first lists left.
	fmt.Fprintf(os.Stderr, "bench: the manager at rest: waiting %v after the run settled\n", atRest)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(atRest):
	}
	r.rest, _ = memory(m.pid())
	r.rest.rt, _ = liveHeap(ctx, m)
	r.events = countEvents(ctx, c.admin)
	r.done = true
	for _, f := range cacheFloors {
		fmt.Fprintf(os.Stderr, "bench: floor of memory: a bare cache of the same objects, %s\n", f.what)
		fm, err := measureCacheFloor(ctx, f.name, c.managerKubeconfig)
		if err != nil {
			return fmt.Errorf("floor of memory (%s): %w", f.name, err)
		}
		r.floorMem = append(r.floorMem, fm)
	}
	return nil
}

// cpuProfiles takes the manager's and kube-apiserver's CPU profiles over
// the same span, from now (cpu-<name>.pprof, kube-apiserver-cpu-<name>.pprof):
// where a phase's bound lies. The returned func waits for both.
func (b *bench) cpuProfiles(ctx context.Context, c *cluster, m *manager, name string) func() {
	if !b.pprof || b.o.profiles == "" {
		return func() {}
	}
	secs := int(b.o.cpuProfile.Seconds())
	mpath := filepath.Join(b.o.profiles, "cpu-"+name+".pprof")
	apath := filepath.Join(b.o.profiles, "kube-apiserver-cpu-"+name+".pprof")
	errs := make(chan error, 2)
	go func() {
		errs <- fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", m.pprofAddr, secs), mpath)
	}()
	go func() { errs <- fetchAPIServer(ctx, c.adminCfg, "/debug/pprof/profile", secs, apath) }()
	b.profiles = append(b.profiles, mpath, apath)
	return func() {
		for range 2 {
			if err := <-errs; err != nil {
				b.note("CPU profile (%s): %v", name, err)
			}
		}
	}
}

// countEvents counts the events (events.k8s.io) in the bench's namespace,
// reading only their metadata.
func countEvents(ctx context.Context, c client.Client) int {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(eventsv1.SchemeGroupVersion.WithKind("EventList"))
	if err := c.List(ctx, list, client.InNamespace(benchNS)); err != nil {
		return -1
	}
	return len(list.Items)
}

func diff(after, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// Printing.

// describeWindow is "p50 / p99".
func describeWindow(w window) string { return secs(w.p50) + " / " + secs(w.p99) }

// describeWindows is each window's p50/p99, in order.
func describeWindows(ws []window) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = secs(w.p50) + "/" + secs(w.p99)
	}
	return strings.Join(out, ", ")
}

func secs(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func mib(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func describeChanges(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	var parts []string
	for _, k := range []string{kindIncident, kindResponse, kindWorkGroup, kindNotification} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	return fmt.Sprintf("%d (%s)", sum(m), strings.Join(parts, ", "))
}

func describeCPU(m map[string]float64) string {
	if len(m) == 0 {
		return "-"
	}
	return fmt.Sprintf("manager %.1f, kube-apiserver %.1f, etcd %.1f; the bench %.1f", m["manager"], m["kube-apiserver"], m["etcd"], m["bench"])
}

func describeFloorCPU(m map[string]float64) string {
	if len(m) == 0 {
		return "-"
	}
	return fmt.Sprintf("kube-apiserver %.1f, etcd %.1f; the bench %.1f", m["kube-apiserver"], m["etcd"], m["bench"])
}

func describeMem(m mem) string {
	s := fmt.Sprintf("VmRSS %s (anon %s, file %s), VmHWM %s", mib(m.rss), mib(m.anon), mib(m.file), mib(m.hwm))
	if m.live() > 0 {
		f := func(name string) float64 { return float64(m.rt[name]) / (1 << 20) }
		s += fmt.Sprintf("; live heap %.1f MiB in spans of %.1f, free %.1f (%.1f returned), stacks %.1f, collector %.1f, runtime's total %.1f",
			f("HeapAlloc"), f("HeapInuse"), f("HeapIdle"), f("HeapReleased"), f("StackInuse"), f("GCSys"), f("Sys"))
	}
	return s
}

type row struct{ what, measured, goal, verdict string }

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// resultRow is a row of the results, with its verdict when ok says one.
func resultRow(what, measured, goal string, ok *bool) row {
	v := ""
	if ok != nil {
		v = verdict(*ok)
	}
	return row{what, measured, goal, v}
}

// yes points at v, for a row's verdict.
func yes(v bool) *bool { return &v }

func (b *bench) rows() []row {
	var rows []row
	add := func(what, measured, goal string, ok *bool) { rows = append(rows, resultRow(what, measured, goal, ok)) }
	for i, r := range b.bursts {
		size := r.existing + r.n
		head := fmt.Sprintf("burst %d: %d incidents", i+1, r.n)
		if r.existing > 0 {
			head += fmt.Sprintf(" onto %d (→ %d)", r.existing, size)
		}
		rows = append(rows, row{what: head})
		add("  floor: bare client, a bare custom resource (no rules, no policies), create + 1 status patch", secs(r.bareFloor)+" (load at start "+r.bareLoad+")", "", nil)
		add("  floor: bare client, the same incidents, create + 1 status patch", secs(r.floor)+" (load at start "+r.floorLoad+")", "", nil)
		if !r.started {
			continue
		}
		if r.allLevel == 0 && !r.done {
			add("  operator: all classified", fmt.Sprintf("%d of %d classified", r.levelled, r.n), "", yes(false))
			continue
		}
		add("  operator: writers done creating", secs(r.createWall), "", nil)
		add("  operator: all classified (first create → last level)", secs(r.allLevel), "", nil)
		add("  ratio to the same incidents' floor", fmt.Sprintf("%.2fx", ratio(r.allLevel, r.floor)), fmt.Sprintf("≤ %.1fx", goalRatio), yes(r.done && ratio(r.allLevel, r.floor) <= goalRatio))
		add("  ratio to the bare custom resource's floor", fmt.Sprintf("%.2fx", ratio(r.allLevel, r.bareFloor)), fmt.Sprintf("≤ %.1fx", goalBareRatio), yes(r.done && ratio(r.allLevel, r.bareFloor) <= goalBareRatio))
		add("  create→level p50 / p99 / max", fmt.Sprintf("%s / %s / %s", secs(r.p50), secs(r.p99), secs(r.pmax)), "(info)", nil)
		add("  status writes per incident until its level", fmt.Sprintf("%d of %d levelled in their first status write", r.firstWrite, r.levelled), "all", yes(r.done && r.firstWrite == r.levelled))
		add("  status writes per incident until Ready (its report delivered)", fmt.Sprintf("mean %.2f, min %d, max %d", r.writesMean, max(r.writesMin, 0), r.writesMax), "(info)", nil)
		if r.done {
			add("  operator: all reported to the office (first create → last report delivered)", secs(r.allReported), "", nil)
			if b.o.officeChannel {
				var ok *bool
				goal := "(info)"
				if r.n <= goalMessagesAt {
					ok, goal = yes(mostMessages(r.inbox) <= goalMessages), fmt.Sprintf("≤ %d an audience", goalMessages)
				}
				add("  messages per audience in the burst", describeInbox(r.inbox), goal, ok)
			}
			add("  reports written before the last level", fmt.Sprintf("%d of %d", r.reportsBeforeLevels, r.n), "(info)", nil)
			add("  settled (no change for 1 s) after that", secs(r.settle), "", nil)
			add(fmt.Sprintf("  writes in %s idle", b.o.idle), describeChanges(r.idleWrites), "0", yes(sum(r.idleWrites) == 0))
			add("  manager reconcile errors (conflicts) in the phase", fmt.Sprint(r.errors), "", nil)
			per := func(n int) float64 { return float64(n) / float64(r.n) }
			add("  writes per incident (floor: 1 create + 1 status); events", fmt.Sprintf("%.2f SecurityIncident, %.2f Notification; %.2f events",
				per(r.burstWrites[kindIncident]), per(r.burstWrites[kindNotification]), per(r.burstEvents)), "", nil)
			if r.burstAPI != nil {
				add("  API server writes per incident (all clients, the bench's create included)", r.burstAPI.describeWrites(r.n), "", nil)
				add("  API server priority and fairness: mean wait by priority level", r.burstAPI.describeWaits(), "", nil)
			}
			add(fmt.Sprintf("  manager memory at %d incidents", size), describeMem(r.mem), "(info)", nil)
			add("  CPU seconds in the phase", describeCPU(r.cpu), "", nil)
			add("  CPU seconds in the floor (the same work by a bare client)", describeFloorCPU(r.floorCPU), "", nil)
			add("  machine load (1-min average), phase start → end", r.load, "", nil)
			add("  status bytes: operator / floor patch", fmt.Sprintf("%d / %d", r.statusBytes, r.floorStatusBytes), "", nil)
		}
	}
	if r := b.steady; r != nil {
		rows = append(rows, row{what: fmt.Sprintf("sustained: %d incidents a second for %s (%d incidents)", r.rate, r.span, r.n)})
		if !r.done {
			add("  operator: all classified", fmt.Sprintf("%d of %d classified", r.levelled, r.n), "", yes(false))
		} else {
			add("  create→level p50 / p99 / max", fmt.Sprintf("%s / %s / %s", secs(r.lat.p50), secs(r.lat.p99), secs(r.lat.pmax)), fmt.Sprintf("p99 < %s", secs(goalSustainedP99)), yes(r.lat.p99 < goalSustainedP99))
			add("  the bench's create call p50 / p99", fmt.Sprintf("%s / %s", secs(r.createP50), secs(r.createP99)), "(info)", nil)
			add("  floor: bare client at the same rate, create + status patch, create → level p50 / p99", fmt.Sprintf("%s / %s (load at start %s)", secs(r.floor.p50), secs(r.floor.p99), r.floorLoad), "(info)", nil)
			if b.o.watchedFloor {
				add("  floor: the status written by a bare watcher once it sees the create, create → level p50 / p99", fmt.Sprintf("%s / %s (load at start %s)", secs(r.watched.p50), secs(r.watched.p99), r.watchedLoad), "(info)", nil)
			}
			legs := func(l func(steadyLatency) window) string {
				out := describeWindow(l(r.lat)) + "; " + describeWindow(l(r.floor))
				if b.o.watchedFloor {
					out += "; " + describeWindow(l(r.watched))
				}
				return out
			}
			floors := "operator; floor"
			if b.o.watchedFloor {
				floors += "; watcher's floor"
			}
			add("  create → seen by a watch, p50 / p99: "+floors, legs(func(l steadyLatency) window { return l.seen }), "(info)", nil)
			add("  seen → level seen, p50 / p99: "+floors, legs(func(l steadyLatency) window { return l.after }), "(info)", nil)
			add("  CPU seconds in the phase (to the last level)", describeCPU(r.cpu), "", nil)
			add("  CPU seconds in the floor at the same rate", describeFloorCPU(r.floorCPU), "", nil)
			if b.o.watchedFloor {
				add("  CPU seconds in the watcher's floor (the watcher is the bench's)", describeFloorCPU(r.watchedCPU), "", nil)
			}
			add(fmt.Sprintf("  create→level p50/p99 by tenth of the %s, in order", r.span), describeWindows(r.lat.windows), "(info)", nil)
			add(fmt.Sprintf("  floor: create→level p50/p99 by tenth of the %s", r.span), describeWindows(r.floor.windows), "(info)", nil)
			if b.o.watchedFloor {
				add(fmt.Sprintf("  watcher's floor: create→level p50/p99 by tenth of the %s", r.span), describeWindows(r.watched.windows), "(info)", nil)
			}
			if b.o.officeChannel {
				add("  messages per audience", describeInbox(r.inbox), "(info)", nil)
			}
			add("  machine load (1-min average) at start", r.load, "", nil)
		}
	}
	if r := b.resp; r != nil {
		rows = append(rows, row{what: fmt.Sprintf("responses: %d over level IV incidents, %d approved at once", r.n, r.approved)})
		add(fmt.Sprintf("  floor: bare client, %d work groups + status", r.approved*len(v1alpha1.AllWorkGroupTypes)), secs(r.floor)+" (load at start "+r.floorLoad+")", "", nil)
		add(fmt.Sprintf("  operator: %d responses created → all awaiting approval", r.n), secs(r.toAwaiting), "", nil)
		if !r.approvedDone {
			add("  operator: work groups ready", fmt.Sprintf("%d of %d work groups, %d of %d responses", r.groupsReady, r.approved*5, r.respReady, r.approved), "", yes(false))
		} else {
			add("  approval → last work group Ready", secs(r.allGroupsReady), "", nil)
			add("  approval → last response WorkGroupsReady", secs(r.allRespReady), "", nil)
			for _, st := range r.stages {
				add("  stage: "+st.name, st.describe(), "(info)", nil)
			}
			add("  object size as served (JSON, mean of 50; managed fields)", r.sizes, "(info)", nil)
			add("  ratio to the floor on an empty cluster (WorkGroupsReady)", fmt.Sprintf("%.2fx", ratio(r.allRespReady, r.floor)), "(info)", nil)
			if r.floorAfter > 0 {
				add(fmt.Sprintf("  floor again at the end, in the same cluster (manager stopped): %d work groups + status", r.approved*len(v1alpha1.AllWorkGroupTypes)),
					secs(r.floorAfter)+" (load at start "+r.floorAfterLoad+"; CPU-s "+describeFloorCPU(r.floorAfterCPU)+")", "", nil)
				add("  ratio to that floor (WorkGroupsReady)", fmt.Sprintf("%.2fx", ratio(r.allRespReady, r.floorAfter)), fmt.Sprintf("≤ %.1fx", goalRatio), yes(ratio(r.allRespReady, r.floorAfter) <= goalRatio))
			} else {
				add("  ratio to the floor in the same cluster", "not measured", fmt.Sprintf("≤ %.1fx", goalRatio), yes(false))
			}
			if r.same > 0 {
				add(fmt.Sprintf("  a bare client making the operator's %d writes for each response, one after another (manager stopped)", r.sameWrites),
					secs(r.same)+" (load at start "+r.sameLoad+"; CPU-s "+describeFloorCPU(r.sameCPU)+")", "", nil)
				add("  ratio to it (WorkGroupsReady): what the operator's scheduling adds to its writes", fmt.Sprintf("%.2fx", ratio(r.allRespReady, r.same)), "(info)", nil)
			}
		}
		if r.approvedDone {
			per := func(n int) string { return fmt.Sprintf("%.1f", float64(n)/float64(r.approved)) }
			add("  writes per approved response (floor: 5 creates + 5 status)", fmt.Sprintf("%s WorkGroup, %s EmergencyResponse, %s SecurityIncident, %s Notification; %s events",
				per(r.approvalWrites[kindWorkGroup]), per(r.approvalWrites[kindResponse]), per(r.approvalWrites[kindIncident]),
				per(r.approvalWrites[kindNotification]), per(r.approvalEvents)), "", nil)
			for _, kind := range []string{kindResponse, kindIncident} {
				add("  "+kind+" writes, by what they changed", r.writesBy[kind], "(info)", nil)
			}
			if r.approvalAPI != nil {
				add("  API server writes per approved response (all clients, the approval included)", r.approvalAPI.describeWrites(r.approved), "", nil)
				add("  API server priority and fairness: mean wait by priority level", r.approvalAPI.describeWaits(), "", nil)
			}
		}
		if r.n > r.approved && r.restApproved > 0 {
			add(fmt.Sprintf("  the other %d approved → all WorkGroupsReady", r.n-r.approved), secs(r.restApproved), "(info)", nil)
		}
		if r.done {
			add("  settled (no change for 1 s) after", secs(r.settle), "", nil)
			add(fmt.Sprintf("  writes in %s idle", b.o.idle), describeChanges(r.idleWrites), "0", yes(sum(r.idleWrites) == 0))
			add("  manager reconcile errors (conflicts) in the phase", fmt.Sprint(r.errors), "", nil)
			incs := b.o.incidents
			if len(b.bursts) > 1 {
				incs += b.bursts[1].n
			}
			if b.steady != nil {
				incs += b.steady.n
			}
			add(fmt.Sprintf("  manager memory: %d incidents, %d responses, %d work groups, right after the run", incs, r.n, r.n*5), describeMem(r.mem), "(info)", nil)
			add(fmt.Sprintf("  manager memory at rest (%v after the run settled)", atRest), describeMem(r.rest), "", nil)
			for i, fm := range r.floorMem {
				add(fmt.Sprintf("  floor at rest: a bare process caching the same objects, %s", cacheFloors[i].what), describeMem(fm), "(info)", nil)
				if cacheFloors[i].name == "metadata" {
					add("  manager's VmRSS at rest to that floor's", fmt.Sprintf("%.2fx", float64(r.rest.rss)/float64(max(fm.rss, 1))), fmt.Sprintf("≤ %.1fx", goalRSSRatio), yes(float64(r.rest.rss) <= goalRSSRatio*float64(fm.rss)))
					add("  manager's VmRSS right after the run to that floor's", fmt.Sprintf("%.2fx", float64(r.mem.rss)/float64(max(fm.rss, 1))), "", nil)
					if r.rest.live() > 0 && fm.live() > 0 {
						add("  manager's live heap to that floor's (each just after a full collection)", fmt.Sprintf("%.2fx", float64(r.rest.live())/float64(fm.live())), "", nil)
					}
				}
			}
			add("  CPU seconds in the phase", describeCPU(r.cpu), "", nil)
			add("  CPU seconds in the floor (the same work by a bare client)", describeFloorCPU(r.floorCPU), "", nil)
			add("  machine load (1-min average), phase start → end", r.load, "", nil)
			add("  events in the namespace", fmt.Sprint(r.events), "", nil)
		}
	}
	return append(rows, b.linkRows()...)
}

func (b *bench) passed() bool {
	if b.o.floorParts > 0 {
		return len(b.parts) > 0
	}
	for _, r := range b.rows() {
		if r.verdict == "MISSED" {
			return false
		}
	}
	if b.o.link > 0 && !b.linkPassed() {
		return false
	}
	return b.o.linkOnly || len(b.bursts) > 0 && b.bursts[0].done
}

// writeOutput writes the results to a file as well, its directory made.
func writeOutput(path, results string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(results), 0o644)
}

func (b *bench) print(w io.Writer) {
	if b.o.floorParts > 0 {
		fmt.Fprintln(w)
		printParts(w, b.o.incidents, b.parts)
		return
	}
	extra := ""
	if b.o.managerArgs != "" {
		extra = " " + b.o.managerArgs
	}
	fmt.Fprintf(w, "\nincident-operator bench: manager %s%s, as %s; writers as %s; %d writers; %d CPUs (GOMAXPROCS of the bench %d)\n",
		b.source, extra, b.o.identity, b.o.writerIdentity, b.o.writers, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if b.baseRSS.rss > 0 {
		fmt.Fprintf(w, "manager at start (empty cluster): %s\n", describeMem(b.baseRSS))
	}
	rows := b.rows()
	width := 0
	mw := 0
	for _, r := range rows {
		if r.measured != "" {
			width = max(width, len([]rune(r.what)))
		}
		// The goals line up after the measures they judge; a longer
		// measure (a tally, an informational list) is not padded to.
		if r.verdict != "" {
			mw = max(mw, len([]rune(r.measured)))
		}
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		if r.measured == "" && r.goal == "" {
			fmt.Fprintln(w, r.what)
			continue
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%s  %s  %-12s %s", pad(r.what, width), pad(r.measured, mw), r.goal, r.verdict), " "))
	}
	fmt.Fprintln(w)
	for _, n := range b.notes {
		fmt.Fprintln(w, "note:", n)
	}
	if len(b.profiles) > 0 {
		fmt.Fprintln(w, "profiles (go tool pprof -top <file>):", strings.Join(b.profiles, " "))
	}
	verdict := "all goals met"
	if !b.passed() {
		verdict = "goals MISSED"
	}
	fmt.Fprintf(w, "bench wall time: %s; %s\n", time.Since(b.began).Round(time.Second), verdict)
}

func pad(s string, n int) string {
	if k := len([]rune(s)); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}
