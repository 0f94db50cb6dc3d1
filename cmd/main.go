// Command manager runs the incident-operator: against the cluster of
// --kubeconfig, $KUBECONFIG or the pod it runs in; with none of these, on a
// local control plane of its own.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // the plan's time zone must load in a distroless image

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/localcluster"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		metricsAddr, probeAddr, timeZone, localDir, calendar string
		leaderElect                                          bool
		reportGrace                                          time.Duration
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0", "Address of the HTTPS metrics endpoint, e.g. :8443; 0 turns it off.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address of the health and readiness probes.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Elect a leader, so that only one replica acts at a time.")
	flag.StringVar(&timeZone, "time-zone", "Asia/Shanghai", "The plan's local time zone: 'the same day' ends at its midnight.")
	flag.DurationVar(&reportGrace, "report-grace", time.Hour, "How long after discovery a report still counts as immediate (§4.1).")
	flag.StringVar(&calendar, "holiday-calendar", "default", "Name of the HolidayCalendar that report deadlines count working days in.")
	flag.StringVar(&localDir, "local-dir", "bin/local", "With no cluster given: where the local control plane's kubeconfig is written.")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("setup")

	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		return fmt.Errorf("--time-zone %q: %w", timeZone, err)
	}
	if reportGrace <= 0 {
		return errors.New("--report-grace must be positive")
	}

	ctx := ctrl.SetupSignalHandler()
	cfg, stop, err := clusterConfig(localDir)
	if err != nil {
		return err
	}
	defer stop()

	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                controllers.MetricsServerOptions(metricsAddr),
		HealthProbeBindAddress: probeAddr,
		LeaderElection:         leaderElect,
		LeaderElectionID:       "incident-operator.emergency.netsec.io",
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	if err := controllers.Setup(ctx, mgr, controllers.Config{
		Clock:           clock.RealClock{},
		Plan:            controllers.PlanConfig{TimeZone: loc, ReportGrace: reportGrace},
		HolidayCalendar: calendar,
	}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	log.Info("starting the operator", "timeZone", loc.String(), "reportGrace", reportGrace)
	return mgr.Start(ctx)
}

// clusterConfig connects to the cluster given, or starts a local one.
func clusterConfig(localDir string) (*rest.Config, func(), error) {
	given := os.Getenv("KUBECONFIG") != "" || os.Getenv("KUBERNETES_SERVICE_HOST") != ""
	if f := flag.Lookup("kubeconfig"); f != nil && f.Value.String() != "" {
		given = true
	}
	if given {
		cfg, err := ctrl.GetConfig()
		return cfg, func() {}, err
	}
	local, err := localcluster.Start(localcluster.Options{
		CRDDir:         "config/crd/bases",
		ManifestDirs:   []string{"config/admission"},
		RoleFiles:      []string{"config/rbac/approval_roles.yaml"},
		KubeconfigPath: localDir + "/kubeconfig",
	})
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf(`
No cluster was given, so the operator runs on a local control plane with its CRDs installed.
Use it from another shell:

    export KUBECONFIG=%s
    export PATH=%s:$PATH
    kubectl apply -k config/samples/

Users who may approve (config/rbac/approval_roles.yaml), each with a kubeconfig:
    approver (levels III, IV), ministry (directives, I, II), drill-pipeline (drills), duty-officer
    kubectl --kubeconfig %s/kubeconfig-approver annotate ...

`, abs(local.KubeconfigPath), os.Getenv("KUBEBUILDER_ASSETS"), abs(localDir))
	return local.Config, func() {
		if err := local.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the local control plane:", err)
		}
	}, nil
}

func abs(p string) string {
	if wd, err := os.Getwd(); err == nil && len(p) > 0 && p[0] != '/' {
		return wd + "/" + p
	}
	return p
}
