// Package manager holds the operator's flags and runs its controller
// manager. Both commands call it: the manager binary (cmd), which runs
// against a given cluster, and the local command (cmd/local), which first
// starts a control plane of its own.
package manager

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	kruntime "k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// FieldManager is the name the operator's writes carry in managedFields.
const FieldManager = "incident-operator"

// LeaderElectionID names the Lease the replicas elect a leader on.
const LeaderElectionID = "incident-operator.emergency.netsec.io"

// Options are the operator's flags.
type Options struct {
	MetricsAddr             string
	ProbeAddr               string
	LeaderElect             bool
	LeaderElectionNamespace string
	// LeaseDuration, RenewDeadline and RetryPeriod time the leader
	// election: a standby tries the lease every RetryPeriod (with up to
	// 1.2x jitter on top), which bounds how late it sees a lease released on
	// SIGTERM; the leader renews it as often.
	LeaseDuration   time.Duration
	RenewDeadline   time.Duration
	RetryPeriod     time.Duration
	TimeZone        string
	ReportGrace     time.Duration
	HolidayCalendar string
	// OfficeNamespace is the emergency office's namespace, whose channels
	// serve the reports of every namespace.
	OfficeNamespace string
	// ReportGroupInterval and ReportGroupMax group the reports of a storm
	// (controllers.ReportGrouping).
	ReportGroupInterval time.Duration
	ReportGroupMax      int
	ReportGroupAlone    int
	// StormRate and StormReportHold say when incidents arrive as a storm,
	// and how long their reports wait for it to calm
	// (controllers.StormConfig).
	StormRate       int
	StormReportHold time.Duration
	// QPS and Burst bound the operator's requests to the API server.
	QPS   float64
	Burst int
	// Workers is how many objects of each kind are reconciled at once (one
	// object is never reconciled twice at the same time).
	Workers   int
	PprofAddr string
	// MemoryLimit is the container's memory limit (a quantity, empty for
	// none): three quarters of it become the Go runtime's soft limit.
	MemoryLimit string
	// ReturnMemoryAfter is how long the passes must have stopped before the
	// heap a busy spell left free is returned to the system; 0 never.
	ReturnMemoryAfter time.Duration
	// GCPercent is the Go runtime's GOGC, unless GOGC is set.
	GCPercent int
	Zap       zap.Options
}

// BindFlags registers the operator's flags on fs.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.MetricsAddr, "metrics-bind-address", "0", "Address of the HTTPS metrics endpoint, e.g. :8443; 0 turns it off.")
	fs.StringVar(&o.ProbeAddr, "health-probe-bind-address", ":8081", "Address of the health and readiness probes.")
	fs.BoolVar(&o.LeaderElect, "leader-elect", false, "Elect a leader, so that only one replica acts at a time.")
	fs.StringVar(&o.LeaderElectionNamespace, "leader-election-namespace", "",
		"Namespace of the leader election Lease; needed with --leader-elect when not running in a pod.")
	fs.DurationVar(&o.LeaseDuration, "leader-election-lease-duration", 15*time.Second,
		"How long a standby waits for a lease that is not renewed (a crashed leader's) before taking it.")
	fs.DurationVar(&o.RenewDeadline, "leader-election-renew-deadline", 10*time.Second,
		"How long the leader keeps trying to renew its lease before it stops acting.")
	fs.DurationVar(&o.RetryPeriod, "leader-election-retry-period", 400*time.Millisecond,
		"How often the leader renews the lease and a standby tries to take it: a lease released on SIGTERM is taken within 2.2 times this (client-go's jitter); the leader writes the Lease once per period.")
	fs.StringVar(&o.TimeZone, "time-zone", "Asia/Shanghai", "The plan's local time zone: 'the same day' ends at its midnight.")
	fs.DurationVar(&o.ReportGrace, "report-grace", time.Hour, "How long after discovery a report still counts as immediate (§4.1).")
	fs.StringVar(&o.HolidayCalendar, "holiday-calendar", "default", "Name of the HolidayCalendar that report deadlines count working days in.")
	fs.StringVar(&o.OfficeNamespace, "office-namespace", "",
		"The emergency office's namespace: its NotificationChannels reach their audiences for the reports of every namespace (an incident a unit files in its own namespace reaches the office's channel). Empty: each namespace's reports go through its own channels only.")
	fs.DurationVar(&o.ReportGroupInterval, "report-group-interval", controllers.DefaultReportGrouping.Interval,
		"In a storm, reports of the same kind to the same channel falling due within this time of its last message wait for its end and go as one message listing each (a report on a quiet day goes at once). 0 sends every report alone.")
	fs.IntVar(&o.ReportGroupMax, "report-group-max", controllers.DefaultReportGrouping.Max, "The most reports one grouped message lists; a full message goes at once.")
	fs.IntVar(&o.ReportGroupAlone, "report-group-alone", controllers.DefaultReportGrouping.Alone,
		"How many reports of a kind a channel gets alone, at once, in an interval before the rest wait to be grouped.")
	fs.IntVar(&o.StormRate, "storm-rate", controllers.DefaultStorm.Rate,
		"Incidents a second (over the last two seconds) that make a storm: while one lasts, the incidents' reports to the office wait, so that every level is written first.")
	fs.DurationVar(&o.StormReportHold, "storm-report-hold", controllers.DefaultStorm.Hold,
		"The most an incident's report waits for a storm to calm; 0 writes every report at once, storm or not.")
	fs.Float64Var(&o.QPS, "kube-api-qps", -1, "Requests per second the operator may make to the API server; 0 or less turns the client-side limit off and leaves it to the API server's priority and fairness.")
	fs.IntVar(&o.Burst, "kube-api-burst", 400, "Requests the operator may make at once above --kube-api-qps, when it is on.")
	fs.IntVar(&o.Workers, "workers", 16, "Objects of each kind reconciled at once; one object is never reconciled twice at the same time.")
	fs.StringVar(&o.PprofAddr, "pprof-bind-address", "0", "Address of the Go profiler (net/http/pprof), e.g. 127.0.0.1:6060; 0 turns it off.")
	fs.StringVar(&o.MemoryLimit, "memory-limit", os.Getenv(MemoryLimitEnv),
		"The container's memory limit, e.g. 128Mi (default $"+MemoryLimitEnv+", which the Deployment sets from limits.memory): "+
			"the Go runtime collects garbage harder as its memory nears three quarters of it. Empty, 0 or off: no limit. GOMEMLIMIT, when set, is the soft limit instead.")
	fs.DurationVar(&o.ReturnMemoryAfter, "return-memory-after", DefaultReturnMemoryAfter,
		"Once no pass has run for this long after a busy spell (a storm, its reports: 64 MiB allocated or more), the heap it left free is returned to the system; "+
			"the Go runtime would otherwise keep about twice the live heap for as long as the operator stays idle. 0: never.")
	fs.IntVar(&o.GCPercent, "gc-percent", DefaultGCPercent,
		"The Go runtime collects garbage once its heap has grown by this percentage of what the last collection left live (GOGC, which wins when set). "+
			"Below the runtime's 100, what a storm caches is kept in fewer spans of memory once it is over, for more CPU while it lasts.")
	o.Zap.BindFlags(fs)
}

// Validate checks the flags before anything is started.
func (o *Options) Validate() error {
	if _, err := time.LoadLocation(o.TimeZone); err != nil {
		return fmt.Errorf("--time-zone %q: %w", o.TimeZone, err)
	}
	if o.ReportGrace <= 0 {
		return errors.New("--report-grace must be positive")
	}
	if o.ReportGroupInterval < 0 || o.ReportGroupMax < 1 || o.ReportGroupAlone < 1 {
		return errors.New("--report-group-interval must not be negative, --report-group-max and --report-group-alone must be positive")
	}
	if o.StormRate < 1 || o.StormReportHold < 0 {
		return errors.New("--storm-rate must be positive and --storm-report-hold must not be negative")
	}
	if o.Burst <= 0 || o.Workers <= 0 {
		return errors.New("--kube-api-burst and --workers must be positive")
	}
	if _, err := memoryLimit(o.MemoryLimit); err != nil {
		return err
	}
	if o.ReturnMemoryAfter < 0 {
		return errors.New("--return-memory-after must not be negative")
	}
	if o.GCPercent <= 0 {
		return errors.New("--gc-percent must be positive (GOGC=off turns the collector off, with GOMEMLIMIT or --memory-limit)")
	}
	// client-go's own checks, named by flag: the leader must give up before
	// a standby may take a lease it did not renew, and retry within that.
	if o.RetryPeriod <= 0 || o.RenewDeadline <= time.Duration(1.2*float64(o.RetryPeriod)) || o.LeaseDuration <= o.RenewDeadline {
		return fmt.Errorf("leader election needs --leader-election-lease-duration (%v) > --leader-election-renew-deadline (%v) > 1.2 x --leader-election-retry-period (%v) > 0",
			o.LeaseDuration, o.RenewDeadline, o.RetryPeriod)
	}
	return nil
}

// Connect returns the connection to the cluster the operator acts on, and a
// function that releases whatever was started for it.
type Connect func(ctx context.Context) (cfg *rest.Config, stop func(), err error)

// GivenCluster connects to the cluster of --kubeconfig, $KUBECONFIG, the pod
// the operator runs in, or ~/.kube/config.
func GivenCluster(context.Context) (*rest.Config, func(), error) {
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, nil, fmt.Errorf("no cluster to run on (--kubeconfig, $KUBECONFIG, a pod's service account or ~/.kube/config): %w", err)
	}
	return cfg, func() {}, nil
}

// Main parses the command line flags registered so far together with the
// operator's, connects, and runs the operator until SIGINT or SIGTERM.
// defaults change the defaults of the operator's flags (cmd/local's office
// namespace) before the command line is read.
func Main(connect Connect, defaults ...func(*flag.FlagSet)) {
	var o Options
	o.BindFlags(flag.CommandLine)
	for _, d := range defaults {
		d(flag.CommandLine)
	}
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&o.Zap)))
	if err := run(o, connect); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(o Options, connect Connect) error {
	if err := o.Validate(); err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	cfg, stop, err := connect(ctx)
	if err != nil {
		return err
	}
	defer stop()
	return Run(ctx, cfg, o)
}

// Run runs the operator against cfg until ctx is done.
func Run(ctx context.Context, cfg *rest.Config, o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	loc, _ := time.LoadLocation(o.TimeZone) // checked by Validate
	log := ctrl.Log.WithName("setup")
	limit, _ := memoryLimit(o.MemoryLimit) // checked by Validate
	softLimit := applyMemoryLimit(limit)
	gcPercent := applyGCPercent(o.GCPercent)

	// Writes that are not server-side applies are recorded in managedFields
	// under the user agent's first word.
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = UserAgent()
	cfg.QPS, cfg.Burst = float32(o.QPS), o.Burst
	if o.QPS <= 0 {
		cfg.QPS = -1 // no client-side limit (client-go's convention)
	}

	scheme := kruntime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       MetricsServerOptions(o.MetricsAddr),
		HealthProbeBindAddress:        o.ProbeAddr,
		LeaderElection:                o.LeaderElect,
		LeaderElectionID:              LeaderElectionID,
		LeaderElectionNamespace:       o.LeaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
		LeaseDuration:                 &o.LeaseDuration,
		RenewDeadline:                 &o.RenewDeadline,
		RetryPeriod:                   &o.RetryPeriod,
		PprofBindAddress:              o.PprofAddr,
		Cache:                         controllers.CacheOptions(),
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	freed := &heapReturn{log: ctrl.Log.WithName("memory")}
	quiet := reconcile.NewQuiet(o.ReturnMemoryAfter, func() { freed.run() })
	// Events are written without client-go's broadcaster, which keeps a
	// copy of each for minutes (see eventWriter).
	events, err := newEventWriter(mgr, mgr.GetClient(), FieldManager)
	if err != nil {
		return err
	}
	if err := controllers.Setup(ctx, withEventWriter{Manager: mgr, w: events}, controllers.Config{
		Clock:           clock.RealClock{},
		Plan:            controllers.PlanConfig{TimeZone: loc, ReportGrace: o.ReportGrace},
		HolidayCalendar: o.HolidayCalendar,
		Controller:      controller.Options{MaxConcurrentReconciles: o.Workers},
		OfficeNamespace: o.OfficeNamespace,
		ReportGrouping:  controllers.ReportGrouping{Interval: o.ReportGroupInterval, Max: o.ReportGroupMax, Alone: o.ReportGroupAlone},
		Storm:           controllers.StormConfig{Rate: o.StormRate, Hold: o.StormReportHold},
		Quiet:           quiet,
	}); err != nil {
		return err
	}
	// A standby runs no pass, but fills its caches as the leader does.
	if err := mgr.Add(afterSync{cache: mgr.GetCache(), quiet: quiet}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	log.Info("starting the operator", "timeZone", loc.String(), "reportGrace", o.ReportGrace, "softMemoryLimitBytes", softLimit, "gcPercent", gcPercent)
	return mgr.Start(ctx)
}

// UserAgent is "incident-operator/<version> (<os>/<arch>)": the API server
// takes its first word as the field manager of updates and patches.
func UserAgent() string {
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && !strings.ContainsAny(bi.Main.Version, "() ") {
		version = bi.Main.Version
	}
	return fmt.Sprintf("%s/%s (%s/%s)", FieldManager, version, runtime.GOOS, runtime.GOARCH)
}
