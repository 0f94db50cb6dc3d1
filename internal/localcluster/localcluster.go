// Package localcluster starts a throwaway control plane (etcd,
// kube-apiserver and kube-controller-manager, built by
// hack/envtest-binaries.sh) for running the operator
// on a machine without a cluster, installs the operator's CRDs, and writes an
// administrator's kubeconfig for kubectl.
package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Options says where the pieces are.
type Options struct {
	// CRDDir holds the CRD manifests to install.
	CRDDir string
	// ManifestDirs hold manifests applied after the CRDs: the admission
	// policies.
	ManifestDirs []string
	// RoleFiles hold the approval roles that DemoUsers are bound to.
	RoleFiles []string
	// KubeconfigPath is where the administrator's kubeconfig is written.
	KubeconfigPath string
}

// OfficeNamespace is the emergency office's namespace on a local cluster:
// the samples put the office's records and channels there, and `make run`
// passes it as --office-namespace, so that the reports of any namespace
// reach the channels there.
const OfficeNamespace = "default"

// DemoUsers are the people a local cluster comes with, each bound to the
// shipped approval roles (config/rbac/approval_roles.yaml), so that approvals
// can be tried by someone other than the administrator who created a response.
var DemoUsers = map[string][]string{
	"approver":             {"emergency-office", "emergency-leading-group"},
	"ministry":             {"emergency-office", "emergency-ministry-office"},
	"ministry-leader":      {"emergency-ministry-leading-group"},
	"drill-pipeline":       {"emergency-drill-approver"},
	"duty-officer":         {"emergency-office"},
	"recipient":            {"emergency-report-recipient"},
	"press-officer":        {"emergency-release-approver"},
	"emergency-management": {emergencyManagementRole},
	// A unit's person holds no cluster-wide role: the office binds
	// emergency-reporting-unit in the unit's namespace once it is registered
	// (docs/units.md does it for unit-telecom).
	"telecom-reporter": nil,
}

// emergencyManagementRole is the copy of a role that speaks for the
// provincial emergency management department, as the comment of
// config/rbac/approval_roles.yaml says to bind one: consent on
// audiences/emergencymanagement, and the pen to write it on a channel. The
// local cluster makes it for its demo user; no role shipped has it.
const emergencyManagementRole = "emergency-management-consent"

func emergencyManagement() *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: emergencyManagementRole},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"emergency.netsec.io"}, Resources: []string{"notificationchannels"}, Verbs: []string{"get", "list", "watch", "patch"}},
			{APIGroups: []string{"emergency.netsec.io"}, Resources: []string{"audiences"}, ResourceNames: []string{"emergencymanagement"}, Verbs: []string{"consent"}},
			{APIGroups: []string{"emergency.netsec.io"}, Resources: []string{"records"}, ResourceNames: []string{"real"}, Verbs: []string{"write"}},
		},
	}
}

// Cluster is a running local control plane.
type Cluster struct {
	env *envtest.Environment
	kcm *ControllerManager
	// Config is the operator's connection, as a cluster administrator.
	Config *rest.Config
	// KubeconfigPath is the kubeconfig written for kubectl.
	KubeconfigPath string
}

// Start starts the control plane from the binaries in $KUBEBUILDER_ASSETS.
func Start(opts Options) (*Cluster, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, fmt.Errorf("no cluster given and KUBEBUILDER_ASSETS is not set: run `make run`, which builds the local control plane, or pass --kubeconfig")
	}
	if err := os.MkdirAll(filepath.Dir(opts.KubeconfigPath), 0o700); err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{opts.CRDDir},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the local control plane: %w", err)
	}
	c := &Cluster{env: env, Config: cfg, KubeconfigPath: opts.KubeconfigPath}
	// The CRDs are in: the garbage collector watches them from its start.
	if c.kcm, err = StartControllerManager(env, filepath.Dir(opts.KubeconfigPath)); err != nil {
		return nil, c.stopWith(err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, c.stopWith(err)
	}
	cl, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, c.stopWith(err)
	}
	if err := ApplyManifests(context.Background(), cl, opts.ManifestDirs...); err != nil {
		return nil, c.stopWith(err)
	}
	if err := WaitForSchemas(context.Background(), cfg, cl, time.Minute); err != nil {
		return nil, c.stopWith(err)
	}
	for _, f := range opts.RoleFiles {
		if err := ApplyFile(context.Background(), cl, f); err != nil {
			return nil, c.stopWith(err)
		}
	}
	if len(opts.RoleFiles) > 0 {
		if err := cl.Create(context.Background(), emergencyManagement()); err != nil {
			return nil, c.stopWith(fmt.Errorf("creating role %s: %w", emergencyManagementRole, err))
		}
		for name, roles := range DemoUsers {
			if _, err := c.AddUser(name); err != nil {
				return nil, c.stopWith(fmt.Errorf("adding user %s: %w", name, err))
			}
			for _, role := range roles {
				if err := bind(context.Background(), cl, name, role); err != nil {
					return nil, c.stopWith(err)
				}
			}
		}
	}
	admin, err := env.AddUser(envtest.User{Name: "local-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, c.stopWith(fmt.Errorf("creating the local administrator: %w", err))
	}
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		return nil, c.stopWith(fmt.Errorf("writing the local kubeconfig: %w", err))
	}
	if err := os.MkdirAll(filepath.Dir(opts.KubeconfigPath), 0o700); err != nil {
		return nil, c.stopWith(err)
	}
	if err := os.WriteFile(opts.KubeconfigPath, kubeconfig, 0o600); err != nil {
		return nil, c.stopWith(fmt.Errorf("writing the local kubeconfig: %w", err))
	}
	return c, nil
}

// AddUser returns a kubeconfig path for another user of the local cluster,
// for trying out who may do what.
func (c *Cluster) AddUser(name string, groups ...string) (string, error) {
	u, err := c.env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return "", err
	}
	data, err := u.KubeConfig()
	if err != nil {
		return "", err
	}
	path := filepath.Join(filepath.Dir(c.KubeconfigPath), "kubeconfig-"+name)
	return path, os.WriteFile(path, data, 0o600)
}

func bind(ctx context.Context, c client.Client, user, role string) error {
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role + ":" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if err := c.Create(ctx, crb); err != nil {
		return fmt.Errorf("binding %s to %s: %w", user, role, err)
	}
	return nil
}

// Stop stops the control plane, kube-controller-manager before the API
// server, and removes its data.
func (c *Cluster) Stop() error { return errors.Join(c.kcm.Stop(), c.env.Stop()) }

func (c *Cluster) stopWith(err error) error {
	_ = c.Stop()
	return err
}
