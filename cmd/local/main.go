// Command local runs the incident-operator on a local control plane of its
// own (etcd, kube-apiserver and kube-controller-manager from
// $KUBEBUILDER_ASSETS, as `make envtest`
// builds them), with the CRDs, admission policies and approval roles
// installed and a kubeconfig for each demo user. Given a cluster
// (--kubeconfig, $KUBECONFIG or a pod), it runs on that one instead, as the
// manager binary does. `make run` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata"

	"k8s.io/client-go/rest"

	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/manager"
)

func main() {
	localDir := flag.String("local-dir", "bin/local", "With no cluster given: where the local control plane's kubeconfigs are written.")
	manager.Main(func(ctx context.Context) (*rest.Config, func(), error) {
		if clusterGiven() {
			return manager.GivenCluster(ctx)
		}
		return startLocal(*localDir)
	}, officeNamespace)
}

// officeNamespace makes the local cluster's office namespace, where the
// samples put the office's channels, the default of --office-namespace.
func officeNamespace(fs *flag.FlagSet) {
	f := fs.Lookup("office-namespace")
	f.DefValue = localcluster.OfficeNamespace
	if err := f.Value.Set(localcluster.OfficeNamespace); err != nil {
		panic(err)
	}
}

// clusterGiven tells whether --kubeconfig, $KUBECONFIG or a pod's service
// account names a cluster.
func clusterGiven() bool {
	if os.Getenv("KUBECONFIG") != "" || os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		return true
	}
	f := flag.Lookup("kubeconfig")
	return f != nil && f.Value.String() != ""
}

// startLocal starts the local control plane and says how to reach it.
func startLocal(localDir string) (*rest.Config, func(), error) {
	localDir, err := filepath.Abs(localDir)
	if err != nil {
		return nil, nil, err
	}
	local, err := localcluster.Start(localcluster.Options{
		CRDDir:         "config/crd/bases",
		ManifestDirs:   []string{"config/admission"},
		RoleFiles:      []string{"config/rbac/approval_roles.yaml"},
		KubeconfigPath: filepath.Join(localDir, "kubeconfig"),
	})
	if err != nil {
		return nil, nil, err
	}
	users := localcluster.DemoUserNames()
	if err := localcluster.WriteContexts(local.KubeconfigPath, users); err != nil {
		return nil, nil, errors.Join(err, local.Stop())
	}
	assets, _ := filepath.Abs(os.Getenv("KUBEBUILDER_ASSETS"))
	bin, _ := filepath.Abs("bin")
	samples, _ := filepath.Abs("config/samples")
	fmt.Printf(`
No cluster was given, so the operator runs on a local control plane with its CRDs installed.
Use it from another shell (these lines work from any directory):

    export KUBECONFIG=%s
    export PATH=%s:%s:$PATH
    export SAMPLES=%s
    kubectl apply -k $SAMPLES

The kubeconfig has a context for each user (config/rbac/approval_roles.yaml):
    %s (current): a cluster administrator
    approver: the provincial leading group, levels III and IV
    ministry: the ministry's emergency office: starts level II, ends I and II, directs red and orange warnings
    ministry-leader: the ministry's leading group: starts level I
    drill-pipeline: drills only
    duty-officer: the emergency office
    recipient: who receives the reports, confirms their receipt
    press-officer: the office's consent to releases and to the public's channels
    emergency-management: speaks for the emergency management department
    telecom-reporter: a reporting unit's person, once bound in its namespace (docs/units.md)
e.g. kubectl incident --context approver approve response NAME

To see the reports arrive, start a loopback receiver in a third shell, after the export lines:

    incident-receiver

`, local.KubeconfigPath, assets, bin, samples, localcluster.AdminContext)
	return local.Config, func() {
		if err := local.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the local control plane:", err)
		}
	}, nil
}
